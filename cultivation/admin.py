"""Admin of the cultivation app: the listing paths, grouped by stage with the count of each
(the board's pipeline), their steps and milestones; research visits and their follow-up actions.
Enrolment and scheduling go through the services."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from boards.kernel.admin.base import ReadOnlyBoardAdmin, on_board
from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.steps.admin import StepAdminMixin
from cultivation import selectors
from cultivation.models import (
    PATH,
    ActionState,
    FollowUpAction,
    ListingMilestone,
    ListingPath,
    OperationReport,
    ResearchVisit,
    SatisfactionSurvey,
    Stage,
)
from cultivation.services import listing, reports, visits
from cultivation.steps import ACTION_STEPS, LISTING_STEPS, VISIT_STEPS, EnrolForm, ScheduleVisitForm

STAGE_ORDER = Case(*(When(stage=stage, then=Value(i)) for i, stage in enumerate([*PATH, Stage.WITHDRAWN])),
                   output_field=IntegerField())


class MilestoneInline(admin.TabularInline):
    model = ListingMilestone
    extra = 0
    can_delete = False
    fields = readonly_fields = ("stage", "occurred_on", "reference", "note", "securities_firm", "recorded_by",
                                "recorded_at")

    def has_view_permission(self, request, obj=None):
        return True  # shown on a change page the board-scoped parent admin already opened

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("securities_firm", "recorded_by")


@admin.register(ListingPath)
class ListingPathAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "listing_cultivation"
    list_display = ["enterprise", "stage", "stage_on", "target_market", "securities_firm", "step_links"]
    list_filter = ["stage", "target_market", "securities_firm"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "securities_firm"]
    change_list_template = "cultivation/admin/path_change_list.html"
    inlines = [MilestoneInline]
    fields = readonly_fields = ("enterprise", "stage", "target_market", "securities_firm", "enrolled_on",
                                "joint_stock_on", "tutoring_on", "communication_on", "filed_on", "listed_on",
                                "withdrawn_on", "withdrawn_reason", "created_by", "created_at")
    steps = LISTING_STEPS

    @admin.display(description="本阶段日期")
    def stage_on(self, path):
        return path.stage_date()

    def get_ordering(self, request):
        return [STAGE_ORDER.asc(), "enterprise__name"]  # grouped by stage, in the path's order

    def has_add_permission(self, request):
        return self._open(request)

    def changelist_view(self, request, extra_context=None):
        counts = []
        if on_board(request):
            base = reverse("admin:cultivation_listingpath_changelist")
            counts = [(row["label"], row["count"], f"{base}?stage__exact={row['stage']}")
                      for row in selectors.pipeline_counts(request.board)]
        return super().changelist_view(request, {**(extra_context or {}), "stage_counts": counts})

    def add_view(self, request, form_url="", extra_context=None):
        """培育入库 goes through services.listing.enrol (checks, milestone, evidence)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = EnrolForm(request.POST or None, board=request.board)
        if request.method == "POST" and form.is_valid():
            try:
                path = listing.enrol(request.board, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, f"已纳入上市培育：{path.enterprise.name}。")
                return redirect("admin:cultivation_listingpath_change", path.pk)
        return self.form_page(request, "纳入上市培育", form,
                              reverse("admin:cultivation_listingpath_changelist"))


# --- Research visits -----------------------------------------------------------------------------------


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class ActionInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0
    can_delete = False
    fields = readonly_fields = ("title", "assignee", "state", "due", "result", "done_at")

    def has_view_permission(self, request, obj=None):
        return True  # shown on a change page the board-scoped parent admin already opened

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee", "deadline")

    @admin.display(description="办理期限")
    def due(self, action):
        return _local(action.deadline.due_at) if action.deadline else "—"


@admin.register(ResearchVisit)
class ResearchVisitAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "research_visits"
    list_display = ["enterprise", "scheduled_on", "state", "visited_on", "lead", "institution",
                    "needs_text", "step_links"]
    list_filter = ["state", "institution"]
    search_fields = ["enterprise__name", "findings", "problems", "needs_detail"]
    list_select_related = ["enterprise", "lead", "institution"]
    inlines = [ActionInline]
    fields = readonly_fields = ("enterprise", "scheduled_on", "purpose", "lead", "institution", "state",
                                "visited_on", "findings", "problems", "needs_text", "needs_detail", "advice",
                                "cancel_reason", "service_record", "created_by", "created_at")
    steps = VISIT_STEPS

    @admin.display(description="需求类别")
    def needs_text(self, visit):
        return "、".join(visit.need_labels()) or "—"

    def has_add_permission(self, request):
        return self._open(request)

    def add_view(self, request, form_url="", extra_context=None):
        """安排走访 goes through services.visits.schedule_visit (checks, evidence, notice)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = ScheduleVisitForm(request.POST or None, board=request.board)
        if request.method == "POST" and form.is_valid():
            try:
                visit = visits.schedule_visit(request.board, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, f"已安排调研走访：{visit.enterprise.name}"
                                          f"（{visit.scheduled_on:%Y-%m-%d}）。")
                return redirect("admin:cultivation_researchvisit_change", visit.pk)
        return self.form_page(request, "安排调研走访", form,
                              reverse("admin:cultivation_researchvisit_changelist"))


@admin.register(FollowUpAction)
class FollowUpActionAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "research_visits"
    list_display = ["title", "enterprise", "assignee", "state", "due", "overdue", "step_links"]
    list_filter = ["state"]
    list_select_related = ["visit__enterprise", "assignee", "deadline"]
    fields = readonly_fields = ("visit", "title", "assignee", "state", "due", "result", "done_at")
    steps = ACTION_STEPS

    @admin.display(description="企业")
    def enterprise(self, action):
        return action.visit.enterprise

    @admin.display(description="办理期限")
    def due(self, action):
        return _local(action.deadline.due_at) if action.deadline else "—"

    @admin.display(description="逾期", boolean=True)
    def overdue(self, action):
        due = action.deadline.due_at if action.deadline else None
        return bool(action.state == ActionState.OPEN and due and due < timezone.now())


# --- Operation reports ---------------------------------------------------------------------------------


class ReportForm(forms.Form):
    period = forms.CharField(label="报告期", max_length=8,
                             help_text="季度如 2026Q3，半年如 2026H2；期满后报送")

    def clean_period(self):
        period = self.cleaned_data["period"].strip().upper()
        try:
            reports.period_bounds(period)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return period


@admin.register(OperationReport)
class OperationReportAdmin(StepAdminMixin, ReadOnlyBoardAdmin):  # no steps: its form page
    module = "operation_reports"
    list_display = ["__str__", "starts_on", "ends_on", "filing_numbers", "filed_by", "filed_at"]
    fields = readonly_fields = ("period", "starts_on", "ends_on", "figures_table", "filing_numbers",
                                "filed_by", "filed_at")

    def get_urls(self):
        return ReadOnlyBoardAdmin.get_urls(self)  # no steps, so no step URL (the mixin lends its form page)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("filed_by").prefetch_related("filings")

    @admin.display(description="报备文件")
    def filing_numbers(self, report):
        filings = sorted(report.filings.all(), key=lambda f: f.number)
        return "、".join(f"{f.number}（{f.addressee_name}）" for f in filings) or "—"

    @admin.display(description="运行数据")
    def figures_table(self, report):
        f = report.figures
        rows = [("在板企业", f"{f['tiers']['total']} 家")]
        rows += [(row["name"], f"{row['count']} 家") for row in f["tiers"]["rows"]]
        services = f["services"]
        rows += [("本期新入板", f"{f['admitted_in_period']} 家"),
                 ("走访/服务", f"{services['visits']} / {services['services']} 次"),
                 ("融资合计（元）", f["financing"]["total"])]
        if f.get("listings"):
            listings = f["listings"]
            listed = listings["listed_in_period"]
            rows.append(("上市培育企业", f"{listings['total']} 家（本期上市 {listed} 家）"))
        return format_html_join("", "<div>{}：{}</div>", rows)

    def has_add_permission(self, request):
        return self._open(request)

    def add_view(self, request, form_url="", extra_context=None):
        """报送 goes through services.reports.file_operation_report (figures, filings, evidence)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        form = ReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = reports.file_operation_report(request.board, actor=request.user,
                                                       **form.cleaned_data)
            except DomainError as exc:
                form.add_error("period", exc.message)
            else:
                numbers = "、".join(f.number for f in report.filings.all())
                messages.success(request, f"已报送{report}，报备编号 {numbers}。")
                return redirect("admin:cultivation_operationreport_change", report.pk)
        return self.form_page(request, "报送专板运行情况", form,
                              reverse("admin:cultivation_operationreport_changelist"))


# --- Satisfaction surveys ---------------------------------------------------------------------------


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyBoardAdmin):
    """Answered by the enterprises on their own page; staff read them here."""

    module = "tracking_evaluation"
    list_display = ["enterprise", "label", "institution", "delivered_on", "state", "score", "answered_at"]
    list_filter = ["state", "score"]
    search_fields = ["enterprise__name", "label", "comment"]
    list_select_related = ["enterprise", "institution"]
