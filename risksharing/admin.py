"""Staff side: financing cases run step by step from the case page, the maker-checker
approvals of contract terms and loss allocations, compensation funds with their ledger, the
funders' reported NPL ratios, and the quarterly report. Every step goes through
risksharing.services; a refused step is shown as a message."""

from collections import namedtuple

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from boards.kernel.admin.base import BoardScopedAdmin
from boards.kernel.errors import DomainError
from risksharing import forms, selectors, services
from risksharing.models import (
    ApprovalState,
    CaseState,
    CompensationFund,
    ContractTerms,
    EnhancerView,
    FinancingCase,
    FirmInput,
    FundEntry,
    FunderNplReport,
    FunderRequest,
    LossAllocation,
    LossPart,
    RiskShare,
)

Step = namedtuple("Step", "label form run success")


def _on_board(request):
    return getattr(request, "board", None) is not None


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return _on_board(request)

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


class StepsAdmin(BoardScopedAdmin):
    """Read-only change page with one button per step available now (``available_steps``);
    each step is a small form (or a confirmation) run through a service."""
    module = "risksharing"

    change_form_template = "risksharing/admin/change_form.html"
    steps = {}

    def available_steps(self, obj):
        return []

    def has_change_permission(self, request, obj=None):
        return _on_board(request) and obj is None  # the changelist only: changes are steps

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_step"
        return [path("<int:pk>/step/<str:step>/", self.admin_site.admin_view(self.step_view), name=name),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not _on_board(request):  # an is_staff user with no staff board: no queryset to look in
            raise Http404("未找到该对象。")
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "steps": [
            (step, self.steps[step].label) for step in self.available_steps(obj)],
            "step_url": f"admin:{self.opts.app_label}_{self.opts.model_name}_step"}
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk, step):
        obj = self.get_queryset(request).filter(pk=pk).first() if _on_board(request) else None
        if obj is None or step not in self.available_steps(obj):
            raise Http404("未找到该对象。")
        label, form_class, run, success = self.steps[step]
        form = form_class(request.POST or None, obj=obj) if form_class else None
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method == "POST" and (form is None or form.is_valid()):
            data = {} if form is None else (
                form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data)
            try:
                run(obj, data, request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
                if form is None:
                    return redirect(back)
            else:
                messages.success(request, success)
                return redirect(back)
        return step_page(self, request, f"{label}：{obj}", form, back)


def step_page(model_admin, request, title, form, back):
    return TemplateResponse(request, "risksharing/admin/step.html", {
        **model_admin.admin_site.each_context(request), "title": title, "form": form, "back": back,
        "opts": model_admin.opts})


# --- Cases -------------------------------------------------------------------------------------


class FirmInputInline(ReadOnlyInline):
    model = FirmInput
    fields = readonly_fields = ["institution", "summary", "added_by", "added_at"]


class EnhancerViewInline(ReadOnlyInline):
    model = EnhancerView
    fields = readonly_fields = ["institution", "intent", "opinion", "guarantee_amount", "recorded_at", "due",
                                "letter"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution", "deadline", "letter")

    @admin.display(description="审议期限")
    def due(self, view):
        return view.deadline.due_at if view.deadline else "—"


class FunderRequestInline(ReadOnlyInline):
    model = FunderRequest
    fields = readonly_fields = ["funder", "state", "sent_at", "answer_due", "amount", "conditions", "reasons",
                                "answered_at", "feedback_due", "feedback_letter"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "funder", "answer_deadline", "feedback_deadline", "feedback_letter")

    @admin.display(description="答复期限")
    def answer_due(self, request):
        return request.answer_deadline.due_at if request.answer_deadline else "—"

    @admin.display(description="答复企业期限")
    def feedback_due(self, request):
        return request.feedback_deadline.due_at if request.feedback_deadline else "—"


def _run(service, **fixed):
    """A step runner calling ``service(obj, **form data, actor=user)``."""
    return lambda obj, data, user: service(obj, actor=user, **fixed, **data)


CASE_STEPS = {
    "add_firm_input": Step("补充专业机构意见", forms.FirmInputForm, _run(services.add_firm_input),
                           "已补充。"),
    "recommend": Step("出具融资推荐函", forms.RecommendForm, _run(services.recommend_to_enhancers),
                      "融资推荐函已出具并送达增信机构，立项会审议期限开始计算。"),
    "record_view": Step("记录立项会意见", forms.StaffViewForm, _run(services.record_enhancer_view),
                        "立项会意见已记录。"),
    "send_to_funders": Step("发送资金方", forms.FundersForm, _run(services.send_to_funders),
                            "融资推荐函和担保推荐函已发送资金方，答复期限开始计算。"),
    "advise_improvement": Step("告知企业完善事项", forms.TextForm,
                               lambda c, d, u: services.advise_improvement(c, text=d["text"], actor=u),
                               "已告知企业，反馈函已生成。"),
    "lapse_request": Step("登记资金方逾期未答复", forms.LapseForm, lambda c, d, u: services.lapse_request(
        d["request"], actor=u), "已登记，请在期限内答复企业。"),
    "send_feedback": Step("答复企业", forms.FeedbackForm, lambda c, d, u: services.send_feedback(
        d["request"], text=d["text"], actor=u), "已答复企业，反馈函已生成。"),
    "propose_terms": Step("录入合同条款", forms.TermsForm, _run(services.propose_terms),
                          "合同条款已录入，待另一位工作人员复核。"),
    "disburse": Step("登记放款", forms.DateForm, _run(services.disburse), "放款已登记。"),
    "record_repayment": Step("登记还款", forms.RepaymentForm, _run(services.record_repayment),
                             "还款已登记。"),
    "declare_default": Step("登记违约", forms.DateForm, _run(services.declare_default),
                            "违约已登记，请录入损失分担。"),
    "propose_loss": Step("录入损失分担", forms.LossForm, _run(services.propose_loss_allocation),
                         "损失分担已按比例计算，待另一位工作人员复核。"),
    "transfer_npl": Step("不良资产转让", forms.TransferForm, _run(services.transfer_npl), "转让已登记。"),
    "close": Step("终止项目", forms.TextForm,
                  lambda c, d, u: services.close_case(c, reason=d["text"], actor=u), "项目已终止。"),
}
STATE_STEPS = {
    CaseState.PRESCREENING: ["add_firm_input", "recommend", "close"],
    CaseState.RECOMMENDED: ["record_view", "send_to_funders", "advise_improvement", "close"],
    CaseState.WITH_FUNDERS: ["send_to_funders", "lapse_request", "send_feedback", "propose_terms", "close"],
    CaseState.CONTRACTED: ["disburse"],
    CaseState.DISBURSED: ["record_repayment", "declare_default"],
    CaseState.DEFAULTED: ["propose_loss"],
    CaseState.LOSS_ALLOCATED: ["transfer_npl"],
}


@admin.register(FinancingCase)
class FinancingCaseAdmin(StepsAdmin):
    list_display = ["pk", "enterprise", "purpose", "mode", "amount_requested", "state", "outstanding",
                    "created_at"]
    list_filter = ["state", "mode"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    change_list_template = "risksharing/admin/case_change_list.html"
    inlines = [FirmInputInline, EnhancerViewInline, FunderRequestInline]
    fields = readonly_fields = [
        "enterprise", "mode", "amount_requested", "purpose", "state", "prescreen_opinion",
        "recommendation_letter",
        "meeting_at", "meeting_place", "improvement_advice", "advice_letter", "contract", "disbursed_on",
        "outstanding", "repaid_on", "defaulted_on", "allocation", "npl_transferee", "npl_transferred_on",
        "npl_price", "closed_reason", "created_by", "created_at"]
    steps = CASE_STEPS

    def available_steps(self, case):
        return STATE_STEPS.get(case.state, [])

    def has_add_permission(self, request):
        return _on_board(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("report/", view(self.report_view), name="risksharing_financingcase_report"),
                *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """Opening a case goes through services.open_case (checks, evidence)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = forms.OpenCaseForm(request.POST or None, board=request.board)
        if request.method == "POST" and form.is_valid():
            try:
                case = services.open_case(request.board, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已受理：{case}。下一步：补充专业机构意见并出具融资推荐函。")
                return redirect("admin:risksharing_financingcase_change", case.pk)
        return step_page(self, request, "受理融资项目", form,
                         reverse("admin:risksharing_financingcase_changelist"))

    def report_view(self, request):
        """File the quarterly risk-sharing report with the regulator."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = forms.ReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                filing = services.file_quarterly_report(request.board, actor=request.user,
                                                        **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"季度报告已生成，报备编号 {filing.number}。")
                return redirect("admin:risksharing_financingcase_changelist")
        return step_page(self, request, "报送季度风险分担情况报告", form,
                         reverse("admin:risksharing_financingcase_changelist"))


# --- Maker-checker -----------------------------------------------------------------------------


class RiskShareInline(ReadOnlyInline):
    model = RiskShare
    fields = readonly_fields = ["institution", "party", "share"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


class LossPartInline(ReadOnlyInline):
    model = LossPart
    fields = readonly_fields = ["institution", "party", "share", "amount", "fund", "fund_paid", "unfunded"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution", "fund")


class ApprovalAdmin(StepsAdmin):
    """Approve or reject: only a user other than the one who entered it (services refuse the maker)."""

    list_display = ["pk", "case", "state", "entered_by", "entered_at", "checked_by", "checked_at"]
    list_filter = ["state"]
    list_select_related = ["case__enterprise", "entered_by", "checked_by"]
    approval_fields = ["state", "entered_by", "entered_at", "checked_by", "checked_at", "rejection_reason"]

    def available_steps(self, item):
        return ["approve", "reject"] if item.state == ApprovalState.PROPOSED else []

    def has_add_permission(self, request):
        return False


@admin.register(ContractTerms)
class ContractTermsAdmin(ApprovalAdmin):
    inlines = [RiskShareInline]
    fields = readonly_fields = ["case", "funder", "amount", "annual_rate", "term_months", "advantage",
                                "advantage_note", *ApprovalAdmin.approval_fields]
    steps = {
        "approve": Step("复核通过", None, _run(services.approve_terms), "合同条款已复核通过，项目已签约。"),
        "reject": Step("退回", forms.TextForm,
                       lambda t, d, u: services.reject_terms(t, reason=d["text"], actor=u),
                       "合同条款已退回录入人。"),
    }


@admin.register(LossAllocation)
class LossAllocationAdmin(ApprovalAdmin):
    inlines = [LossPartInline]
    fields = readonly_fields = ["case", "loss", *ApprovalAdmin.approval_fields]
    steps = {
        "approve": Step("复核通过", None, _run(services.approve_loss_allocation),
                        "损失分担已复核通过；资金池已按余额代偿，缺口已记录。"),
        "reject": Step("退回", forms.TextForm,
                       lambda a, d, u: services.reject_loss_allocation(a, reason=d["text"], actor=u),
                       "损失分担已退回录入人。"),
    }


# --- Funds and reported ratios -----------------------------------------------------------------


class FundEntryInline(ReadOnlyInline):
    model = FundEntry
    fields = readonly_fields = ["created_at", "kind", "amount", "balance_after", "loss_part", "note", "actor"]
    ordering = ["-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "loss_part__institution")


@admin.register(CompensationFund)
class CompensationFundAdmin(StepsAdmin):
    list_display = ["name", "institution", "balance"]
    list_select_related = ["institution"]
    steps = {"deposit": Step("注资", forms.DepositForm, _run(services.deposit_to_fund), "注资已入账。")}

    def available_steps(self, fund):
        return ["deposit"]

    def has_add_permission(self, request):
        return _on_board(request)

    def get_inlines(self, request, obj):
        return [FundEntryInline] if obj else []

    def get_fields(self, request, obj=None):
        return ["board", "institution", "name"] if obj is None else ["institution", "name", "balance"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["institution", "name", "balance"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "institution":
            kwargs["queryset"] = selectors.parties(request.board, "enhancer")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FunderNplReport)
class FunderNplReportAdmin(BoardScopedAdmin):
    module = "risksharing"
    list_display = ["funder", "period", "overall_npl_ratio", "reported_on"]
    list_filter = ["period"]
    list_select_related = ["funder"]
    # board stays in the form (shown, fixed) so the unique (board, funder, period) is validated.
    fields = ["board", "funder", "period", "overall_npl_ratio", "reported_on", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "funder":
            kwargs["queryset"] = selectors.parties(request.board, "funder")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
