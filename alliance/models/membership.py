"""Federation membership (联合会会员): qualifications, admission, suspension and the exit procedure."""

import django_fsm
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from alliance.models.base import _user_fk
from boards.kernel.models import Deadline, Institution, StoredFile, TenantModel

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
                           conditions=[_rules_met])  # type: ignore[list-item]  # django-fsm types a condition as Callable[[Model], bool]; it is this model's method
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
