"""Pages under /<board>/cultivation/: the board's listing-cultivation pipeline and the tracking
evaluation (staff, bureaus, regulators), a path with its milestones and its steps for staff and the
serving securities firm, and an enterprise's satisfaction surveys. Another board's row, one the
caller does not serve or own and a caller without the role all get 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from boards.kernel.access import STAFF_ROLES, membership_institution, user_roles
from boards.kernel.errors import DomainError
from boards.kernel.models import Role
from boards.kernel.steps import available
from boards.kernel.steps.pages import step_page
from cultivation import charts, selectors
from cultivation.evaluation import year_evaluation
from cultivation.models import SCORES
from cultivation.services import surveys
from cultivation.steps import LISTING_STEPS


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(label="评价", choices=SCORES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见和建议", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


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


# --- Tracking evaluation and satisfaction surveys ---------------------------------------------------


@login_required
def evaluation(request, board):
    """840号 (二十三) 跟踪评价: the five indicators per quarter of a year, with their charts."""
    selectors.access_pipeline(request.user, request.board)  # staff, bureaus and regulators
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    year, error = today.year, ""
    if raw:
        if raw.isdigit() and 2000 <= int(raw) <= today.year:
            year = int(raw)
        else:
            error = f"年度「{raw[:10]}」无效，请填写 2000 至 {today.year} 之间的年份。"
    context = {"year": year, "error": error, **year_evaluation(request.board, year, today)}
    return render(request, "cultivation/evaluation.html", context, status=400 if error else 200)


@login_required
def my_surveys(request, board):
    surveys = selectors.surveys_for(request.user, request.board).order_by("state", "-delivered_on", "-pk")
    return render(request, "cultivation/surveys.html", {"surveys": surveys})


@login_required
def survey(request, board, pk):
    item = get_object_or_404(selectors.surveys_for(request.user, request.board), pk=pk)
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                surveys.answer_survey(item, actor=request.user, score=int(form.cleaned_data["score"]),
                                      comment=form.cleaned_data["comment"])
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "感谢您的评价。")
                return redirect("cultivation-surveys", board=board)
        else:
            status = 400
    return render(request, "cultivation/survey.html", {"survey": item, "form": form}, status=status)
