"""Filing the board's operation report (专板运行情况报送) with its approving bodies.

附件2 (六) 信息收集报告「定期向自治区工业和信息化厅、自治区地方金融监督管理局、中国证监会新疆监管局
报送专板运行情况」.

Invariants:
- one report per board and period (uniq_operation_report: a second answers 409); the period must
  have ended; its figures are computed once, when filed, from the platform's data (cultivation.figures)
  and kept with the report;
- after each period ends (a quarter, or a half year: ``cultivation.report_period``) a daily task
  opens a working-day deadline of ``cultivation.report_workdays`` for the board's exchange staff to
  file it (kind ``cultivation.report_due:<period>``, reminders and escalation by the kernel sweep);
  filing the report meets that deadline;
- one filing per approving body: ``cultivation.report_addressees`` (regulator codes), or, when that
  is empty, every regulator the board files with; each is a kernel filing (numbered, PDF rendered
  after commit, hashed into the evidence log); the report itself is evidenced.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.calendar import END_OF_DAY, SHANGHAI
from boards.kernel.deadlines import meet_deadline, open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.filings import create_filing
from boards.kernel.models import Board, DayBasis, Deadline, DeadlineState, Role
from cultivation.actions import CultivationAction
from cultivation.figures import board_figures
from cultivation.models import OperationReport

FILED = CultivationAction.REPORT_FILED
DUE_KIND = "cultivation.report_due"
FILING_KIND = "cultivation.operation_report"
QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``2026Q3`` → 2026-07-01..2026-09-30; ``2026H2`` → 2026-07-01..2026-12-31."""
    try:
        year, part = int(period[:4]), period[4:]
        if part in ("Q1", "Q2", "Q3", "Q4"):
            first, last = QUARTERS[int(part[1])]
        elif part in ("H1", "H2"):
            first, last = (1, 6) if part == "H1" else (7, 12)
        else:
            raise ValueError(part)
        start = dt.date(year, first, 1)
    except (ValueError, KeyError):
        raise DomainError(f"报告期「{period}」无效，应为如 2026Q3（季度）或 2026H2（半年）。",
                          code="invalid_period", details={"field": "period"}) from None
    end = (dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1))
    return start, end


def last_ended_period(board: Board, today: dt.date) -> str:
    """The quarter (or half year, by configuration) that ended last before ``today``."""
    if board.setting("cultivation.report_period", "quarter") == "half":
        return f"{today.year}H1" if today.month > 6 else f"{today.year - 1}H2"
    quarter = (today.month - 1) // 3
    return f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"


def _due(board: Board, period: str) -> QuerySet[Deadline]:
    board_type = ContentType.objects.get_for_model(Board)
    return Deadline.objects.filter(board=board, kind=f"{DUE_KIND}:{period}", content_type=board_type,
                                   object_id=str(board.pk))


@transaction.atomic
def open_report_deadline(board: Board, today: dt.date | None = None) -> Deadline | None:
    """Open the deadline to file the last ended period's report (idempotent); None when it is open
    already or the report is filed."""
    period = last_ended_period(board, today or timezone.localdate())
    if OperationReport.objects.filter(board=board, period=period).exists() or _due(board, period).exists():
        return None
    _, end = period_bounds(period)
    label = OperationReport(period=period).period_label
    return open_deadline(
        board, board, f"{DUE_KIND}:{period}", f"报送{label}专板运行情况",
        board.setting("cultivation.report_workdays", 10), DayBasis.WORKING,
        starts_at=dt.datetime.combine(end, END_OF_DAY, tzinfo=SHANGHAI), assignee_role=Role.EXCHANGE_STAFF,
        url=reverse("admin:cultivation_operationreport_add"))


def addressees(board: Board) -> list[str]:
    configured = board.setting("cultivation.report_addressees", [])
    return list(configured) or [regulator["code"] for regulator in board.regulators]


@transaction.atomic
def file_operation_report(board: Board, *, period: str, actor: User) -> OperationReport:
    """Compute the period's figures and file the report with each approving body."""
    start, end = period_bounds(period)
    today = timezone.localdate()
    if end >= today:
        raise DomainError(f"报告期 {period} 截至 {end:%Y-%m-%d}，尚未结束，期满后再报送。",
                          code="period_open", details={"field": "period"})
    figures = evidence.jsonable(board_figures(board, start, end, today))
    try:
        with transaction.atomic():
            report = OperationReport.objects.create(board=board, period=period, starts_on=start, ends_on=end,
                                                    figures=figures, filed_by=actor)
    except IntegrityError:
        raise Conflict(f"{period} 的专板运行情况报告已报送。", code="already_filed") from None
    name = board.short_name or board.name_zh
    context = {"figures": figures, "period_label": report.period_label}
    filings = [create_filing(board, kind=FILING_KIND, addressee=code, actor=actor, subject_obj=report,
                             subject=f"{name}{report.period_label}运行情况报告",
                             template_name="cultivation/filings/operation_report.html", context=context)
               for code in addressees(board)]
    report.filings.set(filings)
    for deadline in _due(board, period).filter(state__in=[DeadlineState.OPEN, DeadlineState.PAUSED]):
        meet_deadline(deadline)
    evidence.record(board, FILED, actor=actor, subject=report, payload={
        "period": period, "figures": figures, "filings": [f.number for f in filings]})
    return report
