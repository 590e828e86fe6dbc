"""Admin of the enterprise registry and the annual re-tiering. Every write goes through
boards.services / boards.retiering (evidence included); every list exports to XLSX; the
enterprise list imports XLSX with a dry-run preview (boards.imports)."""

from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin
from import_export.forms import ExportForm

from boards.enterprises.models import (
    Enterprise,
    FinancialYear,
    FinancingEvent,
    ImportJob,
    ImportState,
    Qualification,
    RetierProposal,
    RetierRun,
    ServiceRecord,
    TierChange,
    TierChangeKind,
)
from boards.enterprises.services import registry as services
from boards.enterprises.services.import_jobs import start_import
from boards.enterprises.services.imports import (
    IMPORT_KINDS,
    EnterpriseResource,
    FinancialYearResource,
    FinancingEventResource,
    QualificationResource,
    RetierProposalResource,
    RetierRunResource,
    ServiceRecordResource,
    TierChangeResource,
)
from boards.enterprises.services.retiering import (
    confirm_run,
    decide_proposal,
    proposal_tier_choices,
    start_retier_run,
)
from boards.enterprises.tiers import tier_names
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyAdminMixin
from boards.kernel.admin.desk import LargeTableAutocompleteMixin
from boards.kernel.errors import DomainError
from boards.kernel.exports import SafeXLSX
from boards.kernel.files import store_upload

IMPORT_PURPOSE = "boards.import"


class XlsxExportMixin(ExportMixin):
    """XLSX export of the admin's current list, with the board's resource."""

    export_formats = [SafeXLSX]  # no cell a spreadsheet would evaluate (boards/kernel/exports.py)
    export_form_class = ExportForm

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"board": request.board}


class TierFilter(admin.SimpleListFilter):
    title = "所在层级"
    parameter_name = "tier"

    def lookups(self, request, model_admin):
        return list(tier_names(request.board).items())

    def queryset(self, request, queryset):
        return queryset.filter(tier=self.value()) if self.value() else queryset


# --- Enterprise with its records ------------------------------------------------------------------


class RecordInline(LargeTableAutocompleteMixin, admin.TabularInline):
    """Existing records are facts on the evidence log: shown read-only; new ones go through
    the service named by ``EnterpriseAdmin.save_formset``."""

    extra = 0
    can_delete = False
    exclude: ClassVar[tuple[str, ...]] = ("board",)

    # Staff rights come from board memberships, not Django model permissions.
    def has_view_permission(self, request, obj=None):
        return getattr(request, "board", None) is not None

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False


class QualificationInline(RecordInline):
    model = Qualification
    fields = ("kind", "issuer", "issued_on", "valid_until", "financing_round", "source")


class FinancialYearInline(RecordInline):
    model = FinancialYear
    fields = ("year", "revenue", "net_profit", "rd_expense", "total_assets")


class FinancingEventInline(RecordInline):
    model = FinancingEvent
    fields = ("occurred_on", "kind", "financing_round", "amount", "investor_name", "investor")
    autocomplete_fields = ("investor",)


class ServiceRecordInline(RecordInline):
    model = ServiceRecord
    fields = ("occurred_on", "kind", "summary", "institution")
    exclude = ("board", "staff")
    autocomplete_fields = ("institution",)


class TierNamesMixin:
    """Tier codes shown as the board's tier names."""

    @admin.display(description="原层级", ordering="from_tier")
    def from_name(self, obj):
        return tier_names(obj.board).get(obj.from_tier, obj.from_tier) or "—"

    @admin.display(description="新层级", ordering="to_tier")
    def to_name(self, obj):
        return tier_names(obj.board).get(obj.to_tier, obj.to_tier) or "—"


class TierChangeInline(TierNamesMixin, RecordInline):
    model = TierChange
    fields = ("changed_at", "kind", "from_name", "to_name", "reason", "actor")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("board", "actor")

    def has_add_permission(self, request, obj=None):
        return False


def _add_qualification(enterprise, record, actor):
    services.add_qualification(enterprise, kind=record.kind, issuer=record.issuer, issued_on=record.issued_on,
                               valid_until=record.valid_until, financing_round=record.financing_round,
                               source=record.source, actor=actor)


def _record_financials(enterprise, record, actor):
    services.record_financials(enterprise, year=record.year, revenue=record.revenue,
                               net_profit=record.net_profit, rd_expense=record.rd_expense,
                               total_assets=record.total_assets, actor=actor)


def _record_financing(enterprise, record, actor):
    services.record_financing(enterprise, kind=record.kind, amount=record.amount,
                              investor_name=record.investor_name, investor=record.investor,
                              financing_round=record.financing_round, occurred_on=record.occurred_on,
                              actor=actor)


def _record_service(enterprise, record, actor):
    services.record_service(enterprise, kind=record.kind, occurred_on=record.occurred_on,
                            summary=record.summary, institution=record.institution, actor=actor)


RECORD_SERVICES = {Qualification: _add_qualification, FinancialYear: _record_financials,
                   FinancingEvent: _record_financing, ServiceRecord: _record_service}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=list(IMPORT_KINDS.items()))
    file = forms.FileField(label="Excel 文件（.xlsx）", help_text="第一行为列名，列名与导出文件相同")


@admin.register(Enterprise)
class EnterpriseAdmin(XlsxExportMixin, BoardScopedAdmin):
    module = "boards"
    large_table = True  # foreign keys to enterprises are chosen by autocomplete
    resource_classes = [EnterpriseResource]
    change_list_template = "boards/admin/enterprise_change_list.html"
    list_display = ("name", "credit_code", "prefecture", "industry", "status", "tier_name", "admitted_on",
                    "profile")
    list_filter = ("status", TierFilter, "prefecture")
    search_fields = ("name", "credit_code")
    readonly_fields = ("status", "tier_name", "admitted_on")  # the tier by its name, never its code
    exclude = ("users", "tier")
    inlines = (QualificationInline, FinancialYearInline, FinancingEventInline, ServiceRecordInline,
               TierChangeInline)

    @admin.display(description="所在层级", ordering="tier")
    def tier_name(self, obj):
        return tier_names(obj.board).get(obj.tier, obj.tier)

    @admin.display(description="画像")
    def profile(self, obj):
        url = reverse("enterprise-profile", kwargs={"board": obj.board.slug, "pk": obj.pk})
        return format_html('<a href="{}">查看</a>', url)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("board")

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in services.ENTERPRISE_FIELDS
                if field in form.cleaned_data and (not change or field in form.changed_data)}
        if change:
            if data:
                services.update_enterprise(obj, data=data, actor=request.user)
            return
        created = services.create_enterprise(request.board, data=data, actor=request.user)
        # The inline formsets are bound to ``obj``: it becomes the saved row.
        obj.pk, obj.created_at, obj._state.adding = created.pk, created.created_at, False

    def save_formset(self, request, form, formset, change):
        create = RECORD_SERVICES.get(formset.model)
        if create is None:
            return super().save_formset(request, form, formset, change)
        for record in formset.save(commit=False):
            create(form.instance, record, request.user)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        job = self.admin_site.admin_view(self.import_job_view)
        return [path("import/", view, name="boards_enterprise_import"),
                path("import/<int:pk>/", job, name="boards_enterprise_import_job"), *super().get_urls()]

    def _import_context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "导入 Excel",
                "max_rows": settings.IMPORT_MAX_ROWS, **extra}

    def import_view(self, request):
        """Upload: the file is checked and stored, and a worker reads it (dry run) in the background."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                stored = store_upload(request.board, form.cleaned_data["file"], purpose=IMPORT_PURPOSE,
                                      user=request.user, allowed=("xlsx",))
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                job = start_import(request.board, kind=form.cleaned_data["kind"], stored=stored,
                                   actor=request.user, dry_run=True)
                return redirect("admin:boards_enterprise_import_job", pk=job.pk)
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "boards/admin/enterprise_import.html",
                                self._import_context(request, form=form), status=status)

    def import_job_view(self, request, pk):
        """A job's progress (the page reloads itself until the worker is done), its report, and
        after a clean dry run the commit of the same file (queued as a job of its own)."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        job = ImportJob.objects.filter(board=request.board, pk=pk, created_by=request.user) \
            .select_related("file").first()
        if job is None:
            raise Http404("未找到该导入任务。")
        if request.method == "POST":
            if not (job.dry_run and job.state == ImportState.DONE and not job.report.get("errors")):
                messages.error(request, "该文件尚未通过预检，不能导入。")
                return redirect("admin:boards_enterprise_import_job", pk=job.pk)
            commit = start_import(request.board, kind=job.kind, stored=job.file, actor=request.user,
                                  dry_run=False)
            return redirect("admin:boards_enterprise_import_job", pk=commit.pk)
        if job.state == ImportState.DONE and job.report.get("saved"):
            report = job.report
            messages.success(request, f"已导入{IMPORT_KINDS[job.kind]} {report['rows']} 行"
                                      f"（新增 {report['new']}，更新 {report['updated']}）。")
            return redirect("admin:boards_enterprise_changelist")
        report = job.report if job.state == ImportState.DONE else None
        return TemplateResponse(request, "boards/admin/enterprise_import.html",
                                self._import_context(request, form=ImportForm(), job=job, report=report))


class RecordListAdmin(ReadOnlyAdminMixin, XlsxExportMixin, BoardScopedAdmin):
    """A read-only list of one kind of record across the board's enterprises (for search and
    export); records are added on the enterprise's page."""
    module = "boards"

    list_select_related: ClassVar[tuple[str, ...]] = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__credit_code")


@admin.register(Qualification)
class QualificationAdmin(RecordListAdmin):
    resource_classes = [QualificationResource]
    list_display = ("enterprise", "kind", "issuer", "issued_on", "valid_until", "financing_round", "source")
    list_filter = ("kind",)


@admin.register(FinancialYear)
class FinancialYearAdmin(RecordListAdmin):
    resource_classes = [FinancialYearResource]
    list_display = ("enterprise", "year", "revenue", "net_profit", "rd_expense", "total_assets")
    list_filter = ("year",)


@admin.register(FinancingEvent)
class FinancingEventAdmin(RecordListAdmin):
    resource_classes = [FinancingEventResource]
    list_display = ("enterprise", "occurred_on", "kind", "financing_round", "amount", "investor_name")
    list_filter = ("kind", "financing_round")


@admin.register(ServiceRecord)
class ServiceRecordAdmin(RecordListAdmin):
    resource_classes = [ServiceRecordResource]
    list_display = ("enterprise", "occurred_on", "kind", "staff", "institution", "summary")
    list_select_related = ("enterprise", "staff", "institution")
    list_filter = ("kind",)


@admin.register(TierChange)
class TierChangeAdmin(TierNamesMixin, RecordListAdmin):
    resource_classes = [TierChangeResource]
    list_display = ("enterprise", "changed_at", "kind", "from_name", "to_name", "reason", "actor")
    fields = ("enterprise", "changed_at", "kind", "from_name", "to_name", "reason", "actor")
    list_select_related = ("enterprise", "actor", "board")
    list_filter = ("kind",)


# --- Annual re-tiering ------------------------------------------------------------------------------


@admin.register(RetierRun)
class RetierRunAdmin(XlsxExportMixin, BoardScopedAdmin):
    """Adding a run builds its proposals; the action confirms runs whose proposals are all decided."""
    module = "boards"

    resource_classes = [RetierRunResource]
    list_display = ("year", "created_at", "confirmed_at", "proposals")
    search_fields = ["year"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    fields = ("board", "year", "created_at", "confirmed_at")
    actions = ("confirm",)

    def get_readonly_fields(self, request, obj=None):
        return ("created_at", "confirmed_at") + (("year",) if obj else ())

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="复核建议")
    def proposals(self, obj):
        url = reverse("admin:boards_retierproposal_changelist") + f"?run__id__exact={obj.pk}"
        return format_html('<a href="{}">逐条确认</a>', url)

    def save_model(self, request, obj, form, change):
        run = start_retier_run(request.board, obj.year, request.user)
        obj.pk, obj.created_at, obj._state.adding = run.pk, run.created_at, False

    @admin.action(description="确认所选年度复核，按已确认的层级执行升层、降层、清退")
    def confirm(self, request, queryset):
        for run in queryset:
            try:
                counts = confirm_run(run, request.user)
            except DomainError as error:
                self.message_user(request, f"{run.year} 年度：{error.message}", messages.ERROR)
                continue
            summary = "，".join(f"{TierChangeKind(kind).label} {n}" for kind, n in counts.items())
            self.message_user(request, f"{run.year} 年度复核已确认：{summary or '无企业'}。",
                              messages.SUCCESS)


class RetierProposalForm(forms.ModelForm):
    final_tier = forms.ChoiceField(label="确认层级", required=False)

    class Meta:
        model = RetierProposal
        fields = ("final_tier", "decision_reason")
        help_texts = {"decision_reason": "确认层级与建议层级不同时必须填写"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        proposal = self.instance
        self.fields["final_tier"].choices = proposal_tier_choices(proposal.board)
        self.initial["final_tier"] = proposal.final_tier if proposal.decided_at else proposal.proposed_tier

    def clean(self):
        data = super().clean()
        if self.instance.run.confirmed_at:
            raise ValidationError(f"{self.instance.run.year} 年度分层复核已确认，不能再修改。")
        changed = data.get("final_tier") != self.instance.proposed_tier
        if changed and not data.get("decision_reason", "").strip():
            self.add_error("decision_reason", "确认层级与建议层级不同，须填写调整理由。")
        return data


@admin.register(RetierProposal)
class RetierProposalAdmin(XlsxExportMixin, BoardScopedAdmin):
    """One proposal per enterprise: keep (action) or change (form, with a reason)."""
    module = "boards"

    resource_classes = [RetierProposalResource]
    form = RetierProposalForm
    list_display = ("enterprise", "current", "proposed", "final", "decided_by", "decided_at")
    list_filter = ("run", ("decided_at", admin.EmptyFieldListFilter))
    list_select_related = ("enterprise", "decided_by", "run", "board")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    readonly_fields = ("run", "enterprise", "current", "proposed", "explanation")
    fields = readonly_fields + ("final_tier", "decision_reason")
    actions = ("keep_proposed",)

    def _name(self, obj, code):
        return tier_names(obj.board).get(code, code) or "清退"

    @admin.display(description="现层级")
    def current(self, obj):
        return self._name(obj, obj.current_tier)

    @admin.display(description="建议层级")
    def proposed(self, obj):
        return self._name(obj, obj.proposed_tier)

    @admin.display(description="确认层级")
    def final(self, obj):
        return self._name(obj, obj.final_tier) if obj.decided_at else "待确认"

    @admin.display(description="逐项评估")
    def explanation(self, obj):
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (row["tier_name"], row["criterion"], "满足" if row["met"] else "不满足", row["reason"])
            for row in obj.criteria))
        return format_html("<table><tr><th>层级</th><th>条件</th><th>结论</th><th>依据</th></tr>"
                           "{}</table>", rows)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.run.confirmed_at)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        decide_proposal(obj, data["final_tier"], data["decision_reason"], request.user)

    @admin.action(description="按建议层级确认所选")
    def keep_proposed(self, request, queryset):
        done = 0
        for proposal in queryset:
            try:
                decide_proposal(proposal, proposal.proposed_tier, "", request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{proposal.enterprise}：{error.message}", messages.ERROR)
        if done:
            self.message_user(request, f"已按建议确认 {done} 条。", messages.SUCCESS)
