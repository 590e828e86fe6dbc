"""Uploaded files, stored through Django's default storage."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.tenant import TenantModel

# --- Files and filings -----------------------------------------------------------------------------


def stored_file_path(instance: "StoredFile", filename: str) -> str:
    return f"{instance.board_id}/{instance.purpose}/{timezone.now():%Y/%m}/{instance.sha256[:16]}-{filename}"


class StoredFile(TenantModel):
    """An upload checked by content and size. Served only through rights-checking views."""

    purpose = models.CharField(_("用途"), max_length=60)
    file = models.FileField(_("文件"), upload_to=stored_file_path, max_length=400)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")

    def __str__(self) -> str:
        return self.original_name
