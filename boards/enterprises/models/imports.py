"""An XLSX import run by a worker: its file, its progress and its report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.kernel.models import StoredFile, TenantModel


class ImportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("读取中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未能读取")


class ImportJob(TenantModel):
    """One dry run or commit of an uploaded workbook. ``rows_read`` grows while the worker reads
    the sheet; ``report`` holds the rows, new, updated and every error once it is done."""

    kind = models.CharField(_("导入内容"), max_length=30)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    dry_run = models.BooleanField(_("仅预检"), default=True)
    state = models.CharField(_("状态"), max_length=10, choices=ImportState.choices,
                             default=ImportState.QUEUED)
    rows_read = models.PositiveIntegerField(_("已读取行数"), default=0)
    report = models.JSONField(_("结果"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self):
        return f"导入任务 #{self.pk}（{self.get_state_display()}）"

    @property
    def finished(self):
        return self.state in (ImportState.DONE, ImportState.FAILED)
