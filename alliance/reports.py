"""The semi-annual alliance report (联盟工作报告) filed with the board's regulators:
products, services, financing by instrument and tier, the matchmaking funnel with failure
reasons, and the cases. Built by a Celery task; ``ReportRun.progress`` is committed after each
section so staff watch it move while the task runs."""

import datetime as dt
import logging
import re
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from alliance import selectors, tasks
from alliance.actions import AllianceAction
from alliance.models import (
    Body,
    Matchmaking,
    MatchState,
    Meeting,
    MeetingState,
    ProductType,
    ReasonCategory,
    ReportRun,
    ReportState,
)
from boards.enterprises.models import ServiceRecord
from boards.enterprises.tiers import tier_names
from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.filings import create_filing

logger = logging.getLogger(__name__)
PERIOD_RE = re.compile(r"^(20\d\d)H([12])$")
# Funnel stages in order; a matchmaking reached a stage when its state, or the state it
# failed from, is that stage or a later one.
FUNNEL = [MatchState.PUSHED, MatchState.INTERESTED, MatchState.DEEP_ENGAGEMENT, MatchState.DUE_DILIGENCE,
          MatchState.FINANCED]


def period_dates(period):
    match = PERIOD_RE.match(period or "")
    if not match:
        raise DomainError(f"报告期「{period}」格式应为 2026H1 或 2026H2。", code="invalid_period")
    year, half = int(match[1]), int(match[2])
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1),
            dt.date(year, 12, 31))


@transaction.atomic
def start_report(board, *, period, actor):
    """Queue the report of ``period`` (e.g. 2026H1) after commit; one build at a time per period."""
    starts_on, ends_on = period_dates(period)
    if ReportRun.objects.filter(board=board, period=period,
                                state__in=[ReportState.QUEUED, ReportState.RUNNING]).exists():
        raise Conflict(f"{period} 联盟报告正在生成，请稍候。", code="report_running")
    run = ReportRun.objects.create(board=board, period=period, starts_on=starts_on, ends_on=ends_on,
                                   requested_by=actor)
    evidence.record(board, AllianceAction.REPORT_REQUESTED, actor=actor, subject=run,
                    payload={"period": period})
    transaction.on_commit(lambda: tasks.build_alliance_report.delay(board.pk, run.pk))
    return run


def _labels(choices):
    # Labels are lazy translations: plain str for the JSON context of the filing.
    return {value: str(label) for value, label in choices.choices}


def _yuan(amount):
    return f"{(amount or Decimal(0)):,.2f}"


def _products(board, start, end):
    products = list(selectors.catalogue(board).order_by("product_type", "name"))
    labels = _labels(ProductType)
    by_type = {}
    for product in products:
        by_type[product.product_type] = by_type.get(product.product_type, 0) + 1
    return {
        "total": len(products),
        "new": sum(1 for p in products if start <= timezone.localdate(p.created_at) <= end),
        "by_type": [{"type": labels[t], "count": n} for t, n in sorted(by_type.items())],
        "rows": [{"institution": p.institution.name, "name": p.name, "type": labels[p.product_type],
                  "amount": f"{_yuan(p.amount_min)}—{_yuan(p.amount_max)}",
                  "rate": f"{p.rate_min}%—{p.rate_max}%" if p.rate_min is not None else "—",
                  "term": f"{p.term_min_months}—{p.term_max_months} 个月", "approval_days": p.approval_days,
                  "preference": p.board_preference or "—"} for p in products],
    }


def _services(board, start, end):
    members = selectors.member_institutions(board)
    records = (
        ServiceRecord.objects.filter(board=board, institution__in=members, occurred_on__range=(start, end))
        .values("institution__name")
        .annotate(count=Count("id"))
        .order_by("-count", "institution__name")
    )
    meetings = Meeting.objects.filter(board=board, state=MeetingState.HELD, scheduled_on__range=(start, end))
    return {
        "by_institution": [{"institution": r["institution__name"], "count": r["count"]} for r in records],
        "meetings": [{"body": str(Body(m.body).label), "title": m.title, "date": m.scheduled_on}
                     for m in meetings.order_by("scheduled_on")],
    }


def _financing(board, start, end):
    financed = Matchmaking.objects.filter(board=board, state=MatchState.FINANCED,
                                          financed_on__range=(start, end))
    names, labels = tier_names(board), _labels(ProductType)

    def grouped(field, label):
        rows = financed.values(field).annotate(count=Count("id"),
                               amount=Sum("financed_amount")).order_by(field)
        return [{"name": label(r[field]), "count": r["count"], "amount": _yuan(r["amount"])} for r in rows]

    total = financed.aggregate(count=Count("id"), amount=Sum("financed_amount"))
    return {"by_instrument": grouped("financed_instrument", lambda v: labels.get(v, v)),
            "by_tier": grouped("financed_tier", lambda v: names.get(v, v) or "未入层"),
            "count": total["count"], "amount": _yuan(total["amount"])}


def _funnel(board, start, end):
    pushed = Matchmaking.objects.filter(board=board, pushed_at__date__range=(start, end))
    states = list(pushed.values_list("state", "failed_from"))
    rank = {state: i for i, state in enumerate(FUNNEL)}
    reached = [0] * len(FUNNEL)
    for state, failed_from in states:
        top = rank.get(failed_from if state == MatchState.FAILED else state, 0)
        for i in range(top + 1):
            reached[i] += 1
    categories, outcomes = _labels(ReasonCategory), _labels(MatchState)
    reasons = (pushed.filter(state__in=[MatchState.NOT_INTERESTED, MatchState.FAILED])
               .values("state", "reason_category").annotate(count=Count("id")).order_by("state", "-count"))
    return {
        "stages": [
            {"stage": outcomes[s], "count": n, "rate": f"{n * 100 / reached[0]:.1f}%" if reached[0] else "—"}
            for s, n in zip(FUNNEL, reached, strict=True)
        ],
        "reasons": [
            {
                "outcome": outcomes[r["state"]],
                "category": categories.get(r["reason_category"], "—"),
                "count": r["count"],
            }
            for r in reasons
        ],
    }


def _cases(board, start, end):
    cases = (Matchmaking.objects.filter(board=board, is_case=True, financed_on__range=(start, end))
             .select_related("institution", "enterprise").order_by("financed_on"))
    labels = _labels(ProductType)
    return [{"title": c.case_title, "summary": c.case_summary, "institution": c.institution.name,
             "enterprise": c.enterprise.name, "amount": _yuan(c.financed_amount),
             "instrument": labels.get(c.financed_instrument, ""), "date": c.financed_on} for c in cases]


SECTIONS = [("products", "金融产品", _products), ("services", "成员服务", _services),
            ("financing", "融资情况", _financing), ("funnel", "对接漏斗", _funnel),
            ("cases", "典型案例", _cases)]


def _progress(run, percent, step, **fields):
    # An UPDATE outside any transaction of the task: committed at once, visible to staff.
    ReportRun.objects.filter(pk=run.pk).update(progress=percent, step=step, **fields)


def build_report(run_id):
    """The task's body, in the board's scope: each section, then one filing per addressee."""
    run = ReportRun.objects.select_related("board").get(pk=run_id)
    if run.state != ReportState.QUEUED:
        return run
    board = run.board
    _progress(run, 0, "开始", state=ReportState.RUNNING)
    try:
        context = {"period": run.period, "starts_on": run.starts_on, "ends_on": run.ends_on}
        for i, (key, label, build) in enumerate(SECTIONS):
            _progress(run, i * 80 // len(SECTIONS), label)
            context[key] = build(board, run.starts_on, run.ends_on)
        _progress(run, 80, "生成报备文件")
        addressees = board.setting("alliance.report_addressees") or [r["code"] for r in board.regulators]
        half, name = "上" if run.period.endswith("H1") else "下", board.short_name or board.name_zh
        with transaction.atomic():
            filings = [
                create_filing(
                    board,
                    kind="alliance.report",
                    addressee=code,
                    actor=run.requested_by,
                    subject=f"{name}科创服务联盟{run.period[:4]}年{half}半年工作报告",
                    template_name="alliance/filings/alliance_report.html",
                    context=context,
                    subject_obj=run,
                )
                for code in addressees
            ]
            run.filings.set(filings)
            evidence.record(board, AllianceAction.REPORT_BUILT, actor=run.requested_by, subject=run,
                            payload={"period": run.period, "filings": [f.number for f in filings]})
    except Exception as exc:  # any failure is shown to staff on the run, not retried blindly
        logger.exception("alliance report %s failed", run.pk)
        error = f"{type(exc).__name__}: {exc}"
        _progress(run, 0, "失败", state=ReportState.FAILED, error=error, finished_at=timezone.now())
        evidence.record(board, AllianceAction.REPORT_FAILED, actor=run.requested_by, subject=run,
                        payload={"error": error})
        run.refresh_from_db()
        return run
    _progress(run, 100, "完成", state=ReportState.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run
