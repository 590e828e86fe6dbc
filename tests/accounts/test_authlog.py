"""The authentication log: a row for each event, kept 6 months (the purge deletes only older rows),
read-only in the admin for platform admins and for nobody else."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from boards.accounts import authlog
from boards.accounts.models import AuthEvent, AuthEventKind
from boards.accounts.tasks import purge_auth_log
from tests.support import address
from tests.support.accounts import PASSWORD, at, code, enrolled, logged_in, member

pytestmark = pytest.mark.django_db


def test_login_failure_lockout_and_logout_rows(board, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = member("log-user", board, "enterprise_user")
    where = address()
    client = Client(REMOTE_ADDR=where, HTTP_USER_AGENT="Test-Browser/1.0")
    client.post("/accounts/login/", {"username": "log-user", "password": "wrong"})
    client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "log-user", "password": PASSWORD}).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "log-user", "password": "wrong"})
    rows = list(AuthEvent.objects.filter(ip_address=where).order_by("id").values_list("kind", "username"))
    assert rows[:4] == [(AuthEventKind.LOGIN_FAILED, "log-user"), (AuthEventKind.LOGIN_FAILED, "nobody-here"),
                        (AuthEventKind.LOGIN, "log-user"), (AuthEventKind.LOGOUT, "log-user")]
    assert (AuthEventKind.LOCKED_OUT, "log-user") in rows
    login = AuthEvent.objects.get(ip_address=where, kind=AuthEventKind.LOGIN)
    assert login.user == user and login.user_agent == "Test-Browser/1.0"
    assert "wrong" not in str(list(AuthEvent.objects.values_list("detail", flat=True)))


def test_a_caller_address_that_is_no_address_is_logged_without_it():
    from django.test import RequestFactory

    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    event = authlog.record(AuthEventKind.LOGIN_FAILED, request, username="ghost")
    assert event.ip_address is None and event.username == "ghost"


def test_second_factor_rows(board):
    staff = member("log-staff", board, "exchange_staff", is_staff=True)
    device = enrolled(staff)
    client = logged_in(staff)
    with at(0):
        client.post("/accounts/2fa/", {"token": "99999x"})
    with at(2):  # after django-otp's throttle delay
        client.post("/accounts/2fa/", {"token": code(device)})
    kinds = list(AuthEvent.objects.filter(user=staff).order_by("id").values_list("kind", flat=True))
    assert kinds == [AuthEventKind.LOGIN, AuthEventKind.OTP_FAILED, AuthEventKind.OTP_VERIFIED]


def test_purge_keeps_six_months():
    now = timezone.now()
    ages = {"kept-1d": 1, "kept-182d": 182, "kept-183d": 183 - 0.01, "gone-184d": 184, "gone-400d": 400}
    for name, days in ages.items():
        event = authlog.record(AuthEventKind.LOGIN_FAILED, username=name)
        AuthEvent.objects.filter(pk=event.pk).update(created_at=now - datetime.timedelta(days=days))
    assert settings.AUTH_LOG_RETENTION_DAYS == 183
    assert purge_auth_log.apply().get() == 2
    kept = sorted(AuthEvent.objects.values_list("username", flat=True))
    assert kept == ["kept-182d", "kept-183d", "kept-1d"]
    assert settings.PERIODIC_TASKS["accounts.purge_auth_log"]["task"] == purge_auth_log.name


def test_retention_cannot_be_set_below_six_months(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_int

    monkeypatch.setenv("AUTH_LOG_RETENTION_DAYS", "30")
    with pytest.raises(ImproperlyConfigured):
        env_int("AUTH_LOG_RETENTION_DAYS", 183, minimum=183)


@pytest.fixture
def events():
    for n in range(30):
        authlog.record(AuthEventKind.LOGIN_FAILED, username=f"sprayed-{n}", detail="")
    return AuthEvent.objects.count()


def test_platform_admins_search_and_filter_the_log_read_only(board, events, django_assert_max_num_queries,
                                                             enforced):
    enforced.ZHUANBAN_DEMO_SKIP_2FA = True
    admin_user = member("log-admin", board, "platform_admin", is_staff=True)
    client = Client()
    client.force_login(admin_user)
    with django_assert_max_num_queries(14):
        page = client.get("/admin/accounts/authevent/?q=sprayed-1&kind__exact=login_failed")
    assert page.status_code == 200
    assert "sprayed-1" in page.content.decode() and "sprayed-2<" not in page.content.decode()
    row = AuthEvent.objects.filter(username="sprayed-1").first()
    assert client.get(f"/admin/accounts/authevent/{row.pk}/change/").status_code == 200
    assert client.post(f"/admin/accounts/authevent/{row.pk}/change/", {"username": "x"}).status_code == 403
    assert client.get("/admin/accounts/authevent/add/").status_code == 403
    assert client.post(f"/admin/accounts/authevent/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/accounts/authevent/?q=%00").status_code == 400  # the NUL guard, in Chinese
    assert AuthEvent.objects.filter(username="sprayed-1").exists()


def test_board_staff_and_others_see_no_log(board, staff_user, other_staff_user, events, enforced):
    enforced.ZHUANBAN_DEMO_SKIP_2FA = True
    for user in (staff_user, other_staff_user, member("log-bureau", board, "local_bureau", is_staff=True)):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/accounts/authevent/").status_code == 403
        assert "认证日志" not in client.get("/admin/").content.decode()
    assert Client().get("/admin/accounts/authevent/").status_code == 302
