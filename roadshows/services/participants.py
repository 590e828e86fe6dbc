"""Writes of who takes part in a roadshow: an enterprise's sign-up and the staff's decision on it,
the investors invited (suggested from the alliance by their stated interests), their answers, and
the outcome — an investor's interest in a presenting enterprise, which opens a matchmaking.

证监办函〔2022〕840号 (十) 1：“加强同私募基金管理人的联系，根据企业融资需求以及私募基金管理人投资需求，
有针对性地组织路演、推送优质企业”.

Invariants:
- only an admitted enterprise of the board signs up, once per roadshow, while it takes sign-ups
  and before its sign-up date; staff decide each sign-up once (a refusal states its reason);
- an investor is invited once per roadshow; the suggestions and their reasons come from the
  alliance through the kernel's InvestorDirectory (no app imports the other); any institution of
  the board of a ``roadshows.investor_kinds`` kind may be invited;
- an invitation is answered once, before the roadshow is held or cancelled;
- an outcome pairs an enterprise that presented with an investor that attended, once; the
  matchmaking it opens is the alliance's (through the same provider), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, Institution, Role
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.participation import institutions_on
from boards.kernel.providers import InvestorDirectory, provider
from boards.kernel.workflow import fire
from roadshows.actions import RoadshowAction
from roadshows.models import Invitation, Outcome, Roadshow, RoadshowState, Signup, SignupState
from roadshows.selectors import signup_statuses

SUBMITTED, ACCEPTED = RoadshowAction.SIGNUP_SUBMITTED, RoadshowAction.SIGNUP_ACCEPTED
DECLINED, INVITED = RoadshowAction.SIGNUP_DECLINED, RoadshowAction.INVITATION_SENT
CONFIRMED, REFUSED = RoadshowAction.INVITATION_CONFIRMED, RoadshowAction.INVITATION_DECLINED
OUTCOME = RoadshowAction.OUTCOME_RECORDED
STAFF_INVITED = "工作人员邀请"


def signup_refusal(roadshow: Roadshow, today: dt.date | None = None) -> str | None:
    today = today or timezone.localdate()
    if roadshow.state != RoadshowState.OPEN:
        return f"该路演{roadshow.get_state_display()}，不再接受报名。"
    if today > roadshow.signup_closes_on:
        return f"报名已于 {roadshow.signup_closes_on:%Y-%m-%d} 截止。"
    return None


def _enterprise_users(enterprise: Enterprise) -> list[User]:
    return list(enterprise.users.filter(is_active=True))


@transaction.atomic
def sign_up(roadshow: Roadshow, *, enterprise: Enterprise, pitch: str, actor: User,
            amount: Decimal | int | None = None, today: dt.date | None = None) -> Signup:
    """``enterprise`` asks to present at ``roadshow``; staff are told. ``today``: the day it signs up
    (the present by default; the demo seeds past roadshows)."""
    roadshow = locked(roadshow)
    refusal = signup_refusal(roadshow, today)
    if refusal:
        raise DomainError(refusal, code="signup_closed")
    if enterprise.board_id != roadshow.board_id or enterprise.status not in signup_statuses(roadshow.board):
        raise DomainError(
            "只有本专板的在册企业可以报名路演。", code="not_admitted", details={"field": "enterprise"}
        )
    pitch = (pitch or "").strip()
    if not pitch:
        raise DomainError("请填写路演项目简介。", code="pitch_required", details={"field": "pitch"})
    if amount is not None and amount <= 0:
        raise DomainError(
            "拟融资金额须大于 0 元；没有明确金额可不填。", code="invalid_amount", details={"field": "amount"}
        )
    try:
        with transaction.atomic():
            signup = Signup.objects.create(
                board=roadshow.board,
                roadshow=roadshow,
                enterprise=enterprise,
                pitch=pitch,
                amount=amount,
                submitted_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            f"{enterprise.name}已报名该路演。", code="already_signed_up", details={"field": "enterprise"}
        ) from None
    evidence.record(
        roadshow.board,
        SUBMITTED,
        actor=actor,
        subject=signup,
        payload={"roadshow": roadshow.pk, "enterprise": enterprise.pk, "pitch": pitch, "amount": amount},
    )
    notify_staff(
        roadshow.board,
        signup,
        "roadshows.signup",
        f"路演报名：{enterprise.name}",
        f"报名「{roadshow.title}」，请审核。",
    )
    return signup


@transaction.atomic
def accept_signup(signup: Signup, *, actor: User) -> Signup:
    signup = locked(signup, "roadshow", "enterprise")
    if signup.roadshow.state != RoadshowState.OPEN:
        raise DomainError(
            f"该路演{signup.roadshow.get_state_display()}，不能再审核报名。", code="roadshow_closed"
        )
    fire(signup, "accept", actor, timezone.now())
    signup.save()
    evidence.record(
        signup.board,
        ACCEPTED,
        actor=actor,
        subject=signup,
        payload={"roadshow": signup.roadshow_id, "enterprise": signup.enterprise_id},
    )
    notify(
        signup.board,
        _enterprise_users(signup.enterprise),
        "roadshows.signup",
        f"路演报名已接受：{signup.roadshow.title}",
        f"请按时参加（{timezone.localtime(signup.roadshow.starts_at):%Y-%m-%d %H:%M}，"
        f"{signup.roadshow.location}）。",
        reverse("roadshows-enterprise", args=[signup.board.slug]),
    )
    return signup


@transaction.atomic
def decline_signup(signup: Signup, *, actor: User, reason: str) -> Signup:
    signup = locked(signup, "roadshow", "enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明不予接受的原因。", code="reason_required", details={"field": "reason"})
    fire(signup, "decline", reason, actor, timezone.now())
    signup.save()
    evidence.record(
        signup.board,
        DECLINED,
        actor=actor,
        subject=signup,
        payload={"roadshow": signup.roadshow_id, "enterprise": signup.enterprise_id, "reason": reason},
    )
    notify(
        signup.board,
        _enterprise_users(signup.enterprise),
        "roadshows.signup",
        f"路演报名未被接受：{signup.roadshow.title}",
        f"原因：{reason}",
        reverse("roadshows-enterprise", args=[signup.board.slug]),
    )
    return signup


# --- Investors ----------------------------------------------------------------------------------------


def invitable(board: Board) -> QuerySet[Institution]:
    """Institutions of the board that a roadshow may invite (``roadshows.investor_kinds``)."""
    return (
        institutions_on(board).filter(kind__in=board.setting("roadshows.investor_kinds", [])).order_by("name")
    )


def suggestions(roadshow: Roadshow) -> dict[int, tuple[Institution, list[str]]]:
    """{institution pk: (institution, reasons)}: the alliance's investors whose stated interests fit
    the roadshow's accepted (or, before any is accepted, signed-up) enterprises."""
    signups = [s for s in roadshow.signups.all() if s.state != SignupState.DECLINED]
    accepted = [s.enterprise for s in signups if s.state == SignupState.ACCEPTED]
    enterprises = accepted or [s.enterprise for s in signups]
    found = provider(InvestorDirectory).interested_investors(roadshow.board, enterprises)
    return {fit.institution.pk: (fit.institution, list(fit.reasons)) for fit in found}


@transaction.atomic
def invite(roadshow: Roadshow, *, institutions: Collection[Institution], actor: User) -> Roadshow:
    """Invite ``institutions`` (not yet invited) to ``roadshow``, each told with the reasons."""
    roadshow = locked(roadshow)
    if roadshow.state not in (RoadshowState.OPEN, RoadshowState.CLOSED):
        raise DomainError(f"该路演{roadshow.get_state_display()}，不能再邀请机构。", code="roadshow_closed")
    allowed = set(invitable(roadshow.board).values_list("pk", flat=True))
    suggested = suggestions(roadshow)
    foreign = [i.name for i in institutions if i.pk not in allowed and i.pk not in suggested]
    if foreign:
        raise DomainError(
            f"{'、'.join(foreign)}不是本专板可邀请的投资机构。",
            code="foreign_institution",
            details={"field": "institutions"},
        )
    done = set(roadshow.invitations.values_list("institution_id", flat=True))
    created: list[Invitation] = []
    for institution in institutions:
        if institution.pk in done:
            continue
        reasons = suggested.get(institution.pk, (None, [STAFF_INVITED]))[1]
        invitation = Invitation.objects.create(
            board=roadshow.board,
            roadshow=roadshow,
            institution=institution,
            reasons=reasons,
            invited_by=actor,
        )
        evidence.record(
            roadshow.board,
            INVITED,
            actor=actor,
            subject=invitation,
            payload={"roadshow": roadshow.pk, "institution": institution.pk, "reasons": reasons},
        )
        users = [
            m.user
            for m in roadshow.board.memberships.filter(
                institution=institution, role=Role.INSTITUTION_USER, is_active=True
            ).select_related("user")
        ]
        notify(
            roadshow.board,
            users,
            "roadshows.invitation",
            f"路演邀请：{roadshow.title}",
            f"{roadshow.get_venue_display()}，{timezone.localtime(roadshow.starts_at):%Y-%m-%d %H:%M}，"
            f"{roadshow.location}。请确认是否出席。",
            reverse("roadshows-invitations", args=[roadshow.board.slug]),
        )
        created.append(invitation)
    if not created:
        raise DomainError("所选机构均已邀请。", code="nothing_to_invite", details={"field": "institutions"})
    return roadshow


def answer_refusal(invitation: Invitation) -> str | None:
    if invitation.roadshow.state not in (RoadshowState.OPEN, RoadshowState.CLOSED):
        return f"该路演{invitation.roadshow.get_state_display()}，不能再回复邀请。"
    return None


@transaction.atomic
def answer_invitation(invitation: Invitation, *, actor: User, action: str, note: str = "") -> Invitation:
    """``action`` ``confirm`` (确认出席) or ``decline`` (谢绝, with a reason); staff are told."""
    invitation = locked(invitation, "roadshow", "institution")
    refusal = answer_refusal(invitation)
    if refusal:
        raise DomainError(refusal, code="roadshow_closed")
    note = (note or "").strip()
    if action == "decline" and not note:
        raise DomainError("请写明谢绝的原因。", code="note_required", details={"field": "note"})
    fire(invitation, action, note, actor, timezone.now())
    invitation.save()
    evidence.record(
        invitation.board,
        CONFIRMED if action == "confirm" else REFUSED,
        actor=actor,
        subject=invitation,
        payload={"roadshow": invitation.roadshow_id, "note": note},
    )
    notify_staff(
        invitation.board,
        invitation.roadshow,
        "roadshows.invitation",
        f"{invitation.institution.name}{invitation.get_state_display()}：{invitation.roadshow.title}",
        note,
    )
    return invitation


# --- Outcomes -----------------------------------------------------------------------------------------


@transaction.atomic
def record_outcome(roadshow: Roadshow, *, signup: Signup, invitation: Invitation, note: str,
                   actor: User) -> Outcome:
    """The investor of ``invitation`` showed interest in the enterprise of ``signup``: recorded, and
    a matchmaking opened by the alliance (or the reason none was)."""
    roadshow = locked(roadshow)
    if roadshow.state != RoadshowState.HELD:
        raise DomainError("路演举办后方可登记对接意向。", code="not_held")
    # As recorded now (the caller's rows may predate the attendance).
    presented = roadshow.signups.filter(pk=signup.pk, attended=True).select_related("enterprise").first()
    if presented is None:
        raise DomainError("请选择出席本次路演的企业。", code="foreign_signup", details={"field": "signup"})
    attended = (
        roadshow.invitations.filter(pk=invitation.pk, attended=True).select_related("institution").first()
    )
    if attended is None:
        raise DomainError(
            "请选择出席本次路演的投资机构。", code="foreign_invitation", details={"field": "invitation"}
        )
    signup, invitation = presented, attended
    note = (note or "").strip()
    if not note:
        raise DomainError("请填写意向说明。", code="note_required", details={"field": "note"})
    if Outcome.objects.filter(signup=signup, invitation=invitation).exists():
        raise Conflict(
            f"已登记{invitation.institution.name}对{signup.enterprise.name}的意向。",
            code="already_recorded",
            details={"field": "invitation"},
        )
    outcome = Outcome.objects.create(
        board=roadshow.board,
        roadshow=roadshow,
        signup=signup,
        invitation=invitation,
        note=note,
        recorded_by=actor,
    )
    opened = provider(InvestorDirectory).open_matchmaking(
        roadshow.board,
        institution=invitation.institution,
        enterprise=signup.enterprise,
        actor=actor,
        source=f"roadshows.outcome:{outcome.pk}",
        note=f"路演「{roadshow.title}」：{note}",
    )
    outcome.matchmaking_id, outcome.matchmaking_text = opened.pk, opened.text
    outcome.save(update_fields=["matchmaking_id", "matchmaking_text"])
    evidence.record(
        roadshow.board,
        OUTCOME,
        actor=actor,
        subject=outcome,
        payload={
            "roadshow": roadshow.pk,
            "enterprise": signup.enterprise_id,
            "institution": invitation.institution_id,
            "note": note,
            "matchmaking": opened.pk,
        },
    )
    return outcome
