"""Tier history, tier entry permits from reviews, and the annual re-tiering runs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.enterprises.models.registry import Enterprise
from boards.kernel.models.tenant import TenantModel


class TierChangeKind(models.TextChoices):
    ADMISSION = "admission", _("入板")
    PROMOTION = "promotion", _("升层")
    DEMOTION = "demotion", _("降层")
    REMOVAL = "removal", _("清退")
    CONFIRMED = "confirmed", _("年度复核维持")


class TierChange(TenantModel):
    """Append-only history of an enterprise's tier."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tier_changes",
                                   verbose_name=_("企业"))
    kind = models.CharField(_("变动类型"), max_length=12, choices=TierChangeKind.choices)
    from_tier = models.CharField(_("原层级"), max_length=30, blank=True)
    to_tier = models.CharField(_("新层级"), max_length=30, blank=True)
    reason = models.TextField(_("理由"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"))
    changed_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("层级变动")
        verbose_name_plural = _("层级变动")
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}"


class TierEntryPermit(TenantModel):
    """A passed review that allows entry to a tier whose config requires one (e.g. 优选层)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tier_permits",
                                   verbose_name=_("企业"))
    tier = models.CharField(_("层级"), max_length=30)
    review_kind = models.CharField(_("评审类型"), max_length=40)
    source = models.CharField(_("来源"), max_length=60, help_text=_("例如 reviews.case:12"))
    granted_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("层级准入许可")
        verbose_name_plural = _("层级准入许可")

    def __str__(self):
        return f"{self.enterprise} 层级准入许可"


# --- Annual re-tiering ---------------------------------------------------------------------


class RetierRun(TenantModel):
    year = models.PositiveIntegerField(_("年度"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度分层复核")
        verbose_name_plural = _("年度分层复核")
        constraints = [models.UniqueConstraint(fields=["board", "year"], name="uniq_retier_year")]

    def __str__(self):
        return f"{self.year} 年度分层复核"


class RetierProposal(TenantModel):
    run = models.ForeignKey(RetierRun, on_delete=models.CASCADE, related_name="proposals",
                            verbose_name=_("复核批次"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("企业"))
    current_tier = models.CharField(_("现层级"), max_length=30, blank=True)
    proposed_tier = models.CharField(_("建议层级"), max_length=30, blank=True,
                                     help_text=_("空表示建议清退"))
    criteria = models.JSONField(_("逐项评估"), default=list)
    final_tier = models.CharField(_("确认层级"), max_length=30, blank=True)
    decision_reason = models.TextField(_("调整理由"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分层复核建议")
        verbose_name_plural = _("分层复核建议")
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_retier_enterprise")
        ]

    def __str__(self):
        return f"{self.enterprise} 分层复核建议"


class ListingMarket(models.TextChoices):
    SSE_STAR = "sse_star", _("上海证券交易所科创板")
    SZSE_CHINEXT = "szse_chinext", _("深圳证券交易所创业板")
    BSE = "bse", _("北京证券交易所")
    NEEQ_INNOVATION = "neeq_innovation", _("全国股转系统创新层")


class ListingStandard(TenantModel):
    """One listing (or NEEQ innovation-tier) standard whose financial indicators the 培育层 test
    measures an enterprise against (证监办函〔2022〕840号 三(五)3: 营业收入、净利润等财务指标达到
    上海、深圳、北京证券交易所或全国股转系统创新层相应指标 50% 以上). Each exchange publishes
    several alternative standards; reaching the share of **any one** qualifies. Staff keep them
    current per board: ``indicators`` lists the financial-statement indicators (see
    boards/enterprises/listing_standards.py for the shape); market value, ROE and cash flow are
    named in ``source`` but not measured, as an unlisted company has no market value on file."""

    market = models.CharField(_("市场"), max_length=20, choices=ListingMarket.choices)
    name = models.CharField(_("标准名称"), max_length=80)
    source = models.TextField(_("依据"), help_text=_("规则名称、条款及原文"))
    indicators = models.JSONField(_("财务指标"), default=list)
    effective_on = models.DateField(_("生效日期"))
    retired_on = models.DateField(_("废止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("上市标准")
        verbose_name_plural = _("上市标准（培育层财务指标参照）")
        ordering = ["market", "name"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="uniq_listing_standard_name")]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from boards.enterprises.listing_standards import indicator_errors

        errors = indicator_errors(self.indicators)
        if errors:
            raise ValidationError({"indicators": errors})
        if self.retired_on and self.effective_on and self.retired_on <= self.effective_on:
            raise ValidationError({"retired_on": "废止日期必须晚于生效日期。"})

    def in_force_on(self, on):
        return self.effective_on <= on and (self.retired_on is None or on < self.retired_on)
