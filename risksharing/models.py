"""Risk sharing (风险分担机制): financing cases from pre-screening to repayment or loss, the
parties' risk shares, maker-checker approvals and the risk-compensation fund's ledger.

State and pure transitions only; risksharing.services does every write around them.
Money is Decimal yuan to the fen; shares are percent with two decimals.
"""

import django_fsm
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.enterprises.models import Enterprise
from boards.kernel.errors import Conflict
from boards.kernel.models import Deadline, Filing, Institution, TenantModel

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


def _actor(related_name="+", **kwargs):
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name=related_name, **kwargs)


def _clock(label):
    return models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=label)


class CaseState(models.TextChoices):
    PRESCREENING = "prescreening", _("预审中")
    RECOMMENDED = "recommended", _("立项会审议中")
    IMPROVEMENT_ADVISED = "improvement_advised", _("已告知企业完善事项")
    WITH_FUNDERS = "with_funders", _("资金方审查中")
    CONTRACTED = "contracted", _("已签约")
    DISBURSED = "disbursed", _("已放款")
    REPAID = "repaid", _("已结清")
    DEFAULTED = "defaulted", _("已违约")
    LOSS_ALLOCATED = "loss_allocated", _("损失已分担")
    NPL_TRANSFERRED = "npl_transferred", _("不良资产已转让")
    CLOSED = "closed", _("已终止")


# Loans still on the funder's book, and those of them that are non-performing.
ON_BOOK_STATES = (CaseState.DISBURSED, CaseState.DEFAULTED, CaseState.LOSS_ALLOCATED)
NPL_STATES = (CaseState.DEFAULTED, CaseState.LOSS_ALLOCATED)


class FinancingCase(ConcurrentTransitionMixin, TenantModel):
    """One enterprise's financing through the mechanism. ``mode`` is a key of the board's
    ``risksharing.modes``; ``contract`` and ``allocation`` are the approved maker-checker
    records; ``outstanding`` is the principal not yet repaid (frozen at default)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="financing_cases",
                                   verbose_name=_("企业"))
    mode = models.CharField(_("分担模式"), max_length=20)
    amount_requested = models.DecimalField(_("拟融资金额（元）"), **MONEY)
    purpose = models.CharField(_("融资用途"), max_length=300)
    state = FSMField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.PRESCREENING,
                     protected=True)
    prescreen_opinion = models.TextField(_("预审意见"), blank=True)
    recommendation_letter = models.ForeignKey(Filing, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+", verbose_name=_("融资推荐函"))
    meeting_at = models.DateTimeField(_("立项会时间"), null=True, blank=True)
    meeting_place = models.CharField(_("立项会地点"), max_length=200, blank=True)
    improvement_advice = models.TextField(_("完善事项"), blank=True)
    advice_deadline = _clock(_("答复企业期限"))
    advice_letter = models.ForeignKey(Filing, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("完善事项告知函"))
    contract = models.OneToOneField("ContractTerms", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("生效合同"))
    disbursed_on = models.DateField(_("放款日期"), null=True, blank=True)
    outstanding = models.DecimalField(_("未偿本金（元）"), **MONEY, default=0)
    repaid_on = models.DateField(_("结清日期"), null=True, blank=True)
    defaulted_on = models.DateField(_("违约日期"), null=True, blank=True)
    allocation = models.OneToOneField("LossAllocation", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("生效损失分担"))
    npl_transferee = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("不良资产受让方"))
    npl_transferred_on = models.DateField(_("转让日期"), null=True, blank=True)
    npl_price = models.DecimalField(_("转让价款（元）"), **MONEY, null=True, blank=True)
    closed_reason = models.TextField(_("终止原因"), blank=True)
    created_by = _actor(verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("融资项目")
        verbose_name_plural = _("融资项目")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "state"])]
        constraints = [models.CheckConstraint(condition=models.Q(outstanding__gte=0),
                                              name="rs_case_outstanding_gte_0")]

    def __str__(self):
        return f"{self.enterprise} · {self.purpose}"

    @django_fsm.transition(field=state, source=CaseState.PRESCREENING, target=CaseState.RECOMMENDED)
    def recommend(self):
        """The 融资推荐函 went to the enhancers; the 立项会 collects their views."""

    @django_fsm.transition(field=state, source=CaseState.RECOMMENDED, target=CaseState.IMPROVEMENT_ADVISED)
    def advise_improvement(self, text):
        self.improvement_advice = text

    @django_fsm.transition(field=state, source=[CaseState.RECOMMENDED, CaseState.WITH_FUNDERS],
                           target=CaseState.WITH_FUNDERS)
    def send_to_funders(self):
        """More funders may be asked while the case is with funders."""

    @django_fsm.transition(field=state, source=CaseState.WITH_FUNDERS, target=CaseState.CONTRACTED)
    def sign(self, contract):
        self.contract = contract

    @django_fsm.transition(field=state, source=CaseState.CONTRACTED, target=CaseState.DISBURSED)
    def disburse(self, on):
        self.disbursed_on, self.outstanding = on, self.contract.amount

    @django_fsm.transition(field=state, source=CaseState.DISBURSED, target=CaseState.REPAID)
    def repay(self, on):
        self.repaid_on = on

    @django_fsm.transition(field=state, source=CaseState.DISBURSED, target=CaseState.DEFAULTED)
    def declare_default(self, on):
        self.defaulted_on = on

    @django_fsm.transition(field=state, source=CaseState.DEFAULTED, target=CaseState.LOSS_ALLOCATED)
    def allocate_loss(self, allocation):
        self.allocation = allocation

    @django_fsm.transition(field=state, source=CaseState.LOSS_ALLOCATED, target=CaseState.NPL_TRANSFERRED)
    def transfer_npl(self, transferee, on, price):
        self.npl_transferee, self.npl_transferred_on, self.npl_price = transferee, on, price

    @django_fsm.transition(field=state,
                           source=[CaseState.PRESCREENING, CaseState.RECOMMENDED, CaseState.WITH_FUNDERS],
                           target=CaseState.CLOSED)
    def close(self, reason):
        self.closed_reason = reason


class FirmInput(TenantModel):
    """A professional firm's input to the pre-screen (audit, legal, valuation ...)."""

    case = models.ForeignKey(FinancingCase, on_delete=models.CASCADE, related_name="firm_inputs",
                             verbose_name=_("融资项目"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("专业服务机构"))
    summary = models.TextField(_("意见摘要"))
    added_by = _actor(verbose_name=_("录入人"))
    added_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专业机构意见")
        verbose_name_plural = _("专业机构意见")
        ordering = ["added_at", "pk"]


class EnhancerView(TenantModel):
    """One enhancer's view at the 立项会; with guarantee intent it issues a 担保推荐函."""

    case = models.ForeignKey(FinancingCase, on_delete=models.CASCADE, related_name="enhancer_views",
                             verbose_name=_("融资项目"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("增信机构"))
    intent = models.BooleanField(_("初步担保意向"), null=True, blank=True)
    opinion = models.TextField(_("审议意见"), blank=True)
    guarantee_amount = models.DecimalField(_("拟担保金额（元）"), **MONEY, null=True, blank=True)
    recorded_by = _actor(verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    deadline = _clock(_("审议期限"))
    letter = models.ForeignKey(Filing, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("担保推荐函"))

    class Meta:
        verbose_name = _("立项会意见")
        verbose_name_plural = _("立项会意见")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "institution"], name="rs_uniq_enhancer_view")]

    def __str__(self):
        said = {True: "有意向", False: "无意向", None: "待审议"}[self.intent]
        return f"{self.institution}：{said}"


class RequestState(models.TextChoices):
    SENT = "sent", _("待答复")
    AGREED = "agreed", _("有融资意向")
    REFUSED = "refused", _("不予融资")
    LAPSED = "lapsed", _("逾期未答复")
    WITHDRAWN = "withdrawn", _("已撤回")


class FunderRequest(ConcurrentTransitionMixin, TenantModel):
    """Both letters sent to one intended funder, its answer (an intent letter; a refusal states
    its reasons) and the organiser's feedback to the enterprise on that outcome."""

    case = models.ForeignKey(FinancingCase, on_delete=models.CASCADE, related_name="funder_requests",
                             verbose_name=_("融资项目"))
    funder = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("资金方"))
    state = FSMField(_("状态"), max_length=12, choices=RequestState.choices, default=RequestState.SENT,
                     protected=True)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    answer_deadline = _clock(_("资金方答复期限"))
    amount = models.DecimalField(_("意向金额（元）"), **MONEY, null=True, blank=True)
    conditions = models.TextField(_("意向条件"), blank=True)
    reasons = models.TextField(_("不予融资理由"), blank=True)
    answered_by = _actor(verbose_name=_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    feedback_deadline = _clock(_("答复企业期限"))
    feedback = models.TextField(_("答复企业内容"), blank=True)
    feedback_letter = models.ForeignKey(Filing, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("反馈函"))

    class Meta:
        verbose_name = _("资金方意向征询")
        verbose_name_plural = _("资金方意向征询")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "funder"], name="rs_uniq_funder_request")]

    def __str__(self):
        return f"{self.funder}（{self.get_state_display()}）"

    @django_fsm.transition(field=state, source=RequestState.SENT, target=RequestState.AGREED)
    def agree(self, amount, conditions):
        self.amount, self.conditions = amount, conditions

    @django_fsm.transition(field=state, source=RequestState.SENT, target=RequestState.REFUSED)
    def refuse(self, reasons):
        self.reasons = reasons

    @django_fsm.transition(field=state, source=RequestState.SENT, target=RequestState.LAPSED)
    def lapse(self):
        """The answer clock ran out; the organiser still answers the enterprise."""

    @django_fsm.transition(field=state, source=RequestState.SENT, target=RequestState.WITHDRAWN)
    def withdraw(self):
        """The case was closed before this funder answered."""


class ApprovalState(models.TextChoices):
    PROPOSED = "proposed", _("待复核")
    APPROVED = "approved", _("已复核通过")
    REJECTED = "rejected", _("已退回")


class MakerChecked(ConcurrentTransitionMixin, TenantModel):
    """Entered by one user (maker), approved or rejected by another (checker)."""

    state = FSMField(_("复核状态"), max_length=10, choices=ApprovalState.choices,
                     default=ApprovalState.PROPOSED, protected=True)
    entered_by = _actor(verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    checked_by = _actor(verbose_name=_("复核人"))
    checked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("退回理由"), blank=True)
    deadline = _clock(_("复核期限"))

    class Meta:
        abstract = True

    @django_fsm.transition(field=state, source=ApprovalState.PROPOSED, target=ApprovalState.APPROVED)
    def approve(self, checker, at):
        self.checked_by, self.checked_at = checker, at

    @django_fsm.transition(field=state, source=ApprovalState.PROPOSED, target=ApprovalState.REJECTED)
    def reject(self, checker, at, reason):
        self.checked_by, self.checked_at, self.rejection_reason = checker, at, reason


class ZeroShareAdvantage(models.TextChoices):
    FUNDING_COST = "funding_cost", _("融资成本优势")
    APPROVAL_TIME = "approval_time", _("审批时效优势")


class ContractTerms(MakerChecked):
    """The loan contract's terms and the parties' shares (RiskShare rows summing to 100 %)."""

    case = models.ForeignKey(FinancingCase, on_delete=models.CASCADE, related_name="terms",
                             verbose_name=_("融资项目"))
    funder = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("资金方"))
    amount = models.DecimalField(_("合同金额（元）"), **MONEY)
    annual_rate = models.DecimalField(_("年利率（%）"), max_digits=6, decimal_places=4)
    term_months = models.PositiveIntegerField(_("期限（月）"))
    advantage = models.CharField(_("零分担的优势"), max_length=20, choices=ZeroShareAdvantage.choices,
                                 blank=True)
    advantage_note = models.TextField(_("优势说明"), blank=True)

    class Meta:
        verbose_name = _("合同条款")
        verbose_name_plural = _("合同条款")
        ordering = ["-entered_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="rs_terms_amount_gt_0")]

    def __str__(self):
        return f"{self.case} · {self.amount} 元（{self.get_state_display()}）"


class Party(models.TextChoices):
    LEAD = "lead", _("牵头增信机构")
    CO_GUARANTOR = "co_guarantor", _("联合担保机构")
    FUNDER = "funder", _("资金方")


class RiskShare(TenantModel):
    terms = models.ForeignKey(ContractTerms, on_delete=models.CASCADE, related_name="shares",
                              verbose_name=_("合同条款"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    party = models.CharField(_("角色"), max_length=15, choices=Party.choices)
    share = models.DecimalField(_("分担比例（%）"), **PERCENT)

    class Meta:
        verbose_name = _("风险分担比例")
        verbose_name_plural = _("风险分担比例")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "institution"], name="rs_uniq_share_party"),
            models.CheckConstraint(condition=models.Q(share__gte=0, share__lte=100), name="rs_share_0_100"),
        ]


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
