"""Staff side: financing cases run step by step from the case page, the maker-checker
approvals of contract terms and loss allocations, compensation funds with their ledger, the
funders' reported NPL ratios, and the quarterly report. Every step goes through
risksharing.services; a refused step is shown as a message."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyInline, on_board
from boards.kernel.admin.desk import use_autocomplete
from boards.kernel.errors import DomainError
from boards.kernel.steps.admin import StepAdminMixin
from risksharing import forms, selectors, services
from risksharing.models import (
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
from risksharing.steps import CASE_STEPS, FUND_STEPS, LOSS_STEPS, TERMS_STEPS


class StepsAdmin(StepAdminMixin, BoardScopedAdmin):
    """Read-only change page with one button per step available now (boards.kernel.steps)."""
    module = "risksharing"

    def has_change_permission(self, request, obj=None):
        return on_board(request) and obj is None  # the changelist only: changes are steps

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not on_board(request):  # an is_staff user with no staff board: no queryset to look in
            raise Http404("未找到该对象。")
        return super().change_view(request, object_id, form_url, extra_context)


# --- Cases -------------------------------------------------------------------------------------


class FirmInputInline(ReadOnlyInline):
    model = FirmInput
    fields = readonly_fields = ("institution", "summary", "added_by", "added_at")


class EnhancerViewInline(ReadOnlyInline):
    model = EnhancerView
    fields = readonly_fields = ("institution", "intent", "opinion", "guarantee_amount", "recorded_at", "due",
                                "letter")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution", "deadline", "letter")

    @admin.display(description="审议期限")
    def due(self, view):
        return view.deadline.due_at if view.deadline else "—"


class FunderRequestInline(ReadOnlyInline):
    model = FunderRequest
    fields = readonly_fields = ("funder", "state", "sent_at", "answer_due", "amount", "conditions", "reasons",
                                "answered_at", "feedback_due", "feedback_letter")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "funder", "answer_deadline", "feedback_deadline", "feedback_letter")

    @admin.display(description="答复期限")
    def answer_due(self, request):
        return request.answer_deadline.due_at if request.answer_deadline else "—"

    @admin.display(description="答复企业期限")
    def feedback_due(self, request):
        return request.feedback_deadline.due_at if request.feedback_deadline else "—"


@admin.register(FinancingCase)
class FinancingCaseAdmin(StepsAdmin):
    list_display = ["pk", "enterprise", "purpose", "mode", "amount_requested", "state", "outstanding",
                    "created_at"]
    list_filter = ["state", "mode"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    change_list_template = "risksharing/admin/case_change_list.html"
    inlines = [FirmInputInline, EnhancerViewInline, FunderRequestInline]
    fields = readonly_fields = ("enterprise", "mode", "amount_requested", "purpose", "state",
                                "prescreen_opinion", "recommendation_letter", "meeting_at", "meeting_place",
                                "improvement_advice", "advice_letter", "contract", "disbursed_on",
                                "outstanding", "repaid_on", "defaulted_on", "allocation", "npl_transferee",
                                "npl_transferred_on", "npl_price", "closed_reason", "created_by",
                                "created_at")
    steps = CASE_STEPS

    def has_add_permission(self, request):
        return on_board(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("report/", view(self.report_view), name="risksharing_financingcase_report"),
                *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        """Opening a case goes through services.open_case (checks, evidence)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = forms.OpenCaseForm(request.POST or None, board=request.board)
        use_autocomplete(form, "enterprise", FinancingCase)
        if request.method == "POST" and form.is_valid():
            try:
                case = services.open_case(request.board, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已受理：{case}。下一步：补充专业机构意见并出具融资推荐函。")
                return redirect("admin:risksharing_financingcase_change", case.pk)
        return self.form_page(request, "受理融资项目", form,
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
        return self.form_page(request, "报送季度风险分担情况报告", form,
                              reverse("admin:risksharing_financingcase_changelist"))


# --- Maker-checker -----------------------------------------------------------------------------


class RiskShareInline(ReadOnlyInline):
    model = RiskShare
    fields = readonly_fields = ("institution", "party", "share")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


class LossPartInline(ReadOnlyInline):
    model = LossPart
    fields = readonly_fields = ("institution", "party", "share", "amount", "fund", "fund_paid", "unfunded")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution", "fund")


class ApprovalAdmin(StepsAdmin):
    """Approve or reject: only a user other than the one who entered it (services refuse the maker)."""

    list_display = ["pk", "case", "state", "entered_by", "entered_at", "checked_by", "checked_at"]
    list_filter = ["state"]
    list_select_related = ["case__enterprise", "entered_by", "checked_by"]
    approval_fields = ["state", "entered_by", "entered_at", "checked_by", "checked_at", "rejection_reason"]

    def has_add_permission(self, request):
        return False


@admin.register(ContractTerms)
class ContractTermsAdmin(ApprovalAdmin):
    search_fields = ["case__enterprise__name", "funder__name"]
    inlines = [RiskShareInline]
    fields = readonly_fields = ("case", "funder", "amount", "annual_rate", "term_months", "advantage",
                                "advantage_note", *ApprovalAdmin.approval_fields)
    steps = TERMS_STEPS


@admin.register(LossAllocation)
class LossAllocationAdmin(ApprovalAdmin):
    search_fields = ["case__enterprise__name"]
    inlines = [LossPartInline]
    fields = readonly_fields = ("case", "loss", *ApprovalAdmin.approval_fields)
    steps = LOSS_STEPS


# --- Funds and reported ratios -----------------------------------------------------------------


class FundEntryInline(ReadOnlyInline):
    model = FundEntry
    fields = readonly_fields = ("created_at", "kind", "amount", "balance_after", "loss_part", "note", "actor")
    ordering = ["-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "loss_part__institution")


@admin.register(CompensationFund)
class CompensationFundAdmin(StepsAdmin):
    list_display = ["name", "institution", "balance"]
    search_fields = ["name", "institution__name"]
    list_filter = ["institution"]
    list_select_related = ["institution"]
    steps = FUND_STEPS

    def has_add_permission(self, request):
        return on_board(request)

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
    search_fields = ["funder__name", "period"]
    list_filter = ["period"]
    list_select_related = ["funder"]
    # board stays in the form (shown, fixed) so the unique (board, funder, period) is validated.
    fields = ["board", "funder", "period", "overall_npl_ratio", "reported_on", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "funder":
            kwargs["queryset"] = selectors.parties(request.board, "funder")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
