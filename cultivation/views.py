"""Pages under /<board>/cultivation/: the board's listing-cultivation pipeline (staff, bureaus,
regulators), a path with its milestones, and its steps for staff and the serving securities firm.
Another board's path, one the caller does not serve and a caller without the role all get 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from boards.kernel.access import STAFF_ROLES, membership_institution, user_roles
from boards.kernel.models import Role
from boards.kernel.steps import available
from boards.kernel.steps.pages import step_page
from cultivation import charts, selectors
from cultivation.steps import LISTING_STEPS


def _step_roles(user, board, path):
    """The roles whose steps ``user`` may take on ``path``: staff all (None), the serving firm's
    users the stage steps, anyone else none (an empty set)."""
    roles = user_roles(user, board)
    if roles & set(STAFF_ROLES):
        return None
    if Role.INSTITUTION_USER in roles and path.securities_firm_id is not None:
        firm = membership_institution(user, board, Role.INSTITUTION_USER)
        if firm is not None and firm.pk == path.securities_firm_id:
            return {Role.INSTITUTION_USER}
    return set()


def _allowed(user, board, path):
    roles = _step_roles(user, board, path)
    if roles == set():
        return []
    return [(name, LISTING_STEPS[name].label) for name in available(LISTING_STEPS, path, roles)]


@login_required
def pipeline(request, board):
    """附件2 (三)：上市培育 — every path of the board by stage, with the count of each."""
    selectors.access_pipeline(request.user, request.board)
    stages = selectors.pipeline(request.board)
    return render(request, "cultivation/pipeline.html", {
        "stages": stages, "chart": charts.stage_chart(stages),
        "total": sum(row["count"] for row in stages)})


@login_required
def path_detail(request, board, pk):
    path = selectors.access_path(request.user, request.board, pk)
    return render(request, "cultivation/path.html", {
        "path": path, "milestones": path.milestones.select_related("securities_firm", "recorded_by"),
        "steps": _allowed(request.user, request.board, path)})


@login_required
def path_step(request, board, pk, step):
    path = selectors.access_path(request.user, request.board, pk)
    roles = _step_roles(request.user, request.board, path)
    spec = LISTING_STEPS.get(step)
    if spec is None or roles == set() or (roles is not None and spec.roles and not roles & set(spec.roles)):
        raise Http404("没有这个操作。")
    done = reverse("cultivation-path", kwargs={"board": board, "pk": path.pk})
    return step_page(request, steps=LISTING_STEPS, name=step, obj=path, done_url=done, roles=roles,
                     step_url=lambda name: reverse("cultivation-path-step",
                                                   kwargs={"board": board, "pk": path.pk, "step": name}),
                     context={"base_template": "base.html",
                              "breadcrumbs": [(done, str(path))]})
