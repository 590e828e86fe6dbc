"""The alliance (科创服务联盟): federation memberships, meetings, exit cases, the 金融超市
catalogue, financing needs and their white list, interest profiles, matchmakings,
recommendations, the semi-annual report, and the Jinzhong service-institution programme.

Models hold state and pure transitions; alliance.services (and alliance.service_institutions)
do every write around them, with locks and evidence.
"""

import django_fsm
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.enterprises.models import Enterprise
from boards.kernel.models import Deadline, Filing, Institution, StoredFile, TenantModel

USER = settings.AUTH_USER_MODEL


def _user_fk(label, **kwargs):
    return models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=label, **kwargs)


# --- Federations and membership ------------------------------------------------------------


class Body(models.TextChoices):
    INVESTMENT = "investment", _("投融资联合会")
    PROFESSIONAL = "professional", _("专业服务联合会")
    RISK_DISPOSAL = "risk_disposal", _("风险处置联合会")
    EXPERT_COMMITTEE = "expert_committee", _("专家委员会")


class InstitutionQualificationKind(models.TextChoices):
    EXCHANGE_MEMBERSHIP = "exchange_membership", _("交易中心会员")
    HIGH_TECH_AUDIT = "high_tech_audit", _("高新技术企业审计资质")
    INTANGIBLE_VALUATION = "intangible_valuation", _("无形资产评估资质")


class InstitutionQualification(TenantModel):
    """A qualification of an institution on file with this board; admission rules read these."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE,
                                    related_name="alliance_qualifications", verbose_name=_("机构"))
    kind = models.CharField(_("资质类型"), max_length=30, choices=InstitutionQualificationKind.choices)
    number = models.CharField(_("证书/会员编号"), max_length=60, blank=True)
    issuer = models.CharField(_("发证单位"), max_length=120, blank=True)
    issued_on = models.DateField(_("取得日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    evidence = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("证明材料"))

    class Meta:
        verbose_name = _("机构资质")
        verbose_name_plural = _("机构资质")

    def __str__(self):
        return f"{self.institution} {self.get_kind_display()}"

    def is_valid_on(self, day):
        return (self.issued_on is None or self.issued_on <= day) and (
            self.valid_until is None or day <= self.valid_until)


class MembershipState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    CHECKED = "checked", _("已核验")
    ADMITTED = "admitted", _("已入会")
    REFUSED = "refused", _("未获准入")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已除名")
    WITHDRAWN = "withdrawn", _("已退出")


LIVE_MEMBERSHIP = [MembershipState.APPLIED, MembershipState.CHECKED, MembershipState.ADMITTED,
                   MembershipState.SUSPENDED]
# States in which an institution still reaches its own data through the API.
STANDING_MEMBERSHIP = [MembershipState.ADMITTED, MembershipState.SUSPENDED]


class Membership(ConcurrentTransitionMixin, TenantModel):
    """An institution's membership of one federation (or the expert committee) on one board.
    At most one live membership per institution and body."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT,
                                    related_name="alliance_memberships", verbose_name=_("机构"))
    body = models.CharField(_("联合会"), max_length=20, choices=Body.choices)
    state = FSMField(_("状态"), max_length=12, choices=MembershipState.choices,
                     default=MembershipState.APPLIED, protected=True)
    executive_lead = models.CharField(_("高管负责人"), max_length=60)
    executive_title = models.CharField(_("负责人职务"), max_length=60, blank=True)
    liaison_name = models.CharField(_("联络人"), max_length=60)
    liaison_phone = models.CharField(_("联络人电话"), max_length=40)
    liaison_email = models.EmailField(_("联络人邮箱"), blank=True)
    declared_preference = models.TextField(
        _("对专板企业的优惠"), blank=True, help_text=_("在审批流程或费用上给予专板企业的明确优惠"))
    check_result = models.JSONField(_("准入核验"), default=list, blank=True,
                                    help_text=_("逐项准入条件是否满足及理由"))
    checked_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True, help_text=_("不予准入、暂停、除名或退出的理由"))
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    admitted_on = models.DateField(_("入会日期"), null=True, blank=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["body", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "institution", "body"],
                name="uniq_live_membership",
                condition=Q(state__in=LIVE_MEMBERSHIP),
            )
        ]

    def __str__(self):
        return f"{self.institution} · {self.get_body_display()}"

    def _rules_met(self):
        return bool(self.check_result) and all(row["met"] for row in self.check_result)

    @django_fsm.transition(field=state, source=[MembershipState.APPLIED, MembershipState.CHECKED],
                           target=MembershipState.CHECKED)
    def verify(self):
        """The admission rules were evaluated against the data on file (again, after new data)."""

    @django_fsm.transition(field=state, source=MembershipState.CHECKED, target=MembershipState.ADMITTED,
                           conditions=[_rules_met])
    def admit(self):
        pass

    @django_fsm.transition(field=state, source=MembershipState.CHECKED, target=MembershipState.REFUSED)
    def refuse(self):
        pass

    @django_fsm.transition(field=state, source=MembershipState.ADMITTED, target=MembershipState.SUSPENDED)
    def suspend(self):
        pass

    @django_fsm.transition(field=state, source=MembershipState.SUSPENDED, target=MembershipState.ADMITTED)
    def reinstate(self):
        pass

    @django_fsm.transition(field=state, source=STANDING_MEMBERSHIP, target=MembershipState.REVOKED)
    def revoke(self):
        pass

    @django_fsm.transition(field=state, source=LIVE_MEMBERSHIP, target=MembershipState.WITHDRAWN)
    def withdraw(self):
        pass


# --- Exit on poor quality ------------------------------------------------------------------


class ExitState(models.TextChoices):
    OPENED = "opened", _("已立案")
    NOTIFIED = "notified", _("已通知机构")
    ANSWERED = "answered", _("机构已答复")
    REVOKED = "revoked", _("已除名")
    DISMISSED = "dismissed", _("不予除名")


class ExitCase(ConcurrentTransitionMixin, TenantModel):
    """The exit procedure a review's quality challenge opens against a member: notice, the
    institution's answer, a decision; revocation ends the membership."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="exit_cases",
                                   verbose_name=_("成员资格"))
    source = models.CharField(_("来源"), max_length=60, help_text=_("例如 reviews.qualitychallenge:12"))
    grounds = models.TextField(_("质疑意见"))
    state = FSMField(_("状态"), max_length=10, choices=ExitState.choices, default=ExitState.OPENED,
                     protected=True)
    notice = models.TextField(_("通知内容"), blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    answer_deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("答复期限"))
    answer = models.TextField(_("机构答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = _user_fk(_("答复人"))
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = _user_fk(_("决定人"))
    created_at = models.DateTimeField(_("立案时间"), default=timezone.now)

    class Meta:
        verbose_name = _("退出（除名）程序")
        verbose_name_plural = _("退出（除名）程序")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["board", "membership", "source"], name="uniq_exit_source")
        ]

    def __str__(self):
        return f"{self.membership} · {self.get_state_display()}"

    @django_fsm.transition(field=state, source=ExitState.OPENED, target=ExitState.NOTIFIED)
    def notify(self):
        pass

    @django_fsm.transition(field=state, source=ExitState.NOTIFIED, target=ExitState.ANSWERED)
    def reply(self):
        pass

    @django_fsm.transition(field=state, source=[ExitState.NOTIFIED, ExitState.ANSWERED],
                           target=ExitState.REVOKED)
    def revoke(self):
        """From NOTIFIED only once the answer period is over (checked by the service)."""

    @django_fsm.transition(field=state, source=[ExitState.OPENED, ExitState.NOTIFIED, ExitState.ANSWERED],
                           target=ExitState.DISMISSED)
    def dismiss(self):
        pass


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


# --- 金融超市 -------------------------------------------------------------------------------


class ProductType(models.TextChoices):
    CREDIT_LOAN = "credit_loan", _("信用贷款")
    IP_PLEDGE_LOAN = "ip_pledge_loan", _("知识产权质押贷款")
    TALENT_LOAN = "talent_loan", _("人才贷")
    GUARANTEE = "guarantee", _("融资担保")
    TALENT_GUARANTEE = "talent_guarantee", _("人才保")
    INSURANCE = "insurance", _("科技保险")
    TALENT_INSURANCE = "talent_insurance", _("人才险")
    EQUITY_FUND = "equity_fund", _("股权投资基金")
    TALENT_INVESTMENT = "talent_investment", _("人才投")
    BOND = "bond", _("债券融资")
    LEASING = "leasing", _("融资租赁")
    SUPPLY_CHAIN = "supply_chain", _("供应链金融")


class Product(TenantModel):
    """A member's financial product in the board's catalogue. Money in yuan, rates in % a year."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="alliance_products",
                                    verbose_name=_("机构"))
    name = models.CharField(_("产品名称"), max_length=120)
    product_type = models.CharField(_("产品类型"), max_length=20, choices=ProductType.choices)
    description = models.TextField(_("产品说明"), blank=True)
    amount_min = models.DecimalField(_("最低额度（元）"), max_digits=16, decimal_places=2)
    amount_max = models.DecimalField(_("最高额度（元）"), max_digits=16, decimal_places=2)
    rate_min = models.DecimalField(_("最低年化利率/费率（%）"), max_digits=6, decimal_places=3, null=True,
                                   blank=True)
    rate_max = models.DecimalField(_("最高年化利率/费率（%）"), max_digits=6, decimal_places=3, null=True,
                                   blank=True)
    term_min_months = models.PositiveIntegerField(_("最短期限（月）"))
    term_max_months = models.PositiveIntegerField(_("最长期限（月）"))
    approval_days = models.PositiveIntegerField(_("审批时限（工作日）"))
    target_tiers = models.JSONField(_("适用层级"), default=list, blank=True, help_text=_("为空表示不限"))
    required_qualifications = models.JSONField(_("资质要求（任一）"), default=list, blank=True,
                                               help_text=_("为空表示不限"))
    for_tech_enterprises = models.BooleanField(_("专为科技型企业设计"), default=False)
    board_preference = models.TextField(_("对专板企业的优惠"), blank=True)
    is_published = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_min__lte=F("amount_max")), name="product_amount_range"),
            models.CheckConstraint(
                condition=Q(term_min_months__lte=F("term_max_months")), name="product_term_range"
            ),
            models.CheckConstraint(
                condition=Q(rate_min__lte=F("rate_max")) | Q(rate_min=None) | Q(rate_max=None),
                name="product_rate_range",
            ),
        ]
        indexes = [models.Index(fields=["board", "product_type"])]

    def __str__(self):
        return self.name


# --- Financing needs, interest profiles, matchmaking -------------------------------------------


class NeedState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    WHITELISTED = "whitelisted", _("已列入白名单")
    DECLINED = "declined", _("未列入白名单")
    CLOSED = "closed", _("已关闭")


class FinancingNeed(ConcurrentTransitionMixin, TenantModel):
    """An enterprise's financing need. Institutions see it only once staff put it on the white
    list, and then only ``summary`` (curated so that no business or technical secret leaks)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="financing_needs",
                                   verbose_name=_("企业"))
    amount = models.DecimalField(_("融资金额（元）"), max_digits=16, decimal_places=2)
    use = models.TextField(_("资金用途"))
    term_months = models.PositiveIntegerField(_("期限（月）"))
    product_types = models.JSONField(_("期望融资方式"), default=list, blank=True)
    summary = models.TextField(_("白名单摘要"), blank=True, help_text=_("向机构展示的脱敏摘要"))
    state = FSMField(_("状态"), max_length=12, choices=NeedState.choices, default=NeedState.SUBMITTED,
                     protected=True)
    note = models.TextField(_("审核意见"), blank=True)
    posted_by = _user_fk(_("提交人"))
    posted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    curated_by = _user_fk(_("审核人"))
    curated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-posted_at"]

    def __str__(self):
        return f"{self.enterprise} {self.amount} 元"

    @django_fsm.transition(field=state, source=NeedState.SUBMITTED, target=NeedState.WHITELISTED)
    def whitelist(self):
        pass

    @django_fsm.transition(field=state, source=NeedState.SUBMITTED, target=NeedState.DECLINED)
    def decline(self):
        pass

    @django_fsm.transition(field=state, source=[NeedState.SUBMITTED, NeedState.WHITELISTED],
                           target=NeedState.CLOSED)
    def close(self):
        pass


class InterestProfile(TenantModel):
    """What a member wants pushed; an empty list means any."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("机构"))
    industries = models.JSONField(_("关注行业"), default=list, blank=True)
    tiers = models.JSONField(_("关注层级"), default=list, blank=True)
    stages = models.JSONField(_("关注融资阶段"), default=list, blank=True)
    amount_min = models.DecimalField(_("金额下限（元）"), max_digits=16, decimal_places=2, null=True,
                                     blank=True)
    amount_max = models.DecimalField(_("金额上限（元）"), max_digits=16, decimal_places=2, null=True,
                                     blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("对接偏好")
        verbose_name_plural = _("对接偏好")
        constraints = [models.UniqueConstraint(fields=["board", "institution"], name="uniq_interest_profile")]

    def __str__(self):
        return f"{self.institution} 对接偏好"


class MatchState(models.TextChoices):
    PUSHED = "pushed", _("已推送")
    INTERESTED = "interested", _("有意向")
    NOT_INTERESTED = "not_interested", _("无意向")
    DEEP_ENGAGEMENT = "deep_engagement", _("深度对接")
    DUE_DILIGENCE = "due_diligence", _("尽职调查")
    FINANCED = "financed", _("已融资")
    FAILED = "failed", _("对接失败")


ACTIVE_MATCH = [MatchState.PUSHED, MatchState.INTERESTED, MatchState.DEEP_ENGAGEMENT,
                MatchState.DUE_DILIGENCE]


class ReasonCategory(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("不符合投资/授信范围")
    RISK = "risk", _("风险偏高")
    FINANCIALS = "financials", _("财务指标不达标")
    COLLATERAL = "collateral", _("缺少抵质押或担保")
    VALUATION = "valuation", _("估值或价格分歧")
    ENTERPRISE_DECLINED = "enterprise_declined", _("企业放弃")
    COMPLIANCE = "compliance", _("合规问题")
    OTHER = "other", _("其他")


class Matchmaking(ConcurrentTransitionMixin, TenantModel):
    """One enterprise pushed to one member, tracked to financing or failure. At most one active
    matchmaking per institution and enterprise."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="matchmakings",
                                   verbose_name=_("企业"))
    need = models.ForeignKey(FinancingNeed, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("融资需求"))
    state = FSMField(_("状态"), max_length=16, choices=MatchState.choices, default=MatchState.PUSHED,
                     protected=True)
    match_reasons = models.JSONField(_("推送依据"), default=list)
    reason_category = models.CharField(_("原因类别"), max_length=20, choices=ReasonCategory.choices,
                                       blank=True)
    reason_text = models.TextField(_("原因说明"), blank=True)
    failed_from = models.CharField(_("失败时所处阶段"), max_length=16, choices=MatchState.choices, blank=True)
    value_report_requested_at = models.DateTimeField(_("申请价值报告时间"), null=True, blank=True)
    value_report = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("初步价值报告"))
    financed_amount = models.DecimalField(_("融资金额（元）"), max_digits=16, decimal_places=2, null=True,
                                          blank=True)
    financed_instrument = models.CharField(_("融资工具"), max_length=20, choices=ProductType.choices,
                                           blank=True)
    financed_on = models.DateField(_("融资日期"), null=True, blank=True)
    financed_tier = models.CharField(_("融资时层级"), max_length=30, blank=True)
    is_case = models.BooleanField(_("入选案例"), default=False)
    case_title = models.CharField(_("案例标题"), max_length=200, blank=True)
    case_summary = models.TextField(_("案例简介"), blank=True)
    pushed_at = models.DateTimeField(_("推送时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("对接项目")
        verbose_name_plural = _("对接项目")
        ordering = ["-pushed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "institution", "enterprise"],
                name="uniq_active_match",
                condition=Q(state__in=ACTIVE_MATCH),
            )
        ]
        indexes = [models.Index(fields=["board", "institution", "state"])]

    def __str__(self):
        return f"{self.institution} ↔ {self.enterprise}"

    @django_fsm.transition(field=state, source=MatchState.PUSHED, target=MatchState.INTERESTED)
    def interest(self):
        pass

    @django_fsm.transition(field=state, source=MatchState.PUSHED, target=MatchState.NOT_INTERESTED)
    def decline(self, category, text):
        self.reason_category, self.reason_text = category, text

    @django_fsm.transition(field=state, source=MatchState.INTERESTED, target=MatchState.DEEP_ENGAGEMENT)
    def engage(self):
        pass

    @django_fsm.transition(field=state, source=MatchState.DEEP_ENGAGEMENT, target=MatchState.DUE_DILIGENCE)
    def due_diligence(self):
        pass

    @django_fsm.transition(field=state, source=MatchState.DUE_DILIGENCE, target=MatchState.FINANCED)
    def finance(self, amount, instrument, on, tier):
        self.financed_amount, self.financed_instrument, self.financed_on = amount, instrument, on
        self.financed_tier = tier

    @django_fsm.transition(field=state, source=[MatchState.INTERESTED, MatchState.DEEP_ENGAGEMENT,
                                                MatchState.DUE_DILIGENCE], target=MatchState.FAILED)
    def fail(self, category, text):
        self.failed_from = self.state
        self.reason_category, self.reason_text = category, text


class Recommendation(TenantModel):
    """A member recommends an enterprise to the board: an admission lead."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("机构"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="recommendations",
                                   verbose_name=_("企业"))
    reason = models.TextField(_("推荐理由"))
    invested = models.BooleanField(_("本机构已投资"), default=False)
    created_by = _user_fk(_("推荐人"))
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机构推荐企业")
        verbose_name_plural = _("机构推荐企业")
        ordering = ["-created_at"]


# --- API idempotency ---------------------------------------------------------------------------


class IdempotencyKey(TenantModel):
    """A POST's ``Idempotency-Key``: the caller, a hash of the request and the stored response."""

    key = models.CharField(_("幂等键"), max_length=100)
    caller = models.CharField(_("调用方"), max_length=60)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("响应状态"))
    response = models.JSONField(_("响应内容"), null=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["board", "caller", "key"], name="uniq_idempotency_key")
        ]


# --- Semi-annual report ------------------------------------------------------------------------


class ReportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportRun(TenantModel):
    """One build of the semi-annual alliance report; ``progress`` is committed as it goes."""

    period = models.CharField(_("报告期"), max_length=7, help_text=_("例如 2026H1"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices,
                             default=ReportState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=60, blank=True)
    error = models.TextField(_("错误"), blank=True)
    filings = models.ManyToManyField(Filing, blank=True, related_name="+", verbose_name=_("报备文件"))
    requested_by = _user_fk(_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联盟半年度报告")
        verbose_name_plural = _("联盟半年度报告")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.period} 联盟报告"


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
