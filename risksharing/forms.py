"""Forms of the enhancers' 立项会 page and of the staff steps in the admin. A step form gets
the object it acts on as ``obj`` (a case, contract terms, a loss allocation or a fund)."""

from django import forms
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel.digits import MONEY, DecimalBounds
from boards.kernel.models import Institution
from boards.kernel.steps import StepForm
from risksharing import selectors
from risksharing.models import FunderRequest, RequestState, ZeroShareAdvantage
from risksharing.services import OUTCOME_STATES, funder_decision

MONEY_FIELD = MONEY
SHARE_FIELD: DecimalBounds = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


class EnhancerViewForm(StepForm):
    intent = forms.TypedChoiceField(
        label="担保意向", widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", "有初步担保意向（出具担保推荐函）"), ("no", "无担保意向")])
    opinion = forms.CharField(label="审议意见", widget=forms.Textarea(attrs={"rows": 5}))
    guarantee_amount = forms.DecimalField(label="拟担保金额（元）", required=False, **MONEY_FIELD,
                                          help_text="有担保意向时填写，可留空")


class OpenCaseForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    mode = forms.ChoiceField(label="分担模式")
    amount = forms.DecimalField(label="拟融资金额（元）", **MONEY_FIELD)
    purpose = forms.CharField(label="融资用途", max_length=300)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(board=board)
        self.fields["mode"].choices = [(key, mode["name"])
                                       for key, mode in board.setting("risksharing.modes", {}).items()]


class FirmInputForm(StepForm):
    institution = forms.ModelChoiceField(label="专业服务机构", queryset=Institution.objects.none())
    summary = forms.CharField(label="意见摘要", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = selectors.parties(self.obj.board, "firm").order_by("code")


class RecommendForm(StepForm):
    enhancers = forms.ModelMultipleChoiceField(label="接收融资推荐函的增信机构",
                                               queryset=Institution.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    opinion = forms.CharField(label="预审意见", widget=forms.Textarea(attrs={"rows": 5}))
    meeting_at = forms.DateTimeField(label="立项会时间", required=False,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    meeting_place = forms.CharField(label="立项会地点", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhancers"].queryset = selectors.parties(self.obj.board, "enhancer").order_by("code")


class StaffViewForm(EnhancerViewForm):
    """The 立项会 minutes for an enhancer whose view staff record."""

    institution = forms.ModelChoiceField(label="增信机构", queryset=Institution.objects.none())
    field_order = ["institution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.obj.enhancer_views.filter(intent=None).values("institution_id")
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=pending)


class FundersForm(StepForm):
    funders = forms.ModelMultipleChoiceField(label="意向资金方", queryset=Institution.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        asked = self.obj.funder_requests.values("funder_id")
        self.fields["funders"].queryset = selectors.parties(self.obj.board, "funder").exclude(
            pk__in=asked).order_by("code")


class LapseForm(StepForm):
    request = forms.ModelChoiceField(label="逾期未答复的资金方", queryset=FunderRequest.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = self.obj.funder_requests.filter(
            state=RequestState.SENT, answer_deadline__due_at__lt=timezone.now()).select_related("funder")


class FeedbackForm(StepForm):
    request = forms.ModelChoiceField(label="答复哪一资金方的结果", queryset=FunderRequest.objects.none())
    text = forms.CharField(label="补充说明（可选）", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="反馈函自动写明资金方的决定；不予融资的，写明其理由。此处只填补充内容。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = self.obj.funder_requests.filter(
            state__in=OUTCOME_STATES, feedback_letter=None).select_related("funder")
        # The label of each choice is the decision the letter will state.
        self.fields["request"].label_from_instance = funder_decision


class TermsForm(StepForm):
    """Contract terms; one share field per enhancer that issued a 担保推荐函, and the funder's."""

    funder = forms.ModelChoiceField(label="资金方", queryset=Institution.objects.none())
    amount = forms.DecimalField(label="合同金额（元）", **MONEY_FIELD)
    annual_rate = forms.DecimalField(label="年利率（%）", max_digits=6, decimal_places=4)
    term_months = forms.IntegerField(label="期限（月）", min_value=1)
    funder_share = forms.DecimalField(label="资金方分担比例（%）", **SHARE_FIELD)
    advantage = forms.ChoiceField(label="资金方零分担的优势", required=False,
                                  choices=[("", "—"), *ZeroShareAdvantage.choices])
    advantage_note = forms.CharField(label="优势说明", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text="资金方分担比例为 0 时必填：融资成本或审批时效上的具体优势")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agreed = self.obj.funder_requests.filter(state=RequestState.AGREED).values("funder_id")
        self.fields["funder"].queryset = Institution.objects.filter(pk__in=agreed)
        self.guarantors = [view.institution for view in
                           self.obj.enhancer_views.filter(intent=True).select_related("institution")]
        for institution in self.guarantors:
            self.fields[f"share_{institution.pk}"] = forms.DecimalField(
                label=f"{institution.name} 分担比例（%）", **SHARE_FIELD)

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        shares = {institution: data.pop(f"share_{institution.pk}") for institution in self.guarantors}
        shares[data["funder"]] = data.pop("funder_share")
        return {**data, "shares": shares}


class DateForm(StepForm):
    on = forms.DateField(label="日期", initial=timezone.localdate,
                         widget=forms.DateInput(attrs={"type": "date"}))


class RepaymentForm(DateForm):
    amount = forms.DecimalField(label="还款本金（元）", **MONEY_FIELD)


class LossForm(StepForm):
    loss = forms.DecimalField(label="损失金额（元）", **MONEY_FIELD,
                              help_text="按合同约定比例分摊到分，经另一位工作人员复核后生效")


class TransferForm(DateForm):
    transferee = forms.ModelChoiceField(label="受让方（风险处置联合会成员）",
                                        queryset=Institution.objects.none())
    price = forms.DecimalField(label="转让价款（元）", required=False, **MONEY_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transferee"].queryset = selectors.parties(self.obj.board, "disposal").order_by("code")


class DepositForm(StepForm):
    amount = forms.DecimalField(label="注资金额（元）", **MONEY_FIELD)
    note = forms.CharField(label="说明", max_length=300, required=False)


class ReportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", coerce=int,
                                     choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])
