"""Deadlines: every clock the apps open, in working or calendar days."""

import datetime

import django_fsm
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.kernel.models.access import Role
from boards.kernel.models.tenant import TenantModel

# --- Deadlines and notifications ---------------------------------------------------------------


class DayBasis(models.TextChoices):
    WORKING = "working", _("工作日")
    CALENDAR = "calendar", _("自然日")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("进行中")
    PAUSED = "paused", _("暂停")
    MET = "met", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class DeadlineStage(models.IntegerChoices):
    NONE = 0, _("未提醒")
    REMINDED = 1, _("已提前提醒")
    DUE = 2, _("到期提醒")
    ESCALATED = 3, _("已逾期上报")


class Deadline(ConcurrentTransitionMixin, TenantModel):
    """One clock on one subject. ``due_at`` already includes every completed pause.

    ``next_action_at`` is when the sweep must act next (reminder, due notice, escalation);
    it is NULL once nothing more is to be sent, so the sweep's partial index only holds
    rows with something pending. Transitions only change the row; boards.deadlines computes
    dates and the schedule around them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("期限类型"), max_length=80, help_text=_("例如 reviews.expert_opinion"))
    title = models.CharField(_("标题"), max_length=200)
    basis = models.CharField(_("计算方式"), max_length=10, choices=DayBasis.choices)
    amount = models.PositiveIntegerField(_("天数"))
    starts_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("截止时间"))
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("跨入尚无节假日数据的年份，仅按周末计算")
    )
    state = FSMField(_("状态"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN,
                     protected=True)
    paused_at = models.DateTimeField(_("暂停于"), null=True, blank=True)
    paused_seconds = models.PositiveBigIntegerField(_("累计暂停秒数"), default=0)
    paused_workdays = models.PositiveIntegerField(
        _("累计暂停工作日"), default=0, help_text=_("工作日期限顺延的天数，恢复计时时确定")
    )
    remind_before = models.DurationField(_("提前提醒"), null=True, blank=True)
    stage = models.PositiveSmallIntegerField(
        _("提醒阶段"), choices=DeadlineStage.choices, default=DeadlineStage.NONE
    )
    next_action_at = models.DateTimeField(_("下次处理时间"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("责任人"),
    )
    assignee_role = models.CharField(
        _("责任角色"), max_length=30, choices=Role.choices, blank=True,
        help_text=_("无责任人时提醒该角色的全部成员"),
    )
    url = models.CharField(_("处理链接"), max_length=300, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        indexes = [
            models.Index(
                fields=["next_action_at"], name="deadline_pending_idx",
                condition=models.Q(next_action_at__isnull=False),
            ),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @django_fsm.transition(field=state, source=DeadlineState.OPEN, target=DeadlineState.PAUSED)
    def pause(self, at: datetime.datetime) -> None:
        self.paused_at = at
        self.next_action_at = None

    @django_fsm.transition(field=state, source=DeadlineState.PAUSED, target=DeadlineState.OPEN)
    def resume(self) -> None:
        self.paused_at = None

    @django_fsm.transition(field=state, source=[DeadlineState.OPEN, DeadlineState.PAUSED],
                           target=DeadlineState.MET)
    def meet(self, at: datetime.datetime) -> None:
        self.met_at = at
        self.paused_at = None
        self.next_action_at = None

    @django_fsm.transition(field=state, source=[DeadlineState.OPEN, DeadlineState.PAUSED],
                           target=DeadlineState.CANCELLED)
    def cancel(self) -> None:
        self.paused_at = None
        self.next_action_at = None
