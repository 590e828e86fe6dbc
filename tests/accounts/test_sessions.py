"""Sessions end after SESSION_IDLE_TIMEOUT without a request (default 30 minutes) and
SESSION_ABSOLUTE_LIFETIME after the login (default 12 hours), whatever the activity."""

import datetime

import pytest
import time_machine
from django.conf import settings

from boards.accounts.models import AuthEvent, AuthEventKind
from tests.support.accounts import logged_in, member

pytestmark = pytest.mark.django_db
PAGE = "/accounts/password_change/"  # any page that needs a login


@pytest.fixture
def defaults(enforced):
    enforced.SESSION_IDLE_TIMEOUT = 30 * 60
    enforced.SESSION_ABSOLUTE_LIFETIME = 12 * 3600
    return enforced


def test_defaults():
    from config import settings as configured  # the module, not the test's overrides

    assert (configured.SESSION_IDLE_TIMEOUT, configured.SESSION_ABSOLUTE_LIFETIME) == (1800, 43200)
    assert configured.SESSION_COOKIE_AGE == 43200


def test_idle_for_more_than_30_minutes_logs_out(board, defaults):
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        user = member("idle-user", board, "enterprise_user")
        client = logged_in(user)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200  # activity: the idle clock starts again
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    event = AuthEvent.objects.get(user=user, kind=AuthEventKind.SESSION_EXPIRED)
    assert event.detail == "超过 30 分钟无操作"


def test_an_active_session_ends_12_hours_after_login(board, defaults):
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        user = member("busy-user", board, "enterprise_user")
        client = logged_in(user)
        for _ in range(35):  # a request every 20 minutes: never idle
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=20, seconds=1))  # 12 h 0 min 1 s
        response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)
    assert "12 小时" in AuthEvent.objects.get(user=user, kind=AuthEventKind.SESSION_EXPIRED).detail


def test_the_timeouts_are_settings(board, defaults):
    defaults.SESSION_IDLE_TIMEOUT = 5 * 60
    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = logged_in(member("short-user", board, "enterprise_user"))
        clock.shift(datetime.timedelta(minutes=6))
        assert client.get(PAGE).status_code == 302


def test_an_expired_privileged_session_also_loses_its_second_factor(board, defaults):
    from tests.support.accounts import code, enrolled

    start = datetime.datetime.now(datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        staff = member("staff-exp", board, "exchange_staff", is_staff=True)
        device = enrolled(staff)
        client = logged_in(staff)
        assert client.post("/accounts/2fa/", {"token": code(device), "next": "/admin/"}).status_code == 302
        assert client.get("/admin/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
