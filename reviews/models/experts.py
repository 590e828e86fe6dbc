"""The expert committee: experts, their employers, declared conflicts and unavailability."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.enterprises.models import Enterprise
from boards.kernel.models import Institution, TenantModel


class ExpertField(models.TextChoices):
    TECH = "tech", _("科技创新")
    FINANCE = "finance", _("投融资")
    INVESTMENT_BANKING = "investment_banking", _("证券公司投行")
    GOVERNMENT = "government", _("政府代表")
    LISTING = "listing", _("具有上市经验的机构")


class ExpertSource(models.TextChoices):
    KJT_POOL = "kjt_pool", _("科技厅专家库")
    MEMBER = "member", _("成员机构推荐")
    SECURITIES = "securities", _("证券公司")


class Expert(TenantModel):
    """A member of a board's expert committee. ``is_active`` is committee membership;
    ``is_available`` and the unavailable periods say whether they can be drawn now."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="expert_profiles", verbose_name=_("用户"))
    name = models.CharField(_("姓名"), max_length=60)
    field = models.CharField(_("专业领域"), max_length=20, choices=ExpertField.choices)
    source = models.CharField(_("来源"), max_length=12, choices=ExpertSource.choices)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("所在机构"))
    title = models.CharField(_("职务/职称"), max_length=100, blank=True)
    is_active = models.BooleanField(_("委员会在任"), default=True)
    is_available = models.BooleanField(_("可参加评审"), default=True)
    joined_on = models.DateField(_("入库日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家委员会")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="uniq_expert_user")]

    def __str__(self):
        return f"{self.name}（{self.get_field_display()}）"


class ExpertEmployment(TenantModel):
    """A past or current position; ``ended_on`` NULL means current."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="employments",
                               verbose_name=_("专家"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("任职机构"))
    position = models.CharField(_("职务"), max_length=100, blank=True)
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["-started_on"]

    def __str__(self):
        return f"{self.expert.name} 任职于{self.institution}"


class DeclaredConflict(TenantModel):
    """A conflict the expert declared: with an enterprise, an institution, or both."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="declared_conflicts",
                               verbose_name=_("专家"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name=_("企业"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+", verbose_name=_("机构"))
    reason = models.CharField(_("回避理由"), max_length=200)
    declared_on = models.DateField(_("申报日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("申报回避")
        verbose_name_plural = _("申报回避")
        constraints = [models.CheckConstraint(
            condition=models.Q(enterprise__isnull=False) | models.Q(institution__isnull=False),
            name="conflict_has_party")]

    def __str__(self):
        return f"{self.expert.name} 申报回避"


class Unavailability(TenantModel):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="unavailable_periods",
                               verbose_name=_("专家"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("不可参加期间")
        verbose_name_plural = _("不可参加期间")
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="unavailability_order")]

    def __str__(self):
        return f"{self.expert.name} 不可参加（{self.starts_on} 至 {self.ends_on}）"
