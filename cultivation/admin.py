"""Admin of the cultivation app: the listing paths, grouped by stage with the count of each
(the board's pipeline), their steps and milestones; enrolment goes through the service."""

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from boards.kernel.admin.base import ReadOnlyBoardAdmin, on_board
from boards.kernel.errors import DomainError
from boards.kernel.steps.admin import StepAdminMixin
from cultivation import selectors
from cultivation.models import PATH, ListingMilestone, ListingPath, Stage
from cultivation.services import listing
from cultivation.steps import LISTING_STEPS, EnrolForm

STAGE_ORDER = Case(*(When(stage=stage, then=Value(i)) for i, stage in enumerate([*PATH, Stage.WITHDRAWN])),
                   output_field=IntegerField())


class MilestoneInline(admin.TabularInline):
    model = ListingMilestone
    extra = 0
    can_delete = False
    fields = readonly_fields = ["stage", "occurred_on", "reference", "note", "securities_firm", "recorded_by",
                                "recorded_at"]

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
    fields = readonly_fields = ["enterprise", "stage", "target_market", "securities_firm", "enrolled_on",
                                "joint_stock_on", "tutoring_on", "communication_on", "filed_on", "listed_on",
                                "withdrawn_on", "withdrawn_reason", "created_by", "created_at"]
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
                form.add_error(exc.details.get("field") if exc.details.get("field") in form.fields else None,
                               exc.message)
            else:
                messages.success(request, f"已纳入上市培育：{path.enterprise.name}。")
                return redirect("admin:cultivation_listingpath_change", path.pk)
        return self.form_page(request, "纳入上市培育", form,
                              reverse("admin:cultivation_listingpath_changelist"))
