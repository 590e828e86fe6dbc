"""A programme's targets and actuals, its task ledger and the quarterly reports."""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.kernel.models import Deadline, TenantModel

# --- Ordos programme: targets, task ledger, quarterly reports ------------------------------------


class TargetKind(models.TextChoices):
    YEARLY_MIN = "yearly_min", _("每年不低于")
    PERIOD_TOTAL = "period_total", _("期间累计不低于")


class ProgrammeTarget(TenantModel):
    code = models.SlugField(_("指标代码"), max_length=40)
    title = models.CharField(_("目标"), max_length=200)
    kind = models.CharField(_("考核方式"), max_length=12, choices=TargetKind.choices)
    threshold = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10)
    first_year = models.PositiveIntegerField(_("起始年度"))
    last_year = models.PositiveIntegerField(_("截止年度"))
    source = models.CharField(_("依据"), max_length=200)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["board", "code"], name="uniq_target_code")]

    def __str__(self):
        return self.title


class TargetActual(TenantModel):
    target = models.ForeignKey(ProgrammeTarget, on_delete=models.CASCADE, related_name="actuals",
                               verbose_name=_("目标"))
    year = models.PositiveIntegerField(_("年度"))
    value = models.DecimalField(_("完成值"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("填报人"))
    recorded_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度完成情况")
        verbose_name_plural = _("年度完成情况")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="uniq_target_year")]

    def __str__(self):
        return f"{self.target} {self.year}"


class LedgerUnit(TenantModel):
    """A lead unit of the task ledger; its contact reports each quarter and gets the reminders."""

    name = models.CharField(_("单位名称"), max_length=100)
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="ledger_units", verbose_name=_("联系人"))

    class Meta:
        verbose_name = _("牵头单位")
        verbose_name_plural = _("牵头单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="uniq_ledger_unit")]

    def __str__(self):
        return self.name


class LedgerTask(TenantModel):
    number = models.PositiveSmallIntegerField(_("序号"))
    area = models.CharField(_("重点任务"), max_length=100)
    title = models.CharField(_("工作措施"), max_length=100)
    measure = models.TextField(_("措施内容"))
    lead_units = models.ManyToManyField(LedgerUnit, related_name="tasks", verbose_name=_("牵头单位"))
    cooperating_units = models.JSONField(_("配合单位"), default=list)
    deadline_text = models.CharField(_("完成时限"), max_length=300)
    deadline = models.DateField(_("完成日期"), null=True, blank=True,
                                help_text=_("长期坚持或按年度完成的为空"))
    source_note = models.CharField(_("录入说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务台账")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="uniq_ledger_task")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ReportState(models.TextChoices):
    OPEN = "open", _("待报送")
    SUBMITTED = "submitted", _("已报送")


class QuarterlyReport(TenantModel):
    """A lead unit's ledger report for one quarter: one entry per task it leads."""

    unit = models.ForeignKey(LedgerUnit, on_delete=models.PROTECT, related_name="reports",
                             verbose_name=_("牵头单位"))
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = FSMField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.OPEN,
                     protected=True)
    deadline = models.OneToOneField(Deadline, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("报送期限"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("报送人"))
    late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("季度台账报送")
        verbose_name_plural = _("季度台账报送")
        ordering = ["-year", "-quarter", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "unit", "year", "quarter"], name="uniq_quarter_report"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}年第{self.quarter}季度"

    @django_fsm.transition(field=state, source=ReportState.OPEN, target=ReportState.SUBMITTED)
    def submit(self, at, late):
        self.submitted_at, self.late = at, late


class ReportEntry(TenantModel):
    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="entries",
                               verbose_name=_("季度报送"))
    task = models.ForeignKey(LedgerTask, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("重点任务"))
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作计划"), blank=True)

    class Meta:
        verbose_name = _("台账填报")
        verbose_name_plural = _("台账填报")
        ordering = ["task__number"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="uniq_report_task")]

    def __str__(self):
        return f"{self.report}：{self.task}"
