"""Admission pages: applicants (the enterprise's users, and the bureau or institution that filed
for it), bureau users, approving bodies, and the public publicity page.

Access: a page the user's roles do not open answers 404, the same as a missing object or
another board's. Writes go through boards.admission; a DomainError is shown as a page with
its message (or as JSON when asked for) with its status: 400, 404 or 409, never 500.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from boards.enterprises import tiers
from boards.enterprises.models import (
    Application,
    ApplicationState,
    Campaign,
    Enterprise,
    EnterpriseStatus,
    FiledBy,
    TierPlan,
)
from boards.enterprises.services import admission, application_form, plans
from boards.enterprises.steps import APPLICANT_STEPS, DecisionForm, approval_steps
from boards.kernel.access import active_memberships
from boards.kernel.errors import DomainError, add_to_form, form_status
from boards.kernel.files import serve_file
from boards.kernel.models import BoardMembership, Filing, InstitutionKind, Role
from boards.kernel.steps import available, run

# Serving institutions that may file for an enterprise (证监办函〔2022〕840号 二(三)).
FILING_INSTITUTION_KINDS = (InstitutionKind.FUND, InstitutionKind.BANK, InstitutionKind.SECURITIES,
                            InstitutionKind.ACCOUNTING, InstitutionKind.LAW)


# --- Access ----------------------------------------------------------------------------------


def _memberships(request):
    """The user's active memberships on the current board (one query per request)."""
    if not hasattr(request, "_board_memberships"):
        request._board_memberships = list(
            BoardMembership.objects.filter(user=request.user, board=request.board, is_active=True)
            .select_related("institution"))
    return request._board_memberships


def _membership(request, role):
    membership = next((m for m in _memberships(request) if m.role == role), None)
    if membership is None:
        raise Http404("未找到该页面。")
    return membership


def _bureau(request):
    membership = _membership(request, Role.LOCAL_BUREAU)
    if not membership.prefecture:
        raise Http404("未找到该页面。")
    return membership


def _filing_institution(request):
    membership = _membership(request, Role.INSTITUTION_USER)
    if membership.institution is None or membership.institution.kind not in FILING_INSTITUTION_KINDS:
        raise Http404("未找到该页面。")
    return membership


def files_for_enterprises(user, board):
    """Whether ``user`` acts for an institution that may file applications (their page exists)."""
    return any(m.board_id == board.pk and m.role == Role.INSTITUTION_USER and m.institution is not None
               and m.institution.kind in FILING_INSTITUTION_KINDS for m in active_memberships(user))


def bureau_of_a_prefecture(user, board):
    return any(m.board_id == board.pk and m.role == Role.LOCAL_BUREAU and m.prefecture
               for m in active_memberships(user))


def _own_enterprises(request):
    return Enterprise.objects.filter(users=request.user)


def applicant_applications(request):
    """Applications the user works on as applicant: their enterprise's, their prefecture's
    (bureau), those their institution filed."""
    condition = Q(pk__in=[])
    for m in _memberships(request):
        if m.role == Role.ENTERPRISE_USER:
            condition |= Q(enterprise__in=_own_enterprises(request))
        elif m.role == Role.LOCAL_BUREAU and m.prefecture:
            condition |= Q(enterprise__prefecture=m.prefecture)
        elif m.role == Role.INSTITUTION_USER and m.institution_id:
            condition |= Q(filing_institution=m.institution_id)
    return Application.objects.filter(condition).select_related("enterprise", "campaign", "plan")


def _access_application(request, pk):
    return get_object_or_404(applicant_applications(request), pk=pk)


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def domain_errors(view):
    """A refusal the view does not show on its own page (a JSON caller's, or one outside any
    form) answers its status with the reason."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if _wants_json(request):
                return JsonResponse(exc.as_dict(), status=exc.status)
            return render(request, "boards/admission/error.html", {"error": exc}, status=exc.status)

    return wrapper


def _named(applications, board):
    """Evaluate ``applications`` with ``tier_name`` set to their proposed tier's name."""
    names = tiers.tier_names(board)
    applications = list(applications)
    for application in applications:
        application.tier_name = names.get(application.proposed_tier, "")
    return applications


def _posted(request):
    """Form data and files, bound on POST even when empty (so missing fields are errors)."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _tier_choices(board):
    return [("", "由交易中心核定")] + list(tiers.tier_names(board).items())


# --- Forms -------------------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    campaign = forms.ModelChoiceField(label="申报批次", queryset=Campaign.objects.none())
    requested_tier = forms.ChoiceField(label="申请层级", required=False)

    def __init__(self, *args, board, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["campaign"].queryset = Campaign.objects.filter(is_open=True)
        self.fields["requested_tier"].choices = _tier_choices(board)


class TierForm(forms.Form):
    requested_tier = forms.ChoiceField(label="申请层级", required=False)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_tier"].choices = _tier_choices(board)


class MaterialForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=200)
    file = forms.FileField(label="文件（PDF、图片、Word、Excel）")


class InstitutionFilingForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    campaign = forms.ModelChoiceField(label="申报批次", queryset=Campaign.objects.none())
    requested_tier = forms.ChoiceField(label="申请层级", required=False)
    due_diligence = forms.FileField(label="尽调材料或审计报告")

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(is_open=True)
        self.fields["requested_tier"].choices = _tier_choices(board)

    def clean(self):
        data = super().clean()
        if "name" in data and "credit_code" in data:
            data["enterprise"] = Enterprise.objects.filter(
                name=data["name"].strip(), credit_code=data["credit_code"].strip().upper()).first()
            if data["enterprise"] is None:
                raise forms.ValidationError("本专板没有名称和统一社会信用代码都相符的企业，请核对；"
                                            "尚未登记的企业请先联系交易中心登记。")
        return data


class ObjectionForm(forms.Form):
    application = forms.ModelChoiceField(label="异议对象", queryset=Application.objects.none())
    raised_by = forms.CharField(label="异议人（单位或姓名及联系方式）", max_length=100)
    text = forms.CharField(label="异议内容及依据", widget=forms.Textarea)

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: a.enterprise.name


# --- Applicant pages -----------------------------------------------------------------------


@login_required
@domain_errors
def my_applications(request, board):
    _membership(request, Role.ENTERPRISE_USER)
    # only enterprises that may still apply: not on the board, no application on its way
    can_apply = (_own_enterprises(request).filter(status=EnterpriseStatus.PROSPECT)
                 .exclude(applications__state__in=admission.ACTIVE_STATES))
    form = ApplicationForm(*_posted(request), board=request.board, enterprises=can_apply)
    if request.method == "POST" and form.is_valid():
        try:
            application = admission.create_application(
                form.cleaned_data["enterprise"], form.cleaned_data["campaign"], actor=request.user,
                requested_tier=form.cleaned_data["requested_tier"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "申请草稿已创建，请上传材料后提交。")
            return redirect("admission-detail", board=request.board.slug, pk=application.pk)
    applications = applicant_applications(request).filter(enterprise__in=_own_enterprises(request))
    return render(request, "boards/admission/my_list.html", {
        "applications": _named(applications, request.board), "form": form,
        "can_apply": form.is_bound or can_apply.exists()},
        status=form_status(form))


@login_required
def application_detail(request, board, pk):
    application = _access_application(request, pk)
    return _detail(request, application)


def _detail(request, application, *, tier_form=None, material_form=None, status=200):
    board = request.board
    names = tiers.tier_names(board)
    submit_step = next((APPLICANT_STEPS[name] for name in available(APPLICANT_STEPS, application)), None)
    return render(request, "boards/admission/detail.html", {
        "application": application,
        "tier_name": names.get(application.proposed_tier, ""),
        "requested_tier_name": names.get(application.requested_tier, ""),
        "materials": application.materials.select_related("file").order_by("round", "pk"),
        "objections": application.objections.exclude(upheld=None),
        "tier_form": tier_form or TierForm(board=board,
                                           initial={"requested_tier": application.requested_tier}),
        "material_form": material_form or MaterialForm(),
        "can_edit": application.state == ApplicationState.DRAFT,
        "form_missing": application_form.missing(application),
        "form_required": application.filed_by == FiledBy.ENTERPRISE,
        "can_upload": application.state in admission.OPEN_FOR_MATERIAL,
        "submit_step": submit_step,
        "submit_preview": submit_step.preview(application) if submit_step else None,
    }, status=status)


@login_required
@require_POST
@domain_errors
def application_edit(request, board, pk):
    application = _access_application(request, pk)
    form = TierForm(request.POST, board=request.board)
    if not form.is_valid():
        return _detail(request, application, tier_form=form, status=400)
    try:
        admission.update_application(application, requested_tier=form.cleaned_data["requested_tier"],
                                     actor=request.user)
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, application, tier_form=form, status=exc.status)
    messages.success(request, "已保存。")
    return redirect("admission-detail", board=request.board.slug, pk=pk)


@login_required
@require_POST
@domain_errors
def material_add(request, board, pk):
    application = _access_application(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, application, material_form=form, status=400)
    try:
        admission.add_material(application, form.cleaned_data["file"], title=form.cleaned_data["title"],
                               actor=request.user)
    except DomainError as exc:
        add_to_form(form, exc)
        return _detail(request, application, material_form=form, status=exc.status)
    messages.success(request, "材料已上传。")
    return redirect("admission-detail", board=request.board.slug, pk=pk)


@login_required
def material_download(request, board, pk, material_pk):
    application = _access_application(request, pk)
    material = get_object_or_404(application.materials.select_related("file"), pk=material_pk)
    return serve_file(request, material.file)


@login_required
@require_POST
@domain_errors
def application_submit(request, board, pk):
    """Submit a draft, or resubmit after a supplement request."""
    application = _access_application(request, pk)
    allowed = available(APPLICANT_STEPS, application)
    returned = application.state == ApplicationState.RETURNED
    name = allowed[0] if allowed else "resubmit" if returned else "submit"
    try:
        run(APPLICANT_STEPS, name, application, request.user, {})
    except DomainError as exc:  # refused: the same page, saying why
        if _wants_json(request):
            raise
        messages.error(request, exc.message)
        return _detail(request, application, status=exc.status)
    messages.success(request, APPLICANT_STEPS[name].done_message(application))
    return redirect("admission-detail", board=request.board.slug, pk=pk)


# --- Bureau pages --------------------------------------------------------------------------


@login_required
@domain_errors
def bureau_applications(request, board):
    """The prefecture's applications; POST forwards the selected ones as one batch."""
    membership = _bureau(request)
    applications = Application.objects.filter(enterprise__prefecture=membership.prefecture).select_related(
        "enterprise", "campaign", "plan")
    status = 200
    if request.method == "POST":
        selected = list(applications.filter(pk__in=[pk for pk in request.POST.getlist("application")
                                                   if pk.isdigit()]))
        try:
            batch = admission.forward_batch(selected, prefecture=membership.prefecture, actor=request.user)
        except DomainError as exc:  # refused: the same list, the selection kept, saying why
            if _wants_json(request):
                raise
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, f"已向交易中心报送 {len(batch)} 项申请。")
            return redirect("admission-bureau", board=request.board.slug)
    state = request.GET.get("state", "")
    if state in ApplicationState.values:
        applications = applications.filter(state=state)
    return render(request, "boards/admission/bureau_list.html", {
        "applications": _named(applications, request.board), "prefecture": membership.prefecture,
        "state": state, "states": ApplicationState.choices,
        "selected": set(request.POST.getlist("application"))}, status=status)


@login_required
@domain_errors
def bureau_file(request, board):
    """File for an enterprise of the prefecture: submitted at once, forwarded with a batch."""
    membership = _bureau(request)
    enterprises = Enterprise.objects.filter(prefecture=membership.prefecture).exclude(
        status=EnterpriseStatus.ADMITTED)
    form = ApplicationForm(*_posted(request), board=request.board, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            admission.file_by_bureau(form.cleaned_data["enterprise"], form.cleaned_data["campaign"],
                                     actor=request.user, requested_tier=form.cleaned_data["requested_tier"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "已代企业提交申请，请随批次报送交易中心。")
            return redirect("admission-bureau", board=request.board.slug)
    return render(request, "boards/admission/bureau_file.html", {"form": form,
                                                                 "prefecture": membership.prefecture},
                  status=form_status(form))


# --- Serving institutions --------------------------------------------------------------------


@login_required
@domain_errors
def institution_applications(request, board):
    membership = _filing_institution(request)
    form = InstitutionFilingForm(*_posted(request), board=request.board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = admission.file_by_institution(
                data["enterprise"], data["campaign"], data["due_diligence"],
                institution=membership.institution, actor=request.user, requested_tier=data["requested_tier"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已向交易中心提交{application.enterprise}的入板申请。")
            return redirect("admission-institution", board=request.board.slug)
    return render(request, "boards/admission/institution_list.html", {
        "applications": _named(Application.objects.filter(filing_institution=membership.institution)
                               .select_related("enterprise", "campaign", "plan"), request.board),
        "institution": membership.institution, "form": form},
        status=form_status(form))


# --- Approving bodies --------------------------------------------------------------------------


@login_required
@domain_errors
def plan_approve(request, board, pk, body):
    """One approving body's view of a tier plan: its filing, the list, and its decision."""
    membership = _membership(request, Role.REGULATOR)
    name = admission.body_name(request.board, body)
    if name is None or membership.institution is None or membership.institution.code != body:
        raise Http404("未找到该页面。")
    plan = get_object_or_404(TierPlan.objects.select_related("campaign", "board"), pk=pk)
    steps = approval_steps(body)
    form = DecisionForm(*_posted(request), obj=plan)
    if request.method == "POST" and form.is_valid():
        try:
            run(steps, "decide", plan, request.user, form.service_kwargs())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, steps["decide"].done_message(plan))
            return redirect("admission-approve", board=request.board.slug, pk=pk, body=body)
    can_decide = "decide" in available(steps, plan) or bool(form.errors)
    return render(request, "boards/admission/approve.html", {
        "plan": plan, "body": body, "body_name": name, "form": form, "rows": plans.plan_rows(plan),
        "decision": plan.approvals.filter(body=body).first(),
        "filing": Filing.objects.filter(subject_type="boards.tierplan", subject_id=str(plan.pk),
                                        addressee=body).order_by("-created_at").first(),
        "can_decide": can_decide, "preview": steps["decide"].preview(plan) if can_decide else None,
    }, status=form_status(form))


# --- Public publicity page ---------------------------------------------------------------------


@domain_errors
def publicity(request, board):
    """The enterprises in publicity (公示), open to everyone, with the objection form."""
    today = timezone.localdate()
    in_publicity = Application.objects.filter(state=ApplicationState.IN_PUBLICITY).select_related(
        "enterprise").order_by("enterprise__name")
    open_to_objection = in_publicity.filter(plan__publicity_starts_on__lte=today,
                                            plan__publicity_ends_on__gte=today)
    form = ObjectionForm(*_posted(request), applications=open_to_objection)
    if request.method == "POST" and form.is_valid():
        try:
            plans.raise_objection(form.cleaned_data["application"], raised_by=form.cleaned_data["raised_by"],
                                  text=form.cleaned_data["text"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "异议已收到，交易中心将核实处理。")
            return redirect("admission-publicity", board=request.board.slug)
    published = list(TierPlan.objects.filter(state="in_publicity").prefetch_related(
        Prefetch("applications", queryset=in_publicity, to_attr="listed")).order_by("publicity_starts_on"))
    for plan in published:
        plan.listed = _named(plan.listed, request.board)
    return render(request, "boards/admission/publicity.html",
                  {"plans": published, "form": form, "today": today}, status=form_status(form))
