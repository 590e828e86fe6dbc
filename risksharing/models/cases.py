"""Financing cases: the firms' input, the enhancers' view and the requests to funders."""

import django_fsm
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.enterprises.models import Enterprise
from boards.kernel.models import Filing, Institution, TenantModel
from risksharing.models.base import MONEY, _actor, _clock


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

    def __str__(self):
        return f"{self.institution} 的意见"


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
