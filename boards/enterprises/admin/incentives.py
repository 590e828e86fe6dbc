"""Admin of equity incentives: staff register a plan (through the service), disclose it to its
participants, grant, and record vesting, exercise and transfer — each share that moves shows as a
ShareChange of the register, linked from the grant's events."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from boards.enterprises.incentive_steps import GRANT_STEPS, PLAN_STEPS, PlanForm
from boards.enterprises.models import Enterprise, Grant, IncentiveEvent, IncentivePlan, Participant
from boards.enterprises.services import incentives
from boards.kernel.admin.base import ReadOnlyBoardAdmin, ReadOnlyInline
from boards.kernel.errors import DomainError, add_to_form
from boards.kernel.steps.admin import StepAdminMixin


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = readonly_fields = ("name", "position", "user")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class GrantInline(ReadOnlyInline):
    model = Grant
    fields = readonly_fields = ("grant_link", "shares", "granted_on", "vested_shares", "exercised_shares",
                                "transferred_shares")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant")

    @admin.display(description="激励对象")
    def grant_link(self, item):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:boards_grant_change", args=[item.pk]), item.participant.name
        )


@admin.register(IncentivePlan)
class IncentivePlanAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "equity_incentives"
    list_display = ["name", "enterprise", "kind", "pool_shares", "state", "step_links"]
    list_filter = ["state", "kind"]
    search_fields = ["name", "enterprise__name"]
    list_select_related = ["enterprise"]
    inlines = [ParticipantInline, GrantInline]
    fields = readonly_fields = ("enterprise", "name", "kind", "source", "pool_shares", "granted_shares",
                                "exercise_price", "vesting_years", "approved_on", "basis", "summary", "state",
                                "disclosed_at", "terminated_reason", "registered_by", "registered_at")
    steps = PLAN_STEPS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enterprise", "source").prefetch_related("grants")

    @admin.display(description="已授予（股）")
    def granted_shares(self, plan):
        return f"{incentives.granted(plan):,.2f}"

    def has_add_permission(self, request):
        return self._open(request)

    def add_view(self, request, form_url="", extra_context=None):
        """登记计划 goes through services.incentives.register_plan (register, source, pool, evidence)."""
        if not self.has_add_permission(request):
            raise Http404("未找到该对象。")
        enterprises = Enterprise.objects.filter(board=request.board, share_register__isnull=False).order_by(
            "name"
        )
        form = PlanForm(request.POST or None, enterprises=enterprises)
        if request.method == "POST" and form.is_valid():
            data = form.service_kwargs()
            try:
                plan = incentives.register_plan(data.pop("enterprise"), actor=request.user, **data)
            except DomainError as exc:
                exc.details["field"] = {"source": "source_holder"}.get(
                    exc.details.get("field"), exc.details.get("field")
                )
                add_to_form(form, exc)
            else:
                messages.success(request, f"已登记股权激励计划：{plan}。")
                return redirect("admin:boards_incentiveplan_change", plan.pk)
        return self.form_page(
            request, "登记股权激励计划", form, reverse("admin:boards_incentiveplan_changelist")
        )


class EventInline(ReadOnlyInline):
    model = IncentiveEvent
    fields = readonly_fields = ("kind", "shares", "occurred_on", "amount", "note", "register_entry", "actor")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("share_change__holding", "actor")

    @admin.display(description="股东名册记录")
    def register_entry(self, event):
        change = event.share_change
        if change is None:
            return "—（不涉及股份变动）"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:boards_sharechange_change", args=[change.pk]), str(change)
        )


@admin.register(Grant)
class GrantAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    module = "equity_incentives"
    list_display = [
        "participant",
        "plan",
        "shares",
        "granted_on",
        "vested_shares",
        "exercised_shares",
        "transferred_shares",
        "step_links",
    ]
    list_select_related = ["participant", "plan__enterprise", "plan__source"]
    search_fields = ["participant__name", "plan__name"]
    inlines = [EventInline]
    fields = readonly_fields = ("plan", "participant", "shares", "granted_on", "vested_tranches",
                                "vested_shares", "exercised_shares", "transferred_shares", "holding")
    steps = GRANT_STEPS
