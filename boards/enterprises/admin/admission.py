"""Staff admin of admission: campaigns, applications, tier plans with their approvals, objections.

Rows are read-only here; every change is a workflow step run through boards.admission, from
a button on the change page (``<pk>/act/<step>/``: a confirmation form, with a text or date
field where the step needs one) or from a list action. A refused step shows its message.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from boards.enterprises import tiers
from boards.enterprises.models import Application, Campaign, Objection, PlanApproval, TierPlan
from boards.enterprises.services import admission, plans
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin, on_board
from boards.kernel.admin.desk import LargeTableAutocompleteMixin
from boards.kernel.files import serve_file
from boards.kernel.steps import Preview, Step, StepForm, text_form
from boards.kernel.steps.admin import StepAdminMixin, step_action


class StartPublicityForm(StepForm):
    starts_on = forms.DateField(label="公示开始日期", help_text="格式 2026-09-28",
                                widget=forms.DateInput(format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()


class ObjectionDecisionForm(StepForm):
    upheld = forms.TypedChoiceField(label="异议是否成立", choices=[("0", "不成立"), ("1", "成立")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    text = forms.CharField(label="处理意见", max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 5, "cols": 70}))

    def service_kwargs(self):
        return {"upheld": self.cleaned_data["upheld"], "reason": self.cleaned_data["text"]}


def suggestion_preview(application):
    """The tier the engine suggests now, with every criterion, before 认定符合条件."""
    suggestion = tiers.suggest_tier(application.enterprise)
    rows = [(r["tier_name"], r["criterion"], "满足" if r["met"] else "不满足", r["reason"])
            for r in suggestion.criteria]
    if suggestion.tier:
        text = f"认定符合条件，拟纳入{suggestion.name}（按分层建议）"
    else:
        text = "认定符合条件：企业不满足入板条件，不能给出分层建议"
    return Preview(text, ("层级", "条件", "结论", "依据"), rows, ok=bool(suggestion.tier))


def no_suggested_tier(application):
    """认定符合条件（按分层建议） is offered only when the tier engine suggests a tier now; without
    one (the board's entry requirement unmet) 认定不符合条件 is what remains."""
    suggestion = tiers.suggest_tier(application.enterprise)
    if suggestion.tier:
        return None
    unmet = [row for row in suggestion.criteria if row["tier"] == "" and not row["met"]]
    if not unmet:
        return "企业未达到任何层级的条件，不能按分层建议认定符合条件。"
    row = unmet[0]
    return f"企业不符合入板条件：{row['criterion']}（当前：{row['reason']}），不能按分层建议认定符合条件。"


class WorkflowAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    """Read-only rows whose changes are the ``steps`` (boards.kernel.steps)."""
    module = "admission"


# --- Campaigns -------------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["board", "name", "opens_on", "bureau_deadline", "check_deadline"]

    def clean(self):
        data = super().clean()
        dates = [data.get(name) for name in ("opens_on", "bureau_deadline", "check_deadline")]
        if all(dates) and admission.campaign_dates_error(*dates):
            raise forms.ValidationError(admission.campaign_dates_error(*dates))
        return data


@admin.register(Campaign)
class CampaignAdmin(WorkflowAdmin):
    """A campaign is created here (with its two deadlines) and only closed afterwards."""

    form = CampaignForm
    list_display = ["name", "opens_on", "bureau_deadline", "check_deadline", "is_open", "application_count",
                    "step_links"]
    search_fields = ["name"]
    list_filter = ["is_open"]
    steps = {"close": Step("停止受理", admission.close_campaign,
                           guard=lambda campaign: None if campaign.is_open else "征集已停止受理。")}

    def has_add_permission(self, request):
        # Unlike other workflow rows, campaigns are added here: the board admin's own rule applies.
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "opens_on", "bureau_deadline", "check_deadline", "is_open"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) if obj else super().get_fields(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(applications_total=Count("applications"))

    @admin.display(description="申请数", ordering="applications_total")
    def application_count(self, obj):
        return obj.applications_total

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = admission.create_campaign(
            request.board, name=data["name"], opens_on=data["opens_on"],
            bureau_deadline=data["bureau_deadline"], check_deadline=data["check_deadline"],
            actor=request.user).pk


# --- Applications ----------------------------------------------------------------------------


APPLICATION_STEPS = {
    "start_check": Step("开始初核", admission.start_check, transition="start_check"),
    "request_supplement": Step("退回补充材料", admission.request_supplement, transition="request_supplement",
                               form=text_form("需补充的材料")),
    "mark_eligible": Step("认定符合条件（按分层建议）", admission.mark_eligible, transition="mark_eligible",
                          guard=no_suggested_tier, preview=suggestion_preview),
    "mark_ineligible": Step("认定不符合条件", admission.mark_ineligible, transition="mark_ineligible",
                            form=text_form("不符合条件的理由", keyword="reasons")),
    "include_in_plan": Step("纳入分层方案", lambda application, *, actor: plans.build_plan(
        application.campaign, [application], actor=actor), transition="include_in_plan"),
    "exclude_from_plan": Step("移出分层方案", plans.remove_from_plan, transition="exclude_from_plan"),
    "admit": Step("公示期满，确认入板", plans.admit, transition="admit"),
}


@admin.register(Application)
class ApplicationAdmin(WorkflowAdmin):
    list_display = ["enterprise", "prefecture", "campaign", "filed_by", "state", "tier", "supplement_rounds",
                    "submitted_at"]
    list_filter = ["state", "campaign", "filed_by"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "campaign", "board"]
    readonly_fields = fields = ("enterprise", "campaign", "filed_by", "filing_institution", "documents",
                                "state", "requested_tier_name", "basis", "tier", "check_table",
                                "supplement_request", "supplement_rounds", "plan", "submitted_at",
                                "forwarded_at", "decided_at", "created_by", "created_at")
    steps = APPLICATION_STEPS
    actions = [step_action("start_check", APPLICATION_STEPS),
               step_action("mark_eligible", APPLICATION_STEPS),
               step_action("include_in_plan", APPLICATION_STEPS),
               step_action("admit", APPLICATION_STEPS)]
    def get_urls(self):
        return [path("<path:object_id>/file/<int:file_pk>/", self.admin_site.admin_view(self.file_view),
                     name="boards_application_file")] + super().get_urls()

    def _documents(self, obj):
        """(title, StoredFile) of the due-diligence material and every uploaded material."""
        documents = [("尽调材料", obj.due_diligence)] if obj.due_diligence_id else []
        for material in obj.materials.select_related("file").order_by("round", "pk"):
            label = f"{material.title}（第 {material.round} 轮补充）" if material.round else material.title
            documents.append((label, material.file))
        return documents

    @admin.display(description="申请材料")
    def documents(self, obj):
        links = [(reverse("admin:boards_application_file", args=[obj.pk, stored.pk]), title,
                  stored.original_name) for title, stored in self._documents(obj)]
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>（{}）', links) or "—"

    def file_view(self, request, object_id, file_pk):
        """Download one of the application's documents; any other file id is 404."""
        obj = self.get_object(request, object_id)
        stored = next((s for _, s in self._documents(obj) if s.pk == file_pk), None)
        if stored is None:
            raise Http404("未找到该文件。")
        return serve_file(request, stored)

    @admin.display(description="地州市", ordering="enterprise__prefecture")
    def prefecture(self, obj):
        return obj.enterprise.prefecture

    @admin.display(description="拟定层级", ordering="proposed_tier")
    def tier(self, obj):
        return tiers.tier_names(obj.board).get(obj.proposed_tier, obj.proposed_tier) or "—"

    @admin.display(description="申请层级")
    def requested_tier_name(self, obj):
        return tiers.tier_names(obj.board).get(obj.requested_tier, obj.requested_tier) or "—"

    @admin.display(description="初核结论")
    def check_table(self, obj):
        result = obj.check_result
        if not result:
            return "—"
        if "reasons" in result:
            return f"不符合条件：{result['reasons']}"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (r["tier_name"], r["criterion"], "满足" if r["met"] else "不满足", r["reason"])
            for r in result.get("criteria", [])))
        return format_html("拟纳入{}（{}）<table><tr><th>层级</th><th>条件</th><th>结论</th><th>依据</th>"
                           "</tr>{}</table>", result.get("tier_name"), result.get("checked_on"), rows)


# --- Tier plans ------------------------------------------------------------------------------


class ApprovalInline(LargeTableAutocompleteMixin, admin.TabularInline):
    model = PlanApproval
    readonly_fields = fields = ("body_name", "approved", "comment", "decided_by", "decided_at")
    extra = 0
    can_delete = False

    @admin.display(description="审定单位")
    def body_name(self, obj):
        return admission.body_name(obj.board, obj.body) or obj.body

    def has_view_permission(self, request, obj=None):
        # Board staff, like the parent admin, not Django model permissions (staff hold none).
        return on_board(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanApplicationInline(admin.TabularInline):
    model = Application
    fk_name = "plan"
    readonly_fields = fields = ("enterprise", "tier", "state")
    extra = 0
    can_delete = False
    verbose_name_plural = "方案中的企业"

    @admin.display(description="拟定层级")
    def tier(self, obj):
        return tiers.tier_names(obj.board).get(obj.proposed_tier, obj.proposed_tier) or "—"

    def has_view_permission(self, request, obj=None):
        return on_board(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enterprise")


@admin.register(TierPlan)
class TierPlanAdmin(WorkflowAdmin):
    list_display = ["title", "campaign", "state", "submitted_at", "approved_at", "publicity", "step_links"]
    search_fields = ["title", "campaign__name"]
    list_filter = ["state", "campaign"]
    list_select_related = ["campaign"]
    readonly_fields = fields = ("title", "campaign", "state", "bodies", "submitted_at", "approved_at",
                                "publicity")
    inlines = [PlanApplicationInline, ApprovalInline]
    steps = {
        "submit": Step("报送审定单位", plans.submit_plan, transition="submit"),
        "start_publicity": Step("开始公示", plans.start_publicity, transition="start_publicity",
                                form=StartPublicityForm),
    }

    @admin.display(description="审定单位")
    def bodies(self, obj):
        return "、".join(body["name"] for body in admission.approving_bodies(obj.board)) or "未配置"

    @admin.display(description="公示期", ordering="publicity_starts_on")
    def publicity(self, obj):
        if not obj.publicity_starts_on:
            return "—"
        label = f"{obj.publicity_starts_on} 至 {obj.publicity_ends_on}"
        return f"{label}（暂定）" if obj.publicity_provisional else label


# --- Objections ------------------------------------------------------------------------------


@admin.register(Objection)
class ObjectionAdmin(WorkflowAdmin):
    list_display = ["application", "raised_by", "raised_at", "upheld", "decided_by", "step_links"]
    search_fields = ["application__enterprise__name", "raised_by", "text"]
    list_filter = ["upheld"]
    list_select_related = ["application__enterprise", "application__campaign", "decided_by"]
    readonly_fields = fields = ("application", "raised_by", "text", "raised_at", "upheld", "decision_reason",
                                "decided_by")
    steps = {"decide": Step("处理异议", plans.decide_objection, form=ObjectionDecisionForm,
                            guard=lambda objection: None if objection.upheld is None else "该异议已处理。")}
