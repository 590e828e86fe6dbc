"""The board's running figures over a period, read from the platform's own data: what an operation
report states (附件2 (六)) and what the tracking evaluation measures (840号 (二十三)). Modules a board
has not enabled contribute nothing (their section is None)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from boards.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    FinancingEvent,
    FinancingKind,
    ServiceRecord,
    ServiceRecordKind,
)
from boards.enterprises.tiers import tier_names
from boards.kernel.config import module_enabled
from cultivation import selectors
from cultivation.models import ActionState, FollowUpAction, ListingMilestone, ResearchVisit, Stage, VisitState


def _tiers(board) -> dict:
    enterprises = Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED)
    counts = dict(enterprises.values_list("tier").annotate(n=Count("pk")))
    rows = [{"code": code, "name": name, "count": counts.get(code, 0)}
            for code, name in tier_names(board).items()]
    if counts.get(""):  # admitted, tier not yet decided
        rows.append({"code": "", "name": "未定层级", "count": counts[""]})
    return {"rows": rows, "total": sum(counts.values())}


def _financing(board, start, end) -> dict:
    events = FinancingEvent.objects.filter(board=board, occurred_on__range=(start, end))
    rows = {kind: (n, amount) for kind, n, amount in
            events.values_list("kind").annotate(n=Count("pk"), a=Sum("amount"))}
    result: dict[str, Any] = {}  # per kind its row, and the totals
    for kind in FinancingKind:
        n, amount = rows.get(kind.value, (0, None))
        amount = amount or Decimal("0")
        result[kind.value] = {"name": str(kind.label), "count": n, "amount": amount,
                              "amount_text": f"{amount:,.2f}"}
    result["total"] = sum((row["amount"] for row in result.values()), Decimal("0"))
    result["total_text"] = f"{result['total']:,.2f}"
    result["enterprises"] = events.values("enterprise").distinct().count()
    return result


def _listings(board, start, end) -> dict | None:
    if not module_enabled(board, "listing_cultivation"):
        return None
    reached = dict(ListingMilestone.objects.filter(board=board, occurred_on__range=(start, end))
                   .values_list("stage").annotate(n=Count("pk")))
    rows = [{**row, "reached": reached.get(row["stage"], 0)} for row in selectors.pipeline_counts(board)]
    return {"rows": rows, "total": sum(row["count"] for row in rows),
            "listed_in_period": reached.get(Stage.LISTED, 0),
            "tutoring_in_period": reached.get(Stage.TUTORING, 0)}


def _visits(board, start, end, today) -> dict | None:
    if not module_enabled(board, "research_visits"):
        return None
    recorded = ResearchVisit.objects.filter(board=board, state=VisitState.RECORDED,
                                            visited_on__range=(start, end))
    actions = FollowUpAction.objects.filter(board=board, visit__in=recorded)
    overdue = actions.filter(state=ActionState.OPEN, deadline__due_at__date__lt=today).count()
    return {"recorded": recorded.count(), "enterprises": recorded.values("enterprise").distinct().count(),
            "actions": actions.count(), "done": actions.filter(state=ActionState.DONE).count(),
            "overdue": overdue}


def board_figures(board, start: dt.date, end: dt.date, today: dt.date | None = None) -> dict:
    """Every figure of ``board`` for ``start``–``end`` (both included); tiers as they stand now."""
    records = ServiceRecord.objects.filter(board=board, occurred_on__range=(start, end))
    kinds = dict(records.values_list("kind").annotate(n=Count("pk")))
    return {
        "start": start, "end": end,
        "tiers": _tiers(board),
        "admitted_in_period": Enterprise.objects.filter(board=board, admitted_on__range=(start, end)).count(),
        "services": {"visits": kinds.get(ServiceRecordKind.VISIT, 0),
                     "services": kinds.get(ServiceRecordKind.SERVICE, 0),
                     "enterprises": records.values("enterprise").distinct().count()},
        "financing": _financing(board, start, end),
        "listings": _listings(board, start, end),
        "visits": _visits(board, start, end, today or dt.date.today()),
    }
