"""Roadshows (路演): an event of a board, on site or on the exchange's national roadshow platform.

证监办函〔2022〕840号 (十) 1：“根据企业融资需求以及私募基金管理人投资需求，有针对性地组织路演、推送优质
企业”；附件2 (二)「股权服务。企业通过股交中心投融资需求发布平台，现场路演以及深交所全国路演平台，针对投融资
双方的偏好与需求，实现精准对接。」

A roadshow takes sign-ups while 报名中 (until ``signup_closes_on``), is closed with its list of
presenting enterprises (名单已确定), is held (attendance and a summary recorded) or cancelled.
"""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.kernel.models import TenantModel


class Venue(models.TextChoices):
    ONSITE = "onsite", _("现场路演")
    PLATFORM = "platform", _("深交所全国路演平台")


class RoadshowState(models.TextChoices):
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("名单已确定")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class Roadshow(TenantModel):
    title = models.CharField(_("路演名称"), max_length=200)
    venue = models.CharField(_("路演方式"), max_length=10, choices=Venue.choices)
    location = models.CharField(_("地点或平台链接"), max_length=300)
    starts_at = models.DateTimeField(_("路演时间"))
    signup_closes_on = models.DateField(_("报名截止日期"))
    description = models.TextField(_("路演说明"), blank=True)
    state = FSMField(
        _("状态"), max_length=10, choices=RoadshowState.choices, default=RoadshowState.OPEN, protected=True
    )
    summary = models.TextField(_("举办情况"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("提醒发送时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("路演活动")
        verbose_name_plural = _("路演活动")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return f"{self.title}（{timezone.localtime(self.starts_at):%Y-%m-%d}）"

    @django_fsm.transition(field=state, source=RoadshowState.OPEN, target=RoadshowState.CLOSED)
    def close(self):
        pass

    @django_fsm.transition(field=state, source=RoadshowState.CLOSED, target=RoadshowState.HELD)
    def hold(self, summary):
        self.summary = summary

    @django_fsm.transition(
        field=state, source=[RoadshowState.OPEN, RoadshowState.CLOSED], target=RoadshowState.CANCELLED
    )
    def cancel(self, reason):
        self.cancel_reason = reason
