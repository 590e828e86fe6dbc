"""Who takes part in a roadshow: enterprises that sign up (staff accept or decline), investors
invited from the alliance by their stated interests (they confirm or decline), and the outcomes —
an investor's interest in a presenting enterprise, which opens a matchmaking (对接项目)."""

import django_fsm
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from boards.enterprises.models import Enterprise, ServiceRecord
from boards.kernel.models import Institution, TenantModel
from boards.kernel.models.tenant import user_reference
from roadshows.models.events import Roadshow

_user = user_reference


class SignupState(models.TextChoices):
    APPLIED = "applied", _("待审核")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("未接受")


class Signup(TenantModel):
    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="signups", verbose_name=_("路演活动")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="roadshow_signups", verbose_name=_("企业")
    )
    pitch = models.TextField(_("路演项目简介"))
    amount = models.DecimalField(
        _("拟融资金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    state = FSMField(
        _("状态"), max_length=10, choices=SignupState.choices, default=SignupState.APPLIED, protected=True
    )
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    attended = models.BooleanField(_("出席"), null=True)
    service_record = models.OneToOneField(
        ServiceRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业数据库记录"),
    )
    submitted_by = _user(_("报名人"))
    submitted_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    decided_by = _user(_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("路演报名")
        verbose_name_plural = _("路演报名")
        ordering = ["roadshow", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["roadshow", "enterprise"], name="uniq_roadshow_signup")
        ]

    def __str__(self):
        return f"{self.enterprise.name}报名{self.roadshow.title}"

    @django_fsm.transition(field=state, source=SignupState.APPLIED, target=SignupState.ACCEPTED)
    def accept(self, by, at):
        self.decided_by, self.decided_at = by, at

    @django_fsm.transition(field=state, source=SignupState.APPLIED, target=SignupState.DECLINED)
    def decline(self, reason, by, at):
        self.decision_note, self.decided_by, self.decided_at = reason, by, at


class InvitationState(models.TextChoices):
    INVITED = "invited", _("待回复")
    CONFIRMED = "confirmed", _("确认出席")
    DECLINED = "declined", _("谢绝")


class Invitation(TenantModel):
    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("路演活动")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("投资机构")
    )
    reasons = models.JSONField(_("邀请依据"), default=list, blank=True)
    state = FSMField(
        _("状态"),
        max_length=10,
        choices=InvitationState.choices,
        default=InvitationState.INVITED,
        protected=True,
    )
    answer_note = models.CharField(_("回复说明"), max_length=500, blank=True)
    attended = models.BooleanField(_("出席"), null=True)
    invited_by = _user(_("邀请人"))
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    answered_by = _user(_("回复人"))
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("路演邀请")
        verbose_name_plural = _("路演邀请")
        ordering = ["roadshow", "institution__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["roadshow", "institution"], name="uniq_roadshow_invitation")
        ]

    def __str__(self):
        return f"邀请{self.institution.name}出席{self.roadshow.title}"

    @django_fsm.transition(field=state, source=InvitationState.INVITED, target=InvitationState.CONFIRMED)
    def confirm(self, note, by, at):
        self.answer_note, self.answered_by, self.answered_at = note, by, at

    @django_fsm.transition(field=state, source=InvitationState.INVITED, target=InvitationState.DECLINED)
    def decline(self, note, by, at):
        self.answer_note, self.answered_by, self.answered_at = note, by, at


class Outcome(TenantModel):
    """An investor's interest in an enterprise that presented: the matchmaking it opened."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("路演活动")
    )
    signup = models.ForeignKey(
        Signup, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("路演企业")
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("投资机构")
    )
    note = models.TextField(_("意向说明"))
    matchmaking_id = models.PositiveIntegerField(_("对接项目编号"), null=True, blank=True)
    matchmaking_text = models.CharField(_("对接项目"), max_length=300, blank=True)
    recorded_by = _user(_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("路演成果")
        verbose_name_plural = _("路演成果")
        ordering = ["roadshow", "pk"]
        constraints = [models.UniqueConstraint(fields=["signup", "invitation"], name="uniq_roadshow_outcome")]

    def __str__(self):
        return f"{self.invitation.institution.name}对{self.signup.enterprise.name}有投资意向"
