"""Demo data of the cultivation app (seed_demo): on each board running listing cultivation, seven
enterprises along the path — one listed, one filed, one in exchange communication, one in tutoring,
one converted to a joint-stock company, one just enrolled without a firm yet, one withdrawn —
with dates that follow one another and end before today, served by the board's securities firm.

Idempotent: an enterprise that already has a path is left alone.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.enterprises.models import Enterprise, EnterpriseStatus
from boards.kernel.demo import demo_seeder
from boards.kernel.models import Role
from cultivation import selectors
from cultivation.models import ListingPath, TargetMarket
from cultivation.services import listing

ACTIONS = ["convert", "file_tutoring", "communicate", "file_application", "list_shares"]
# (target market, days before today of enrolment and of each stage reached, withdrawn reason)
PATHS = [
    (TargetMarket.BSE, [1100, 900, 600, 420, 300, 60], ""),
    (TargetMarket.CHINEXT, [900, 700, 400, 250, 90], ""),
    (TargetMarket.STAR, [700, 500, 260, 40], ""),
    (TargetMarket.BSE, [500, 330, 120], ""),
    (TargetMarket.NEEQ, [400, 150], ""),
    (TargetMarket.BSE, [60], ""),
    (TargetMarket.SZSE_MAIN, [600, 200], "企业主营业务调整，暂缓上市计划。"),
]
REFERENCES = {"file_tutoring": "辅导备案报告（证监局受理）", "file_application": "首发申请受理通知书"}


@demo_seeder(order=70)
def seed_cultivation(board, stdout):
    if "listing_cultivation" not in board.setting("modules", []):
        return
    staff = get_user_model().objects.filter(username=f"{board.slug}.staff").first()
    if staff is None or not staff.board_memberships.filter(board=board, role=Role.EXCHANGE_STAFF).exists():
        return
    firm = selectors.eligible_firms(board).first()
    today = timezone.localdate()
    enterprises = Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED).order_by("name")
    for enterprise, (market, days, reason) in zip(enterprises, PATHS, strict=False):
        if ListingPath.objects.filter(board=board, enterprise=enterprise).exists():
            continue
        dates = [today - dt.timedelta(days=n) for n in days]
        path = listing.enrol(board, enterprise=enterprise, target_market=market, enrolled_on=dates[0],
                             actor=staff, securities_firm=firm if len(days) > 1 else None,
                             note="经走访了解，企业具有明确上市规划。")
        if reason:
            listing.withdraw(path, actor=staff, occurred_on=dates[1], reason=reason)
            continue
        for action, on in zip(ACTIONS, dates[1:], strict=False):
            path = listing.advance(path, actor=staff, action=action, occurred_on=on,
                                   reference=REFERENCES.get(action, ""))
    stdout.write(f"{board.short_name}：上市培育企业 {ListingPath.objects.filter(board=board).count()} 家")
