"""Defaults: loss allocation, the compensation fund and funders' NPL reports."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.kernel.errors import Conflict
from boards.kernel.models import Institution, TenantModel
from risksharing.models.base import MONEY, PERCENT, _actor
from risksharing.models.cases import FinancingCase
from risksharing.models.terms import MakerChecked, Party


class LossAllocation(MakerChecked):
    """A defaulted loan's loss split by the contract's shares (LossPart rows, summing to it)."""

    case = models.ForeignKey(FinancingCase, on_delete=models.CASCADE, related_name="allocations",
                             verbose_name=_("融资项目"))
    loss = models.DecimalField(_("损失金额（元）"), **MONEY)

    class Meta:
        verbose_name = _("损失分担")
        verbose_name_plural = _("损失分担")
        ordering = ["-entered_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(loss__gt=0), name="rs_loss_gt_0")]

    def __str__(self):
        return f"{self.case} · 损失 {self.loss} 元（{self.get_state_display()}）"


class LossPart(TenantModel):
    """One party's part of a loss. For a party with a compensation fund, ``fund_paid`` is what
    the fund paid and ``unfunded`` the shortfall it could not (fund_paid + unfunded = amount)."""

    allocation = models.ForeignKey(LossAllocation, on_delete=models.CASCADE, related_name="parts",
                                   verbose_name=_("损失分担"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    party = models.CharField(_("角色"), max_length=15, choices=Party.choices)
    share = models.DecimalField(_("分担比例（%）"), **PERCENT)
    amount = models.DecimalField(_("分担金额（元）"), **MONEY)
    fund = models.ForeignKey("CompensationFund", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("风险补偿资金池"))
    fund_paid = models.DecimalField(_("资金池已付（元）"), **MONEY, default=0)
    unfunded = models.DecimalField(_("资金池缺口（元）"), **MONEY, default=0)

    class Meta:
        verbose_name = _("损失分担明细")
        verbose_name_plural = _("损失分担明细")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.institution} {self.amount} 元"


class CompensationFund(TenantModel):
    """An enhancer's risk-compensation fund (风险补偿资金池). ``balance`` changes only with a
    FundEntry in the same transaction, under this row's lock, and never goes below zero."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("增信机构"))
    name = models.CharField(_("名称"), max_length=200)
    balance = models.DecimalField(_("余额（元）"), **MONEY, default=0, editable=False)

    class Meta:
        verbose_name = _("风险补偿资金池")
        verbose_name_plural = _("风险补偿资金池")
        constraints = [
            models.UniqueConstraint(fields=["board", "institution"], name="rs_uniq_fund_institution"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="rs_fund_balance_gte_0"),
        ]

    def __str__(self):
        return self.name


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit", _("注资")
    PAYOUT = "payout", _("代偿支付")


class FundEntry(TenantModel):
    """Append-only ledger line of a compensation fund; ``balance_after`` chains the lines."""

    fund = models.ForeignKey(CompensationFund, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("资金池"))
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    balance_after = models.DecimalField(_("变动后余额（元）"), **MONEY)
    loss_part = models.ForeignKey(LossPart, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("损失分担明细"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = _actor(verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资金池流水")
        verbose_name_plural = _("资金池流水")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="rs_entry_amount_gt_0"),
            models.CheckConstraint(condition=models.Q(balance_after__gte=0), name="rs_entry_balance_gte_0"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:,.2f} 元"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Conflict("资金池流水只能追加，不能修改。", code="append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("资金池流水只能追加，不能删除。", code="append_only")


class FunderNplReport(TenantModel):
    """A funder's reported overall NPL ratio for a period (e.g. 2026Q3), the yardstick of the
    tolerance on its small and micro tech loans."""

    funder = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("资金方"))
    period = models.CharField(_("报告期"), max_length=6, help_text=_("例如 2026Q3"), validators=[
        RegexValidator(r"^\d{4}Q[1-4]$", "报告期格式为 年份+Q+季度，例如 2026Q3。")])
    overall_npl_ratio = models.DecimalField(_("全部贷款不良率（%）"), **PERCENT)
    reported_on = models.DateField(_("报送日期"), default=timezone.localdate)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("资金方不良率报送")
        verbose_name_plural = _("资金方不良率报送")
        ordering = ["-period", "funder"]
        constraints = [
            models.UniqueConstraint(fields=["board", "funder", "period"], name="rs_uniq_npl_report"),
            models.CheckConstraint(condition=models.Q(overall_npl_ratio__gte=0, overall_npl_ratio__lte=100),
                                   name="rs_npl_ratio_0_100"),
        ]

    def __str__(self):
        return f"{self.funder} {self.period}：{self.overall_npl_ratio}%"
