"""Filings with regulators: numbered per board and year, rendered to PDF."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.tenant import TenantModel


class FilingState(models.TextChoices):
    QUEUED = "queued", _("排队生成")
    RENDERED = "rendered", _("已生成")
    FAILED = "failed", _("生成失败")


class FilingCounter(TenantModel):
    """Gapless numbering per board and year: incremented in the filing's own transaction."""

    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("报送编号计数")
        verbose_name_plural = _("报送编号计数")
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="uniq_filing_counter")
        ]

    def __str__(self) -> str:
        return f"{self.year} 年报送编号（已用至 {self.last_number}）"


class Filing(TenantModel):
    """A document filed with a regulator: an HTML template rendered to PDF by WeasyPrint."""

    number = models.CharField(_("报备编号"), max_length=40)
    year = models.PositiveIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("年度序号"))
    addressee = models.CharField(_("报送单位"), max_length=60, help_text=_("监管机构代码，如 kjt"))
    subject = models.CharField(_("标题"), max_length=300)
    template_name = models.CharField(_("模板"), max_length=200)
    context = models.JSONField(_("内容数据"), default=dict)
    kind = models.CharField(_("报备类型"), max_length=80, help_text=_("例如 reviews.feedback"))
    subject_type = models.CharField(_("关联对象类型"), max_length=100, blank=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=FilingState.choices, default="queued")
    file = models.FileField(_("PDF"), upload_to="filings/", max_length=400, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报备文件")
        verbose_name_plural = _("报备文件")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year", "sequence"], name="uniq_filing_seq"),
            models.UniqueConstraint(fields=["board", "number"], name="uniq_filing_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def addressee_name(self) -> str:
        return self.board.regulator_name(self.addressee)
