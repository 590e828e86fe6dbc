"""Demo data of custody, disclosure and consent (seed_demo), after the registry and admission,
through the real services so changes, deadlines and evidence exist:

- a share register for every admitted enterprise on boards running custody, confirmed from 0 %
  to 100 % (74.9 % and 80 % among them, so both tiers' thresholds show), some with a transfer;
  those admitted last year and below their threshold are overdue;
- on boards running disclosure, a public, an investor-directed periodic and a regulator-directed
  disclosure in turn for the first admitted enterprises, and the periodic deadlines of the rest;
- consents of the demo enterprise user's enterprises (the first six admitted, or registry
  enterprises where none are admitted, are linked to that user): to the board's demo
  institution, to all alliance members, and one revoked.

Idempotent: enterprises that already have a register, disclosures or consents are left alone.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.enterprises.demo.registry import enterprise_account
from boards.enterprises.models import Disclosure, Enterprise, EnterpriseStatus, ShareRegister
from boards.enterprises.services import custody
from boards.enterprises.services.consent import grant_consent, revoke_consent
from boards.enterprises.services.disclosure import (
    last_closed_period,
    open_periodic_deadlines,
    publish_disclosure,
)
from boards.kernel.demo import demo_seeder
from boards.kernel.models import BoardMembership, Role

CONFIRMED_PCTS = ("100", "85", "80", "74.9", "60", "0")
CENT = Decimal("0.01")


def _seed_register(enterprise, pct, transfer, staff):
    register = custody.open_register(enterprise, total_shares=enterprise.registered_capital,
                                     responsible_party=enterprise.legal_representative or enterprise.name,
                                     actor=staff)
    confirmed = (register.total_shares * Decimal(pct) / 100).quantize(CENT)
    main = (confirmed * Decimal("0.7")).quantize(CENT)
    if main:
        holder = custody.confirm_shares(register, holder_name=register.custody_responsible_party, shares=main,
                                        actor=staff, note="演示：现场确权")
        if transfer:
            custody.transfer_shares(holder, to_holder_name="天山创业投资基金（有限合伙）",
                                    shares=(main / 10).quantize(CENT), actor=staff, note="演示：协议转让")
    if confirmed - main:
        custody.confirm_shares(register, holder_name="员工持股平台（有限合伙）", shares=confirmed - main,
                               actor=staff)


def _seed_disclosure(enterprise, index, period, owner):
    kinds = [
        ("public", "企业简介与经营动态", "", False),
        ("investors", f"{period} 定期报告", period, True),
        ("regulators", "重大事项报告：新增银行授信", "", False),
    ]
    audience, title, label, periodic = kinds[index % len(kinds)]
    publish_disclosure(enterprise, title=title, audience=audience, period=label, is_periodic=periodic,
                       body=f"{enterprise.name}{title}（演示数据）。", actor=owner)


def _seed_consents(enterprise, index, institution, owner):
    now = timezone.now()
    if index % 3 == 0:
        grant_consent(enterprise, categories=["basic", "qualifications", "financials", "financing"],
                      institution=institution, expires_at=now + dt.timedelta(days=365), actor=owner)
    elif index % 3 == 1:
        grant_consent(enterprise, categories=["basic", "qualifications"], institution=None,
                      expires_at=now + dt.timedelta(days=180), actor=owner)
    else:
        revoke_consent(grant_consent(enterprise, categories=["basic", "financials"], institution=institution,
                                     expires_at=now + dt.timedelta(days=90), actor=owner), actor=owner)
        grant_consent(enterprise, categories=["basic"], institution=None,
                      expires_at=now + dt.timedelta(days=30), actor=owner)


@demo_seeder(order=40)
def seed_custody_disclosure_consent(board, stdout):
    users = get_user_model().objects
    staff = users.get(username=f"{board.slug}.staff")
    modules = board.setting("modules", [])
    admitted = list(Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED).order_by("pk"))
    with_register = set(ShareRegister.objects.filter(board=board).values_list("enterprise_id", flat=True))
    registers = [e for e in admitted
                 if "custody" in modules and e.registered_capital and e.pk not in with_register]
    for index, enterprise in enumerate(registers):
        _seed_register(enterprise, CONFIRMED_PCTS[index % len(CONFIRMED_PCTS)], index % 5 == 0, staff)

    disclosing = []
    if "disclosure" in modules:
        disclosed = set(Disclosure.objects.filter(board=board).values_list("enterprise_id", flat=True))
        disclosing = [e for e in admitted[:12] if e.pk not in disclosed]
        period, _ = last_closed_period(board, timezone.localdate())
        for index, enterprise in enumerate(disclosing):
            _seed_disclosure(enterprise, index, period, enterprise_account(enterprise))
        open_periodic_deadlines(board)

    membership = BoardMembership.objects.filter(user__username=f"{board.slug}.institution", board=board,
                                                role=Role.INSTITUTION_USER).select_related("institution").first()
    targets = (admitted or list(Enterprise.objects.filter(board=board).order_by("pk")))[:6]
    consenting = [e for e in targets if not e.consents.exists()]
    for index, enterprise in enumerate(consenting):
        _seed_consents(enterprise, index, membership.institution if membership else None,
                       enterprise_account(enterprise))
    stdout.write(f"{board.short_name}：股东名册 {len(registers)} 本，信息披露 {len(disclosing)} 条，"
                 f"数据授权企业 {len(consenting)} 家")
