"""Admin of the Jinzhong service-institution programme."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join

from alliance import service_institutions as si
from alliance.actions import AllianceAction
from alliance.admin.base import EvidencedDataAdmin, StepAdmin, _rows
from alliance.models import (
    AnnualAssessment,
    Appointment,
    AppointmentState,
    BlacklistRecord,
    ExpertScore,
    FeeAttestation,
    Grade,
    PerformanceForm,
    ProgressReport,
    ReviewMode,
    RoundState,
    SelectionRound,
    ServiceApplication,
    ServiceApplicationState,
)
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin, ReadOnlyInline
from boards.kernel.steps import Step, StepForm


class DecideForm(StepForm):
    selected = forms.MultipleChoiceField(label="确定入选的机构", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="议定意见", widget=forms.Textarea(attrs={"rows": 4, "cols": 70}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = self.obj.applications.filter(state=ServiceApplicationState.ELIGIBLE).select_related(
            "institution")
        self.fields["selected"].choices = [
            (a.pk, f"{a.institution}（平均分 {si.average_score(a) or '—'}）") for a in eligible]


class PublicityForm(StepForm):
    starts_on = forms.DateField(label="公示开始日期", help_text="格式 2026-09-28", initial=timezone.localdate)


class ScoreForm(StepForm):
    expert_name = forms.CharField(label="专家", max_length=60)
    score = forms.DecimalField(label="评分（0—100）", min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label="评审意见", required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "cols": 70}))


class SiteVisitForm(StepForm):
    visited_on = forms.DateField(label="考察日期", initial=timezone.localdate)
    notes = forms.CharField(label="考察情况", widget=forms.Textarea(attrs={"rows": 5, "cols": 70}))


class YearForm(StepForm):
    year = forms.IntegerField(label="考核年度", min_value=2025, initial=lambda: timezone.localdate().year)


class OverrideForm(StepForm):
    grade = forms.ChoiceField(label="确定等次", choices=Grade.choices)
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 4, "cols": 70}))


# --- Jinzhong service institutions --------------------------------------------------------------------------


@admin.register(BlacklistRecord)
class BlacklistRecordAdmin(EvidencedDataAdmin):
    saved_action = AllianceAction.BLACKLISTRECORD_SAVED
    module = "service_institutions"
    list_display = ["institution", "source", "listed_on", "lifted_on"]
    search_fields = ["institution__name", "source", "note"]
    list_filter = [("lifted_on", admin.EmptyFieldListFilter)]
    list_select_related = ["institution"]


class ApplicationInline(ReadOnlyInline):
    model = ServiceApplication
    readonly_fields = fields = ("institution", "state", "average", "submitted_at")
    show_change_link = True

    @admin.display(description="专家平均分")
    def average(self, obj):
        return si.average_score(obj) or "—"


class RoundForm(forms.ModelForm):
    class Meta:
        model = SelectionRound
        fields = ["board", "title", "notice", "review_mode", "opens_on", "closes_on"]

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise forms.ValidationError("申报截止日期不能早于申报开始日期。")
        return data


@admin.register(SelectionRound)
class SelectionRoundAdmin(StepAdmin):
    module = "service_institutions"
    form = RoundForm
    list_display = ["title", "review_mode", "opens_on", "closes_on", "state", "publicity_ends_on"]
    search_fields = ["title"]
    list_filter = ["state"]
    inlines = [ApplicationInline]
    steps = {
        "publish": Step("发布遴选通知", si.publish_round, transition="publish"),
        "close": Step("结束申报并资格审查", si.close_applications, transition="close_applications"),
        "decide": Step("研究议定", si.decide_round, transition="decide", form=DecideForm),
        "publicity": Step("开始公示", si.start_publicity, transition="start_publicity", form=PublicityForm),
        "file": Step("报省科技厅备案", si.file_round, transition="file"),
        "appoint": Step("确定服务机构", si.appoint_round, transition="appoint"),
    }

    def has_add_permission(self, request):
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_fields(self, request, obj=None):
        if obj is None:
            return RoundForm.Meta.fields
        return ["title", "notice", "review_mode", "opens_on", "closes_on", "state",
                "decided_on", "decision_note", "publicity_starts_on", "publicity_ends_on",
                "publicity_provisional", "filing", "appointed_on"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def save_model(self, request, obj, form, change):
        data = {k: v for k, v in form.cleaned_data.items() if k != "board"}
        obj.pk = si.create_round(request.board, actor=request.user, **data).pk

    def save_related(self, request, form, formsets, change):
        """Applications come from the institutions."""


class ScoreInline(ReadOnlyInline):
    model = ExpertScore
    readonly_fields = fields = ("expert_name", "score", "comment", "recorded_at")


def _reviewable(obj):
    return obj.state == ServiceApplicationState.ELIGIBLE and obj.round.state == RoundState.REVIEWING


@admin.register(ServiceApplication)
class ServiceApplicationAdmin(StepAdmin):
    module = "service_institutions"
    list_display = ["institution", "round", "state", "submitted_at"]
    search_fields = ["institution__name", "institution__code", "round__title"]
    list_filter = ["state", "round"]
    list_select_related = ["institution", "round"]
    inlines = [ScoreInline]
    readonly_fields = fields = ("round", "institution", "state", "assessment", "checks", "site_visit_on",
                                "site_visit_notes", "submitted_at")
    steps = {
        "score": Step("录入专家评分", si.record_score, when=_reviewable, form=ScoreForm),
        "visit": Step("登记现场考察", si.record_site_visit,
                      when=lambda obj: (_reviewable(obj)
                                        and obj.round.review_mode == ReviewMode.MEETING_SITE_VISIT),
                      form=SiteVisitForm),
    }

    @admin.display(description="自我评价")
    def assessment(self, obj):
        labels = dict(si.SELF_ASSESSMENT)
        return format_html_join("", "<p><strong>{}</strong><br>{}</p>",
                                ((labels.get(k, k), v) for k, v in obj.self_assessment.items()))

    @admin.display(description="资格审查")
    def checks(self, obj):
        return _rows(obj.eligibility)


class FormInline(ReadOnlyInline):
    model = PerformanceForm
    readonly_fields = fields = ("month", "submitted_at", "overdue", "enterprises_served", "financing_amount")

    @admin.display(description="逾期", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()


@admin.register(Appointment)
class AppointmentAdmin(StepAdmin):
    module = "service_institutions"
    list_display = ["institution", "appointed_on", "state", "removed_on"]
    search_fields = ["institution__name", "institution__code"]
    list_filter = ["state"]
    list_select_related = ["institution"]
    inlines = [FormInline]
    readonly_fields = fields = ("institution", "application", "appointed_on", "state", "removed_on",
                                "removal_reason")
    steps = {"assess": Step("生成年度考核建议", si.propose_assessment,
                            when=lambda obj: obj.state == AppointmentState.ACTIVE,
                            form=YearForm)}


@admin.register(PerformanceForm)
class PerformanceFormAdmin(ReadOnlyBoardAdmin):
    module = "service_institutions"
    list_display = ["appointment", "month", "submitted_at", "overdue", "enterprises_served",
                    "matchmaking_sessions", "policy_sessions", "partner_banks", "financing_amount",
                    "jcg_startups_served"]
    search_fields = ["appointment__institution__name", "notes"]
    list_filter = ["month"]
    list_select_related = ["appointment__institution", "deadline"]

    @admin.display(description="逾期", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyBoardAdmin):
    module = "service_institutions"
    list_display = ["appointment", "period_name", "submitted_at", "deadline"]
    search_fields = ["appointment__institution__name", "period", "summary"]
    list_filter = ["period"]

    @admin.display(description="报告期", ordering="period")
    def period_name(self, report):
        return report.period_label
    list_select_related = ["appointment__institution", "deadline"]


@admin.register(FeeAttestation)
class FeeAttestationAdmin(ReadOnlyBoardAdmin):
    module = "service_institutions"
    list_display = ["appointment", "year", "attested_by", "attested_at"]
    search_fields = ["appointment__institution__name", "statement"]
    list_filter = ["year"]
    list_select_related = ["appointment__institution", "attested_by"]


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(StepAdmin):
    module = "service_institutions"
    list_display = ["appointment", "year", "proposed_grade", "final_grade", "decided_at"]
    search_fields = ["appointment__institution__name"]
    list_filter = ["year", "proposed_grade", "final_grade"]
    list_select_related = ["appointment__institution"]
    readonly_fields = fields = ("appointment", "year", "proposal", "proposed_grade", "final_grade",
                                "override_reason", "decided_by", "decided_at")
    steps = {
        "confirm": Step("确认建议等次", si.confirm_assessment, when=lambda obj: not obj.final_grade),
        "override": Step("调整等次", si.confirm_assessment, when=lambda obj: not obj.final_grade,
                         form=OverrideForm),
    }

    @admin.display(description="逐项评价")
    def proposal(self, obj):
        return _rows(obj.criteria)
