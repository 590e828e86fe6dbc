"""Demo data of equity incentives (seed_demo), after custody, through the real services: on each
board running them (Xinjiang: 840号 (十二), 附件2 (四)), for the enterprise whose register has the
largest confirmed holder,

- a stock-option plan (10 % of that holder's shares, 3 yearly tranches, 3.50 元/股) disclosed to its
  participants: two grants two years and a month ago, the first vested twice and half exercised;
  the first participant is the demo employee ``<slug>.employee`` (an account that acts for no
  enterprise: it sees this plan and its own grant, nothing else);
- a restricted-stock plan (2 tranches) granted a year and a month ago, its first tranche unlocked
  and partly transferred.

Idempotent: a board with a plan is left alone.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from boards.enterprises.models import IncentivePlan, Shareholding
from boards.enterprises.services import incentives
from boards.kernel.demo import DEMO_PASSWORD, EMAIL_DOMAIN, demo_seeder
from boards.kernel.models import BoardMembership, Role

BASIS = "《非上市公众公司监管指引第 6 号—股权激励和员工持股计划的监管要求（试行）》"
SUMMARY = (
    "激励对象：公司核心技术人员和中高层管理人员；授予条件：在职满一年且上年度考核合格；"
    "归属条件：公司年度营业收入增长不低于 10%；转让限制：解锁前不得转让，离职未归属部分由公司收回。"
)


def _employee(board):
    user, created = get_user_model().objects.get_or_create(
        username=f"{board.slug}.employee",
        defaults={"email": f"{board.slug}.employee@{EMAIL_DOMAIN}", "first_name": "李明"},
    )
    if created:
        user.password = make_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    BoardMembership.objects.get_or_create(
        user=user, board=board, role=Role.ENTERPRISE_USER, defaults={"is_active": True}
    )
    return user


def _anniversary(on, years):
    return (
        on.replace(year=on.year + years)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year + years, day=28)
    )


@demo_seeder(order=45)
def seed_incentives(board, stdout):
    if (
        "equity_incentives" not in board.setting("modules", [])
        or IncentivePlan.objects.filter(board=board).exists()
    ):
        return
    staff = get_user_model().objects.filter(username=f"{board.slug}.staff").first()
    source = (
        Shareholding.objects.filter(board=board, in_custody_account=False, confirmed=True, shares__gt=0)
        .select_related("register__enterprise")
        .order_by("-shares", "pk")
        .first()
    )
    if staff is None or source is None:
        return
    enterprise, today = source.register.enterprise, timezone.localdate()
    pool = (source.shares / 10).quantize(Decimal(1))
    option = incentives.register_plan(
        enterprise,
        name="2024年股票期权激励计划",
        kind="option",
        source=source,
        pool_shares=pool,
        exercise_price=Decimal("3.50"),
        vesting_years=3,
        approved_on=today - dt.timedelta(days=800),
        summary=SUMMARY,
        basis=BASIS,
        actor=staff,
    )
    option = incentives.disclose_plan(option, actor=staff)
    granted_on = today - dt.timedelta(days=760)
    first = incentives.grant(
        option,
        name="李明",
        id_number="650102198803150012",
        position="研发总监",
        username=_employee(board).username,
        shares=(pool * Decimal("0.3")).quantize(Decimal(1)),
        granted_on=granted_on,
        actor=staff,
    )
    incentives.grant(
        option,
        name="张伟",
        id_number="650103199002200031",
        position="销售副总经理",
        shares=(pool * Decimal("0.2")).quantize(Decimal(1)),
        granted_on=granted_on,
        actor=staff,
    )
    for year in (1, 2):
        first = incentives.vest(first, actor=staff, on=_anniversary(granted_on, year))
    incentives.exercise(
        first,
        shares=(first.vested_shares / 2).quantize(Decimal(1)),
        actor=staff,
        on=_anniversary(granted_on, 2),
    )
    restricted = incentives.register_plan(
        enterprise,
        name="2025年限制性股票激励计划",
        kind="restricted",
        source=source,
        pool_shares=(pool / 2).quantize(Decimal(1)),
        vesting_years=2,
        approved_on=today - dt.timedelta(days=420),
        summary=SUMMARY,
        basis=BASIS,
        actor=staff,
    )
    restricted = incentives.disclose_plan(restricted, actor=staff)
    granted_on = today - dt.timedelta(days=395)
    item = incentives.grant(
        restricted,
        name="王芳",
        id_number="650104199105060048",
        position="财务经理",
        shares=(pool / 5).quantize(Decimal(1)),
        granted_on=granted_on,
        actor=staff,
    )
    item = incentives.vest(item, actor=staff, on=_anniversary(granted_on, 1))
    incentives.transfer(
        item,
        to_holder_name="王建华",
        to_holder_id_number="650104196501010017",
        shares=(item.vested_shares / 4).quantize(Decimal(1)),
        actor=staff,
        note="家庭内部转让",
    )
    stdout.write(f"{board.short_name}：股权激励计划 2 项（{enterprise.name}）")
