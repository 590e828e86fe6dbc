"""Enterprise satisfaction surveys, the measure of 840号 (二十三)「服务企业满意度情况」.

After each service recorded in the enterprise database and each concluded matchmaking (the kernel's
``service_delivered`` signal) the enterprise is asked once to rate it from 1 (非常不满意) to 5 (非常满意);
the answers feed the satisfaction indicator of the tracking evaluation.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from boards.enterprises.models import Enterprise
from boards.kernel.models import Institution, TenantModel

SCORES = [(5, _("非常满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")), (1, _("非常不满意"))]


class SurveyState(models.TextChoices):
    OPEN = "open", _("待评价")
    ANSWERED = "answered", _("已评价")


class SatisfactionSurvey(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="satisfaction_surveys",
                                   verbose_name=_("企业"))
    source = models.CharField(_("服务来源"), max_length=80, help_text=_("如 boards.servicerecord:12"))
    label = models.CharField(_("服务内容"), max_length=200)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("服务机构"))
    delivered_on = models.DateField(_("服务日期"))
    state = models.CharField(_("状态"), max_length=10, choices=SurveyState.choices, default=SurveyState.OPEN)
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True, choices=SCORES,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("意见和建议"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("评价人"))
    answered_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业满意度调查")
        verbose_name_plural = _("企业满意度调查")
        ordering = ["-delivered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "source"], name="uniq_survey_source"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.enterprise.name}满意度调查：{self.label}"
