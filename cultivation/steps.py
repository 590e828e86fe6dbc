"""The steps of a listing path and of a research visit, declared once (boards.kernel.steps): the
admin's buttons, the path page and the institutions' API endpoint are drawn from them."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.enterprises.models import Enterprise, EnterpriseStatus
from boards.kernel.access import STAFF_ROLES
from boards.kernel.models import Institution
from boards.kernel.participation import institutions_on
from boards.kernel.steps import LinesField, Preview, Step, StepForm, text_form
from cultivation import selectors
from cultivation.models import ListingPath, NeedKind, Stage, TargetMarket
from cultivation.services import listing, visits

DATE_HELP = "格式 2026-03-18；不得晚于今天，不得早于上一节点"


class DatedForm(StepForm):
    occurred_on = forms.DateField(label="日期", help_text=DATE_HELP, initial=timezone.localdate)

    def clean_occurred_on(self):
        on = self.cleaned_data["occurred_on"]
        refusal = listing.date_refusal(self.obj, on)
        if refusal:
            raise forms.ValidationError(refusal)
        return on


class StageForm(DatedForm):
    reference = forms.CharField(label="文件或文号", max_length=200, required=False,
                                help_text="如辅导备案报告、受理通知书的文号，作为该节点的依据")
    note = forms.CharField(label="说明", max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))


class WithdrawForm(DatedForm):
    reason = forms.CharField(label="终止原因", max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))


class FirmForm(StepForm):
    securities_firm = forms.ModelChoiceField(label="服务券商", queryset=Institution.objects.none(),
                                             help_text="本专板联盟中已入会的证券公司")
    note = forms.CharField(label="说明", max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.fields["securities_firm"].queryset = selectors.eligible_firms(self.obj.board)


class EnrolForm(forms.Form):
    """培育入库: not a step of an existing path, the admin's add page."""

    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    target_market = forms.ChoiceField(label="拟上市板块", choices=TargetMarket.choices)
    enrolled_on = forms.DateField(label="培育入库日期", initial=timezone.localdate,
                                  help_text="格式 2026-03-18")
    securities_firm = forms.ModelChoiceField(label="服务券商", queryset=Institution.objects.none(),
                                             required=False, help_text="可稍后确定；辅导备案前必须确定")
    note = forms.CharField(label="说明", max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = ListingPath.objects.filter(board=board).values("enterprise_id")
        admitted = Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED)
        self.fields["enterprise"].queryset = admitted.exclude(pk__in=enrolled).order_by("name")
        self.fields["securities_firm"].queryset = selectors.eligible_firms(board)

    def clean_enrolled_on(self):
        on = self.cleaned_data["enrolled_on"]
        refusal = listing.date_refusal(None, on)
        if refusal:
            raise forms.ValidationError(refusal)
        return on


def _preview(stage):
    def preview(path):
        previous = path.stage_date()
        return Preview(f"{path.enterprise.name}将由「{path.get_stage_display()}」"
                       f"（{previous:%Y-%m-%d}）进入「{Stage(stage).label}」。")
    return preview


def _needs_firm(path):
    return None if path.securities_firm_id else "辅导备案须先确定服务券商。"


def _stage_step(label, action, stage, guard=None):
    return Step(label, listing.advance, transition=action, field_name="stage", form=StageForm,
                fixed={"action": action}, guard=guard, preview=_preview(stage),
                success=lambda path: f"已登记：{path.enterprise.name}{path.get_stage_display()}。")


LISTING_STEPS = {
    "convert": _stage_step("登记股份制改造完成", "convert", Stage.JOINT_STOCK),
    "tutoring": _stage_step("登记辅导备案", "file_tutoring", Stage.TUTORING, guard=_needs_firm),
    "communicate": _stage_step("登记交易所沟通", "communicate", Stage.COMMUNICATION),
    "file": _stage_step("登记申报", "file_application", Stage.FILED),
    "list": _stage_step("登记上市", "list_shares", Stage.LISTED),
    "assign": Step("确定服务券商", listing.assign_firm, field_name="stage",
                   states=(Stage.CULTIVATING, Stage.JOINT_STOCK, Stage.TUTORING, Stage.COMMUNICATION,
                           Stage.FILED),
                   form=FirmForm, roles=STAFF_ROLES,
                   success=lambda path: f"{path.securities_firm.name}担任{path.enterprise.name}服务券商。"),
    "withdraw": Step("终止培育", listing.withdraw, transition="withdraw", field_name="stage",
                     form=WithdrawForm, roles=STAFF_ROLES,
                     success=lambda path: f"已终止：{path.enterprise.name}上市培育。"),
}


# --- Research visits ---------------------------------------------------------------------------------


class RecordVisitForm(StepForm):
    visited_on = forms.DateField(label="走访日期", initial=timezone.localdate,
                                 help_text="格式 2026-09-30；不得晚于今天")
    findings = forms.CharField(label="企业发展情况", max_length=8000,
                               widget=forms.Textarea(attrs={"rows": 4, "cols": 70}))
    problems = forms.CharField(label="存在的问题和困难", max_length=8000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))
    needs = forms.MultipleChoiceField(label="需求类别", choices=NeedKind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    needs_detail = forms.CharField(label="需求说明", max_length=4000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2, "cols": 70}))
    advice = forms.CharField(label="专业意见", max_length=8000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))
    actions = LinesField(label="跟进事项（每行一项）", max_length=300, required=False,
                         help_text="每项成为一项待办，按工作日计算办理期限并提醒")

    def clean_visited_on(self):
        on = self.cleaned_data["visited_on"]
        if on > timezone.localdate():
            raise forms.ValidationError(f"走访日期 {on:%Y-%m-%d} 晚于今天，只能登记已完成的走访。")
        return on


class ScheduleVisitForm(forms.Form):
    """安排走访: not a step of an existing visit, the admin's add page."""

    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    scheduled_on = forms.DateField(label="计划走访日期", help_text="格式 2026-09-30")
    purpose = forms.CharField(label="走访目的", max_length=300)
    lead = forms.ModelChoiceField(label="带队人员", queryset=get_user_model().objects.none(),
                                  required=False, help_text="不填则为本人")
    institution = forms.ModelChoiceField(label="同行机构", queryset=Institution.objects.none(),
                                         required=False)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(
            board=board, status=EnterpriseStatus.ADMITTED).order_by("name")
        self.fields["lead"].queryset = get_user_model().objects.filter(
            board_memberships__board=board, board_memberships__role__in=STAFF_ROLES,
            board_memberships__is_active=True).distinct().order_by("username")
        self.fields["institution"].queryset = institutions_on(board).order_by("name")


VISIT_STEPS = {
    "record": Step("登记走访情况", visits.record_visit, transition="record", form=RecordVisitForm,
                   success=lambda visit: f"已登记走访：{visit.enterprise.name}，"
                                         f"跟进事项 {visit.actions.count()} 项。"),
    "cancel": Step("取消走访", visits.cancel_visit, transition="cancel",
                   form=text_form("取消原因", "reason")),
}
ACTION_STEPS = {
    "complete": Step("办结", visits.complete_action, transition="complete",
                     form=text_form("办理结果", "result"),
                     success=lambda action: f"已办结：{action.title}。"),
}
