"""The steps of a roadshow, a sign-up and an invitation, declared once (boards.kernel.steps): the
admin's buttons, the institution's invitation page and the API endpoint are drawn from them."""

import datetime as dt

from django import forms
from django.utils import timezone

from boards.kernel.calendar import SHANGHAI
from boards.kernel.models import Institution, Role
from boards.kernel.steps import Preview, Step, StepForm, text_form
from roadshows.models import Invitation, InvitationState, RoadshowState, Signup, SignupState, Venue
from roadshows.services import events, participants


class PlanForm(forms.Form):
    """发起路演: not a step of an existing roadshow, the admin's add page."""

    title = forms.CharField(label="路演名称", max_length=200)
    venue = forms.ChoiceField(label="路演方式", choices=Venue.choices)
    location = forms.CharField(
        label="地点或平台链接", max_length=300, help_text="现场路演填写地址；全国路演平台填写直播间链接"
    )
    starts_on = forms.DateField(label="路演日期", help_text="格式 2026-12-18；报名在此前若干个工作日截止")
    starts_time = forms.TimeField(label="开始时间", initial=dt.time(14, 30), help_text="格式 14:30")
    description = forms.CharField(
        label="路演说明",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["starts_at"] = dt.datetime.combine(
            data.pop("starts_on"), data.pop("starts_time"), tzinfo=SHANGHAI
        )
        return data


class InviteForm(StepForm):
    institutions = forms.ModelMultipleChoiceField(
        label="投资机构",
        queryset=Institution.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="已勾选的是关注偏好与路演企业相符的联盟成员；也可邀请本专板其他投资机构",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            suggested = participants.suggestions(self.obj)
            done = set(self.obj.invitations.values_list("institution_id", flat=True))
            pks = set(participants.invitable(self.obj.board).values_list("pk", flat=True)) | set(suggested)
            field = self.fields["institutions"]
            field.queryset = Institution.objects.filter(pk__in=pks - done).order_by("name")
            field.initial = [pk for pk in suggested if pk not in done]


def _invite_preview(roadshow):
    rows = [
        (institution.name, "；".join(reasons))
        for institution, reasons in participants.suggestions(roadshow).values()
    ]
    if not rows:
        return Preview("联盟中暂无关注偏好与路演企业相符的投资机构，可直接勾选本专板的投资机构邀请。")
    return Preview(
        f"按关注偏好，{len(rows)} 家联盟成员与路演企业相符：", headers=("机构", "相符依据"), rows=rows
    )


class HoldForm(StepForm):
    signups = forms.ModelMultipleChoiceField(
        label="出席企业", queryset=Signup.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    invitations = forms.ModelMultipleChoiceField(
        label="出席投资机构",
        queryset=Invitation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label="举办情况", max_length=8000, widget=forms.Textarea(attrs={"rows": 4, "cols": 70})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roadshow = self.obj
        if roadshow is not None:
            signups = roadshow.signups.filter(state=SignupState.ACCEPTED).select_related("enterprise")
            invitations = roadshow.invitations.exclude(state=InvitationState.DECLINED).select_related(
                "institution"
            )
            self.fields["signups"].queryset = signups
            self.fields["signups"].label_from_instance = lambda s: s.enterprise.name
            self.fields["invitations"].queryset = invitations
            self.fields["invitations"].label_from_instance = lambda i: i.institution.name
            self.fields["signups"].initial = [s.pk for s in signups]
            self.fields["invitations"].initial = [
                i.pk for i in invitations if i.state == InvitationState.CONFIRMED
            ]


class OutcomeForm(StepForm):
    signup = forms.ModelChoiceField(label="路演企业", queryset=Signup.objects.none())
    invitation = forms.ModelChoiceField(label="有意向的投资机构", queryset=Invitation.objects.none())
    note = forms.CharField(
        label="意向说明",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text="如拟投金额、下一步安排；将生成联盟对接项目",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.fields["signup"].queryset = self.obj.signups.filter(attended=True).select_related(
                "enterprise"
            )
            self.fields["signup"].label_from_instance = lambda s: s.enterprise.name
            self.fields["invitation"].queryset = self.obj.invitations.filter(attended=True).select_related(
                "institution"
            )
            self.fields["invitation"].label_from_instance = lambda i: i.institution.name


def _close_preview(roadshow):
    names = [s.enterprise.name for s in roadshow.signups.all() if s.state == SignupState.ACCEPTED]
    return Preview(
        f"确定路演名单：{'、'.join(names) or '（无）'}，共 {len(names)} 家；此后不再接受报名。",
        ok=events.close_refusal(roadshow) is None,
    )


ROADSHOW_STEPS = {
    "invite": Step(
        "邀请投资机构",
        participants.invite,
        states=(RoadshowState.OPEN, RoadshowState.CLOSED),
        form=InviteForm,
        preview=_invite_preview,
        success=lambda r: f"已邀请：{r.invitations.count()} 家机构。",
    ),
    "close": Step(
        "确定路演名单",
        events.close_signup,
        transition="close",
        guard=events.close_refusal,
        preview=_close_preview,
        success=lambda r: f"已确定名单：{r.title}。",
    ),
    "hold": Step(
        "登记举办情况",
        events.hold_roadshow,
        transition="hold",
        guard=events.hold_refusal,
        form=HoldForm,
        success=lambda r: f"已登记举办情况：{r.title}。",
    ),
    "outcome": Step(
        "登记对接意向",
        participants.record_outcome,
        states=(RoadshowState.HELD,),
        form=OutcomeForm,
        success=lambda o: f"已登记：{o}。{o.matchmaking_text}",
    ),
    "cancel": Step(
        "取消路演", events.cancel_roadshow, transition="cancel", form=text_form("取消原因", "reason")
    ),
}

SIGNUP_STEPS = {
    "accept": Step(
        "接受报名",
        participants.accept_signup,
        transition="accept",
        when=lambda s: s.roadshow.state == RoadshowState.OPEN,
        preview=lambda s: Preview(f"接受{s.enterprise.name}在「{s.roadshow.title}」路演，并通知企业。"),
        success=lambda s: f"已接受：{s.enterprise.name}。",
    ),
    "decline": Step(
        "不予接受",
        participants.decline_signup,
        transition="decline",
        when=lambda s: s.roadshow.state == RoadshowState.OPEN,
        form=text_form("不予接受的原因", "reason"),
        success=lambda s: f"已不予接受：{s.enterprise.name}。",
    ),
}


class AnswerForm(StepForm):
    note = forms.CharField(
        label="说明",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="如出席人员",
    )


class DeclineForm(StepForm):
    note = forms.CharField(
        label="谢绝原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )


def _answerable(invitation):
    return participants.answer_refusal(invitation) is None


def _when(invitation):
    return f"{timezone.localtime(invitation.roadshow.starts_at):%Y-%m-%d %H:%M}"


INVITATION_STEPS = {
    "confirm": Step(
        "确认出席",
        participants.answer_invitation,
        transition="confirm",
        when=_answerable,
        form=AnswerForm,
        fixed={"action": "confirm"},
        roles=(Role.INSTITUTION_USER,),  # the invited institution answers, not the staff who read it
        preview=lambda i: Preview(
            f"确认{i.institution.name}出席「{i.roadshow.title}」（{_when(i)}，{i.roadshow.location}）。"
        ),
        success=lambda i: f"已确认出席：{i.roadshow.title}。",
    ),
    "decline": Step(
        "谢绝",
        participants.answer_invitation,
        transition="decline",
        when=_answerable,
        form=DeclineForm,
        fixed={"action": "decline"},
        roles=(Role.INSTITUTION_USER,),
        preview=lambda i: Preview(
            f"谢绝{i.institution.name}出席「{i.roadshow.title}」（{_when(i)}，{i.roadshow.location}），"
            "交易中心将收到您的原因。"
        ),
        success=lambda i: f"已谢绝：{i.roadshow.title}。",
    ),
}
