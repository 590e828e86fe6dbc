"""Federation meetings and their attendance."""

import django_fsm
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from alliance.models.membership import Body
from boards.kernel.models import Deadline, Institution, TenantModel

# --- Meetings -------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("例会")
    AD_HOC = "ad_hoc", _("临时会议")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Meeting(ConcurrentTransitionMixin, TenantModel):
    body = models.CharField(_("联合会"), max_length=20, choices=Body.choices)
    kind = models.CharField(_("类型"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    scheduled_on = models.DateField(_("会议日期"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    state = FSMField(_("状态"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED,
                     protected=True)
    reminder = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("会议提醒"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联合会会议")
        verbose_name_plural = _("联合会会议")
        ordering = ["-scheduled_on"]

    def __str__(self):
        return self.title

    @django_fsm.transition(field=state, source=MeetingState.PLANNED, target=MeetingState.HELD)
    def hold(self):
        pass

    @django_fsm.transition(field=state, source=MeetingState.PLANNED, target=MeetingState.CANCELLED)
    def cancel(self):
        pass


class Attendance(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("会议"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    attended = models.BooleanField(_("出席"))

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [models.UniqueConstraint(fields=["meeting", "institution"], name="uniq_attendance")]

    def __str__(self):
        return f"{self.institution}：{'出席' if self.attended else '缺席'}"
