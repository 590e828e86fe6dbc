"""Guarantee risk compensation and premium subsidies (capped per firm and year)."""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.kernel.models import Institution, TenantModel
from policies.models.awards import Policy
from policies.models.base import MONEY, RATE

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

    def __str__(self):
        return f"{self.institution} {self.year} 年担保额度"


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
