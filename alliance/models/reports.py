"""The periodic reports of what members provided."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.models.base import _user_fk
from boards.kernel.models import Filing, TenantModel

# --- Semi-annual report ------------------------------------------------------------------------


class ReportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportRun(TenantModel):
    """One build of the semi-annual alliance report; ``progress`` is committed as it goes."""

    period = models.CharField(_("报告期"), max_length=7, help_text=_("例如 2026H1"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices,
                             default=ReportState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=60, blank=True)
    error = models.TextField(_("错误"), blank=True)
    filings = models.ManyToManyField(Filing, blank=True, related_name="+", verbose_name=_("报备文件"))
    requested_by = _user_fk(_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联盟半年度报告")
        verbose_name_plural = _("联盟半年度报告")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.period} 联盟报告"
