"""Research visits (调研走访) to board enterprises and the follow-up actions they leave.

证监办函〔2022〕840号 (十一) 1：“定期对企业进行调研走访，了解和收集企业在融资、上市（挂牌）等方面存在的
问题、困难和需求，并提供专业意见，为企业培育工作积累必要的基础信息。” (八)：企业数据库涵盖“通过服务和
调研走访积累的信息”. A visit is scheduled, then recorded (findings, problems, needs, advice) or
cancelled; a recorded visit is written into the enterprise database as a 走访 service record, and each
follow-up action becomes a task with a working-day deadline (kernel deadlines: reminders, escalation).
"""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.enterprises.models import Enterprise, ServiceRecord
from boards.kernel.models import Deadline, Institution, TenantModel


class VisitState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    RECORDED = "recorded", _("已走访")
    CANCELLED = "cancelled", _("已取消")


class NeedKind(models.TextChoices):
    """The needs the guideline names (融资、上市（挂牌）) and the other services of 附件2."""

    EQUITY = "equity", _("股权融资")
    DEBT = "debt", _("债权融资/信贷")
    LISTING = "listing", _("上市（挂牌）")
    RESTRUCTURING = "restructuring", _("股份制改造")
    POLICY = "policy", _("政策对接")
    TRAINING = "training", _("培训交流")
    INCENTIVE = "incentive", _("股权激励")
    OTHER = "other", _("其他")


class ResearchVisit(TenantModel):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="research_visits",
                                   verbose_name=_("企业"))
    scheduled_on = models.DateField(_("计划走访日期"))
    purpose = models.CharField(_("走访目的"), max_length=300)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("带队人员"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("同行机构"),
                                    help_text=_("一同走访的券商、银行等服务机构"))
    state = FSMField(_("状态"), max_length=10, choices=VisitState.choices, default=VisitState.PLANNED,
                     protected=True)
    visited_on = models.DateField(_("走访日期"), null=True, blank=True)
    findings = models.TextField(_("企业发展情况"), blank=True)
    problems = models.TextField(_("存在的问题和困难"), blank=True)
    needs = models.JSONField(_("需求类别"), default=list, blank=True)
    needs_detail = models.TextField(_("需求说明"), blank=True)
    advice = models.TextField(_("专业意见"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)
    service_record = models.OneToOneField(ServiceRecord, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("企业数据库记录"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("安排人"))
    created_at = models.DateTimeField(_("安排时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调研走访")
        verbose_name_plural = _("调研走访")
        ordering = ["-scheduled_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise.name}调研走访（{self.scheduled_on:%Y-%m-%d}）"

    def need_labels(self) -> list[str]:
        labels = dict(NeedKind.choices)
        return [str(labels.get(code, code)) for code in self.needs]

    @django_fsm.transition(field=state, source=VisitState.PLANNED, target=VisitState.RECORDED)
    def record(self, visited_on, findings, problems, needs, needs_detail, advice):
        self.visited_on, self.findings, self.problems = visited_on, findings, problems
        self.needs, self.needs_detail, self.advice = needs, needs_detail, advice

    @django_fsm.transition(field=state, source=VisitState.PLANNED, target=VisitState.CANCELLED)
    def cancel(self, reason):
        self.cancel_reason = reason


class ActionState(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办结")


class FollowUpAction(TenantModel):
    """A follow-up a visit left (跟进事项): a task with its working-day deadline."""

    visit = models.ForeignKey(ResearchVisit, on_delete=models.CASCADE, related_name="actions",
                              verbose_name=_("调研走访"))
    title = models.CharField(_("跟进事项"), max_length=300)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("承办人"))
    state = FSMField(_("状态"), max_length=10, choices=ActionState.choices, default=ActionState.OPEN,
                     protected=True)
    deadline = models.OneToOneField(Deadline, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("办理期限"))
    result = models.TextField(_("办理结果"), blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("走访跟进事项")
        verbose_name_plural = _("走访跟进事项")
        ordering = ["state", "deadline__due_at", "pk"]

    def __str__(self):
        return f"{self.title}（{self.visit.enterprise.name}）"

    @django_fsm.transition(field=state, source=ActionState.OPEN, target=ActionState.DONE)
    def complete(self, result, at):
        self.result, self.done_at = result, at
