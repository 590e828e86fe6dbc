"""The staff steps of an award and of a guarantee-subsidy claim, declared once
(boards.kernel.steps): the award desk page and the API step endpoints are drawn from them."""

from decimal import Decimal, InvalidOperation

from django import forms

from boards.kernel.steps import Step, StepForm
from policies import services


class YuanField(forms.DecimalField):
    """An amount in yuan as people type it (thousands separators allowed)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            text = value.strip().replace(",", "")
            try:
                Decimal(text)
            except InvalidOperation:
                raise forms.ValidationError(
                    f"金额「{value}」不是数字，请填写以元为单位的金额，如 300000.00。") from None
            value = text
        return super().to_python(value)


class VerifyForm(StepForm):
    amount = YuanField(label="核定金额（元）", required=False, max_digits=18, decimal_places=2, min_value=0,
                       help_text="主管部门核定金额的政策填写",
                       widget=forms.TextInput(attrs={"placeholder": "核定金额（元）", "size": 10}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None and self.obj.amount is not None:
            self.fields["amount"].widget = forms.HiddenInput()  # the policy's formula set it

    def service_kwargs(self):
        return {"amount": self.cleaned_data.get("amount")}


class DisburseForm(StepForm):
    reference = forms.CharField(label="拨付凭证号", max_length=100, required=False,
                                widget=forms.TextInput(attrs={"placeholder": "拨付凭证号", "size": 10}))


class RejectForm(StepForm):
    reason = forms.CharField(label="驳回理由", max_length=2000, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "驳回理由", "size": 12}))


def _done(verb):
    return lambda award: f"{award.enterprise}「{award.policy}」{verb}。"


AWARD_STEPS = {
    "verify": Step("核验", services.verify_award, transition="verify", form=VerifyForm,
                   success=_done("已核验")),
    "approve": Step("批准", services.approve_award, transition="approve", success=_done("已批准")),
    "disburse": Step("登记拨付", services.disburse_award, transition="disburse", form=DisburseForm,
                     success=_done("已登记拨付")),
    "reject": Step("驳回", services.reject_award, transition="reject", form=RejectForm,
                   success=_done("已驳回")),
}
CLAIM_STEPS = {
    "approve": Step("批准", services.approve_guarantee_claim, transition="approve"),
    "disburse": Step("登记拨付", services.disburse_guarantee_claim, transition="disburse"),
    "reject": Step("驳回", services.reject_guarantee_claim, transition="reject", form=RejectForm),
}
