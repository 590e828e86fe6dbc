"""Staff admin of the alliance. Rows change only through workflow steps (a button on the change
page opens ``<pk>/act/<step>/``: a form with what the step needs) that call the services, so
every change is locked and evidenced; new rows are created through the services as well."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from alliance import reports, services
from alliance import service_institutions as si
from alliance.models import (
    AnnualAssessment,
    Appointment,
    AppointmentState,
    Attendance,
    BlacklistRecord,
    ExitCase,
    ExitState,
    ExpertScore,
    FeeAttestation,
    FinancingNeed,
    Grade,
    IdempotencyKey,
    InstitutionQualification,
    InterestProfile,
    Matchmaking,
    MatchState,
    Meeting,
    Membership,
    MembershipState,
    PerformanceForm,
    Product,
    ProgressReport,
    Recommendation,
    ReportRun,
    ReportState,
    ReviewMode,
    RoundState,
    SelectionRound,
    ServiceApplication,
    ServiceApplicationState,
)
from alliance.selectors import body_members
from boards.kernel import evidence
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin
from boards.kernel.errors import DomainError
from boards.kernel.workflow import allowed_transitions


def _rows(rows):
    """Criteria rows ({met, reason}) as a list with ✓/✗."""
    marked = (("✓" if row["met"] else "✗", row["reason"]) for row in rows or [])
    return format_html_join("", "<div>{} {}</div>", marked) or "—"


# --- Step forms ----------------------------------------------------------------------------------


class StepForm(forms.Form):
    def __init__(self, *args, obj=None, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)


def text_form(label, name="text", initial=None):
    field = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 5, "cols": 70}))

    class TextForm(StepForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if initial:
                self.fields[name].initial = initial(self.obj)

    TextForm.base_fields = {name: field}
    return TextForm


class MinutesForm(StepForm):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 8, "cols": 70}))
    attended = forms.MultipleChoiceField(label="出席机构", required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = body_members(self.obj.board, self.obj.body)
        self.fields["attended"].choices = [(i.pk, i.name) for i in members]


class ValueReportForm(StepForm):
    upload = forms.FileField(label="初步价值报告（PDF 或 Word）")


class CaseForm(StepForm):
    title = forms.CharField(label="案例标题", max_length=200)
    summary = forms.CharField(label="案例简介", widget=forms.Textarea(attrs={"rows": 6, "cols": 70}))


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


class Step:
    """A labelled step offered when ``when(obj)``: ``service(obj, actor=user, **fixed, **form data)``
    (the form's field names are the service's keywords)."""

    def __init__(self, label, service, when, form=StepForm, **fixed):
        self.label, self.service, self.when, self.form, self.fixed = label, service, when, form, fixed

    def run(self, obj, user, data):
        return self.service(obj, actor=user, **self.fixed, **data)


def transition(name):
    return lambda obj: name in allowed_transitions(obj)


class StepAdmin(ReadOnlyBoardAdmin):
    """Read-only rows changed by ``steps``."""

    steps = {}

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_step"
        view = self.admin_site.admin_view(self.step_view)
        return [path("<path:object_id>/act/<str:step>/", view, name=name), *super().get_urls()]

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    @admin.display(description="办理")
    def step_links(self, obj):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_step"
        links = [(reverse(name, args=[obj.pk, key]), step.label)
                 for key, step in self.steps.items() if step.when(obj)]
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', links) or "—"

    def step_view(self, request, object_id, step):
        obj = self.get_object(request, object_id)
        spec = self.steps.get(step)
        if spec is None or not self.has_view_permission(request, obj):
            return redirect(self._change_url(obj))
        status, error = 200, None
        posted = request.method == "POST"
        form = spec.form(request.POST if posted else None, request.FILES if posted else None, obj=obj)
        if posted and form.is_valid():
            try:
                spec.run(obj, request.user, form.cleaned_data)
            except DomainError as exc:
                status, error = exc.status, exc
            else:
                messages.success(request, f"已办理：{spec.label}。")
                return redirect(self._change_url(obj))
        elif form.errors:
            status = 400
        return render(request, "alliance/admin/step.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj, "form": form,
            "step": spec, "error": error, "title": f"{spec.label}：{obj}"}, status=status)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidencedDataAdmin(BoardScopedAdmin):
    """Data on file that staff enter directly; each save is evidenced."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        evidence.record(request.board, f"alliance.{self.opts.model_name}.saved", actor=request.user,
                        subject=obj,
                        payload={name: form.cleaned_data[name] for name in form.changed_data
                                 if name not in ("board", "evidence")})


# --- Membership ---------------------------------------------------------------------------------------


@admin.register(InstitutionQualification)
class InstitutionQualificationAdmin(EvidencedDataAdmin):
    list_display = ["institution", "kind", "number", "issuer", "issued_on", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["institution__name", "number"]
    list_select_related = ["institution"]


@admin.register(Membership)
class MembershipAdmin(StepAdmin):
    list_display = ["institution", "body", "state", "executive_lead", "liaison_name", "liaison_phone",
                    "admitted_on"]
    list_filter = ["body", "state"]
    search_fields = ["institution__name", "institution__code"]
    list_select_related = ["institution"]
    fields = ["step_links", "institution", "body", "state", "executive_lead", "executive_title",
              "liaison_name", "liaison_phone", "liaison_email", "declared_preference", "rules", "checked_at",
              "reason", "applied_at", "admitted_on", "ended_at"]
    readonly_fields = fields
    steps = {
        "verify": Step("核验准入条件", services.check_membership, transition("verify")),
        "admit": Step("准予入会", services.admit_membership,
                      lambda obj: obj.state == MembershipState.CHECKED),
        "refuse": Step("不予准入", services.change_membership, transition("refuse"),
                       text_form("不予准入的理由", "reason", initial=lambda obj: "；".join(
                           row["reason"] for row in obj.check_result if not row["met"])), step="refuse"),
        "suspend": Step("暂停资格", services.change_membership, transition("suspend"),
                        text_form("暂停理由", "reason"), step="suspend"),
        "reinstate": Step("恢复资格", services.change_membership, transition("reinstate"), step="reinstate"),
        "revoke": Step("除名", services.change_membership, transition("revoke"),
                       text_form("除名理由", "reason"), step="revoke"),
        "withdraw": Step("退出", services.change_membership, transition("withdraw"),
                         text_form("退出原因", "reason"), step="withdraw"),
    }

    @admin.display(description="准入核验")
    def rules(self, obj):
        return _rows(obj.check_result)


@admin.register(ExitCase)
class ExitCaseAdmin(StepAdmin):
    list_display = ["membership", "state", "source", "created_at", "notified_at", "answered_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["membership__institution"]
    fields = ["step_links", "membership", "source", "grounds", "state", "notice", "notified_at",
              "answer_deadline", "answer", "answered_at", "answered_by", "decision_reason", "decided_at",
              "decided_by", "created_at"]
    readonly_fields = fields
    steps = {
        "notify": Step("发出通知", services.notify_exit_case, transition("notify"), text_form(
            "通知内容", "notice",
            initial=lambda obj: f"专家评审意见：{obj.grounds}\n请于期限内就上述质疑作出书面说明。")),
        "reply": Step("登记机构答复", services.answer_exit_case, transition("reply"),
                      text_form("机构答复", "answer")),
        "revoke": Step("决定除名", services.decide_exit_case,
                       lambda obj: obj.state in (ExitState.NOTIFIED, ExitState.ANSWERED),
                       text_form("决定理由", "reason"), revoke=True),
        "dismiss": Step("不予除名", services.decide_exit_case, transition("dismiss"),
                        text_form("决定理由", "reason"), revoke=False),
    }


# --- Meetings -------------------------------------------------------------------------------------------


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["institution", "attended"]
    readonly_fields = fields


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["board", "body", "title", "scheduled_on", "location", "agenda"]

    def clean_scheduled_on(self):
        day = self.cleaned_data["scheduled_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("会议日期已过，请选择今天或以后的日期。")
        return day


@admin.register(Meeting)
class MeetingAdmin(StepAdmin):
    form = MeetingForm
    list_display = ["title", "body", "kind", "scheduled_on", "state"]
    list_filter = ["body", "kind", "state"]
    inlines = [AttendanceInline]
    steps = {
        "agenda": Step("编辑议程", services.set_agenda, transition("hold"),
                       text_form("议程", "agenda", initial=lambda obj: obj.agenda)),
        "hold": Step("登记会议纪要与出席", services.record_meeting, transition("hold"), MinutesForm),
        "cancel": Step("取消会议", services.cancel_meeting, transition("cancel"),
                       text_form("取消理由", "reason")),
    }

    def has_add_permission(self, request):
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_fields(self, request, obj=None):
        if obj is None:
            return MeetingForm.Meta.fields
        return ["step_links", "title", "body", "kind", "scheduled_on", "location", "state", "agenda",
                "minutes", "reminder"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = services.schedule_meeting(request.board, body=data["body"], title=data["title"],
                                           scheduled_on=data["scheduled_on"], location=data["location"],
                                           agenda=data["agenda"], actor=request.user).pk

    def save_related(self, request, form, formsets, change):
        """Attendance is recorded with the minutes, not here."""


# --- 金融超市, needs, profiles, matchmaking ----------------------------------------------------------


@admin.register(Product)
class ProductAdmin(ReadOnlyBoardAdmin):
    list_display = ["name", "institution", "product_type", "amount_min", "amount_max", "rate_min", "rate_max",
                    "approval_days", "for_tech_enterprises", "is_published"]
    list_filter = ["product_type", "is_published", "for_tech_enterprises"]
    search_fields = ["name", "institution__name"]
    list_select_related = ["institution"]


@admin.register(FinancingNeed)
class FinancingNeedAdmin(StepAdmin):
    list_display = ["enterprise", "amount", "term_months", "state", "posted_at", "curated_at"]
    list_filter = ["state"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise"]
    fields = ["step_links", "enterprise", "amount", "term_months", "use", "product_types", "state", "summary",
              "note", "posted_by", "posted_at", "curated_by", "curated_at"]
    readonly_fields = fields
    steps = {
        "whitelist": Step("列入白名单", services.curate_need, transition("whitelist"), text_form(
            "白名单摘要（向机构展示，请删去商业和技术秘密）", initial=lambda obj: obj.use), whitelist=True),
        "decline": Step("不列入白名单", services.curate_need, transition("decline"), text_form("理由"),
                        whitelist=False),
        "close": Step("关闭", services.close_need, transition("close")),
    }


@admin.register(InterestProfile)
class InterestProfileAdmin(ReadOnlyBoardAdmin):
    list_display = ["institution", "industries", "tiers", "stages", "amount_min", "amount_max", "updated_at"]
    list_select_related = ["institution"]


@admin.register(Matchmaking)
class MatchmakingAdmin(StepAdmin):
    list_display = ["institution", "enterprise", "state", "reason_category", "financed_amount", "is_case",
                    "pushed_at"]
    list_filter = ["state", "reason_category", "is_case", "financed_instrument"]
    search_fields = ["enterprise__name", "institution__name"]
    list_select_related = ["institution", "enterprise"]
    fields = ["step_links", "institution", "enterprise", "need", "state", "reasons", "reason_category",
              "reason_text", "failed_from", "value_report_requested_at", "value_report", "financed_amount",
              "financed_instrument", "financed_on", "financed_tier", "is_case", "case_title", "case_summary",
              "pushed_at", "updated_at"]
    readonly_fields = fields
    actions = ["push_now"]
    steps = {
        "value_report": Step("出具初步价值报告", services.deliver_value_report,
                             lambda obj: obj.value_report_requested_at and not obj.value_report_id,
                             ValueReportForm),
        "case": Step("列为案例", services.mark_case,
                     lambda obj: obj.state == MatchState.FINANCED and not obj.is_case, CaseForm),
    }

    @admin.display(description="推送依据")
    def reasons(self, obj):
        return format_html_join("", "<div>{} {}</div>", (("✓" if r["met"] else "✗", r["reason"])
                                                          for r in obj.match_reasons)) or "—"

    @admin.action(description="按对接偏好立即推送匹配企业（与所选行无关）")
    def push_now(self, request, queryset):
        pushed = services.push_matches(request.board, actor=request.user)
        messages.success(request, f"已推送 {len(pushed)} 个对接项目。")


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyBoardAdmin):
    list_display = ["enterprise", "institution", "invested", "created_at"]
    list_filter = ["invested"]
    list_select_related = ["enterprise", "institution"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyBoardAdmin):
    list_display = ["key", "caller", "status_code", "created_at"]


# --- Semi-annual report ---------------------------------------------------------------------------------


class ReportForm(forms.ModelForm):
    class Meta:
        model = ReportRun
        fields = ["board", "period"]

    def clean_period(self):
        try:
            reports.period_dates(self.cleaned_data["period"])
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return self.cleaned_data["period"]


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyBoardAdmin):
    """Staff start a build by adding a run (the period); the list shows its progress as it goes."""

    form = ReportForm
    list_display = ["period", "state", "progress_bar", "step", "filing_links", "created_at", "finished_at"]
    fields = ["period", "state", "progress_bar", "step", "error", "filing_links", "requested_by",
              "created_at", "finished_at"]

    def has_add_permission(self, request):
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_fields(self, request, obj=None):
        return self.fields if obj else ReportForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("filings")

    @admin.display(description="进度")
    def progress_bar(self, obj):
        return format_html('<progress max="100" value="{}"></progress> {}%', obj.progress, obj.progress)

    @admin.display(description="报备文件")
    def filing_links(self, obj):
        if obj.state != ReportState.DONE:
            return "—"
        return format_html_join("、", '<a href="{}">{}</a>', (
            (reverse("filing-download", args=[obj.board.slug, f.pk]), f"{f.number}（{f.addressee_name}）")
            for f in obj.filings.all()))

    def save_model(self, request, obj, form, change):
        obj.pk = reports.start_report(request.board, period=form.cleaned_data["period"],
                                      actor=request.user).pk


# --- Jinzhong service institutions --------------------------------------------------------------------------


@admin.register(BlacklistRecord)
class BlacklistRecordAdmin(EvidencedDataAdmin):
    list_display = ["institution", "source", "listed_on", "lifted_on"]
    list_select_related = ["institution"]


class ApplicationInline(ReadOnlyInline):
    model = ServiceApplication
    fields = ["institution", "state", "average", "submitted_at"]
    readonly_fields = fields
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
    form = RoundForm
    list_display = ["title", "review_mode", "opens_on", "closes_on", "state", "publicity_ends_on"]
    list_filter = ["state"]
    inlines = [ApplicationInline]
    steps = {
        "publish": Step("发布遴选通知", si.publish_round, transition("publish")),
        "close": Step("结束申报并资格审查", si.close_applications, transition("close_applications")),
        "decide": Step("研究议定", si.decide_round, transition("decide"), DecideForm),
        "publicity": Step("开始公示", si.start_publicity, transition("start_publicity"), PublicityForm),
        "file": Step("报省科技厅备案", si.file_round, transition("file")),
        "appoint": Step("确定服务机构", si.appoint_round, transition("appoint")),
    }

    def has_add_permission(self, request):
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_fields(self, request, obj=None):
        if obj is None:
            return RoundForm.Meta.fields
        return ["step_links", "title", "notice", "review_mode", "opens_on", "closes_on", "state",
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
    fields = ["expert_name", "score", "comment", "recorded_at"]
    readonly_fields = fields


def _reviewable(obj):
    return obj.state == ServiceApplicationState.ELIGIBLE and obj.round.state == RoundState.REVIEWING


@admin.register(ServiceApplication)
class ServiceApplicationAdmin(StepAdmin):
    list_display = ["institution", "round", "state", "submitted_at"]
    list_filter = ["state", "round"]
    list_select_related = ["institution", "round"]
    inlines = [ScoreInline]
    fields = ["step_links", "round", "institution", "state", "assessment", "checks", "site_visit_on",
              "site_visit_notes", "submitted_at"]
    readonly_fields = fields
    steps = {
        "score": Step("录入专家评分", si.record_score, _reviewable, ScoreForm),
        "visit": Step("登记现场考察", si.record_site_visit,
                      lambda obj: _reviewable(obj) and obj.round.review_mode == ReviewMode.MEETING_SITE_VISIT,
                      SiteVisitForm),
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
    fields = ["month", "submitted_at", "overdue", "enterprises_served", "financing_amount"]
    readonly_fields = fields

    @admin.display(description="逾期", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()


@admin.register(Appointment)
class AppointmentAdmin(StepAdmin):
    list_display = ["institution", "appointed_on", "state", "removed_on"]
    list_filter = ["state"]
    list_select_related = ["institution"]
    inlines = [FormInline]
    fields = ["step_links", "institution", "application", "appointed_on", "state", "removed_on",
              "removal_reason"]
    readonly_fields = fields
    steps = {"assess": Step("生成年度考核建议", si.propose_assessment,
                            lambda obj: obj.state == AppointmentState.ACTIVE, YearForm)}


@admin.register(PerformanceForm)
class PerformanceFormAdmin(ReadOnlyBoardAdmin):
    list_display = ["appointment", "month", "submitted_at", "overdue", "enterprises_served",
                    "matchmaking_sessions", "policy_sessions", "partner_banks", "financing_amount",
                    "jcg_startups_served"]
    list_filter = ["month"]
    list_select_related = ["appointment__institution", "deadline"]

    @admin.display(description="逾期", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyBoardAdmin):
    list_display = ["appointment", "period", "submitted_at", "deadline"]
    list_select_related = ["appointment__institution", "deadline"]


@admin.register(FeeAttestation)
class FeeAttestationAdmin(ReadOnlyBoardAdmin):
    list_display = ["appointment", "year", "attested_by", "attested_at"]
    list_select_related = ["appointment__institution", "attested_by"]


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(StepAdmin):
    list_display = ["appointment", "year", "proposed_grade", "final_grade", "decided_at"]
    list_filter = ["year", "proposed_grade", "final_grade"]
    list_select_related = ["appointment__institution"]
    fields = ["step_links", "appointment", "year", "proposal", "proposed_grade", "final_grade",
              "override_reason", "decided_by", "decided_at"]
    readonly_fields = fields
    steps = {
        "confirm": Step("确认建议等次", si.confirm_assessment, lambda obj: not obj.final_grade),
        "override": Step("调整等次", si.confirm_assessment, lambda obj: not obj.final_grade,
                         OverrideForm),
    }

    @admin.display(description="逐项评价")
    def proposal(self, obj):
        return _rows(obj.criteria)

