"""Admin of membership, exit cases and meetings."""

from contextlib import nullcontext

from django import forms
from django.contrib import admin
from django.utils import timezone

from alliance import services
from alliance.actions import AllianceAction
from alliance.admin.base import EvidencedDataAdmin, StepAdmin, _rows
from alliance.models import (
    Attendance,
    ExitCase,
    ExitState,
    InstitutionQualification,
    Meeting,
    Membership,
    MembershipState,
)
from alliance.selectors import body_members
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyInline
from boards.kernel.errors import DomainError
from boards.kernel.files import check_upload, removed_on_error, store_upload
from boards.kernel.steps import Step, StepForm, text_form


class MinutesForm(StepForm):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 8, "cols": 70}))
    attended = forms.MultipleChoiceField(label="出席机构", required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = body_members(self.obj.board, self.obj.body)
        self.fields["attended"].choices = [(i.pk, i.name) for i in members]


# --- Membership ---------------------------------------------------------------------------------------


EVIDENCE_TYPES = ("pdf", "jpg", "png")


class QualificationForm(forms.ModelForm):
    """The proof is uploaded here (checked like every upload), never chosen among the board's files."""

    evidence_upload = forms.FileField(label="证明材料", required=False, help_text="PDF 或图片；不改请留空")

    class Meta:
        model = InstitutionQualification
        fields = ["board", "institution", "kind", "number", "issuer", "issued_on", "valid_until"]

    def clean_evidence_upload(self):
        upload = self.cleaned_data.get("evidence_upload")
        if upload:
            try:
                check_upload(upload, EVIDENCE_TYPES)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload


@admin.register(InstitutionQualification)
class InstitutionQualificationAdmin(EvidencedDataAdmin):
    saved_action = AllianceAction.INSTITUTIONQUALIFICATION_SAVED
    form = QualificationForm
    list_display = ["institution", "kind", "number", "issuer", "issued_on", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["institution__name", "number"]
    list_select_related = ["institution"]
    readonly_fields = ["evidence"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("evidence_upload")
        if upload:
            obj.evidence = store_upload(request.board, upload, purpose="alliance.qualification",
                                        user=request.user, allowed=EVIDENCE_TYPES)
        with removed_on_error(obj.evidence.file) if upload else nullcontext():
            super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(StepAdmin):
    list_display = ["institution", "body", "state", "executive_lead", "liaison_name", "liaison_phone",
                    "admitted_on"]
    list_filter = ["body", "state"]
    search_fields = ["institution__name", "institution__code"]
    list_select_related = ["institution"]
    readonly_fields = fields = ("institution", "body", "state", "executive_lead", "executive_title",
                                "liaison_name", "liaison_phone", "liaison_email", "declared_preference",
                                "rules", "checked_at", "reason", "applied_at", "admitted_on", "ended_at")
    steps = {
        "verify": Step("核验准入条件", services.check_membership, transition="verify"),
        "admit": Step("准予入会", services.admit_membership,
                      when=lambda obj: obj.state == MembershipState.CHECKED),
        "refuse": Step("不予准入", services.change_membership, transition="refuse",
                       form=text_form("不予准入的理由", "reason", initial=lambda obj: "；".join(
                           row["reason"] for row in obj.check_result if not row["met"])),
                       fixed={"step": "refuse"}),
        "suspend": Step("暂停资格", services.change_membership, transition="suspend",
                        form=text_form("暂停理由", "reason"), fixed={"step": "suspend"}),
        "reinstate": Step("恢复资格", services.change_membership, transition="reinstate",
                          fixed={"step": "reinstate"}),
        "revoke": Step("除名", services.change_membership, transition="revoke",
                       form=text_form("除名理由", "reason"), fixed={"step": "revoke"}),
        "withdraw": Step("退出", services.change_membership, transition="withdraw",
                         form=text_form("退出原因", "reason"), fixed={"step": "withdraw"}),
    }

    @admin.display(description="准入核验")
    def rules(self, obj):
        return _rows(obj.check_result)


@admin.register(ExitCase)
class ExitCaseAdmin(StepAdmin):
    list_display = ["membership", "state", "source", "created_at", "notified_at", "answered_at", "decided_at"]
    search_fields = ["membership__institution__name", "grounds"]
    list_filter = ["state"]
    list_select_related = ["membership__institution"]
    readonly_fields = fields = ("membership", "source", "grounds", "state", "notice", "notified_at",
                                "answer_deadline", "answer", "answered_at", "answered_by", "decision_reason",
                                "decided_at", "decided_by", "created_at")
    steps = {
        "notify": Step("发出通知", services.notify_exit_case, transition="notify",
                       form=text_form("通知内容", "notice", initial=lambda obj: (
                           f"专家评审意见：{obj.grounds}\n请于期限内就上述质疑作出书面说明。"))),
        "reply": Step("登记机构答复", services.answer_exit_case, transition="reply",
                      form=text_form("机构答复", "answer")),
        "revoke": Step("决定除名", services.decide_exit_case,
                       when=lambda obj: obj.state in (ExitState.NOTIFIED, ExitState.ANSWERED),
                       form=text_form("决定理由", "reason"), fixed={"revoke": True}),
        "dismiss": Step("不予除名", services.decide_exit_case, transition="dismiss",
                        form=text_form("决定理由", "reason"), fixed={"revoke": False}),
    }


# --- Meetings -------------------------------------------------------------------------------------------


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    readonly_fields = fields = ("institution", "attended")


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
    search_fields = ["title", "location", "agenda"]
    list_filter = ["body", "kind", "state"]
    inlines = [AttendanceInline]
    steps = {
        "agenda": Step("编辑议程", services.set_agenda, transition="hold",
                       form=text_form("议程", "agenda", initial=lambda obj: obj.agenda)),
        "hold": Step("登记会议纪要与出席", services.record_meeting, transition="hold", form=MinutesForm),
        "cancel": Step("取消会议", services.cancel_meeting, transition="cancel",
                       form=text_form("取消理由", "reason")),
    }

    def has_add_permission(self, request):
        return BoardScopedAdmin.has_add_permission(self, request)

    def get_fields(self, request, obj=None):
        if obj is None:
            return MeetingForm.Meta.fields
        return ["title", "body", "kind", "scheduled_on", "location", "state", "agenda",
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
