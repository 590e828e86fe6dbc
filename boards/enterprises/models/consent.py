"""Disclosures (信息披露) and data consents (数据授权)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.enterprises.models.registry import Enterprise
from boards.kernel.models.access import Institution
from boards.kernel.models.files import StoredFile
from boards.kernel.models.tenant import TenantModel

# --- Disclosure (信息披露) ---------------------------------------------------------------------


class DisclosureAudience(models.TextChoices):
    PUBLIC = "public", _("公开")
    INVESTORS = "investors", _("定向：投资人")
    REGULATORS = "regulators", _("定向：监管机构")


class Disclosure(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="disclosures",
                                   verbose_name=_("企业"))
    title = models.CharField(_("标题"), max_length=200)
    period = models.CharField(_("报告期"), max_length=20, blank=True, help_text=_("例如 2026H1"))
    body = models.TextField(_("内容"), blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("附件"))
    audience = models.CharField(_("披露对象"), max_length=12, choices=DisclosureAudience.choices)
    is_periodic = models.BooleanField(_("定期披露"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("信息披露")
        verbose_name_plural = _("信息披露")
        ordering = ["-published_at"]

    def __str__(self):
        return f"{self.enterprise}：{self.title}"


# --- Consent (数据授权) -------------------------------------------------------------------------


class DataCategory(models.TextChoices):
    BASIC = "basic", _("基本信息")
    QUALIFICATIONS = "qualifications", _("资质")
    FINANCIALS = "financials", _("财务数据")
    FINANCING = "financing", _("融资记录")
    DISCLOSURES = "disclosures", _("披露信息")
    SERVICE_RECORDS = "service_records", _("走访服务记录")
    PROFILE_SCORE = "profile_score", _("画像评分")


class DataConsent(TenantModel):
    """An enterprise's grant to share data categories with one institution (or all alliance
    members when ``institution`` is NULL) until ``expires_at``; revocable at any time."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="consents",
                                   verbose_name=_("企业"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+", verbose_name=_("授权机构"),
                                    help_text=_("为空表示授权全体联盟成员"))
    categories = models.JSONField(_("授权数据类别"), default=list)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("授权人"))
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据授权")
        verbose_name_plural = _("数据授权")
        indexes = [models.Index(fields=["board", "institution", "expires_at"])]

    def __str__(self):
        return f"{self.enterprise} 向{self.institution or '全体联盟成员'}的数据授权"
