"""Financing needs, members' interest profiles, matchmakings (对接) and members' recommendations."""

import django_fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from alliance.models.base import _user_fk
from alliance.models.products import ProductType
from boards.enterprises.models import Enterprise
from boards.kernel.models import Institution, StoredFile, TenantModel

# --- Financing needs, interest profiles, matchmaking -------------------------------------------


class NeedState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    WHITELISTED = "whitelisted", _("已列入白名单")
    DECLINED = "declined", _("未列入白名单")
    CLOSED = "closed", _("已关闭")


class FinancingNeed(ConcurrentTransitionMixin, TenantModel):
    """An enterprise's financing need. Institutions see it only once staff put it on the white
    list, and then only ``summary`` (curated so that no business or technical secret leaks)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="financing_needs",
                                   verbose_name=_("企业"))
    amount = models.DecimalField(_("融资金额（元）"), max_digits=16, decimal_places=2)
    use = models.TextField(_("资金用途"))
    term_months = models.PositiveIntegerField(_("期限（月）"))
    product_types = models.JSONField(_("期望融资方式"), default=list, blank=True)
    summary = models.TextField(_("白名单摘要"), blank=True, help_text=_("向机构展示的脱敏摘要"))
    state = FSMField(_("状态"), max_length=12, choices=NeedState.choices, default=NeedState.SUBMITTED,
                     protected=True)
    note = models.TextField(_("审核意见"), blank=True)
    posted_by = _user_fk(_("提交人"))
    posted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    curated_by = _user_fk(_("审核人"))
    curated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-posted_at"]

    def __str__(self):
        return f"{self.enterprise} {self.amount} 元"

    @django_fsm.transition(field=state, source=NeedState.SUBMITTED, target=NeedState.WHITELISTED)
    def whitelist(self):
        pass

    @django_fsm.transition(field=state, source=NeedState.SUBMITTED, target=NeedState.DECLINED)
    def decline(self):
        pass

    @django_fsm.transition(field=state, source=[NeedState.SUBMITTED, NeedState.WHITELISTED],
                           target=NeedState.CLOSED)
    def close(self):
        pass


class InterestProfile(TenantModel):
    """What a member wants pushed; an empty list means any."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("机构"))
    industries = models.JSONField(_("关注行业"), default=list, blank=True)
    tiers = models.JSONField(_("关注层级"), default=list, blank=True)
    stages = models.JSONField(_("关注融资阶段"), default=list, blank=True)
    amount_min = models.DecimalField(_("金额下限（元）"), max_digits=16, decimal_places=2, null=True,
                                     blank=True)
    amount_max = models.DecimalField(_("金额上限（元）"), max_digits=16, decimal_places=2, null=True,
                                     blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("对接偏好")
        verbose_name_plural = _("对接偏好")
        constraints = [models.UniqueConstraint(fields=["board", "institution"], name="uniq_interest_profile")]

    def __str__(self):
        return f"{self.institution} 对接偏好"


class MatchState(models.TextChoices):
    PUSHED = "pushed", _("已推送")
    INTERESTED = "interested", _("有意向")
    NOT_INTERESTED = "not_interested", _("无意向")
    DEEP_ENGAGEMENT = "deep_engagement", _("深度对接")
    DUE_DILIGENCE = "due_diligence", _("尽职调查")
    FINANCED = "financed", _("已融资")
    FAILED = "failed", _("对接失败")


ACTIVE_MATCH = [MatchState.PUSHED, MatchState.INTERESTED, MatchState.DEEP_ENGAGEMENT,
                MatchState.DUE_DILIGENCE]


class ReasonCategory(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("不符合投资/授信范围")
    RISK = "risk", _("风险偏高")
    FINANCIALS = "financials", _("财务指标不达标")
    COLLATERAL = "collateral", _("缺少抵质押或担保")
    VALUATION = "valuation", _("估值或价格分歧")
    ENTERPRISE_DECLINED = "enterprise_declined", _("企业放弃")
    COMPLIANCE = "compliance", _("合规问题")
    OTHER = "other", _("其他")


class Matchmaking(ConcurrentTransitionMixin, TenantModel):
    """One enterprise pushed to one member, tracked to financing or failure. At most one active
    matchmaking per institution and enterprise."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="matchmakings",
                                   verbose_name=_("企业"))
    need = models.ForeignKey(FinancingNeed, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("融资需求"))
    state = FSMField(_("状态"), max_length=16, choices=MatchState.choices, default=MatchState.PUSHED,
                     protected=True)
    match_reasons = models.JSONField(_("推送依据"), default=list)
    reason_category = models.CharField(_("原因类别"), max_length=20, choices=ReasonCategory.choices,
                                       blank=True)
    reason_text = models.TextField(_("原因说明"), blank=True)
    failed_from = models.CharField(_("失败时所处阶段"), max_length=16, choices=MatchState.choices, blank=True)
    value_report_requested_at = models.DateTimeField(_("申请价值报告时间"), null=True, blank=True)
    value_report = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("初步价值报告"))
    financed_amount = models.DecimalField(_("融资金额（元）"), max_digits=16, decimal_places=2, null=True,
                                          blank=True)
    financed_instrument = models.CharField(_("融资工具"), max_length=20, choices=ProductType.choices,
                                           blank=True)
    financed_on = models.DateField(_("融资日期"), null=True, blank=True)
    financed_tier = models.CharField(_("融资时层级"), max_length=30, blank=True)
    is_case = models.BooleanField(_("入选案例"), default=False)
    case_title = models.CharField(_("案例标题"), max_length=200, blank=True)
    case_summary = models.TextField(_("案例简介"), blank=True)
    pushed_at = models.DateTimeField(_("推送时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("对接项目")
        verbose_name_plural = _("对接项目")
        ordering = ["-pushed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "institution", "enterprise"],
                name="uniq_active_match",
                condition=Q(state__in=ACTIVE_MATCH),
            )
        ]
        indexes = [models.Index(fields=["board", "institution", "state"])]

    def __str__(self):
        return f"{self.institution} ↔ {self.enterprise}"

    @django_fsm.transition(field=state, source=MatchState.PUSHED, target=MatchState.INTERESTED)
    def interest(self):
        pass

    @django_fsm.transition(field=state, source=MatchState.PUSHED, target=MatchState.NOT_INTERESTED)
    def decline(self, category, text):
        self.reason_category, self.reason_text = category, text

    @django_fsm.transition(field=state, source=MatchState.INTERESTED, target=MatchState.DEEP_ENGAGEMENT)
    def engage(self):
        pass

    @django_fsm.transition(field=state, source=MatchState.DEEP_ENGAGEMENT, target=MatchState.DUE_DILIGENCE)
    def due_diligence(self):
        pass

    @django_fsm.transition(field=state, source=MatchState.DUE_DILIGENCE, target=MatchState.FINANCED)
    def finance(self, amount, instrument, on, tier):
        self.financed_amount, self.financed_instrument, self.financed_on = amount, instrument, on
        self.financed_tier = tier

    @django_fsm.transition(field=state, source=[MatchState.INTERESTED, MatchState.DEEP_ENGAGEMENT,
                                                MatchState.DUE_DILIGENCE], target=MatchState.FAILED)
    def fail(self, category, text):
        self.failed_from = self.state
        self.reason_category, self.reason_text = category, text


class Recommendation(TenantModel):
    """A member recommends an enterprise to the board: an admission lead."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="recommendations",
                                   verbose_name=_("企业"))
    reason = models.TextField(_("推荐理由"))
    invested = models.BooleanField(_("本机构已投资"), default=False)
    created_by = _user_fk(_("推荐人"))
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构推荐企业")
        verbose_name_plural = _("机构推荐企业")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.institution} 推荐 {self.enterprise}"
