"""Contract terms, parties and their risk shares (maker-checker approved)."""

import django_fsm
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.kernel.models import Institution, TenantModel
from risksharing.models.base import MONEY, PERCENT, _actor, _clock
from risksharing.models.cases import FinancingCase


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

    def __str__(self):
        return f"{self.get_party_display()} {self.share}%"
