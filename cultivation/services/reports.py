"""Filing the board's operation report (专板运行情况报送) with its approving bodies.

附件2 (六) 信息收集报告「定期向自治区工业和信息化厅、自治区地方金融监督管理局、中国证监会新疆监管局
报送专板运行情况」.

Invariants:
- one report per board and period (uniq_operation_report: a second answers 409); the period must
  have ended; its figures are computed once, when filed, from the platform's data (cultivation.figures)
  and kept with the report;
- one filing per approving body: ``cultivation.report_addressees`` (regulator codes), or, when that
  is empty, every regulator the board files with; each is a kernel filing (numbered, PDF rendered
  after commit, hashed into the evidence log); the report itself is evidenced.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.filings import create_filing
from cultivation.figures import board_figures
from cultivation.models import OperationReport

FILED = "cultivation.report.filed"
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


def addressees(board) -> list[str]:
    configured = board.setting("cultivation.report_addressees", [])
    return list(configured) or [regulator["code"] for regulator in board.regulators]


@transaction.atomic
def file_operation_report(board, *, period, actor):
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
    evidence.record(board, FILED, actor=actor, subject=report, payload={
        "period": period, "figures": figures, "filings": [f.number for f in filings]})
    return report
