"""Staff side: the expert committee, and review cases run step by step from the case page
(each step a small form or a confirmation, done through reviews.services)."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from boards.enterprises.models import Enterprise
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin
from boards.kernel.errors import DomainError
from boards.kernel.models import Institution
from boards.kernel.workflow import allowed_transitions
from reviews import draw, selectors, services
from reviews.models import (
    CaseMaterial,
    CaseState,
    DeclaredConflict,
    Expert,
    ExpertEmployment,
    PanelDraw,
    PanelSeat,
    QualityChallenge,
    ReviewCase,
    ReviewKind,
    SeatState,
    SupplementRequest,
    Unavailability,
)


def _on_board(request):
    return getattr(request, "board", None) is not None


class BoardInline(admin.TabularInline):
    """Inline rows belong to the parent's board; staff of the current board may edit them
    (like BoardScopedAdmin, not by Django model permissions)."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return _on_board(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class EmploymentInline(BoardInline):
    model = ExpertEmployment
    fields = ["institution", "position", "started_on", "ended_on"]
    autocomplete_fields = ["institution"]


class DeclaredConflictInline(BoardInline):
    model = DeclaredConflict
    fields = ["enterprise", "institution", "reason", "declared_on"]
    autocomplete_fields = ["institution"]


class UnavailabilityInline(BoardInline):
    model = Unavailability
    fields = ["starts_on", "ends_on", "reason"]


@admin.register(Expert)
class ExpertAdmin(BoardScopedAdmin):
    module = "reviews"
    list_display = ["name", "field", "source", "institution", "is_active", "is_available"]
    list_filter = ["field", "source", "is_active", "is_available"]
    search_fields = ["name", "institution__name"]
    autocomplete_fields = ["institution"]
    inlines = [EmploymentInline, DeclaredConflictInline, UnavailabilityInline]

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            row.board = request.board
            row.save()
        for row in formset.deleted_objects:
            row.delete()


# --- Cases -----------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return _on_board(request)

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


class SeatInline(ReadOnlyInline):
    model = PanelSeat
    fields = readonly_fields = ["expert", "state", "sent_at", "received_at", "clock", "attended", "vote"]
    verbose_name_plural = "评审组进度"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "expert", "receipt_deadline", "review_deadline", "opinion")

    @admin.display(description="期限")
    def clock(self, seat):
        clock = selectors.clock(seat)
        if clock is None:
            return "—"
        if clock["paused"]:
            return f"{clock['label']}：已暂停，剩余 {clock['left']}"
        return f"{clock['label']}：{'已逾期' if clock['overdue'] else '剩余'} {clock['left']}"

    @admin.display(description="表决")
    def vote(self, seat):
        return seat.opinion.get_vote_display() if seat.state == SeatState.SUBMITTED else "—"


class MaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = readonly_fields = ["title", "file", "supplement", "added_at"]


class DrawInline(ReadOnlyInline):
    model = PanelDraw
    fields = readonly_fields = ["drawn_at", "seed", "needed", "chosen", "exclusions_text", "replayed"]

    @admin.display(description="排除专家及理由")
    def exclusions_text(self, record):
        return format_html_join("", "<div>{}：{}</div>", (
            (row["name"], "；".join(row["reasons"])) for row in record.exclusions)) or "—"

    @admin.display(description="按种子复核")
    def replayed(self, record):
        return "一致" if draw.replay(record) == record.chosen else "不一致！"


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(label="评审类型", choices=ReviewKind.choices)
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    panel_size = forms.IntegerField(label="专家人数", min_value=1, required=False,
                                    help_text="留空按评审类型的最少人数")
    opened_by_institution = forms.ModelChoiceField(
        label="发起机构", queryset=Institution.objects.all(), required=False,
        help_text="投融资联合会成员（已投资该企业）发起优选层评审时选择")
    reason = forms.CharField(label="发起理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(board=board)


class MaterialForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=200)
    file = forms.FileField(label="文件（PDF、Word、Excel、图片）")


class SupplementProvidedForm(forms.Form):
    supplement = forms.ModelChoiceField(label="补充材料要求", queryset=SupplementRequest.objects.none())
    title = forms.CharField(label="材料名称", max_length=200, required=False)
    file = forms.FileField(label="企业补充的材料", required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplement"].queryset = SupplementRequest.objects.filter(
            seat__case=case, provided_at=None).select_related("seat__expert")


class MeetingForm(forms.Form):
    at = forms.DateTimeField(label="评审会时间", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label="地点", max_length=200)


class HeldForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(label="出席专家", queryset=PanelSeat.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    observers = forms.CharField(label="列席人员（每行一位，如：自治区科技厅 张某）", required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    answers = forms.CharField(label="企业现场答辩情况", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = selectors.active_seats(case).select_related("expert")


class FeedbackForm(forms.Form):
    text = forms.CharField(label="书面反馈意见", widget=forms.Textarea(attrs={"rows": 8}))


class StaffDeclineForm(forms.Form):
    seat = forms.ModelChoiceField(label="专家", queryset=PanelSeat.objects.none())
    reason = forms.CharField(label="拒绝/回避理由", max_length=300)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = selectors.active_seats(case).exclude(
            state=SeatState.SUBMITTED).select_related("expert")


def _count(message):
    return lambda result: message.format(len(result) if isinstance(result, list) else result)


# step: (label, form class, needs the case in the form, run(case, cleaned, user), success message)
STEPS = {
    "add_material": ("上传评审材料", MaterialForm, False, lambda c, d, u: services.add_material(
        c, title=d["title"], uploaded_file=d["file"], actor=u), "材料已上传。"),
    "draw_panel": ("抽取专家", None, False, lambda c, d, u: services.draw_panel(c, actor=u),
                   _count("已随机抽取 {} 位专家，抽取记录已存证。")),
    "send_material": ("送达材料", None, False, lambda c, d, u: services.send_material(c, actor=u),
                      "材料已送达评审组专家。"),
    "provide_supplement": ("补充材料已提供", SupplementProvidedForm, True,
                           lambda c, d, u: services.provide_supplement(
                               d["supplement"], actor=u, title=d["title"], uploaded_file=d["file"]),
                           "补充材料已送达专家，其评审期限恢复计时。"),
    "remind": ("一键提醒未完成专家", None, False, lambda c, d, u: services.remind_late_experts(c, actor=u),
               _count("已提醒 {} 位专家。")),
    "record_decline": ("登记专家拒绝/回避", StaffDeclineForm, True,
                       lambda c, d, u: services.decline_seat(d["seat"], reason=d["reason"], actor=u),
                       "已登记，并已尝试补抽专家。"),
    "replace_silent": ("替换逾期未确认专家", None, False,
                       lambda c, d, u: services.replace_silent_seats(c, actor=u),
                       _count("已替换 {} 位专家。")),
    "fill_vacancies": ("补抽专家", None, False, lambda c, d, u: services.fill_vacancies(c, actor=u),
                       _count("已补抽 {} 位专家。")),
    "schedule_meeting": ("安排评审会", MeetingForm, False, lambda c, d, u: services.schedule_meeting(
        c, at=d["at"], place=d["place"], actor=u), "评审会已安排，已通知专家。"),
    "hold_meeting": ("记录评审会", HeldForm, True, lambda c, d, u: services.hold_meeting(
        c, attended=[seat.pk for seat in d["attended"]], observers=d["observers"].splitlines(),
        answers=d["answers"], actor=u), "评审会情况已记录，已通知出席专家提交意见。"),
    "decide": ("作出结论", None, False, lambda c, d, u: services.decide_case(c, actor=u), "评审结论已记录。"),
    "send_feedback": ("书面反馈企业", FeedbackForm, False,
                      lambda c, d, u: services.send_feedback(c, text=d["text"], actor=u),
                      "书面反馈已发送企业。"),
    "file_with_regulators": ("报备监管机构", None, False, lambda c, d, u: services.file_case(c, actor=u),
                             _count("已生成 {} 份报备文件。")),
    "archive": ("归档", None, False, lambda c, d, u: services.archive_case(c, actor=u), "案件已归档。"),
}
RUNNING = (CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED)
TOOLS = {
    "add_material": (CaseState.CREATED, *RUNNING),
    "provide_supplement": (CaseState.MATERIAL_SENT,),
    "remind": (CaseState.MATERIAL_SENT, CaseState.MEETING_HELD),
    "record_decline": RUNNING,
    "replace_silent": RUNNING[1:],
    "fill_vacancies": RUNNING,
}


def available_steps(case):
    """The case page's buttons: the transitions allowed now, then the tools of its state."""
    steps = [step for step in allowed_transitions(case) if step in STEPS]
    return steps + [step for step, states in TOOLS.items() if case.state in states]


@admin.register(ReviewCase)
class ReviewCaseAdmin(BoardScopedAdmin):
    module = "reviews"
    list_display = ["pk", "enterprise", "kind", "state", "panel_size", "passed", "created_at"]
    list_filter = ["kind", "state", "passed"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    change_form_template = "reviews/admin/case_change_form.html"
    inlines = [SeatInline, MaterialInline, DrawInline]
    fields = readonly_fields = [
        "kind", "enterprise", "opened_by_institution", "opened_by", "reason", "panel_size", "state",
        "created_at", "material_sent_at", "meeting_at", "meeting_place", "observers", "enterprise_answers",
        "passed", "votes", "decided_at", "feedback", "feedback_letter", "archived_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/step/<str:step>/", view(self.step_view), name="reviews_reviewcase_step"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Opening a case goes through services.open_case (checks, evidence)."""
        if not self.has_add_permission(request):
            raise Http404
        form = OpenCaseForm(request.POST or None, board=request.board)
        if request.method == "POST" and form.is_valid():
            try:
                case = services.open_case(request.board, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已立案：{case}。下一步：上传材料并抽取专家。")
                return redirect("admin:reviews_reviewcase_change", case.pk)
        return self._step_page(request, "发起评审", form, None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False,
                         "steps": [(step, STEPS[step][0]) for step in available_steps(case)]}
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, pk, step):
        case = self.get_queryset(request).filter(pk=pk).select_related("enterprise").first()
        if case is None or step not in STEPS or not self.has_change_permission(request, case):
            raise Http404("未找到该对象。")
        label, form_class, with_case, run, success = STEPS[step]
        kwargs = {"case": case} if with_case else {}
        form = form_class(request.POST or None, request.FILES or None, **kwargs) if form_class else None
        if step == "send_feedback" and request.method == "GET":
            form.initial["text"] = _feedback_draft(case)
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                result = run(case, form.cleaned_data if form else {}, request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
                if form is None:
                    return redirect("admin:reviews_reviewcase_change", case.pk)
            else:
                messages.success(request, success(result) if callable(success) else success)
                return redirect("admin:reviews_reviewcase_change", case.pk)
        return self._step_page(request, f"{label}：{case}", form, case)

    def _step_page(self, request, title, form, case):
        return TemplateResponse(request, "reviews/admin/step.html", {
            **self.admin_site.each_context(request), "title": title, "form": form, "case": case,
            "opts": self.model._meta,
            "back": reverse("admin:reviews_reviewcase_change", args=[case.pk]) if case else
            reverse("admin:reviews_reviewcase_changelist"),
        })


def _feedback_draft(case):
    votes = case.votes or {}
    verdict = "通过" if case.passed else "未通过"
    panel = votes.get("panel", case.panel_size)
    return (f"贵企业的{case.rules['name']}经专家委员会评审，评审组 {panel} 名专家中"
            f"同意 {votes.get('pass', 0)} 票，结论为{verdict}。\n专家主要意见：")


@admin.register(QualityChallenge)
class QualityChallengeAdmin(ReadOnlyBoardAdmin):
    module = "reviews"
    list_display = ["institution", "case", "expert", "created_at"]
    readonly_fields = ["case", "institution", "expert", "text", "created_at"]
    fields = readonly_fields
