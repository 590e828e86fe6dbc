"""The steps of a review case, declared once (boards.kernel.steps): the admin's case page and
the API's step endpoint are drawn from ``CASE_STEPS``. A step is offered when the case's FSM
allows it now, or, for the tools (材料、提醒、补抽), in the states where they apply; "作出结论"
only once every opinion owed is in (the preview shows the votes so far)."""

from django import forms

from boards.kernel.inputguard import plausible_datetime
from boards.kernel.steps import LinesField, Preview, Step, StepForm, text_form
from reviews import selectors, services
from reviews.models import CaseState, PanelSeat, SeatState, SupplementRequest
from reviews.models.cases import passes


class MaterialForm(StepForm):
    title = forms.CharField(label="材料名称", max_length=200)
    file = forms.FileField(label="文件（PDF、Word、Excel、图片）")

    def service_kwargs(self):
        return {"title": self.cleaned_data["title"], "uploaded_file": self.cleaned_data["file"]}


class SupplementProvidedForm(StepForm):
    supplement = forms.ModelChoiceField(label="补充材料要求", queryset=SupplementRequest.objects.none())
    title = forms.CharField(label="材料名称", max_length=200, required=False)
    file = forms.FileField(label="企业补充的材料", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplement"].queryset = SupplementRequest.objects.filter(
            seat__case=self.obj, provided_at=None).select_related("seat__expert")

    def service_kwargs(self):
        data = self.cleaned_data
        return {"supplement": data["supplement"], "title": data["title"], "uploaded_file": data["file"]}


class MeetingForm(StepForm):
    at = forms.DateTimeField(label="评审会时间", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                             validators=[plausible_datetime],
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label="地点", max_length=200)


class HeldForm(StepForm):
    attended = forms.ModelMultipleChoiceField(label="出席专家", queryset=PanelSeat.objects.none(),
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text="出席专家的席位编号")
    observers = LinesField(label="列席人员（每行一位，如：自治区科技厅 张某）", required=False,
                           max_length=100)
    answers = forms.CharField(label="企业现场答辩情况", max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seats = selectors.active_seats(self.obj) if self.obj is not None else PanelSeat.objects.none()
        self.fields["attended"].queryset = seats.select_related("expert")

    def service_kwargs(self):
        return {**self.cleaned_data, "attended": [seat.pk for seat in self.cleaned_data["attended"]]}


def _feedback_draft(case):
    votes = case.votes or {}
    verdict = "通过" if case.passed else "未通过"
    panel = votes.get("panel", case.panel_size)
    return (f"贵企业的{case.rules['name']}经专家委员会评审，评审组 {panel} 名专家中"
            f"同意 {votes.get('pass', 0)} 票，结论为{verdict}。\n专家主要意见：")


class FeedbackForm(StepForm):
    text = forms.CharField(label="书面反馈意见", max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None and not self.is_bound:
            self.fields["text"].initial = _feedback_draft(self.obj)


class StaffDeclineForm(StepForm):
    seat = forms.ModelChoiceField(label="专家", queryset=PanelSeat.objects.none())
    reason = forms.CharField(label="拒绝/回避理由", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = selectors.active_seats(self.obj).exclude(
            state=SeatState.SUBMITTED).select_related("expert")


def _count(message):
    return lambda result: message.format(len(result) if isinstance(result, list) else result)


def _undecidable(case):
    """Why the panel cannot decide yet (an opinion owed, a vacancy), or None."""
    blocker = services.tally(case)[2]
    return blocker.message if blocker else None


def decision_preview(case):
    """The votes so far and the verdict they give under the majority rule."""
    seats, votes, blocker = services.tally(case)
    rows = [(seat.expert.name, seat.get_state_display(),
             seat.opinion.get_vote_display() if seat.state == SeatState.SUBMITTED else "—") for seat in seats]
    submitted = sum(1 for seat in seats if seat.state == SeatState.SUBMITTED)
    verdict = "通过" if passes(votes["pass"], case.panel_size) else "未通过"
    text = (f"作出评审结论：评审组 {case.panel_size} 人，已提交意见 {submitted} 份；同意 {votes['pass']} 票、"
            f"不同意 {votes['fail']} 票、弃权 {votes['abstain']} 票，按全组过半数规则结论为「{verdict}」")
    return Preview(text, ("专家", "席位状态", "表决意见"), rows, ok=blocker is None)


RUNNING = (CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED)

CASE_STEPS = {
    "add_material": Step("上传评审材料", services.add_material, states=(CaseState.CREATED, *RUNNING),
                         form=MaterialForm, success="材料已上传。"),
    "draw_panel": Step("抽取专家", services.draw_panel, transition="draw_panel",
                       success=_count("已随机抽取 {} 位专家，抽取记录已存证。")),
    "send_material": Step("送达材料", services.send_material, transition="send_material",
                          success="材料已送达评审组专家。"),
    "provide_supplement": Step(
        "补充材料已提供",
        lambda case, *, supplement, **kwargs: services.provide_supplement(supplement, **kwargs),
        states=(CaseState.MATERIAL_SENT,), form=SupplementProvidedForm,
        success="补充材料已送达专家，其评审期限恢复计时。"),
    "remind": Step("一键提醒未完成专家", services.remind_late_experts,
                   states=(CaseState.MATERIAL_SENT, CaseState.MEETING_HELD),
                   success=_count("已提醒 {} 位专家。")),
    "record_decline": Step("登记专家拒绝/回避",
                           lambda case, *, seat, **kwargs: services.decline_seat(seat, **kwargs),
                           states=RUNNING, form=StaffDeclineForm, success="已登记，并已尝试补抽专家。"),
    "replace_silent": Step("替换逾期未确认专家", services.replace_silent_seats, states=RUNNING[1:],
                           success=_count("已替换 {} 位专家。")),
    "fill_vacancies": Step("补抽专家", services.fill_vacancies, states=RUNNING,
                           success=_count("已补抽 {} 位专家。")),
    "schedule_meeting": Step("安排评审会", services.schedule_meeting, transition="schedule_meeting",
                             form=MeetingForm, success="评审会已安排，已通知专家。"),
    "hold_meeting": Step("记录评审会", services.hold_meeting, transition="hold_meeting", form=HeldForm,
                         success="评审会情况已记录，已通知出席专家提交意见。"),
    "decide": Step("作出结论", services.decide_case, transition="decide", guard=_undecidable,
                   preview=decision_preview, success="评审结论已记录。"),
    "send_feedback": Step("书面反馈企业", services.send_feedback, transition="send_feedback",
                          form=FeedbackForm, success="书面反馈已发送企业。"),
    "file_with_regulators": Step("报备监管机构", services.file_case, transition="file_with_regulators",
                                 success=_count("已生成 {} 份报备文件。")),
    "archive": Step("归档", services.archive_case, transition="archive", success="案件已归档。"),
}


# --- The expert's own steps on their seat (the portal's seat page) ------------------------------


DECLINABLE = RUNNING  # the service's rule: a seat is declined while the panel is still being formed


def _no_supplement_now(seat):
    if seat.case.state != CaseState.MATERIAL_SENT:
        return f"案件处于「{seat.case.get_state_display()}」，不能再申请补充材料。"
    return None


def _no_decline_now(seat):
    if seat.case.state not in DECLINABLE:
        return f"案件处于「{seat.case.get_state_display()}」，不能再拒绝参加评审。"
    return None


def _opinions_closed(seat):
    if selectors.opinions_open(seat.case, seat):
        return None
    when = "评审会召开后由出席专家" if seat.case.is_meeting else "评审期间"
    return f"案件处于「{seat.case.get_state_display()}」，评审意见应在{when}提交。"


def receipt_preview(seat):
    what = "会前审阅评审材料" if seat.case.is_meeting else "提交评审意见"
    return Preview(f"确认已收到评审材料；自确认时起计算 {seat.case.rules['review_days']} 日{what}的期限")


SEAT_STEPS = {
    "confirm_receipt": Step("确认收悉材料", services.confirm_receipt, transition="confirm_receipt",
                            preview=receipt_preview, success="已确认收悉材料，评审期限开始计算。"),
    "request_supplement": Step(
        "提交补充材料申请", services.request_supplement, transition="request_supplement",
        guard=_no_supplement_now, form=text_form("需要企业补充的材料", max_length=2000),
        preview=lambda seat: Preview("交由交易中心联系企业补充材料；等待补充期间，您的评审期限暂停计算"),
        success="补充材料申请已提交交易中心，等待期间评审期限暂停。"),
    # Its input is the case's review form and the signed scan, validated by the page (reviews.forms).
    "submit_opinion": Step(
        "提交评审意见", services.submit_opinion, transition="submit_opinion", guard=_opinions_closed,
        preview=lambda seat: Preview("提交评审表及签字扫描件，提交后不能再修改；" + (
            "全组意见到齐后交易中心作出结论" if seat.case.is_meeting else "全组提交后自动形成评审结论")),
        success="评审意见已提交，感谢您的评审。"),
    "decline": Step(
        "拒绝参加本次评审", services.decline_seat, transition="decline", guard=_no_decline_now,
        form=text_form("拒绝/回避理由", name="reason", max_length=300),
        preview=lambda seat: Preview("退出本案评审组；交易中心将另行抽取专家替补"),
        success="已拒绝参加本次评审，交易中心将另行抽取专家。"),
}
