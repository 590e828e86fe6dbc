"""The Jinzhong 科技金融服务机构 programme: selection rounds, applications, expert scores,
appointments, monthly forms, progress reports, fee attestations and annual assessments."""

import django_fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from alliance.models.base import _user_fk
from boards.kernel.models import Deadline, Filing, Institution, StoredFile, TenantModel

# =====================================================================================
# 晋中 科技金融服务机构 [004]
# =====================================================================================


class ReviewMode(models.TextChoices):
    MEETING = "meeting", _("会议评审")
    MEETING_SITE_VISIT = "meeting_site_visit", _("会议评审结合现场考察")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    OPEN = "open", _("申报中")
    REVIEWING = "reviewing", _("评审中")
    DECIDED = "decided", _("已研究议定")
    PUBLICITY = "publicity", _("公示中")
    FILED = "filed", _("已备案")
    APPOINTED = "appointed", _("已确定")


class SelectionRound(ConcurrentTransitionMixin, TenantModel):
    title = models.CharField(_("名称"), max_length=200)
    notice = models.TextField(_("遴选通知"))
    review_mode = models.CharField(_("评审形式"), max_length=20, choices=ReviewMode.choices)
    opens_on = models.DateField(_("申报开始"))
    closes_on = models.DateField(_("申报截止"))
    state = FSMField(_("状态"), max_length=10, choices=RoundState.choices, default=RoundState.DRAFT,
                     protected=True)
    decided_on = models.DateField(_("议定日期"), null=True, blank=True)
    decision_note = models.TextField(_("议定意见"), blank=True)
    publicity_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    publicity_provisional = models.BooleanField(_("公示截止暂定"), default=False)
    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("备案文件"))
    appointed_on = models.DateField(_("确定日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务机构遴选")
        verbose_name_plural = _("服务机构遴选")
        ordering = ["-opens_on"]

    def __str__(self):
        return self.title

    @django_fsm.transition(field=state, source=RoundState.DRAFT, target=RoundState.OPEN)
    def publish(self):
        pass

    @django_fsm.transition(field=state, source=RoundState.OPEN, target=RoundState.REVIEWING)
    def close_applications(self):
        pass

    @django_fsm.transition(field=state, source=RoundState.REVIEWING, target=RoundState.DECIDED)
    def decide(self):
        pass

    @django_fsm.transition(field=state, source=RoundState.DECIDED, target=RoundState.PUBLICITY)
    def start_publicity(self):
        pass

    @django_fsm.transition(field=state, source=RoundState.PUBLICITY, target=RoundState.FILED)
    def file(self):
        pass

    @django_fsm.transition(field=state, source=RoundState.FILED, target=RoundState.APPOINTED)
    def appoint(self):
        pass


class ServiceApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("已申报")
    ELIGIBLE = "eligible", _("资格审查通过")
    INELIGIBLE = "ineligible", _("资格审查未通过")
    SELECTED = "selected", _("拟确定")
    NOT_SELECTED = "not_selected", _("未入选")
    APPOINTED = "appointed", _("已确定")


class ServiceApplication(ConcurrentTransitionMixin, TenantModel):
    round = models.ForeignKey(SelectionRound, on_delete=models.PROTECT, related_name="applications",
                              verbose_name=_("遴选"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    self_assessment = models.JSONField(_("自我评价"), help_text=_("对照各项遴选条件的说明"))
    state = FSMField(_("状态"), max_length=14, choices=ServiceApplicationState.choices,
                     default=ServiceApplicationState.SUBMITTED, protected=True)
    eligibility = models.JSONField(_("资格审查"), default=list, blank=True)
    site_visit_on = models.DateField(_("现场考察日期"), null=True, blank=True)
    site_visit_notes = models.TextField(_("现场考察情况"), blank=True)
    decision_note = models.TextField(_("议定意见"), blank=True)
    submitted_by = _user_fk(_("申报人"))
    submitted_at = models.DateTimeField(_("申报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("服务机构申报")
        verbose_name_plural = _("服务机构申报")
        ordering = ["round", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "institution"], name="uniq_round_application")
        ]

    def __str__(self):
        return f"{self.institution} · {self.round}"

    @django_fsm.transition(field=state, source=ServiceApplicationState.SUBMITTED,
                           target=ServiceApplicationState.ELIGIBLE)
    def pass_check(self):
        pass

    @django_fsm.transition(field=state, source=ServiceApplicationState.SUBMITTED,
                           target=ServiceApplicationState.INELIGIBLE)
    def fail_check(self):
        pass

    @django_fsm.transition(field=state, source=ServiceApplicationState.ELIGIBLE,
                           target=ServiceApplicationState.SELECTED)
    def select(self):
        pass

    @django_fsm.transition(field=state, source=ServiceApplicationState.ELIGIBLE,
                           target=ServiceApplicationState.NOT_SELECTED)
    def reject(self):
        pass

    @django_fsm.transition(field=state, source=ServiceApplicationState.SELECTED,
                           target=ServiceApplicationState.APPOINTED)
    def appoint(self):
        pass


class ExpertScore(TenantModel):
    application = models.ForeignKey(ServiceApplication, on_delete=models.CASCADE, related_name="scores",
                                    verbose_name=_("申报"))
    expert_name = models.CharField(_("专家"), max_length=60)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("评审意见"), blank=True)
    recorded_by = _user_fk(_("录入人"))
    recorded_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert_name"], name="uniq_expert_score")
        ]

    def __str__(self):
        return f"{self.expert_name} 评分 {self.score}"


class BlacklistRecord(TenantModel):
    """A credit blacklist or serious dishonesty record of an institution (e.g. from 信用中国)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("机构"))
    source = models.CharField(_("来源"), max_length=120)
    listed_on = models.DateField(_("列入日期"))
    lifted_on = models.DateField(_("移出日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("失信/黑名单记录")
        verbose_name_plural = _("失信/黑名单记录")

    def __str__(self):
        return f"{self.institution} 失信记录（{self.listed_on}）"

    def active_on(self, day):
        return self.listed_on <= day and (self.lifted_on is None or day < self.lifted_on)


class AppointmentState(models.TextChoices):
    ACTIVE = "active", _("在册")
    REMOVED = "removed", _("已取消资格")


class Appointment(ConcurrentTransitionMixin, TenantModel):
    """An appointed 科技金融服务机构."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    application = models.OneToOneField(ServiceApplication, on_delete=models.PROTECT,
                                       related_name="appointment", verbose_name=_("申报"))
    appointed_on = models.DateField(_("确定日期"))
    state = FSMField(_("状态"), max_length=10, choices=AppointmentState.choices,
                     default=AppointmentState.ACTIVE, protected=True)
    removed_on = models.DateField(_("取消日期"), null=True, blank=True)
    removal_reason = models.TextField(_("取消理由"), blank=True)

    class Meta:
        verbose_name = _("科技金融服务机构")
        verbose_name_plural = _("科技金融服务机构")
        ordering = ["institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "institution"], name="uniq_active_appointment", condition=Q(state="active")
            )
        ]

    def __str__(self):
        return str(self.institution)

    @django_fsm.transition(field=state, source=AppointmentState.ACTIVE, target=AppointmentState.REMOVED)
    def remove(self):
        pass


class PerformanceForm(TenantModel):
    """The monthly 《科技金融服务机构绩效评价考核表》 of one appointed institution."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="performance_forms",
                                    verbose_name=_("服务机构"))
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    enterprises_served = models.PositiveIntegerField(_("服务企业数"), default=0)
    matchmaking_sessions = models.PositiveIntegerField(_("银企对接场次"), default=0)
    policy_sessions = models.PositiveIntegerField(_("政策宣讲场次"), default=0)
    partner_banks = models.PositiveIntegerField(_("合作银行数"), default=0)
    financing_amount = models.DecimalField(_("帮助企业融资金额（元）"), max_digits=16, decimal_places=2,
                                           default=0)
    jcg_startups_served = models.PositiveIntegerField(_("服务晋创谷初创企业数"), default=0)
    notes = models.TextField(_("说明"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = _user_fk(_("报送人"))
    deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("报送期限"))

    class Meta:
        verbose_name = _("月度绩效考核表")
        verbose_name_plural = _("月度绩效考核表")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "month"], name="uniq_performance_month")
        ]

    def __str__(self):
        return f"{self.appointment} {self.month:%Y-%m}"

    def is_overdue(self, now=None):
        return (self.submitted_at is None and self.deadline is not None
                and self.deadline.due_at < (now or timezone.now()))


class ProgressReport(TenantModel):
    """The half-yearly progress report with its evidence."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="progress_reports",
                                    verbose_name=_("服务机构"))
    period = models.CharField(_("报告期"), max_length=7, help_text=_("例如 2026H1"))
    summary = models.TextField(_("工作进展"), blank=True)
    evidence = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("印证资料"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = _user_fk(_("报送人"))
    deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("报送期限"))

    class Meta:
        verbose_name = _("半年工作进展")
        verbose_name_plural = _("半年工作进展")
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["appointment", "period"], name="uniq_progress_period")]

    def __str__(self):
        return f"{self.appointment.institution} {self.period_label}"

    @property
    def period_label(self) -> str:
        """2026H1 上半年工作进展, 2026H2 下半年工作进展, 2026FY 年度工作总结."""
        year, part = self.period[:4], self.period[4:]
        return {"H1": f"{year}年上半年工作进展", "H2": f"{year}年下半年工作进展",
                "FY": f"{year}年度工作总结"}.get(part, self.period)


class FeeAttestation(TenantModel):
    """The institution's yearly statement that it charges the enterprises it serves nothing."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="fee_attestations",
                                    verbose_name=_("服务机构"))
    year = models.PositiveIntegerField(_("年度"))
    statement = models.TextField(_("承诺内容"))
    attested_by = _user_fk(_("承诺人"))
    attested_at = models.DateTimeField(_("承诺时间"), default=timezone.now)

    class Meta:
        verbose_name = _("不收费承诺")
        verbose_name_plural = _("不收费承诺")
        constraints = [models.UniqueConstraint(fields=["appointment", "year"], name="uniq_fee_attestation")]

    def __str__(self):
        return f"{self.appointment} {self.year} 年不收费承诺"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    UNQUALIFIED = "unqualified", _("不合格")


class AnnualAssessment(TenantModel):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="assessments",
                                    verbose_name=_("服务机构"))
    year = models.PositiveIntegerField(_("年度"))
    figures = models.JSONField(_("全年指标"))
    criteria = models.JSONField(_("逐项评价"))
    proposed_grade = models.CharField(_("建议等次"), max_length=12, choices=Grade.choices)
    final_grade = models.CharField(_("确定等次"), max_length=12, choices=Grade.choices, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    decided_by = _user_fk(_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["appointment", "year"], name="uniq_assessment_year")]

    def __str__(self):
        return f"{self.appointment} {self.year} 年度考核"
