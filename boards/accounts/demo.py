"""Demo accounts come enrolled: every privileged member of a demo board gets a confirmed TOTP
device (kept across reseeds), and the seed prints each account's secret once, compactly, to be
typed into an authenticator app. With ZHUANBAN_DEMO_SKIP_2FA=1 (DEBUG only) nobody is asked."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from boards.accounts import secondfactor
from boards.kernel.demo import demo_seeder
from boards.kernel.models import BoardMembership

_PRINTED = "_zb_totp_printed"


@demo_seeder(order=900)
def enrol_demo_accounts(board, stdout):
    members = BoardMembership.objects.filter(board=board, is_active=True,
                                             role__in=secondfactor.PRIVILEGED_ROLES)
    users = {m.user_id: m.user for m in members.select_related("user").order_by("user__username")}
    printed = getattr(stdout, _PRINTED, None)
    if printed is None:
        printed = set()
        setattr(stdout, _PRINTED, printed)
    lines = []
    for user in users.values():
        device = secondfactor.confirmed_totp(user) or TOTPDevice.objects.create(
            user=user, name=secondfactor.TOTP_NAME, confirmed=True)
        if user.pk not in printed:
            printed.add(user.pk)
            lines.append(f"{user.get_username()}={secondfactor.secret_base32(device)}")
    if lines:
        stdout.write(f"{board.slug} 双因素密钥（TOTP）：" + "  ".join(lines))
