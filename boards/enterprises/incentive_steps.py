"""The steps of an equity-incentive plan and of a grant, declared once (boards.kernel.steps): the
admin's buttons and pages are drawn from them."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from boards.enterprises.models import Enterprise, PlanKind, Shareholding
from boards.enterprises.services import incentives
from boards.kernel.digits import DecimalBounds
from boards.kernel.steps import Preview, Step, StepForm, text_form

SHARES: DecimalBounds = {"max_digits": 20, "decimal_places": 2, "min_value": Decimal("0.01")}


class PlanForm(forms.Form):
    """登记激励计划: not a step of an existing plan, the admin's add page."""

    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(),
                                        help_text="已建立股东名册的本专板企业")
    name = forms.CharField(label="计划名称", max_length=200)
    kind = forms.ChoiceField(label="激励方式", choices=PlanKind.choices)
    source_holder = forms.CharField(
        label="激励股份来源（股东名称）",
        max_length=200,
        help_text="股东名册中预留激励股份的已确权股东或持股平台",
    )
    pool_shares = forms.DecimalField(label="激励股份总数（股）", **SHARES)
    exercise_price = forms.DecimalField(
        label="行权价格（元/股）", max_digits=12, decimal_places=2, required=False, help_text="股票期权必填"
    )
    vesting_years = forms.IntegerField(
        label="归属期数（年）",
        min_value=1,
        max_value=10,
        initial=3,
        help_text="授予后每满 12 个月归属（解锁）一期，等额",
    )
    approved_on = forms.DateField(label="股东（大）会审议通过日期", help_text="格式 2026-03-18")
    basis = forms.CharField(
        label="依据",
        max_length=300,
        initial="《非上市公众公司监管指引第 6 号—股权激励和员工持股计划的监管要求（试行）》",
        widget=forms.TextInput(attrs={"size": 70}),  # the default width cut the regulation's title
    )
    summary = forms.CharField(
        label="计划要点",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="激励对象范围、授予条件、归属或解锁条件、转让限制；仅向激励对象披露",
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        holder = data.pop("source_holder").strip()
        data["source"] = Shareholding.objects.filter(
            register__enterprise=data["enterprise"], holder_name=holder, in_custody_account=False
        ).first()
        return data


class GrantForm(StepForm):
    name = forms.CharField(label="激励对象姓名", max_length=60)
    id_number = forms.CharField(label="证件号码", max_length=40)
    position = forms.CharField(label="职务", max_length=100)
    username = forms.CharField(
        label="登录账号",
        max_length=150,
        required=False,
        help_text="激励对象的平台账号：计划向其定向披露；可不填",
    )
    shares = forms.DecimalField(label="授予数量（股）", **SHARES)
    granted_on = forms.DateField(label="授予日", initial=timezone.localdate, help_text="格式 2026-03-18")

    def clean_shares(self):
        limit = self.obj.pool_shares - incentives.granted(self.obj) if self.obj else 0
        return _within(self, limit, "计划剩余可授予 {limit:,.2f} 股，不能授予 {shares:,.2f} 股。")


def _grant_preview(plan):
    left = plan.pool_shares - incentives.granted(plan)
    moves = (
        "股份随即自" + plan.source.holder_name + "转入激励对象名下，记入股东名册"
        if plan.kind in (incentives.MOVES_AT_GRANT)
        else "期权不转移股份，归属后行权时记入股东名册"
    )
    return Preview(f"计划剩余可授予 {left:,.2f} 股；{moves}。")


PLAN_STEPS = {
    "disclose": Step(
        "向激励对象定向披露",
        incentives.disclose_plan,
        transition="disclose",
        preview=lambda p: Preview(
            f"计划「{p.name}」将仅向其激励对象和{p.enterprise.name}披露，其他任何人不可见。"
        ),
        success=lambda p: f"已定向披露：{p}。",
    ),
    "grant": Step(
        "授予",
        incentives.grant,
        states=("disclosed",),
        form=GrantForm,
        preview=_grant_preview,
        success=lambda g: f"已授予：{g}。",
    ),
    "terminate": Step(
        "终止计划", incentives.terminate_plan, transition="terminate", form=text_form("终止原因", "reason")
    ),
}


def _within(form, limit, message):
    """The field's shares, refused next to it when above ``limit`` (the service checks again)."""
    shares = form.cleaned_data["shares"]
    if form.obj is not None and shares > limit:
        raise forms.ValidationError(message.format(limit=limit, shares=shares))
    return shares


class ExerciseForm(StepForm):
    shares = forms.DecimalField(label="行权数量（股）", **SHARES)

    def clean_shares(self):
        limit = self.obj.vested_shares - self.obj.exercised_shares if self.obj else 0
        return _within(self, limit, "可行权 {limit:,.2f} 股（已归属未行权），不能行权 {shares:,.2f} 股。")


class TransferForm(StepForm):
    to_holder_name = forms.CharField(label="受让方名称", max_length=200)
    to_holder_id_number = forms.CharField(label="受让方证件号码", max_length=40)
    shares = forms.DecimalField(label="转让数量（股）", **SHARES)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean_shares(self):
        limit = incentives.transferable(self.obj) if self.obj else 0
        return _within(
            self, limit, "可转让 {limit:,.2f} 股（已解锁或已行权、未转让），不能转让 {shares:,.2f} 股。"
        )


def _vest_preview(item):
    upcoming = incentives.next_vesting(item)
    if upcoming is None:
        return Preview("全部归属期均已归属。", ok=False)
    on, shares = upcoming
    return Preview(
        f"第 {item.vested_tranches + 1} 期（{on:%Y-%m-%d} 起）归属 {shares:,.2f} 股。",
        ok=incentives.vesting_refusal(item) is None,
    )


def _exercise_preview(item):
    exercisable = item.vested_shares - item.exercised_shares
    return Preview(
        f"可行权 {exercisable:,.2f} 股，行权价格 {item.plan.exercise_price} 元/股；股份自"
        f"{item.plan.source.holder_name}转入{item.participant.name}名下。"
    )


GRANT_STEPS = {
    "vest": Step(
        "登记归属（解锁）",
        incentives.vest,
        guard=incentives.vesting_refusal,
        preview=_vest_preview,
        when=lambda g: g.plan.state != "terminated",
        success=lambda g: f"已归属：{g}。",
    ),
    "exercise": Step(
        "登记行权",
        incentives.exercise,
        form=ExerciseForm,
        preview=_exercise_preview,
        when=lambda g: g.plan.kind == PlanKind.OPTION and g.vested_shares > g.exercised_shares,
        success=lambda g: f"已行权：{g.participant.name}累计行权 {g.exercised_shares:,.2f} 股。",
    ),
    "transfer": Step(
        "登记转让",
        incentives.transfer,
        form=TransferForm,
        when=lambda g: incentives.transferable(g) > 0,
        preview=lambda g: Preview(f"可转让 {incentives.transferable(g):,.2f} 股，转让记入股东名册。"),
        success=lambda g: f"已登记转让：{g.participant.name}累计转让 {g.transferred_shares:,.2f} 股。",
    ),
}
