"""Policies: the per-board catalogue with eligibility as data, awards to enterprises, guarantee
subsidies to guarantee firms, and the Ordos programme (targets, task ledger, quarterly reports).
State and pure transitions only; policies.services and policies.ordos do every write.

Invariants kept by the database:
- an enterprise holds at most one live (not rejected) award of a policy per period: the period
  is '' for a one-time policy (so once ever) and the year for a yearly one (uniq_award_once);
- one GuaranteeYear row per firm and year carries what the year's claims count against the cap;
  claims lock it, so concurrent claims never exceed the cap together.
"""

import django_fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.enterprises.models import Enterprise
from boards.enterprises.tiers import tier_names
from boards.kernel.models import Deadline, Filing, Institution, TenantModel
from policies.matching import condition_errors, formula_is_valid

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 8, "decimal_places": 6}


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


# --- Guarantee subsidies -----------------------------------------------------------------------


class ClaimState(models.TextChoices):
    DECLARED = "declared", _("已申报")
    APPROVED = "approved", _("已核定")
    DISBURSED = "disbursed", _("已拨付")
    REJECTED = "rejected", _("已驳回")


class GuaranteeYear(TenantModel):
    """A guarantee firm's year: what its live claims count against the policy's yearly cap.
    Every claim of the firm and year locks this row first."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("担保机构"))
    year = models.PositiveIntegerField(_("年度"))
    capped_total = models.DecimalField(_("已计入上限金额（元）"), **MONEY, default=0)

    class Meta:
        verbose_name = _("担保机构年度额度")
        verbose_name_plural = _("担保机构年度额度")
        constraints = [models.UniqueConstraint(fields=["board", "institution", "year"],
                                               name="uniq_guarantee_year")]


class GuaranteeClaim(TenantModel):
    """A guarantee firm's declaration of new tech-SME guarantee business, with the risk
    compensation and premium subsidy computed from the board's rates and cut to the cap."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="guarantee_claims",
                               verbose_name=_("政策"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("担保机构"))
    year = models.PositiveIntegerField(_("年度"))
    period_label = models.CharField(_("业务期间"), max_length=40, help_text=_("例如 2026年第一季度"))
    guarantee_amount = models.DecimalField(_("新增科技型小微企业融资担保额（元）"), **MONEY)
    enterprise_count = models.PositiveIntegerField(_("服务企业户数"))
    risk_rate = models.DecimalField(_("风险补偿费率"), **RATE)
    premium_rate = models.DecimalField(_("保费补助费率"), **RATE)
    risk_compensation = models.DecimalField(_("测算风险补偿（元）"), **MONEY)
    premium_subsidy = models.DecimalField(_("测算保费补助（元）"), **MONEY)
    cap = models.DecimalField(_("年度上限（元）"), **MONEY)
    cap_used_before = models.DecimalField(_("此前已计入上限（元）"), **MONEY)
    cut = models.DecimalField(_("核减金额（元）"), **MONEY)
    capped_granted = models.DecimalField(_("本次计入上限（元）"), **MONEY)
    granted_risk_compensation = models.DecimalField(_("核定风险补偿（元）"), **MONEY)
    granted_premium_subsidy = models.DecimalField(_("核定保费补助（元）"), **MONEY)
    explanation = models.TextField(_("测算说明"))
    state = FSMField(_("状态"), max_length=10, choices=ClaimState.choices, default=ClaimState.DECLARED,
                     protected=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("申报人"))
    declared_at = models.DateTimeField(_("申报时间"))
    decided_at = models.DateTimeField(_("核定/驳回时间"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("拨付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("担保补助申报")
        verbose_name_plural = _("担保补助申报")
        ordering = ["-declared_at", "-pk"]
        indexes = [models.Index(fields=["board", "institution", "year"])]

    def __str__(self):
        return f"{self.institution} {self.period_label}"

    @property
    def granted_total(self):
        return self.granted_risk_compensation + self.granted_premium_subsidy

    @django_fsm.transition(field=state, source=ClaimState.DECLARED, target=ClaimState.APPROVED)
    def approve(self, at):
        self.decided_at = at

    @django_fsm.transition(field=state, source=ClaimState.APPROVED, target=ClaimState.DISBURSED)
    def disburse(self, at):
        self.disbursed_at = at

    @django_fsm.transition(field=state, source=ClaimState.DECLARED, target=ClaimState.REJECTED)
    def reject(self, at, reason):
        self.decided_at, self.rejection_reason = at, reason


# --- Ordos programme: targets, task ledger, quarterly reports ------------------------------------


class TargetKind(models.TextChoices):
    YEARLY_MIN = "yearly_min", _("每年不低于")
    PERIOD_TOTAL = "period_total", _("期间累计不低于")


class ProgrammeTarget(TenantModel):
    code = models.SlugField(_("指标代码"), max_length=40)
    title = models.CharField(_("目标"), max_length=200)
    kind = models.CharField(_("考核方式"), max_length=12, choices=TargetKind.choices)
    threshold = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10)
    first_year = models.PositiveIntegerField(_("起始年度"))
    last_year = models.PositiveIntegerField(_("截止年度"))
    source = models.CharField(_("依据"), max_length=200)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["board", "code"], name="uniq_target_code")]

    def __str__(self):
        return self.title


class TargetActual(TenantModel):
    target = models.ForeignKey(ProgrammeTarget, on_delete=models.CASCADE, related_name="actuals",
                               verbose_name=_("目标"))
    year = models.PositiveIntegerField(_("年度"))
    value = models.DecimalField(_("完成值"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("填报人"))
    recorded_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度完成情况")
        verbose_name_plural = _("年度完成情况")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="uniq_target_year")]

    def __str__(self):
        return f"{self.target} {self.year}"


class LedgerUnit(TenantModel):
    """A lead unit of the task ledger; its contact reports each quarter and gets the reminders."""

    name = models.CharField(_("单位名称"), max_length=100)
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="ledger_units", verbose_name=_("联系人"))

    class Meta:
        verbose_name = _("牵头单位")
        verbose_name_plural = _("牵头单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="uniq_ledger_unit")]

    def __str__(self):
        return self.name


class LedgerTask(TenantModel):
    number = models.PositiveSmallIntegerField(_("序号"))
    area = models.CharField(_("重点任务"), max_length=100)
    title = models.CharField(_("工作措施"), max_length=100)
    measure = models.TextField(_("措施内容"))
    lead_units = models.ManyToManyField(LedgerUnit, related_name="tasks", verbose_name=_("牵头单位"))
    cooperating_units = models.JSONField(_("配合单位"), default=list)
    deadline_text = models.CharField(_("完成时限"), max_length=300)
    deadline = models.DateField(_("完成日期"), null=True, blank=True,
                                help_text=_("长期坚持或按年度完成的为空"))
    source_note = models.CharField(_("录入说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务台账")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="uniq_ledger_task")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ReportState(models.TextChoices):
    OPEN = "open", _("待报送")
    SUBMITTED = "submitted", _("已报送")


class QuarterlyReport(TenantModel):
    """A lead unit's ledger report for one quarter: one entry per task it leads."""

    unit = models.ForeignKey(LedgerUnit, on_delete=models.PROTECT, related_name="reports",
                             verbose_name=_("牵头单位"))
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = FSMField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.OPEN,
                     protected=True)
    deadline = models.OneToOneField(Deadline, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("报送期限"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("报送人"))
    late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("季度台账报送")
        verbose_name_plural = _("季度台账报送")
        ordering = ["-year", "-quarter", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "unit", "year", "quarter"], name="uniq_quarter_report"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}年第{self.quarter}季度"

    @django_fsm.transition(field=state, source=ReportState.OPEN, target=ReportState.SUBMITTED)
    def submit(self, at, late):
        self.submitted_at, self.late = at, late


class ReportEntry(TenantModel):
    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="entries",
                               verbose_name=_("季度报送"))
    task = models.ForeignKey(LedgerTask, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("重点任务"))
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作计划"), blank=True)

    class Meta:
        verbose_name = _("台账填报")
        verbose_name_plural = _("台账填报")
        ordering = ["task__number"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="uniq_report_task")]
