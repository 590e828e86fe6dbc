"""The second factor (等保 三级: 两种或两种以上组合的鉴别技术) for privileged accounts: TOTP through
django-otp, with 10 one-time recovery codes (django-otp's static device).

Who must use it: superusers, accounts with the admin's staff flag, and every account holding an
active PRIVILEGED_ROLES membership on any board (exchange staff, local bureaus, experts, regulators
and approval bodies, platform admins). Institutions (API keys) and enterprises are not forced.
Enrolment: a pending (unconfirmed) TOTP device is shown as a QR code and its secret until one
code from it is entered; then it is confirmed and the recovery codes are issued. A reset deletes
every device of an account, which is then enrolled again at its next request; the reset is
recorded in the evidence log of the board it was done on.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from boards.accounts import authlog
from boards.accounts.models import AuthEventKind
from boards.kernel import evidence
from boards.kernel.actions import KernelAction
from boards.kernel.models import BoardMembership, Role

PRIVILEGED_ROLES = (Role.EXCHANGE_STAFF, Role.LOCAL_BUREAU, Role.EXPERT, Role.REGULATOR, Role.PLATFORM_ADMIN)
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"
RESET_ACTION = KernelAction.SECOND_FACTOR_RESET


def skip_enabled() -> bool:
    """The demo switch: ZHUANBAN_DEMO_SKIP_2FA, honoured only when DJANGO_DEBUG is on (settings)."""
    return settings.ZHUANBAN_DEMO_SKIP_2FA


def requires_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return BoardMembership.objects.filter(user=user, is_active=True, role__in=PRIVILEGED_ROLES).exists()


def confirmed_totp(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The account's unconfirmed TOTP device, created on first call: reloading the enrolment
    page shows the same secret, so a code from a scan made earlier still matches."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (the CSP allows no script and no foreign image)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration: it is embedded in HTML


def issue_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes with RECOVERY_CODE_COUNT new ones; returns them (the
    only time they are shown)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME,
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_enrolment(request, user, token: str):
    """Confirm the pending device with one of its codes. Returns (device, recovery codes) or None."""
    device = pending_totp(user)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(token):
            authlog.record(AuthEventKind.OTP_FAILED, request, user=user, detail="绑定时验证码错误")
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        codes = issue_recovery_codes(user)
        authlog.record(AuthEventKind.OTP_ENROLLED, request, user=user)
    return locked, codes


def normalise(token: str) -> str:
    return "".join(token.split()).lower()


def verify(request, user, token: str):
    """Check a code: six digits against the authenticator, anything else against the recovery
    codes (each works once: django-otp deletes it). Returns the device that accepted it, or None.
    Failures count in django-otp's per-device throttle (doubling waits)."""
    token = normalise(token)
    if token.isdigit() and len(token) == 6:
        device = confirmed_totp(user)
    else:
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    accepted = device is not None and verify_token(user, device.persistent_id, token) is not None
    if not accepted:
        authlog.record(AuthEventKind.OTP_FAILED, request, user=user)
        return None
    if isinstance(device, StaticDevice):
        left = StaticToken.objects.filter(device=device).count()
        authlog.record(AuthEventKind.RECOVERY_USED, request, user=user, detail=f"剩余恢复码 {left} 个")
    else:
        authlog.record(AuthEventKind.OTP_VERIFIED, request, user=user)
    return device


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).count()


def reset(request, *, actor, user, board) -> int:
    """Delete every second-factor device of ``user`` (who enrols again at the next request) and
    record it: evidence on ``board`` (call inside its scope) and the authentication log.
    Returns how many devices were removed."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
        removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
        evidence.record(board, RESET_ACTION, actor=actor, subject=user,
                        payload={"username": user.get_username(), "devices_removed": removed})
        authlog.record(AuthEventKind.OTP_RESET, request, user=user,
                       detail=f"由 {actor.get_username()} 在 {board.slug} 重置")
    return removed
