"""Staff side: the policy catalogue and the Ordos targets, actuals and lead-unit contacts are
edited here (through the services, so each change is evidenced); awards, guarantee claims,
the task ledger and the quarterly reports are shown read-only (their workflows run on the
pages and the API)."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from boards.kernel.admin.base import BoardScopedAdmin, IndentedJSONField, ReadOnlyBoardAdmin
from boards.kernel.admin.desk import LargeTableAutocompleteMixin
from policies import ordos, services
from policies.models import (
    Award,
    GuaranteeClaim,
    GuaranteeYear,
    LedgerTask,
    LedgerUnit,
    Policy,
    ProgrammeTarget,
    QuarterlyReport,
    ReportEntry,
    TargetActual,
)


@admin.register(Policy)
class PolicyAdmin(BoardScopedAdmin):
    module = "policies"
    list_display = ["code", "title", "beneficiary", "benefit_kind", "amount", "cap", "recurrence",
                    "valid_from", "valid_until", "is_active"]
    list_filter = ["beneficiary", "benefit_kind", "recurrence", "is_active"]
    search_fields = ["code", "title", "source_document", "document_number"]
    formfield_overrides = {models.JSONField: {"form_class": IndentedJSONField}}

    def save_model(self, request, obj, form, change):
        obj.board = request.board
        services.save_policy(obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # awards refer to it: deactivate instead


@admin.register(Award)
class AwardAdmin(ReadOnlyBoardAdmin):
    module = "policies"
    list_display = ["enterprise", "policy", "period", "amount", "state", "proposed_automatically",
                    "applied_at", "year"]
    list_filter = ["state", "year", "policy", "proposed_automatically"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "policy"]

    def changelist_view(self, request, extra_context=None):
        desk = reverse("policies-awards", kwargs={"board": request.board.slug})
        return super().changelist_view(request, {**(extra_context or {}), "subtitle": format_html(
            '在<a href="{}">奖补办理页面</a>核验、批准、拨付或驳回', desk)})


@admin.register(GuaranteeClaim)
class GuaranteeClaimAdmin(ReadOnlyBoardAdmin):
    module = "policies"
    list_display = ["institution", "year", "period_label", "guarantee_amount", "cut",
                    "granted_risk_compensation", "granted_premium_subsidy", "state"]
    search_fields = ["institution__name", "period_label"]
    list_filter = ["year", "state"]
    list_select_related = ["institution"]


@admin.register(GuaranteeYear)
class GuaranteeYearAdmin(ReadOnlyBoardAdmin):
    module = "policies"
    list_display = ["institution", "year", "capped_total"]
    search_fields = ["institution__name"]
    list_filter = ["year"]
    list_select_related = ["institution"]


@admin.register(ProgrammeTarget)
class ProgrammeTargetAdmin(ReadOnlyBoardAdmin):
    module = "ordos_ledger"
    list_display = ["title", "kind", "threshold", "unit", "first_year", "last_year", "source"]
    search_fields = ["code", "title"]
    list_filter = ["kind"]


@admin.register(TargetActual)
class TargetActualAdmin(BoardScopedAdmin):
    module = "ordos_ledger"
    list_display = ["target", "year", "value", "note", "recorded_by", "recorded_at"]
    search_fields = ["target__title", "note"]
    list_filter = ["target", "year"]
    fields = ["target", "year", "value", "note"]
    list_select_related = ["target", "recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["target", "year"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = ProgrammeTarget.objects.filter(board=request.board)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.pk = ordos.record_target_actual(obj.target, year=obj.year, value=obj.value, note=obj.note,
                                            actor=request.user).pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerUnit)
class LedgerUnitAdmin(BoardScopedAdmin):
    module = "ordos_ledger"
    list_display = ["name", "contact"]
    search_fields = ["name"]
    list_filter = [("contact", admin.EmptyFieldListFilter)]
    fields = ["name", "contact"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerTask)
class LedgerTaskAdmin(ReadOnlyBoardAdmin):
    module = "ordos_ledger"
    list_display = ["number", "title", "area", "deadline_text", "deadline"]
    search_fields = ["area", "title", "measure"]
    list_filter = ["area"]
    fields = ["number", "area", "title", "measure", "lead_units", "cooperating_units", "deadline_text",
              "deadline", "source_note"]


class ReportEntryInline(LargeTableAutocompleteMixin, admin.TabularInline):
    model = ReportEntry
    readonly_fields = fields = ("task", "progress", "problems", "next_steps")
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return getattr(request, "board", None) is not None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyBoardAdmin):
    module = "ordos_ledger"
    list_display = ["unit", "year", "quarter", "state", "submitted_at", "late"]
    search_fields = ["unit__name"]
    list_filter = ["year", "quarter", "state", "late"]
    list_select_related = ["unit"]
    inlines = [ReportEntryInline]
