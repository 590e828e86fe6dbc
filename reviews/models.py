"""Expert committee and review cases. State and pure transitions only; reviews.services does
every write around them.

A case (ReviewCase) copies its type's rules from the board configuration when it is opened,
so a later change of configuration never changes a running case. Each panel seat
(PanelSeat) has its own workflow and clocks; a case is decided by a majority of the whole
panel (``passes``).
"""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.enterprises.models import Enterprise
from boards.kernel.models import Deadline, Institution, StoredFile, TenantModel


class ExpertField(models.TextChoices):
    TECH = "tech", _("科技创新")
    FINANCE = "finance", _("投融资")
    INVESTMENT_BANKING = "investment_banking", _("证券公司投行")
    GOVERNMENT = "government", _("政府代表")
    LISTING = "listing", _("具有上市经验的机构")


class ExpertSource(models.TextChoices):
    KJT_POOL = "kjt_pool", _("科技厅专家库")
    MEMBER = "member", _("成员机构推荐")
    SECURITIES = "securities", _("证券公司")


class Expert(TenantModel):
    """A member of a board's expert committee. ``is_active`` is committee membership;
    ``is_available`` and the unavailable periods say whether they can be drawn now."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="expert_profiles", verbose_name=_("用户"))
    name = models.CharField(_("姓名"), max_length=60)
    field = models.CharField(_("专业领域"), max_length=20, choices=ExpertField.choices)
    source = models.CharField(_("来源"), max_length=12, choices=ExpertSource.choices)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("所在机构"))
    title = models.CharField(_("职务/职称"), max_length=100, blank=True)
    is_active = models.BooleanField(_("委员会在任"), default=True)
    is_available = models.BooleanField(_("可参加评审"), default=True)
    joined_on = models.DateField(_("入库日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家委员会")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["board", "user"], name="uniq_expert_user")]

    def __str__(self):
        return f"{self.name}（{self.get_field_display()}）"


class ExpertEmployment(TenantModel):
    """A past or current position; ``ended_on`` NULL means current."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="employments",
                               verbose_name=_("专家"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("任职机构"))
    position = models.CharField(_("职务"), max_length=100, blank=True)
    started_on = models.DateField(_("起始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["-started_on"]


class DeclaredConflict(TenantModel):
    """A conflict the expert declared: with an enterprise, an institution, or both."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="declared_conflicts",
                               verbose_name=_("专家"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+", verbose_name=_("企业"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+", verbose_name=_("机构"))
    reason = models.CharField(_("回避理由"), max_length=200)
    declared_on = models.DateField(_("申报日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("申报回避")
        verbose_name_plural = _("申报回避")
        constraints = [models.CheckConstraint(
            condition=models.Q(enterprise__isnull=False) | models.Q(institution__isnull=False),
            name="conflict_has_party")]


class Unavailability(TenantModel):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="unavailable_periods",
                               verbose_name=_("专家"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("不可参加期间")
        verbose_name_plural = _("不可参加期间")
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="unavailability_order")]


# --- Cases ---------------------------------------------------------------------------------


class ReviewKind(models.TextChoices):
    INNOVATION = "innovation", _("创新型企业认定")
    PREMIUM = "premium", _("优选层评审")
    LISTING_RESERVE = "listing_reserve", _("上市企业后备库评审")


class CaseState(models.TextChoices):
    CREATED = "created", _("已立案")
    PANEL_DRAWN = "panel_drawn", _("已抽取专家")
    MATERIAL_SENT = "material_sent", _("评审中")
    MEETING_SCHEDULED = "meeting_scheduled", _("已安排评审会")
    MEETING_HELD = "meeting_held", _("评审会已召开")
    DECIDED = "decided", _("已作出结论")
    FEEDBACK_SENT = "feedback_sent", _("已书面反馈企业")
    FILED = "filed", _("已报备")
    ARCHIVED = "archived", _("已归档")


def passes(pass_votes, panel_size):
    """A majority of the whole panel: more than half of its seats (3 of 5, 4 of 6)."""
    return pass_votes * 2 > panel_size


class ReviewCase(ConcurrentTransitionMixin, TenantModel):
    """One review of one enterprise. ``rules`` is the review type's configuration copied at
    opening; ``panel_size`` seats are active (not declined or replaced) once drawn."""

    kind = models.CharField(_("评审类型"), max_length=20, choices=ReviewKind.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="review_cases",
                                   verbose_name=_("企业"))
    opened_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发起机构"), help_text=_("投融资联合会成员（已投资该企业）发起优选层评审时填写"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("发起人"))
    reason = models.TextField(_("发起理由"), blank=True)
    rules = models.JSONField(_("评审规则"), default=dict)
    panel_size = models.PositiveSmallIntegerField(_("专家人数"))
    state = FSMField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.CREATED,
                     protected=True)
    created_at = models.DateTimeField(_("立案时间"), auto_now_add=True)
    material_sent_at = models.DateTimeField(_("材料送达时间"), null=True, blank=True)
    meeting_at = models.DateTimeField(_("评审会时间"), null=True, blank=True)
    meeting_place = models.CharField(_("评审会地点"), max_length=200, blank=True)
    observers = models.JSONField(_("列席人员"), default=list, blank=True)
    enterprise_answers = models.TextField(_("企业答辩情况"), blank=True)
    passed = models.BooleanField(_("评审通过"), null=True, blank=True)
    votes = models.JSONField(_("表决结果"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("结论记录人"))
    feedback = models.TextField(_("书面反馈意见"), blank=True)
    feedback_letter = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("书面反馈函（PDF）"))
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审案件")
        verbose_name_plural = _("评审案件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["board", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.enterprise}"

    @property
    def is_meeting(self):
        return self.rules.get("mode") == "meeting"

    @property
    def filed_with(self):
        return self.rules.get("filed_with") or []

    def _is_meeting(self):
        return self.is_meeting

    def _decidable(self):
        return not self.is_meeting or self.state == CaseState.MEETING_HELD

    def _has_regulators(self):
        return bool(self.filed_with)

    def _archivable(self):
        return not self.filed_with or self.state == CaseState.FILED

    @django_fsm.transition(field=state, source=CaseState.CREATED, target=CaseState.PANEL_DRAWN)
    def draw_panel(self):
        """The panel was drawn (seats exist)."""

    @django_fsm.transition(field=state, source=CaseState.PANEL_DRAWN, target=CaseState.MATERIAL_SENT)
    def send_material(self, at):
        self.material_sent_at = at

    @django_fsm.transition(field=state, source=CaseState.MATERIAL_SENT, target=CaseState.MEETING_SCHEDULED,
                           conditions=[_is_meeting])
    def schedule_meeting(self, at, place):
        self.meeting_at, self.meeting_place = at, place

    @django_fsm.transition(field=state, source=CaseState.MEETING_SCHEDULED, target=CaseState.MEETING_HELD)
    def hold_meeting(self, observers, answers):
        self.observers, self.enterprise_answers = observers, answers

    @django_fsm.transition(field=state, source=[CaseState.MATERIAL_SENT, CaseState.MEETING_HELD],
                           target=CaseState.DECIDED, conditions=[_decidable])
    def decide(self, votes, at, by):
        self.votes = votes
        self.passed = passes(votes["pass"], self.panel_size)
        self.decided_at, self.decided_by = at, by

    @django_fsm.transition(field=state, source=CaseState.DECIDED, target=CaseState.FEEDBACK_SENT)
    def send_feedback(self, text):
        self.feedback = text

    @django_fsm.transition(field=state, source=CaseState.FEEDBACK_SENT, target=CaseState.FILED,
                           conditions=[_has_regulators])
    def file_with_regulators(self):
        """Filed with every regulator the review type names."""

    @django_fsm.transition(field=state, source=[CaseState.FEEDBACK_SENT, CaseState.FILED],
                           target=CaseState.ARCHIVED, conditions=[_archivable])
    def archive(self, at):
        self.archived_at = at


class PanelDraw(TenantModel):
    """One draw, kept for audit: replaying ``seed`` over ``candidates`` gives ``chosen``."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="draws",
                             verbose_name=_("评审案件"))
    seed = models.BigIntegerField(_("随机种子"))
    needed = models.PositiveSmallIntegerField(_("抽取人数"))
    field_mix = models.JSONField(_("领域要求"), default=dict)
    candidates = models.JSONField(_("候选专家"), help_text=_("[{id, name, field}]，按编号排序"))
    exclusions = models.JSONField(_("排除专家及理由"), default=list)
    kept = models.JSONField(_("留任专家"), default=list, help_text=_("补抽时已在评审组的专家 [{id, field}]"))
    chosen = models.JSONField(_("抽中专家编号"))
    replacing = models.ForeignKey("PanelSeat", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("替换席位"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("抽取人"))
    drawn_at = models.DateTimeField(_("抽取时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专家抽取记录")
        verbose_name_plural = _("专家抽取记录")
        ordering = ["drawn_at", "id"]


class SeatState(models.TextChoices):
    DRAWN = "drawn", _("已抽中")
    SENT = "sent", _("材料已送达")
    RECEIVED = "received", _("已确认收悉")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补充材料")
    SUBMITTED = "submitted", _("已提交意见")
    DECLINED = "declined", _("已拒绝/回避")
    REPLACED = "replaced", _("未确认已替换")


ACTIVE_SEAT_STATES = [SeatState.DRAWN, SeatState.SENT, SeatState.RECEIVED,
                      SeatState.SUPPLEMENT_REQUESTED, SeatState.SUBMITTED]


class PanelSeat(ConcurrentTransitionMixin, TenantModel):
    """One expert on one case. ``receipt_deadline`` runs from sending to receipt;
    ``review_deadline`` from receipt (paused while a supplement the expert asked for is awaited)."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="seats",
                             verbose_name=_("评审案件"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="seats",
                               verbose_name=_("专家"))
    draw = models.ForeignKey(PanelDraw, on_delete=models.PROTECT, related_name="seats",
                             verbose_name=_("抽取记录"))
    state = FSMField(_("状态"), max_length=24, choices=SeatState.choices, default=SeatState.DRAWN,
                     protected=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("确认收悉时间"), null=True, blank=True)
    receipt_deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name=_("收悉期限"))
    review_deadline = models.ForeignKey(Deadline, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("评审期限"))
    attended = models.BooleanField(_("出席评审会"), null=True, blank=True)
    closing_reason = models.CharField(_("拒绝/替换理由"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("拒绝/替换时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审席位")
        verbose_name_plural = _("评审席位")
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "expert"], name="uniq_case_expert")]

    def __str__(self):
        return f"{self.expert.name} · {self.case}"

    @property
    def is_active(self):
        return self.state in ACTIVE_SEAT_STATES

    @django_fsm.transition(field=state, source=SeatState.DRAWN, target=SeatState.SENT)
    def send(self, at):
        self.sent_at = at

    @django_fsm.transition(field=state, source=SeatState.SENT, target=SeatState.RECEIVED)
    def confirm_receipt(self, at):
        self.received_at = at

    @django_fsm.transition(field=state, source=SeatState.RECEIVED, target=SeatState.SUPPLEMENT_REQUESTED)
    def request_supplement(self):
        """The expert waits for material; their clock is paused."""

    @django_fsm.transition(field=state, source=SeatState.SUPPLEMENT_REQUESTED, target=SeatState.RECEIVED)
    def receive_supplement(self):
        """The supplement arrived; the clock runs again."""

    @django_fsm.transition(field=state, source=SeatState.RECEIVED, target=SeatState.SUBMITTED)
    def submit_opinion(self):
        """The opinion is in (see Opinion)."""

    @django_fsm.transition(field=state, source=[SeatState.DRAWN, SeatState.SENT, SeatState.RECEIVED,
                                                SeatState.SUPPLEMENT_REQUESTED], target=SeatState.DECLINED)
    def decline(self, reason, at):
        self.closing_reason, self.closed_at = reason, at

    @django_fsm.transition(field=state, source=SeatState.SENT, target=SeatState.REPLACED)
    def replace_silent(self, at):
        self.closing_reason, self.closed_at = "逾期未确认收悉", at


class Vote(models.TextChoices):
    PASS = "pass", _("同意通过")
    FAIL = "fail", _("不同意通过")
    ABSTAIN = "abstain", _("弃权")


class Opinion(TenantModel):
    """An expert's review form: a draft until ``submitted_at`` is set."""

    seat = models.OneToOneField(PanelSeat, on_delete=models.CASCADE, related_name="opinion",
                                verbose_name=_("评审席位"))
    form_data = models.JSONField(_("评审表内容"), default=dict)
    total_score = models.PositiveIntegerField(_("总分"), default=0)
    vote = models.CharField(_("表决意见"), max_length=8, choices=Vote.choices, blank=True)
    signed_form = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("签字评审表扫描件"))
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家评审意见")
        verbose_name_plural = _("专家评审意见")


class SupplementRequest(TenantModel):
    """Material an expert asked for; it goes to the enterprise through the exchange."""

    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="supplements",
                             verbose_name=_("评审席位"))
    text = models.TextField(_("需补充的材料"))
    requested_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    provided_at = models.DateTimeField(_("补充时间"), null=True, blank=True)
    provided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("经办人"))

    class Meta:
        verbose_name = _("补充材料要求")
        verbose_name_plural = _("补充材料要求")
        ordering = ["-requested_at"]

    def __str__(self):
        return self.text[:40]


class CaseMaterial(TenantModel):
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="materials",
                             verbose_name=_("评审案件"))
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("文件"))
    supplement = models.ForeignKey(SupplementRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="materials", verbose_name=_("对应补充要求"))
    added_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评审材料")
        verbose_name_plural = _("评审材料")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.title


class QualityChallenge(TenantModel):
    """An expert's finding that a service institution's documents are not competent work;
    the alliance app turns it into the exit procedure (signal quality_challenge_raised)."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="quality_challenges",
                             verbose_name=_("评审案件"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("被质疑机构"))
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("专家"))
    text = models.TextField(_("质疑意见"))
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    class Meta:
        verbose_name = _("中介机构质量质疑")
        verbose_name_plural = _("中介机构质量质疑")
        ordering = ["-created_at"]
