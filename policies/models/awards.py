"""Policies and the awards granted under them."""

import django_fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.enterprises.models import Enterprise
from boards.enterprises.tiers import tier_names
from boards.kernel.models import Filing, TenantModel
from policies.matching import condition_errors, formula_is_valid
from policies.models.base import MONEY


class Beneficiary(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    GUARANTEE_FIRM = "guarantee_firm", _("融资担保机构")
    INSTITUTION = "institution", _("金融机构")


class BenefitKind(models.TextChoices):
    FIXED = "fixed", _("定额奖补")
    FORMULA = "formula", _("按公式计算（有上限）")
    UNSPECIFIED = "unspecified", _("金额由主管部门核定")
    NONE = "none", _("非资金类政策")


class Recurrence(models.TextChoices):
    ONE_TIME = "one_time", _("一次性（每家限一次）")
    YEARLY = "yearly", _("每年一次")


class Policy(TenantModel):
    """One policy of a board, with its source, who benefits, when it applies and what it gives.

    ``conditions`` is eligibility as data (see policies.matching); ``formula`` is
    ``{"metric": <FinancialYear field>, "rate": "0.1"}`` for an enterprise's formula benefit (a
    guarantee subsidy takes its rates from the board's configuration, its cap from here); ``parameters``
    holds the numbers of a non-monetary rule (e.g. ``{"npl_tolerance_pp": 3}``).
    """

    code = models.SlugField(_("政策代码"), max_length=60)
    title = models.CharField(_("政策名称"), max_length=200)
    summary = models.TextField(_("政策内容"), help_text=_("摘自原文"))
    source_document = models.CharField(_("来源文件"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    source_clause = models.CharField(_("条款"), max_length=120, blank=True)
    issuing_bodies = models.JSONField(_("发文单位"), default=list)
    responsible_units = models.JSONField(_("责任单位"), default=list, blank=True)
    payer = models.CharField(_("拨付/报送单位代码"), max_length=30, blank=True,
                             help_text=_("本专板报备监管机构代码；年度奖补汇总报送该单位"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    beneficiary = models.CharField(_("支持对象"), max_length=20, choices=Beneficiary.choices)
    conditions = models.JSONField(_("申请条件"), default=list, blank=True)
    benefit_kind = models.CharField(_("支持方式"), max_length=12, choices=BenefitKind.choices)
    amount = models.DecimalField(_("定额（元）"), **MONEY, null=True, blank=True)
    formula = models.JSONField(_("计算公式"), default=dict, blank=True)
    cap = models.DecimalField(_("上限（元）"), **MONEY, null=True, blank=True,
                              help_text=_("公式奖补为单笔上限；担保补助为每家每年上限"))
    recurrence = models.CharField(_("频次"), max_length=10, choices=Recurrence.choices,
                                  default=Recurrence.ONE_TIME)
    auto_propose = models.BooleanField(_("层级变动时自动提出"), default=False,
                                       help_text=_("企业首次进入条件所列层级时自动生成奖补申请"))
    parameters = models.JSONField(_("政策参数"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策目录")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["board", "code"], name="uniq_policy_code")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        problems = condition_errors(self.conditions, list(tier_names(self.board)))
        if problems:
            errors["conditions"] = problems
        if self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = "失效日期早于生效日期"
        if self.benefit_kind == BenefitKind.FIXED and not self.amount:
            errors["amount"] = "定额奖补需要填写金额"
        enterprise = self.beneficiary == Beneficiary.ENTERPRISE
        if enterprise and self.benefit_kind == BenefitKind.FORMULA and not formula_is_valid(self.formula):
            errors["formula"] = '公式格式为 {"metric": "rd_expense", "rate": "0.1"}（metric 为年度财务字段）'
        if self.beneficiary == Beneficiary.GUARANTEE_FIRM and self.cap is None:
            errors["cap"] = "担保补助政策需要填写每家每年上限（费率在专板配置 policies 中）"
        regulators = {r.get("code") for r in self.board.regulators}
        if self.benefit_kind != BenefitKind.NONE and self.payer not in regulators:
            errors["payer"] = f"必须是本专板报备监管机构代码之一：{', '.join(sorted(regulators)) or '无'}"
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day):
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


# --- Awards ------------------------------------------------------------------------------------


class AwardState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    VERIFIED = "verified", _("已核验")
    APPROVED = "approved", _("已批准")
    DISBURSED = "disbursed", _("已拨付")
    REJECTED = "rejected", _("已驳回")


LIVE_AWARD_STATES = [AwardState.APPLIED, AwardState.VERIFIED, AwardState.APPROVED, AwardState.DISBURSED]


class Award(TenantModel):
    """An enterprise's award under a policy: applied → verified → approved → disbursed, or
    rejected with reasons from any step before disbursement."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="awards",
                               verbose_name=_("政策"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="policy_awards",
                                   verbose_name=_("企业"))
    period = models.CharField(_("期间"), max_length=4, blank=True,
                              help_text=_("一次性政策为空；每年一次为年度"))
    state = FSMField(_("状态"), max_length=10, choices=AwardState.choices, default=AwardState.APPLIED,
                     protected=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY, null=True, blank=True)
    reasons = models.JSONField(_("申请时条件核对"), default=list)
    proposed_automatically = models.BooleanField(_("系统自动提出"), default=False)
    source = models.CharField(_("来源"), max_length=80, blank=True, help_text=_("例如 boards.tierchange:12"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("申请人"))
    applied_at = models.DateTimeField(_("申请时间"))
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    year = models.PositiveIntegerField(_("批准年度"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)
    payment_reference = models.CharField(_("拨付凭证号"), max_length=100, blank=True)
    rejected_at = models.DateTimeField(_("驳回时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    filing = models.ForeignKey(Filing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("年度报备"))

    class Meta:
        verbose_name = _("政策奖补")
        verbose_name_plural = _("政策奖补")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            # Once per enterprise, policy and period, whatever the concurrency (rejected ones aside).
            models.UniqueConstraint(fields=["enterprise", "policy", "period"], name="uniq_award_once",
                                    condition=~models.Q(state=AwardState.REJECTED)),
        ]
        indexes = [models.Index(fields=["board", "state"]), models.Index(fields=["board", "year"])]

    def __str__(self):
        return f"{self.enterprise} · {self.policy}"

    @django_fsm.transition(field=state, source=AwardState.APPLIED, target=AwardState.VERIFIED)
    def verify(self, at, amount):
        self.verified_at, self.amount = at, amount

    @django_fsm.transition(field=state, source=AwardState.VERIFIED, target=AwardState.APPROVED)
    def approve(self, at, year):
        self.approved_at, self.year = at, year

    @django_fsm.transition(field=state, source=AwardState.APPROVED, target=AwardState.DISBURSED)
    def disburse(self, at, reference):
        self.disbursed_at, self.payment_reference = at, reference

    @django_fsm.transition(field=state, target=AwardState.REJECTED,
                           source=[AwardState.APPLIED, AwardState.VERIFIED, AwardState.APPROVED])
    def reject(self, at, reason):
        self.rejected_at, self.rejection_reason = at, reason
