"""In-app notifications and their emails."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.kernel.models.deadlines import Deadline
from boards.kernel.models.tenant import TenantModel


class Notification(TenantModel):
    """An in-app notice; ``email_sent_at`` is claimed with a conditional UPDATE."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("接收人"),
    )
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("期限"),
    )
    stage = models.PositiveSmallIntegerField(_("提醒阶段"), null=True, blank=True)
    verb = models.CharField(_("类型"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [
            # One notice per recipient per deadline stage: the database keeps reminders single.
            models.UniqueConstraint(
                fields=["deadline", "stage", "user"], name="uniq_deadline_stage_user",
                condition=models.Q(deadline__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
