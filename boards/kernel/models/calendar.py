"""Staff-editable calendar data for years the ``chinese_calendar`` package does not know."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Working-day calendar --------------------------------------------------------------------


class CalendarYear(models.Model):
    """A year whose holiday schedule staff entered by hand (the package does not know it)."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    is_complete = models.BooleanField(
        _("已录入完整"), default=False,
        help_text=_("录入该年全部法定节假日和调休工作日后勾选；此后该年期限不再标记为暂定"),
    )
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("国务院办公厅通知文号"))

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayOverride(models.Model):
    """A day whose status staff set: a statutory holiday, or an adjusted working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"), help_text=_("调休上班日勾选；法定节假日不勾选"))
    name = models.CharField(_("名称"), max_length=60, help_text=_("例如 春节、国庆节调休"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
