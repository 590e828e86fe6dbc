"""Admission (入板申报): campaigns, applications and their materials, tier plans with their
approvals, publicity objections."""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.enterprises.models.registry import Enterprise
from boards.kernel.models.access import Institution
from boards.kernel.models.files import StoredFile
from boards.kernel.models.tenant import TenantModel

# --- Admission (入板申报) ------------------------------------------------------------------


class Campaign(TenantModel):
    """An admission round with its dates (e.g. Xinjiang: bureaus by 2024-01-15, check by 2024-01-26)."""

    name = models.CharField(_("名称"), max_length=200)
    opens_on = models.DateField(_("开始日期"))
    bureau_deadline = models.DateField(_("地方主管部门报送截止"))
    check_deadline = models.DateField(_("交易中心初核截止"))
    is_open = models.BooleanField(_("受理中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入板申报批次")
        verbose_name_plural = _("入板申报批次")
        ordering = ["-opens_on"]

    def __str__(self):
        return self.name


class FiledBy(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业自行申报")
    BUREAU = "bureau", _("地方主管部门申报")
    INSTITUTION = "institution", _("服务机构申报")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交地方主管部门")
    FORWARDED = "forwarded", _("已报送交易中心")
    UNDER_CHECK = "under_check", _("交易中心初核中")
    RETURNED = "returned", _("退回补充材料")
    ELIGIBLE = "eligible", _("符合条件")
    INELIGIBLE = "ineligible", _("不符合条件")
    IN_PLAN = "in_plan", _("已纳入分层方案")
    APPROVED = "approved", _("方案已审定")
    IN_PUBLICITY = "in_publicity", _("公示中")
    ADMITTED = "admitted", _("已入板")
    HELD_BACK = "held_back", _("异议成立暂缓入板")


class TierPlanState(models.TextChoices):
    DRAFT = "draft", _("拟订中")
    SUBMITTED = "submitted", _("报审中")
    APPROVED = "approved", _("已审定")
    IN_PUBLICITY = "in_publicity", _("公示中")
    CLOSED = "closed", _("公示结束")


class TierPlan(TenantModel):
    """The exchange's tier plan for a campaign, approved by every body the board config names."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="plans",
                                 verbose_name=_("申报批次"))
    title = models.CharField(_("方案名称"), max_length=200)
    state = FSMField(_("状态"), default=TierPlanState.DRAFT, choices=TierPlanState.choices,
                     protected=True)
    submitted_at = models.DateTimeField(_("报审时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    publicity_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    publicity_provisional = models.BooleanField(_("公示截止暂定"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分层方案")
        verbose_name_plural = _("分层方案")

    def __str__(self):
        return self.title

    # Transitions change state only; boards.admission does the writes around them.
    @django_fsm.transition(field=state, source=TierPlanState.DRAFT, target=TierPlanState.SUBMITTED)
    def submit(self):
        """Filed with every approving body named in the board's ``admission`` config."""

    @django_fsm.transition(field=state, source=TierPlanState.SUBMITTED, target=TierPlanState.APPROVED)
    def approve(self):
        """Fired once every approving body has approved."""

    @django_fsm.transition(field=state, source=TierPlanState.SUBMITTED, target=TierPlanState.DRAFT)
    def reject(self):
        """One body's rejection sends the plan back to the exchange to redraft."""

    @django_fsm.transition(field=state, source=TierPlanState.APPROVED, target=TierPlanState.IN_PUBLICITY)
    def start_publicity(self):
        pass

    @django_fsm.transition(field=state, source=TierPlanState.IN_PUBLICITY, target=TierPlanState.CLOSED)
    def close(self):
        pass


class Application(ConcurrentTransitionMixin, TenantModel):
    """An admission application. See services for who may fire each transition."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name=_("申报批次"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="applications",
                                   verbose_name=_("企业"))
    filed_by = models.CharField(_("申报方式"), max_length=12, choices=FiledBy.choices,
                                default=FiledBy.ENTERPRISE)
    filing_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("申报服务机构"))
    due_diligence = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("尽调材料"))
    state = FSMField(_("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices,
                     protected=True)
    requested_tier = models.CharField(_("申请层级"), max_length=30, blank=True)
    basis = models.TextField(_("申报类别与依据"), blank=True,
                             help_text=_("《入板申请表》：申报的类别及企业符合条件的依据"))
    proposed_tier = models.CharField(_("拟定层级"), max_length=30, blank=True)
    check_result = models.JSONField(_("初核结论"), default=dict, blank=True,
                                    help_text=_("逐项条件是否满足及理由"))
    supplement_request = models.TextField(_("补充材料要求"), blank=True)
    supplement_rounds = models.PositiveIntegerField(_("补充次数"), default=0)
    plan = models.ForeignKey(TierPlan, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="applications", verbose_name=_("分层方案"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入板申请")
        verbose_name_plural = _("入板申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["board", "state"])]

    def __str__(self):
        return f"{self.enterprise} · {self.campaign}"

    # Transitions change state only; boards.admission does the writes around them.
    def _not_by_institution(self):
        return self.filed_by != FiledBy.INSTITUTION

    def _by_institution(self):
        return self.filed_by == FiledBy.INSTITUTION

    @django_fsm.transition(field=state, source=ApplicationState.DRAFT, target=ApplicationState.SUBMITTED,
                           conditions=[_not_by_institution])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
    def submit(self):
        """To the prefecture bureau (the enterprise's own filing, or the bureau's)."""

    @django_fsm.transition(field=state, source=ApplicationState.DRAFT, target=ApplicationState.FORWARDED,
                           conditions=[_by_institution])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
    def file_with_exchange(self):
        """A serving institution's filing goes straight to the exchange."""

    @django_fsm.transition(field=state, source=ApplicationState.SUBMITTED,
                           target=ApplicationState.FORWARDED)
    def forward(self):
        """Part of the bureau's batch to the exchange."""

    @django_fsm.transition(field=state, source=ApplicationState.FORWARDED,
                           target=ApplicationState.UNDER_CHECK)
    def start_check(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.UNDER_CHECK,
                           target=ApplicationState.RETURNED)
    def request_supplement(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.RETURNED,
                           target=ApplicationState.UNDER_CHECK)
    def resubmit(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.UNDER_CHECK,
                           target=ApplicationState.ELIGIBLE)
    def mark_eligible(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.UNDER_CHECK,
                           target=ApplicationState.INELIGIBLE)
    def mark_ineligible(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.ELIGIBLE, target=ApplicationState.IN_PLAN)
    def include_in_plan(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PLAN, target=ApplicationState.ELIGIBLE)
    def exclude_from_plan(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PLAN, target=ApplicationState.APPROVED)
    def approve(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.APPROVED,
                           target=ApplicationState.IN_PUBLICITY)
    def start_publicity(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PUBLICITY,
                           target=ApplicationState.ADMITTED)
    def admit(self):
        pass

    @django_fsm.transition(field=state, source=ApplicationState.IN_PUBLICITY,
                           target=ApplicationState.HELD_BACK)
    def hold_back(self):
        """An objection was upheld."""


class ApplicationMaterial(TenantModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials",
                                    verbose_name=_("申请"))
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("文件"))
    round = models.PositiveIntegerField(_("补充轮次"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self):
        return f"{self.title}（第 {self.round} 轮）"


class PlanApproval(TenantModel):
    """One approving body's decision on a tier plan (工信厅, 地方金融监管局, 证监局 ...)."""

    plan = models.ForeignKey(TierPlan, on_delete=models.CASCADE, related_name="approvals",
                             verbose_name=_("分层方案"))
    body = models.CharField(_("审定单位代码"), max_length=30)
    approved = models.BooleanField(_("同意"))
    comment = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("审定人"))
    decided_at = models.DateTimeField(_("审定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("方案审定意见")
        verbose_name_plural = _("方案审定意见")
        constraints = [models.UniqueConstraint(fields=["plan", "body"], name="uniq_plan_body")]

    def __str__(self):
        from boards.enterprises.services.admission import body_name  # admission imports these models

        return f"{body_name(self.board, self.body) or self.body}：{'同意' if self.approved else '不同意'}"


class Objection(TenantModel):
    """An objection raised during publicity (公示异议)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="objections",
                                    verbose_name=_("申请"))
    raised_by = models.CharField(_("异议人"), max_length=100)
    text = models.TextField(_("异议内容"))
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("处理人"))

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self):
        return f"对{self.application}的异议"
