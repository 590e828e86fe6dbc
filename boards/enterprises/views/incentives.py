"""Pages of equity incentives: the plans a person may read and one plan's terms with the grants
they may see. Directed disclosure (840号 (七) 定向信息披露, (十二) 信息披露): a plan is shown to the
board's staff, to its enterprise's users and, once disclosed, to its participants — each
participant seeing their own grants only; anyone else gets the same 404 as for a missing plan."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from boards.enterprises import selectors
from boards.enterprises.services.incentives import next_vesting, transferable


@login_required
def plans(request, board):
    rows = selectors.incentive_plans_for(request.user, request.board).order_by("-approved_on", "-pk")
    return render(request, "boards/incentives/plans.html", {"plans": rows})


@login_required
def plan(request, board, pk):
    item, grants = selectors.access_incentive_plan(request.user, request.board, pk)
    rows = [(g, next_vesting(g), transferable(g)) for g in grants]
    return render(request, "boards/incentives/plan.html", {"plan": item, "grants": rows})
