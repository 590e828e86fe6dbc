"""Journey: an exchange staff member's first login from the login form: password, then the
enrolment page (QR code and secret), a wrong code refused next to the field, the right code from
the authenticator, the recovery codes, the admin. Then a second login with a recovery code."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from boards.accounts.models import AuthEvent, AuthEventKind
from tests.factories import BoardFactory
from tests.support.e2e import demo_user, login, shot


def phone(secret):
    """What the authenticator app shows for ``secret`` right now."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_first_login_enrols_the_authenticator_then_lands_in_the_admin(live_server, new_page, committed_db,
                                                                       settings):
    settings.ZHUANBAN_DEMO_SKIP_2FA = False
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    staff = demo_user("nmg.staff", board, "exchange_staff")

    page = login(new_page(), live_server, staff.username, "/admin/")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/setup/?next=%2Fadmin%2F")
    expect(page.locator("h1")).to_have_text("绑定身份验证器（双因素认证）")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    assert len(secret) == 32
    shot(page, "2fa-enrolment")

    page.fill("#id_token", "000000" if phone(secret) != "000000" else "111111")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.locator("#token-errors")).to_contain_text("动态码不正确")
    shot(page, "2fa-enrolment-wrong-code")

    page.wait_for_timeout(1200)  # django-otp's throttle: one second after a failure
    page.fill("#id_token", phone(secret))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery_code = page.locator("#recovery-codes li").first.inner_text()
    shot(page, "2fa-recovery-codes")
    page.locator("#continue").click()
    expect(page.locator("#site-name, h1").first).to_contain_text("专板服务平台管理后台")

    # Next login: the code page; the phone is not at hand, so a recovery code.
    page.context.clear_cookies()
    page = login(page, live_server, staff.username, "/admin/")
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/?next=%2Fadmin%2F")
    expect(page.locator("h1")).to_have_text("输入动态码")
    shot(page, "2fa-code")
    page.fill("#id_token", recovery_code)
    page.get_by_role("button", name="验证").click()
    expect(page.locator("#site-name, h1").first).to_contain_text("专板服务平台管理后台")

    kinds = list(AuthEvent.objects.filter(user=staff).order_by("id").values_list("kind", flat=True))
    assert kinds == [AuthEventKind.LOGIN, AuthEventKind.OTP_FAILED, AuthEventKind.OTP_ENROLLED,
                     AuthEventKind.LOGIN, AuthEventKind.RECOVERY_USED]
