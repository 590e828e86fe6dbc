"""Invitations: how an account of another board comes to hold a role on this one.

Invariants: a board's staff grant roles directly only to accounts that take part in their board
(boards/kernel/participation.py); anyone else is invited by username and the account's owner
accepts or declines. Inviting never reveals whether the username exists. Every step is recorded
as evidence on the inviting board; acceptance creates (or reactivates) exactly one membership.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.actions import KernelAction
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.models import Board, BoardInvitation, BoardMembership, InvitationState, Role
from boards.kernel.scoping import board_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Roles that act for an institution: the invitee brings the institution they act for elsewhere.
INSTITUTION_BOUND = (Role.INSTITUTION_USER, Role.CREDIT_ENHANCER)


def invite(board: Board, *, username: str, role: str, actor: User, prefecture: str = "",
           note: str = "") -> BoardInvitation:
    """Offer ``role`` on ``board`` to the account named ``username``."""
    if role == Role.PLATFORM_ADMIN:
        raise DomainError("平台管理员角色不能通过邀请授予。", code="role")
    with transaction.atomic(), board_scope(board):
        invitation = BoardInvitation.objects.create(
            board=board, username=username.strip(), role=role, prefecture=prefecture, note=note,
            invited_by=actor)
        evidence.record(board, KernelAction.INVITATION_SENT, actor=actor, subject=invitation,
                        payload={"username": invitation.username, "role": role})
    return invitation


def pending_for(user: User) -> QuerySet[BoardInvitation]:
    return BoardInvitation.objects.filter(username=user.get_username(), state=InvitationState.PENDING) \
        .select_related("board", "invited_by")


def _locked(user: User, invitation_id: int) -> BoardInvitation:
    invitation = pending_for(user).select_for_update(of=("self",)).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("没有这份待答复的邀请。")
    return invitation


def accept(invitation_id: int, *, user: User) -> BoardInvitation:
    """The invitee accepts: the role is granted on the inviting board."""
    with transaction.atomic():
        invitation = _locked(user, invitation_id)
        institution = None
        if invitation.role in INSTITUTION_BOUND:
            held = BoardMembership.objects.filter(user=user, is_active=True, role__in=INSTITUTION_BOUND) \
                .exclude(institution=None).select_related("institution").first()
            if held is None:
                raise Conflict("该角色须代表一家机构，您的账户尚未在任何专板代表机构，请联系平台管理员。")
            institution = held.institution
        membership, _ = BoardMembership.objects.update_or_create(
            user=user, board=invitation.board, role=invitation.role,
            defaults={"is_active": True, "institution": institution, "prefecture": invitation.prefecture})
        invitation.state, invitation.decided_at = InvitationState.ACCEPTED, timezone.now()
        invitation.save(update_fields=["state", "decided_at"])
        with board_scope(invitation.board):
            evidence.record(invitation.board, KernelAction.INVITATION_ACCEPTED, actor=user,
                            subject=invitation,
                            payload={"membership": membership.pk, "role": invitation.role,
                                     "institution": institution.code if institution else None})
    return invitation


def decline(invitation_id: int, *, user: User) -> BoardInvitation:
    with transaction.atomic():
        invitation = _locked(user, invitation_id)
        invitation.state, invitation.decided_at = InvitationState.DECLINED, timezone.now()
        invitation.save(update_fields=["state", "decided_at"])
        with board_scope(invitation.board):
            evidence.record(invitation.board, KernelAction.INVITATION_DECLINED, actor=user,
                            subject=invitation)
    return invitation
