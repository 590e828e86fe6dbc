"""Demo data of the cultivation app (seed_demo): on each board running listing cultivation, seven
enterprises along the path — one listed, one filed, one in exchange communication, one in tutoring,
one converted to a joint-stock company, one just enrolled without a firm yet, one withdrawn —
with dates that follow one another and end before today, served by the board's securities firm.

Research visits: three recorded (their follow-ups due in working days from the visit, one done,
two still open, one of them overdue), one planned next week, one cancelled.

Idempotent: an enterprise that already has a path is left alone; visits are seeded once per board.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.enterprises.models import Enterprise, EnterpriseStatus
from boards.kernel.calendar import SHANGHAI
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


# --- Research visits ---------------------------------------------------------------------------------

# (days before today it took place (negative: planned ahead), needs, institution kind along, follow-ups
# with whether done, cancelled reason)
VISITS = [
    (40, ["listing", "restructuring"], "securities",
     [("协助对接券商开展股份制改造辅导", True), ("推送北交所上市培训通知", False)], ""),
    (12, ["debt"], "bank", [("组织银企对接会，推荐知识产权质押贷款", False)], ""),
    (90, ["policy", "training"], None, [], ""),
    (-7, [], None, [], ""),
    (-3, [], None, [], "企业负责人出差，改期另行安排。"),
]
ADVICE = "建议梳理股权结构，提前规划改制时间表。"
FINDINGS = "企业主营业务稳定，研发投入持续增加，订单饱满。"
PROBLEMS = {"listing": "对上市路径和改制要求了解不足。", "debt": "扩产资金缺口约 800 万元，缺少抵押物。",
            "policy": "对自治区惠企政策了解不全。"}


def _along(board, kind):
    if kind is None:
        return None
    from boards.kernel.participation import institutions_on

    return institutions_on(board).filter(kind=kind).order_by("code").first()


@demo_seeder(order=71)
def seed_research_visits(board, stdout):
    from cultivation.models import ResearchVisit
    from cultivation.services import visits

    if "research_visits" not in board.setting("modules", []):
        return
    if ResearchVisit.objects.filter(board=board).exists():
        return
    staff = get_user_model().objects.filter(username=f"{board.slug}.staff").first()
    if staff is None:
        return
    today = timezone.localdate()
    enterprises = Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED).order_by("-name")
    for enterprise, (days, needs, kind, actions, reason) in zip(enterprises, VISITS, strict=False):
        on = today - dt.timedelta(days=days)
        visit = visits.schedule_visit(board, enterprise=enterprise, scheduled_on=on, actor=staff,
                                      purpose="了解经营情况及融资、上市需求", institution=_along(board, kind))
        if reason:
            visits.cancel_visit(visit, actor=staff, reason=reason)
        elif days > 0:
            at = dt.datetime.combine(on, dt.time(17), tzinfo=SHANGHAI)
            visit = visits.record_visit(
                visit, actor=staff, visited_on=on, findings=FINDINGS, at=at,
                problems="".join(PROBLEMS.get(need, "") for need in needs), needs=needs,
                needs_detail="", advice=ADVICE if "listing" in needs else "",
                actions=[title for title, _ in actions])
            for action, (_, done) in zip(visit.actions.order_by("pk"), actions, strict=True):
                if done:
                    visits.complete_action(action, actor=staff, result="已对接券商，签订改制辅导意向。")
    stdout.write(f"{board.short_name}：调研走访 {ResearchVisit.objects.filter(board=board).count()} 次")


# --- Operation reports -------------------------------------------------------------------------------


@demo_seeder(order=72)
def seed_operation_reports(board, stdout):
    """The last ended quarter's operation report, filed with each approving body."""
    from cultivation.models import OperationReport
    from cultivation.services import reports

    if "operation_reports" not in board.setting("modules", []):
        return
    staff = get_user_model().objects.filter(username=f"{board.slug}.staff").first()
    today = timezone.localdate()
    quarter = (today.month - 1) // 3  # the last ended quarter: 0 means Q4 of last year
    period = f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"
    if staff is None or OperationReport.objects.filter(board=board, period=period).exists():
        return
    report = reports.file_operation_report(board, period=period, actor=staff)
    stdout.write(f"{board.short_name}：{report}已报送 {report.filings.count()} 个监管机构")


# --- Satisfaction surveys ----------------------------------------------------------------------------

SCORES = [5, 4, 5, 3, 4, 5, 2, 4]
COMMENTS = {2: "对接进度较慢，希望加快反馈。", 3: "服务内容较笼统。"}


@demo_seeder(order=73)
def seed_satisfaction(board, stdout):
    """A survey for each service since the start of last year (so both years' evaluations have
    satisfaction figures); seven in eight answered three days after the service."""
    from boards.enterprises.models import ServiceRecord
    from cultivation.models import SatisfactionSurvey
    from cultivation.services import surveys

    if "tracking_evaluation" not in board.setting("modules", []):
        return
    today = timezone.localdate()
    records = ServiceRecord.objects.filter(board=board, occurred_on__gte=dt.date(today.year - 1, 1, 1)) \
        .select_related("enterprise").order_by("occurred_on", "pk")
    for i, record in enumerate(records):
        source = f"boards.servicerecord:{record.pk}"
        survey = SatisfactionSurvey.objects.filter(board=board, source=source).first() or surveys.open_survey(
            board, enterprise=record.enterprise, source=source, institution_id=record.institution_id,
            label=f"{record.get_kind_display()}：{record.summary[:60]}", delivered_on=record.occurred_on)
        answered_on = record.occurred_on + dt.timedelta(days=3)
        if survey.state == "open" and i % 8 != 7 and answered_on <= today:
            user = record.enterprise.users.first() or record.staff
            score = SCORES[i % len(SCORES)]
            surveys.answer_survey(survey, actor=user, score=score, comment=COMMENTS.get(score, ""),
                                  at=dt.datetime.combine(answered_on, dt.time(10), tzinfo=SHANGHAI))
    sent = SatisfactionSurvey.objects.filter(board=board)
    answered = sent.filter(state="answered").count()
    stdout.write(f"{board.short_name}：满意度调查 {sent.count()} 份，已评价 {answered} 份")
