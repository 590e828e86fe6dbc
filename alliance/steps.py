"""The member's steps of a matchmaking, declared once (boards.kernel.steps): the funnel
(有意向 → 深度对接 → 尽职调查 → 已融资, or 无意向 / 对接失败 with a reason) and the request for a
preliminary value report during deep engagement. The API's step endpoints are drawn from it."""

from django import forms

from alliance import services
from alliance.models import MatchState, ProductType, ReasonCategory
from boards.kernel.steps import Step, StepForm


class ReasonForm(StepForm):
    reason_category = forms.ChoiceField(label="原因类别", choices=ReasonCategory.choices)
    reason_text = forms.CharField(label="原因说明", max_length=2000)


class FinanceForm(StepForm):
    amount = forms.DecimalField(label="融资金额（元）", max_digits=16, decimal_places=2, min_value=0)
    instrument = forms.ChoiceField(label="融资工具", choices=ProductType.choices)
    financed_on = forms.DateField(label="融资日期")


def _move(step, label, form=StepForm):
    return Step(label, services.move_matchmaking, transition=step, form=form, fixed={"step": step})


MATCH_STEPS = {
    "interest": _move("interest", "表示有意向"),
    "decline": _move("decline", "表示无意向", ReasonForm),
    "engage": _move("engage", "进入深度对接"),
    "request_value_report": Step("申请初步价值报告", services.request_value_report,
                                 states=(MatchState.DEEP_ENGAGEMENT,)),
    "due_diligence": _move("due_diligence", "进入尽职调查"),
    "finance": _move("finance", "登记融资结果", FinanceForm),
    "fail": _move("fail", "对接失败", ReasonForm),
}
