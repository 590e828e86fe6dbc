"""Operation reports (专板运行情况报送) to the board's approving bodies.

附件2 (六)「信息收集报告。全方位调研专板企业，了解掌握企业发展状况，阶段性报告企业调研情况，
定期向自治区工业和信息化厅、自治区地方金融监督管理局、中国证监会新疆监管局报送专板运行情况，
为政府部门决策提供参考。」 One report per
board and period (a quarter or a half year), its figures computed from the platform's own data when
filed and kept as filed; one filing PDF per approving body (kernel filings).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.kernel.models import Filing, TenantModel


class OperationReport(TenantModel):
    period = models.CharField(_("报告期"), max_length=8, help_text=_("如 2026Q3（季度）或 2026H2（半年）"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    figures = models.JSONField(_("运行数据"), default=dict)
    filings = models.ManyToManyField(Filing, related_name="+", blank=True, verbose_name=_("报备文件"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("报送人"))
    filed_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专板运行情况报告")
        verbose_name_plural = _("专板运行情况报告")
        ordering = ["-ends_on"]
        constraints = [models.UniqueConstraint(fields=["board", "period"], name="uniq_operation_report")]

    def __str__(self):
        return f"{self.period_label}专板运行情况报告"

    @property
    def period_label(self) -> str:
        year, part = self.period[:4], self.period[4:]
        if part.startswith("Q"):
            return f"{year}年第{part[1]}季度"
        return f"{year}年{'上' if part == 'H1' else '下'}半年"
