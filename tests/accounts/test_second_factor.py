"""The second factor for privileged accounts: enrolment on first login, the code at every login,
recovery codes used once, the admin and the API closed until it is passed, and the reset."""

import os
import subprocess
import sys

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from boards.accounts import secondfactor
from boards.accounts.models import AuthEvent, AuthEventKind
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory
from tests.support.accounts import at, code, enrolled, logged_in, member

pytestmark = pytest.mark.django_db


def kinds(user):
    return list(AuthEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


@pytest.mark.parametrize("role", ["exchange_staff", "local_bureau", "expert", "regulator", "platform_admin"])
def test_a_privileged_role_is_sent_to_enrolment_everywhere(board, role):
    user = member(f"p-{role}", board, role)
    client = logged_in(user)
    for path in ("/admin/", "/admin/boards/boardmembership/", f"/{board.slug}/filings/", "/portal/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/setup/?next="), path
    api = client.get(f"/api/v1/{board.slug}/enterprises/")
    assert api.status_code == 403 and "双因素认证" in api.json()["detail"]


def test_the_admin_refuses_a_password_only_session_of_an_enrolled_account(board, staff_user):
    enrolled(staff_user)
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    client = logged_in(staff_user)
    response = client.get("/admin/boards/boardmembership/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/?next=")
    assert client.post("/admin/boards/boardmembership/", {}).status_code == 302


def test_enterprises_and_institutions_are_not_forced(board):
    for role in ("enterprise_user", "institution_user", "credit_enhancer"):
        client = logged_in(member(f"n-{role}", board, role))
        assert client.get("/").status_code == 200


def test_enrolment_shows_qr_and_secret_then_a_real_code_confirms_it(board, staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    client = logged_in(staff_user)
    with at(0):
        page = client.get("/accounts/2fa/setup/?next=/admin/")
        device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
        html = page.content.decode()
        assert page.status_code == 200 and "<svg" in html and "<?xml" not in html
        assert secondfactor.secret_base32(device) in html
        # Reloading keeps the same secret (a scan made a moment ago still matches).
        assert secondfactor.secret_base32(device) in client.get("/accounts/2fa/setup/").content.decode()
        bad = "000000" if code(device) != "000000" else "111111"
        wrong = client.post("/accounts/2fa/setup/", {"token": bad, "next": "/admin/"})
    assert wrong.status_code == 400 and "动态码不正确" in wrong.content.decode()
    assert 'value="' in wrong.content.decode()  # the input is kept
    with at(1):
        done = client.post("/accounts/2fa/setup/", {"token": code(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"].startswith("/accounts/2fa/recovery/")
    codes = client.get(done["Location"]).context["codes"]
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=staff_user).count()
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert kinds(staff_user) == [AuthEventKind.LOGIN, AuthEventKind.OTP_FAILED, AuthEventKind.OTP_ENROLLED]


def test_every_login_asks_for_the_code(board, staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    device = enrolled(staff_user)
    client = logged_in(staff_user)
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/2fa/?next=%2Fadmin%2F"
    with at(0):
        wrong = client.post("/accounts/2fa/", {"token": "12345", "next": "/admin/"})
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    with at(2):  # past django-otp's throttle delay after one failure
        ok = client.post("/accounts/2fa/", {"token": code(device), "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # A code is good once: the same time step is refused on another login.
    other = logged_in(staff_user)
    with at(2, 10):
        replay = other.post("/accounts/2fa/", {"token": code(device), "next": "/admin/"})
    assert replay.status_code == 400
    assert kinds(staff_user)[-1] == AuthEventKind.OTP_FAILED
    assert AuthEventKind.OTP_VERIFIED in kinds(staff_user)


def test_the_next_parameter_never_leaves_the_site(board, staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    device = enrolled(staff_user)
    client = logged_in(staff_user)
    with at(3):
        response = client.post("/accounts/2fa/", {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_recovery_code_works_once(board, staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    enrolled(staff_user)
    codes = secondfactor.issue_recovery_codes(staff_user)
    first = logged_in(staff_user)
    assert first.post("/accounts/2fa/", {"token": codes[0].upper(), "next": "/admin/"}).status_code == 302
    assert first.get("/admin/").status_code == 200
    assert secondfactor.remaining_recovery_codes(staff_user) == 9
    second = logged_in(staff_user)
    with at(5):
        again = second.post("/accounts/2fa/", {"token": codes[0], "next": "/admin/"})
    assert again.status_code == 400
    with at(10):
        assert second.post("/accounts/2fa/", {"token": codes[1], "next": "/admin/"}).status_code == 302
    assert AuthEvent.objects.filter(user=staff_user, kind=AuthEventKind.RECOVERY_USED).count() == 2


def _verified_client(user, minutes):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled(user)
    client = logged_in(user)
    with at(minutes):
        assert client.post("/accounts/2fa/", {"token": code(device), "next": "/"}).status_code == 302
    return client


def _reset(client, membership):
    return client.post("/admin/boards/boardmembership/", {
        "action": "reset_second_factor", "_selected_action": [membership.pk], "index": 0}, follow=True)


def test_staff_reset_is_evidence_and_forces_a_new_enrolment(board, staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    bureau = member("bureau-1", board, "local_bureau")
    enrolled(bureau)
    secondfactor.issue_recovery_codes(bureau)
    client = _verified_client(staff_user, 20)
    response = _reset(client, bureau.board_memberships.get())
    assert "已重置 1 个账号" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=bureau).exists()
    assert secondfactor.remaining_recovery_codes(bureau) == 0
    with board_scope(board):
        entry = EvidenceEntry.objects.get(board=board, action=secondfactor.RESET_ACTION)
    assert entry.actor == staff_user and entry.subject_id == str(bureau.pk)
    assert entry.payload == {"username": "bureau-1", "devices_removed": 2}
    reset = AuthEvent.objects.get(user=bureau, kind=AuthEventKind.OTP_RESET)
    assert reset.detail == f"由 staff 在 {board.slug} 重置"
    assert logged_in(bureau).get("/admin/")["Location"].startswith("/accounts/2fa/setup/")


def test_staff_may_not_reset_a_platform_admin_or_themselves(board, staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    admin_user = member("padmin", board, "platform_admin")
    enrolled(admin_user)
    client = _verified_client(staff_user, 30)
    for membership in (admin_user.board_memberships.get(), staff_user.board_memberships.get()):
        assert "无权重置" in _reset(client, membership).content.decode()
    assert TOTPDevice.objects.filter(user__in=[admin_user, staff_user]).count() == 2
    with scopes_disabled():
        assert not EvidenceEntry.objects.filter(action=secondfactor.RESET_ACTION).exists()


def test_an_account_shared_with_another_board_is_reset_only_by_a_platform_admin(board, other_board,
                                                                              staff_user):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    shared = member("shared-expert", board, "expert")
    MembershipFactory(user=shared, board=other_board, role="expert")
    enrolled(shared)
    client = _verified_client(staff_user, 45)
    here = shared.board_memberships.get(board=board)
    assert "无权重置：shared-expert" in _reset(client, here).content.decode()
    assert TOTPDevice.objects.filter(user=shared).count() == 1
    padmin = member("padmin-2", board, "platform_admin", is_staff=True)
    admin_client = _verified_client(padmin, 55)
    assert "已重置 1 个账号" in _reset(admin_client, here).content.decode()
    assert not TOTPDevice.objects.filter(user=shared).exists()


def test_another_boards_staff_cannot_reset(board, other_board, other_staff_user):
    other_staff_user.set_password("Zhuanban-Test-2026")
    other_staff_user.save()
    bureau = member("bureau-2", board, "local_bureau")
    enrolled(bureau)
    client = _verified_client(other_staff_user, 40)
    _reset(client, bureau.board_memberships.get())
    assert TOTPDevice.objects.filter(user=bureau).count() == 1
    assert not AuthEvent.objects.filter(kind=AuthEventKind.OTP_RESET).exists()


def test_a_user_without_a_staff_role_cannot_reset(board):
    expert = member("expert-1", board, "expert", is_staff=True)
    bureau = member("bureau-3", board, "local_bureau")
    enrolled(bureau)
    client = _verified_client(expert, 50)
    response = _reset(client, bureau.board_memberships.get())
    assert response.status_code in (403, 404) or "已重置" not in response.content.decode()
    assert TOTPDevice.objects.filter(user=bureau).count() == 1


def test_code_page_query_count(board, staff_user, django_assert_max_num_queries):
    staff_user.set_password("Zhuanban-Test-2026")
    staff_user.save()
    device = enrolled(staff_user)
    client = logged_in(staff_user)
    with django_assert_max_num_queries(6):
        assert client.get("/accounts/2fa/").status_code == 200
    with at(60), django_assert_max_num_queries(14):
        assert client.post("/accounts/2fa/", {"token": code(device)}).status_code == 302
    with django_assert_max_num_queries(8):
        assert client.get("/accounts/2fa/recovery/").status_code == 200


def test_the_demo_switch_is_ignored_without_debug():
    env = {**os.environ, "DJANGO_DEBUG": "0", "ZHUANBAN_DEMO_SKIP_2FA": "1", "DJANGO_SECRET_KEY": "x" * 50}
    script = ("import django; django.setup(); from django.conf import settings; "
              "print(settings.ZHUANBAN_DEMO_SKIP_2FA)")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env["DJANGO_DEBUG"] = "1"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
