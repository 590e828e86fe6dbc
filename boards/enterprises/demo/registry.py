"""Demo data of the enterprise registry (seed_demo): each demo board gets its tier scheme and
the 50 enterprises of ``demo.demo_enterprises`` with qualifications, financials, financing and
visits chosen so that every tier is populated. Where admission runs, the first 40 are admitted
(the rest stay prospects, free to apply) and this year's re-tiering run waits with promotions,
demotions and removals to decide.

Idempotent like the rest of the seed: rows are matched on natural keys."""

import copy
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    FinancialYear,
    FinancingEvent,
    Qualification,
    RetierRun,
    ServiceRecord,
    TierChange,
    TierChangeKind,
    TierEntryPermit,
)
from boards.enterprises.services.retiering import start_retier_run
from boards.enterprises.tiers import TIER_SCHEMES, suggest_tier
from boards.kernel.demo import demo_enterprises, demo_seeder, demo_user, grant_role, set_demo_password
from boards.kernel.models import Institution, Role

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "海燕", "志强", "丽娟", "国庆", "晓东", "红梅", "立新", "文博", "雪莲", "振华", "秀英")
FUNDS = {"xj-zjtx": "XJFUND", "nmg-kcb": "NMKCFUND", "ordos": "NMKCFUND", "jinzhong": "SXZQ"}
ISSUERS = {
    "innovative_sme": "自治区工业和信息化厅", "specialized_sme": "自治区工业和信息化厅",
    "little_giant": "工业和信息化部", "high_tech": "高新技术企业认定管理机构", "tech_sme": "科学技术厅",
    "tech_benchmark": "自治区科学技术厅", "listing_reserve": "自治区上市企业后备库",
    "ipo_tutoring": "中国证监会派出机构", "neeq_delisted_ipo": "全国中小企业股份转让系统",
    "innovative_enterprise": "专家委员会",
}


@dataclass(frozen=True)
class Profile:
    kinds: tuple = ()  # qualifications held
    round: str = ""  # PE round raised
    strong: bool = False  # financials ≥ 50 % of the listing references, with a listing plan
    permits: tuple = ()  # tiers a passed review allows
    stale: str = ""  # a tier it holds but no longer meets: the re-tiering run has work


PROFILES = {
    "xj-zjtx": [
        Profile(), Profile(("innovative_sme",)), Profile(("specialized_sme",)), Profile(round="A"),
        Profile(("little_giant", "specialized_sme"), "B"), Profile(("listing_reserve",)),
        Profile(strong=True), Profile(("ipo_tutoring",), "C"), Profile(("neeq_delisted_ipo",)),
        Profile(("innovative_sme",), stale="standard"), Profile(("specialized_sme",), stale="incubation"),
    ],
    "nmg-kcb": [
        Profile(("tech_sme",)), Profile(("high_tech",), "angel"), Profile(("innovative_enterprise",)),
        Profile(("high_tech", "tech_sme"), "A", permits=("premium",)),
        Profile(("tech_benchmark", "high_tech"), "B", True, ("listing",)),
        Profile(("high_tech",), "pre_a", permits=("premium",)), Profile(("high_tech",), stale="premium"),
        Profile(stale="basic"), Profile(("tech_sme",), permits=("premium",), stale="basic"),
    ],
}
PERMIT_KINDS = {"premium": "premium", "listing": "listing_reserve"}
ADMITTED = 40
VISITS = ((3, "visit", "走访了解经营情况与融资需求"), (9, "service", "组织参加北交所上市培训"))


def enterprise_account(enterprise: Enterprise):
    """The enterprise's own demo account ``<board>.e<pk>``, acting for it alone: one account per
    enterprise (only the board's ``<board>.enterprise``, the 集团 account, acts for several)."""
    board = enterprise.board
    user = demo_user(f"{board.slug}.e{enterprise.pk}", f"{enterprise.name}（企业用户）")
    grant_role(user, board, Role.ENTERPRISE_USER)
    enterprise.users.add(user)
    set_demo_password([user])
    return user


def _money(rng, low, high):
    return Decimal(rng.randrange(low, high)) * 10000


def _qualifications(enterprise, kinds, today, rng):
    for kind in kinds:
        issued = datetime.date(today.year - rng.randrange(1, 3), rng.randrange(1, 13), 1)
        Qualification.objects.get_or_create(
            board=enterprise.board, enterprise=enterprise, kind=kind, issued_on=issued,
            defaults={"issuer": ISSUERS[kind], "valid_until": issued.replace(year=issued.year + 3),
                      "source": "demo"})


def _records(enterprise, profile, fund, staff, today, rng):
    _qualifications(enterprise, profile.kinds, today, rng)
    for offset, growth in ((2, Decimal("1")), (1, Decimal("1.18"))):
        revenue = (_money(rng, 6000, 15000) if profile.strong else _money(rng, 500, 4000)) * growth
        FinancialYear.objects.update_or_create(
            board=enterprise.board, enterprise=enterprise, year=today.year - offset,
            defaults={"revenue": revenue, "total_assets": revenue * 2,
                      "net_profit": (revenue * rng.randrange(8, 16) / 100).quantize(Decimal(1)),
                      "rd_expense": (revenue * rng.randrange(3, 9) / 100).quantize(Decimal(1))})
    if profile.round:
        FinancingEvent.objects.get_or_create(
            board=enterprise.board, enterprise=enterprise, investor_name=fund.name,
            occurred_on=datetime.date(today.year - 1, 6, 18),
            defaults={"kind": "equity", "investor": fund, "financing_round": profile.round,
                      "amount": _money(rng, 1000, 8000)})
    FinancingEvent.objects.get_or_create(
        board=enterprise.board, enterprise=enterprise, investor_name="中国银行股份有限公司",
        occurred_on=datetime.date(today.year - 1, 3, 10),
        defaults={"kind": "debt", "amount": _money(rng, 200, 1000)})
    for tier in profile.permits:
        TierEntryPermit.objects.get_or_create(board=enterprise.board, enterprise=enterprise, tier=tier,
                                              review_kind=PERMIT_KINDS[tier], defaults={"source": "demo"})
    for month, kind, summary in VISITS:
        ServiceRecord.objects.get_or_create(
            board=enterprise.board, enterprise=enterprise, kind=kind,
            occurred_on=datetime.date(today.year - 1, month, 12),
            defaults={"staff": staff, "summary": summary})


@demo_seeder(order=10)
def seed_enterprise_registry(board, stdout):
    if board.slug not in TIER_SCHEMES:
        return
    board.config = {**board.config, "tiers": copy.deepcopy(TIER_SCHEMES[board.slug])}
    board.save()
    admits = "admission" in board.setting("modules", [])
    profiles = PROFILES.get(board.slug, PROFILES["xj-zjtx"])
    staff = get_user_model().objects.get(username=f"{board.slug}.staff")
    fund = Institution.objects.get(code=FUNDS[board.slug])
    today = timezone.localdate()
    for index, data in enumerate(demo_enterprises(board.slug)):
        rng = random.Random(f"registry:{data['credit_code']}")
        profile = profiles[index % len(profiles)]
        enterprise, _ = Enterprise.objects.update_or_create(
            board=board, credit_code=data["credit_code"],
            defaults={**data, "founded_on": datetime.date(rng.randrange(2005, 2020), rng.randrange(1, 13), 1),
                      "registered_capital": _money(rng, 500, 10000),
                      "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
                      "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                      "contact_phone": f"13{rng.randrange(100000000, 999999999)}",
                      "main_business": f"{data['industry']}产品研发、生产与销售",
                      "listing_plan": profile.strong})
        _records(enterprise, profile, fund, staff, today, rng)
        if not admits or index >= ADMITTED or enterprise.status != EnterpriseStatus.PROSPECT:
            continue
        enterprise = Enterprise.objects.prefetch_related(
            "qualifications", "financials", "financings", "tier_permits").get(pk=enterprise.pk)
        tier = profile.stale or suggest_tier(enterprise).tier
        enterprise.status, enterprise.tier = EnterpriseStatus.ADMITTED, tier
        enterprise.admitted_on = datetime.date(today.year - 1, 2, 6)
        enterprise.save(update_fields=["status", "tier", "admitted_on"])
        TierChange.objects.get_or_create(
            board=board, enterprise=enterprise, kind=TierChangeKind.ADMISSION,
            defaults={"to_tier": tier, "reason": "演示数据：首批入板", "actor": staff})
    if admits and not RetierRun.objects.filter(board=board, year=today.year).exists():
        start_retier_run(board, today.year, staff)
    stdout.write(f"{board.short_name}：企业 50 家（含资质、财务、融资、走访）")
