"""The approving bodies' page (分层方案审定): each body (for Xinjiang 工信厅, 地方金融监管局, 证监局;
for Inner Mongolia 科技厅, 金融办 — the board's ``admission.approving_bodies``) sees the tier plans
sent to it, which ones still wait for its decision, and opens each to decide."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from boards.enterprises.models import PlanApproval, TierPlan, TierPlanState
from boards.enterprises.services import admission
from boards.kernel.access import active_memberships
from boards.kernel.models import Role


def _bodies_of(user, board) -> list[dict]:
    """The approving bodies ``user`` acts for on ``board`` (a REGULATOR membership whose institution
    has the body's code)."""
    codes = {m.institution.code for m in active_memberships(user)
             if m.board_id == board.pk and m.role == Role.REGULATOR and m.institution is not None}
    return [body for body in admission.approving_bodies(board) if body["code"] in codes]


def acts_for_an_approving_body(user, board) -> bool:
    return bool(_bodies_of(user, board))


@login_required
def plan_approvals(request, board):
    bodies = _bodies_of(request.user, request.board)
    if not bodies:
        raise Http404("未找到该页面。")
    codes = [body["code"] for body in bodies]
    plans = (TierPlan.objects.exclude(state=TierPlanState.DRAFT, submitted_at=None)
             .select_related("campaign").order_by("-submitted_at", "-pk")
             .prefetch_related(Prefetch("approvals", PlanApproval.objects.filter(body__in=codes),
                                        to_attr="mine")))
    rows = []
    for plan in plans:
        decided = {approval.body: approval for approval in plan.mine}
        for body in bodies:
            decision = decided.get(body["code"])
            rows.append({"plan": plan, "body": body, "decision": decision,
                         "waiting": plan.state == TierPlanState.SUBMITTED and decision is None})
    return render(request, "boards/admission/approvals.html", {
        "bodies": bodies, "rows": rows, "waiting": sum(row["waiting"] for row in rows)})
