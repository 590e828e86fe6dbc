"""Membership of the federations: application, admission check, status changes, and the exit
procedure opened by an expert's quality challenge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from alliance import rules, selectors
from alliance.actions import AllianceAction
from alliance.models import (
    LIVE_MEMBERSHIP,
    STANDING_MEMBERSHIP,
    Body,
    ExitCase,
    ExitState,
    Membership,
    MembershipState,
)
from alliance.writing import close_clock, notify_institution, required
from boards.kernel import evidence
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, DayBasis, Institution, Role
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.workflow import fire

# --- Membership ----------------------------------------------------------------------------------

CONTACT_FIELDS = ("executive_lead", "executive_title", "liaison_name", "liaison_phone", "liaison_email",
                  "declared_preference")


@transaction.atomic
def apply_for_membership(board: Board, *, institution: Institution, body: str, actor: User,
                         **contacts: str) -> Membership:
    """An institution applies to ``body``; it names an executive lead and a liaison."""
    if board.setting(f"alliance.bodies.{body}") is None:
        raise DomainError(f"本专板未设立「{Body(body).label if body in Body.values else body}」。",
                          code="unknown_body", details={"bodies": list(board.setting("alliance.bodies"))})
    unknown = set(contacts) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown membership fields {sorted(unknown)}")
    required(contacts.get("executive_lead"), "请填写高管负责人。", "executive_lead_required")
    required(contacts.get("liaison_name"), "请填写联络人。", "liaison_required")
    required(contacts.get("liaison_phone"), "请填写联络人电话。", "liaison_required")
    if Membership.objects.filter(board=board, institution=institution, body=body,
                                 state__in=LIVE_MEMBERSHIP).exists():
        raise Conflict(f"「{institution}」已是或正在申请加入{Body(body).label}。", code="already_member")
    membership = Membership.objects.create(board=board, institution=institution, body=body, **contacts)
    evidence.record(board, AllianceAction.MEMBERSHIP_APPLIED, actor=actor, subject=membership,
                    payload={"institution": institution.pk, "body": body, **contacts})
    notify_staff(board, membership, "alliance.membership.applied",
                 f"{institution} 申请加入{Body(body).label}")
    return membership


@transaction.atomic
def check_membership(membership: Membership, *, actor: User, on: dt.date | None = None) -> Membership:
    """Evaluate the board's admission rules against the data on file and keep the result."""
    membership = locked(membership, "institution")
    fire(membership, "verify")
    membership.check_result = rules.admission_rows(membership, on or timezone.localdate())
    membership.checked_at = timezone.now()
    membership.save()
    evidence.record(membership.board, AllianceAction.MEMBERSHIP_CHECKED, actor=actor, subject=membership,
                    payload={"rows": membership.check_result})
    return membership


@transaction.atomic
def admit_membership(membership: Membership, *, actor: User, on: dt.date | None = None) -> Membership:
    """Admit after re-checking the rules on the data as it is now; unmet rules are a 409 naming them."""
    membership = locked(membership, "institution")
    if membership.state == MembershipState.CHECKED:
        membership.check_result = rules.admission_rows(membership, on or timezone.localdate())
        unmet = [row["reason"] for row in membership.check_result if not row["met"]]
        if unmet:
            membership.save()
            raise Conflict("不满足准入条件，不能准予入会：" + "；".join(unmet) + "。",
                           code="admission_rules_unmet", details={"rows": membership.check_result})
    fire(membership, "admit")
    membership.admitted_on = timezone.localdate()
    membership.save()
    evidence.record(membership.board, AllianceAction.MEMBERSHIP_ADMITTED, actor=actor, subject=membership,
                    payload={"rows": membership.check_result})
    notify_institution(membership.board, membership.institution, "alliance.membership.admitted",
                       f"已准予加入{membership.get_body_display()}")
    return membership


# transition -> (evidence action, also the notification's verb; ends the membership; needs a reason)
MEMBERSHIP_STEPS = {
    "refuse": (AllianceAction.MEMBERSHIP_REFUSED, True, True),
    "suspend": (AllianceAction.MEMBERSHIP_SUSPENDED, False, True),
    "reinstate": (AllianceAction.MEMBERSHIP_REINSTATED, False, False),
    "revoke": (AllianceAction.MEMBERSHIP_REVOKED, True, True),
    "withdraw": (AllianceAction.MEMBERSHIP_WITHDRAWN, True, True),
}


@transaction.atomic
def change_membership(membership: Membership, step: str, *, actor: User, reason: str = "") -> Membership:
    """Refuse (with reasons), suspend, reinstate, revoke or withdraw a membership."""
    action, ends, needs_reason = MEMBERSHIP_STEPS[step]
    membership = locked(membership, "institution")
    if step == "refuse" and not reason.strip():
        reason = "；".join(row["reason"] for row in membership.check_result if not row["met"])
    if needs_reason:
        reason = required(reason, "请说明理由。", "reason_required")
    fire(membership, step)
    if reason:
        membership.reason = reason
    if ends:
        membership.ended_at = timezone.now()
    membership.save()
    evidence.record(membership.board, action, actor=actor, subject=membership,
                    payload={"reason": reason})
    notify_institution(membership.board, membership.institution, action.value,
                       f"{membership.get_body_display()}成员资格：{membership.get_state_display()}", reason)
    return membership


# --- Exit on poor quality ----------------------------------------------------------------------


def on_quality_challenge(sender: object, *, board_id: int, institution_id: int, source: str, grounds: str,
                         **kwargs: Any) -> None:
    """Receiver of the kernel's ``quality_challenge_raised``: open the exit procedure."""
    from boards.kernel.models import Board, Institution
    from boards.kernel.scoping import board_scope

    with board_scope(board_id):
        board, institution = Board.objects.get(pk=board_id), Institution.objects.get(pk=institution_id)
        open_exit_cases(board, institution=institution, source=source, grounds=grounds)


@transaction.atomic
def open_exit_cases(board: Board, *, institution: Institution, source: str, grounds: str,
                    actor: User | None = None) -> list[ExitCase]:
    """One exit case per standing membership of ``institution`` in the board's exit bodies;
    repeated calls with the same ``source`` open nothing new."""
    memberships = Membership.objects.select_for_update().filter(
        board=board, institution=institution, state__in=STANDING_MEMBERSHIP,
        body__in=board.setting("alliance.exit_bodies"))
    opened = []
    for membership in memberships:
        case, created = ExitCase.objects.get_or_create(board=board, membership=membership, source=source,
                                                       defaults={"grounds": grounds})
        if created:
            evidence.record(board, AllianceAction.EXIT_CASE_OPENED, actor=actor, subject=case,
                            payload={"membership": membership.pk, "source": source, "grounds": grounds})
            notify_staff(board, case, "alliance.exit_case.opened",
                         f"{institution} 的文件质量被专家质疑，已启动退出程序")
            opened.append(case)
    if not memberships:
        evidence.record(board, AllianceAction.EXIT_CASE_NOT_MEMBER, actor=actor,
                        payload={"institution": institution.pk, "source": source})
    return opened


@transaction.atomic
def notify_exit_case(case: ExitCase, *, notice: str, actor: User) -> ExitCase:
    """Send the notice; the institution has ``exit_answer_workdays`` working days to answer."""
    case = locked(case, "membership__institution")
    notice = required(notice, "请填写通知内容。", "notice_required")
    fire(case, "notify")
    board, institution = case.board, case.membership.institution
    users = selectors.institution_users(board, institution)
    case.notice, case.notified_at = notice, timezone.now()
    case.answer_deadline = open_deadline(board, case, "alliance.exit_answer",
                                         f"答复退出程序通知：{institution}",
                                         board.setting("alliance.exit_answer_workdays"), DayBasis.WORKING,
                                         assignee=users[0] if users else None,
                                         assignee_role="" if users else Role.EXCHANGE_STAFF)
    case.save()
    evidence.record(board, AllianceAction.EXIT_CASE_NOTIFIED, actor=actor, subject=case,
                    payload={"notice": notice, "answer_due": case.answer_deadline.due_at})
    notify(board, users, "alliance.exit_case.notified", f"退出程序通知：{case.membership.get_body_display()}",
           notice)
    return case


@transaction.atomic
def answer_exit_case(case: ExitCase, *, answer: str, actor: User) -> ExitCase:
    case = locked(case, "membership__institution", "answer_deadline")
    answer = required(answer, "请填写答复内容。", "answer_required")
    fire(case, "reply")
    case.answer, case.answered_at, case.answered_by = answer, timezone.now(), actor
    case.save()
    close_clock(case.answer_deadline, met=True)
    evidence.record(case.board, AllianceAction.EXIT_CASE_ANSWERED, actor=actor, subject=case,
                    payload={"answer": answer})
    notify_staff(case.board, case, "alliance.exit_case.answered",
                 f"{case.membership.institution} 已答复退出程序通知")
    return case


@transaction.atomic
def decide_exit_case(case: ExitCase, *, revoke: bool, reason: str, actor: User) -> ExitCase:
    """Revoke the membership or dismiss the case. Revoking an unanswered case waits for the
    end of the answer period."""
    case = locked(case, "membership__institution", "answer_deadline")
    reason = required(reason, "请说明决定理由。", "reason_required")
    if (revoke and case.state == ExitState.NOTIFIED and case.answer_deadline is not None
            and case.answer_deadline.due_at > timezone.now()):
        due = timezone.localtime(case.answer_deadline.due_at, SHANGHAI)
        raise Conflict(f"机构尚未答复，答复期限 {due:%Y-%m-%d %H:%M} 届满前不能作出除名决定。",
                       code="answer_period_running", details={"answer_due": due.isoformat()})
    fire(case, "revoke" if revoke else "dismiss")
    case.decision_reason, case.decided_at, case.decided_by = reason, timezone.now(), actor
    case.save()
    close_clock(case.answer_deadline, met=False)
    action = AllianceAction.EXIT_CASE_REVOKED if revoke else AllianceAction.EXIT_CASE_DISMISSED
    evidence.record(case.board, action, actor=actor, subject=case, payload={"reason": reason})
    if revoke:
        change_membership(case.membership, "revoke", actor=actor, reason=f"退出程序决定：{reason}")
    else:
        notify_institution(case.board, case.membership.institution, "alliance.exit_case.dismissed",
                           "退出程序：不予除名", reason)
    return case


def _require_admitted(board: Board, institution: Institution) -> None:
    if not selectors.is_member(board, institution, states=[MembershipState.ADMITTED]):
        raise Conflict(f"「{institution}」不是本专板在册（未暂停）的联盟成员，不能发布产品。",
                       code="not_admitted")
