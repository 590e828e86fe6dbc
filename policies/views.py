"""Pages under /<board>/policies/: policy matches for staff and in the enterprise's own view,
the staff's award desk, the Ordos programme dashboard with its ledger export and filing, and
each lead unit's quarterly ledger report. Bad input re-renders the page with a 4xx and why."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from boards.enterprises.tiers import tier_names
from boards.kernel.access import STAFF_ROLES, has_role, require_role
from boards.kernel.errors import DomainError
from boards.kernel.steps import available, refuse_unless_available, run
from policies import exports, ordos, selectors, services
from policies.models import Award, AwardState, ReportState
from policies.steps import AWARD_STEPS

PAGE_SIZE = 50


def _staff(request):
    selectors.require_module(request.board, "policies")
    require_role(request.user, request.board, *STAFF_ROLES)


# --- Policy matching -------------------------------------------------------------------------


def _matches_page(request, enterprise):
    error, status = "", 200
    if request.method == "POST":
        policy = selectors.enterprise_policies(request.board, timezone.localdate()) \
            .filter(code=request.POST.get("policy", "")).first()
        try:
            if policy is None:
                raise DomainError("没有这项政策，或已不在有效期内。")
            services.apply_for_award(enterprise, policy, actor=request.user)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"已提交「{policy}」申请，等待交易中心核验。")
            return redirect(request.path)
    qualified, nearly = selectors.policy_matches(enterprise)
    return render(request, "policies/enterprise.html", {
        "enterprise": enterprise, "qualified": qualified, "nearly": nearly, "error": error,
        "tier_name": tier_names(request.board).get(enterprise.tier, ""),
        "awards": enterprise.policy_awards.select_related("policy").order_by("-applied_at", "-pk"),
    }, status=status)


@login_required
def staff_enterprise_policies(request, board, pk):
    _staff(request)
    return _matches_page(request, selectors.enterprise_for_matching(request.board, pk))


@login_required
def my_policies(request, board):
    selectors.require_module(request.board, "policies")
    return _matches_page(request, selectors.my_enterprise(request.user, request.board))


# --- Award desk ---------------------------------------------------------------------------------


def _awards_page(request, error="", status=200):
    awards = Award.objects.filter(board=request.board).select_related("policy", "enterprise")
    state, year = request.GET.get("state", ""), request.GET.get("year", "")
    if state in AwardState.values:
        awards = awards.filter(state=state)
    if year.isdigit():
        awards = awards.filter(year=int(year))
    page = Paginator(awards.order_by("-applied_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    for award in page.object_list:
        award.steps = [(name, AWARD_STEPS[name].label, AWARD_STEPS[name].form(obj=award))
                       for name in available(AWARD_STEPS, award)]
    return render(request, "policies/awards.html", {
        "page": page, "states": AwardState.choices, "state": state, "year": year, "error": error,
        "this_year": timezone.localdate().year}, status=status)


@login_required
def awards(request, board):
    _staff(request)
    return _awards_page(request)


@login_required
@require_POST
def award_step(request, board, pk, step):
    """One step from the award desk (policies/steps.py); a refusal, a wrong input or a step
    not available now (409, with the steps that are) re-draws the desk with the reason."""
    _staff(request)
    award = get_object_or_404(Award.objects.filter(board=request.board), pk=pk)
    if step not in AWARD_STEPS:
        return _awards_page(request, f"没有「{step}」这个操作。", 404)
    form = AWARD_STEPS[step].form(request.POST, obj=award)
    try:
        refuse_unless_available(AWARD_STEPS, step, award)
        if not form.is_valid():
            raise DomainError("；".join(error for errors in form.errors.values() for error in errors))
        result = run(AWARD_STEPS, step, award, request.user, form.service_kwargs())
    except DomainError as exc:
        return _awards_page(request, exc.message, exc.status)
    messages.success(request, AWARD_STEPS[step].done_message(result))
    return redirect("policies-awards", board=request.board.slug)


@login_required
@require_POST
def file_awards(request, board):
    _staff(request)
    year = request.POST.get("year", "")
    try:
        if not year.isdigit():
            raise DomainError("请填写报送年度，如 2026。")
        filings = services.file_awards(request.board, year=int(year), actor=request.user)
    except DomainError as exc:
        return _awards_page(request, exc.message, exc.status)
    messages.success(request, f"{year}年度奖补汇总已生成报备：{'、'.join(f.number for f in filings)}。")
    return redirect("policies-awards", board=request.board.slug)


# --- Ordos programme ----------------------------------------------------------------------------


def _quarter(data):
    """``(year, quarter)`` from the request data, the last ended quarter by default."""
    year, quarter = data.get("year", ""), data.get("quarter", "")
    if not year and not quarter:
        return selectors.last_ended_quarter(timezone.localdate())
    if not (year.isdigit() and quarter in ("1", "2", "3", "4") and 2000 <= int(year) <= 2100):
        raise DomainError("请选择年度（如 2026）和季度（1—4）。", code="invalid_quarter")
    return int(year), int(quarter)


def _dashboard(request, error="", status=200):
    context = selectors.dashboard(request.board, timezone.now())
    context.update(error=error, can_file=has_role(request.user, request.board, *STAFF_ROLES))
    return render(request, "policies/ordos_dashboard.html", context, status=status)


@login_required
def ordos_dashboard(request, board):
    selectors.access_ledger_reader(request.user, request.board)
    return _dashboard(request)


@login_required
def ordos_ledger_xlsx(request, board):
    selectors.access_ledger_reader(request.user, request.board)
    try:
        year, quarter = _quarter(request.GET)
    except DomainError as exc:
        return _dashboard(request, exc.message, exc.status)
    response = HttpResponse(exports.ledger_workbook(request.board, year, quarter),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ordos-ledger-{year}Q{quarter}.xlsx"'
    return response


@login_required
@require_POST
def ordos_file_ledger(request, board):
    selectors.access_ledger_reader(request.user, request.board)
    require_role(request.user, request.board, *STAFF_ROLES)
    try:
        year, quarter = _quarter(request.POST)
        filing = ordos.file_ledger(request.board, year=year, quarter=quarter, actor=request.user)
    except DomainError as exc:
        return _dashboard(request, exc.message, exc.status)
    messages.success(request, f"{year}年第{quarter}季度台账已生成报备 {filing.number}，"
                              f"报送{filing.addressee_name}。")
    return redirect("policies-ordos", board=request.board.slug)


@login_required
def ledger_reports(request, board):
    reports = selectors.unit_reports(request.user, request.board)
    now = timezone.now()
    for report in reports:
        report.status = selectors.REPORT_STATUS_LABELS[selectors.report_status(report, now)]
    return render(request, "policies/ledger_reports.html", {"reports": reports})


@login_required
def ledger_report(request, board, pk):
    report, entries = selectors.access_unit_report(request.user, request.board, pk)
    error, status = "", 200
    if request.method == "POST":
        data = {entry.task.number: {key: request.POST.get(f"{key}-{entry.task.number}", "")
                                    for key in ordos.REPORT_FIELDS} for entry in entries}
        try:
            ordos.submit_quarterly_report(report, actor=request.user, entries=data)
        except DomainError as exc:
            error, status = exc.message, exc.status
            for entry in entries:  # show what was typed
                for key in ordos.REPORT_FIELDS:
                    setattr(entry, key, data[entry.task.number][key])
        else:
            messages.success(request, f"{report}台账已报送。")
            return redirect("policies-ledger-reports", board=request.board.slug)
    return render(request, "policies/ledger_report.html", {
        "report": report, "entries": entries, "error": error, "open": report.state == ReportState.OPEN},
        status=status)
