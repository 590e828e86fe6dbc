"""Equity incentives (股权激励 / 员工持股计划) registered on the board, in the share register.

证监办函〔2022〕840号 (十二)：“区域性股权市场要为股权激励和员工持股计划相关的股份（股权）、期权提供登记托管、
转让、信息披露等相关服务。” 附件2 (四)：“为有意愿、股权历史沿革清晰规范的专板企业提供股权激励和员工持股计划
相关的股份（股权）、期权提供登记托管、转让、信息披露等相关服务，规范企业股份（股权）、期权管理。”

A plan names the holding in the enterprise's share register its shares come from (预留股份的股东或持股
平台) and its pool. It is registered, then disclosed to its participants (定向披露); only a disclosed
plan grants. Options move no share at grant: vested options are exercised into shares; restricted
stock and ESOP shares move to the participant at grant and unlock as they vest. Every move of a
share is a ShareChange of the register (custody's journal), linked from the incentive event.
"""

from decimal import Decimal

import django_fsm
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.enterprises.models.custody import ShareChange, Shareholding, ShareRegister
from boards.enterprises.models.registry import Enterprise
from boards.kernel.models.tenant import TenantModel, user_reference

_user = user_reference


def share_count(shares: Decimal) -> str:
    """A number of shares as people write it: thousands separated, the fraction only when there is
    one (1,000 股; 1,234.5 股), never rounded."""
    return f"{shares:,.2f}".rstrip("0").rstrip(".")


class PlanKind(models.TextChoices):
    OPTION = "option", _("股票期权")
    RESTRICTED = "restricted", _("限制性股票")
    ESOP = "esop", _("员工持股计划")


class PlanState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    DISCLOSED = "disclosed", _("已向激励对象披露")
    TERMINATED = "terminated", _("已终止")


class IncentivePlan(TenantModel):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="incentive_plans", verbose_name=_("企业")
    )
    register = models.ForeignKey(
        ShareRegister, on_delete=models.PROTECT, related_name="incentive_plans", verbose_name=_("股东名册")
    )
    source = models.ForeignKey(
        Shareholding,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("激励股份来源"),
        help_text=_("预留激励股份的股东或持股平台"),
    )
    name = models.CharField(_("计划名称"), max_length=200)
    kind = models.CharField(_("激励方式"), max_length=12, choices=PlanKind.choices)
    pool_shares = models.DecimalField(_("激励股份总数"), max_digits=20, decimal_places=2)
    exercise_price = models.DecimalField(
        _("行权价格（元/股）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    vesting_years = models.PositiveSmallIntegerField(
        _("归属期数（年）"), help_text=_("授予后每满 12 个月归属（解锁）一期，等额")
    )
    approved_on = models.DateField(_("股东（大）会审议通过日期"))
    basis = models.CharField(_("依据"), max_length=300)
    summary = models.TextField(_("计划要点"), help_text=_("激励对象范围、授予条件、归属或解锁条件、转让限制"))
    state = FSMField(
        _("状态"), max_length=12, choices=PlanState.choices, default=PlanState.REGISTERED, protected=True
    )
    disclosed_at = models.DateTimeField(_("披露时间"), null=True, blank=True)
    terminated_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    registered_by = _user(_("登记人"))
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("股权激励计划")
        verbose_name_plural = _("股权激励计划")
        ordering = ["-approved_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise.name}{self.name}"

    @django_fsm.transition(field=state, source=PlanState.REGISTERED, target=PlanState.DISCLOSED)
    def disclose(self, at):
        self.disclosed_at = at

    @django_fsm.transition(
        field=state, source=[PlanState.REGISTERED, PlanState.DISCLOSED], target=PlanState.TERMINATED
    )
    def terminate(self, reason):
        self.terminated_reason = reason


class Participant(TenantModel):
    """激励对象: an employee of the enterprise; with an account, the plan is disclosed to them."""

    plan = models.ForeignKey(
        IncentivePlan, on_delete=models.CASCADE, related_name="participants", verbose_name=_("股权激励计划")
    )
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("证件号码"), max_length=40)
    position = models.CharField(_("职务"), max_length=100)
    user = _user(_("登录账号"), help_text=_("激励对象凭此账号查看向其定向披露的计划"))

    class Meta:
        verbose_name = _("激励对象")
        verbose_name_plural = _("激励对象")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "id_number"], name="uniq_incentive_participant")
        ]

    def __str__(self):
        return f"{self.name}（{self.position}）"


class Grant(TenantModel):
    plan = models.ForeignKey(
        IncentivePlan, on_delete=models.PROTECT, related_name="grants", verbose_name=_("股权激励计划")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="grants", verbose_name=_("激励对象")
    )
    shares = models.DecimalField(_("授予数量（股）"), max_digits=20, decimal_places=2)
    granted_on = models.DateField(_("授予日"))
    vested_tranches = models.PositiveSmallIntegerField(_("已归属期数"), default=0)
    vested_shares = models.DecimalField(_("已归属（解锁）"), max_digits=20, decimal_places=2, default=0)
    exercised_shares = models.DecimalField(_("已行权"), max_digits=20, decimal_places=2, default=0)
    transferred_shares = models.DecimalField(_("已转让"), max_digits=20, decimal_places=2, default=0)
    holding = models.ForeignKey(
        Shareholding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("名册持股"),
    )

    class Meta:
        verbose_name = _("激励授予")
        verbose_name_plural = _("激励授予")
        ordering = ["plan", "granted_on", "pk"]

    def __str__(self):
        return f"{self.participant.name}获授{share_count(self.shares)}股（{self.plan.name}）"


class EventKind(models.TextChoices):
    GRANT = "grant", _("授予")
    VEST = "vest", _("归属（解锁）")
    EXERCISE = "exercise", _("行权")
    TRANSFER = "transfer", _("转让")


class IncentiveEvent(TenantModel):
    """What happened to a grant, with the register entry it wrote (None when no share moved)."""

    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, related_name="events", verbose_name=_("激励授予")
    )
    kind = models.CharField(_("事项"), max_length=10, choices=EventKind.choices)
    shares = models.DecimalField(_("股数"), max_digits=20, decimal_places=2)
    occurred_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("行权缴款（元）"), max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    share_change = models.ForeignKey(
        ShareChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("股权变动记录"),
    )
    actor = _user(_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("激励事项")
        verbose_name_plural = _("激励事项")
        ordering = ["grant", "occurred_on", "pk"]

    def __str__(self):
        return f"{self.grant.participant.name}{self.get_kind_display()}{share_count(self.shares)}股"
