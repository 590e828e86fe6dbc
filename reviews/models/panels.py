"""Panels: the draw, the seats, each seat's opinion and the supplements an expert asks for."""

import django_fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from boards.kernel.models import Deadline, StoredFile, TenantModel
from reviews.models.cases import ReviewCase
from reviews.models.experts import Expert


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

    def __str__(self):
        return f"{self.case} 专家抽取（{self.drawn_at:%Y-%m-%d}）"


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

    def __str__(self):
        return f"{self.seat} 的评审意见"


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
