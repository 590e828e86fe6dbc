"""Who may do what on which board. Every failure answers the same 404 as a missing object,
so a caller cannot tell another tenant's object from one that does not exist."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from boards.kernel.models import Board, BoardMembership, Institution, Role

STAFF_ROLES = (Role.EXCHANGE_STAFF, Role.PLATFORM_ADMIN)
# The roles an institution acts in; an API key acts only in these.
INSTITUTION_ROLES = (Role.INSTITUTION_USER, Role.CREDIT_ENHANCER)


def active_memberships(user: Any) -> list[BoardMembership]:
    """Every active membership of ``user`` with its board, in one query kept on the user object
    (which lives for one request): role checks and the top bar share it."""
    if "_zb_memberships" not in user.__dict__:
        user.__dict__["_zb_memberships"] = list(
            BoardMembership.objects.filter(user=user, is_active=True).select_related("board", "institution")
            .order_by("board__slug", "role"))
    return user.__dict__["_zb_memberships"]


def user_roles(user: Any, board: Board | None) -> frozenset[str]:
    """The set of active roles ``user`` holds on ``board``."""
    if user is None or not user.is_authenticated or board is None:
        return frozenset()
    return frozenset(m.role for m in active_memberships(user) if m.board_id == board.pk)


def role_users(board: Board, *roles: str) -> list[Any]:
    """The active users holding one of ``roles`` on ``board`` (each once)."""
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role__in=roles,
        board_memberships__is_active=True).distinct())


def has_role(user: Any, board: Board | None, *roles: str) -> bool:
    return bool(user_roles(user, board) & set(roles))


def require_role(user: Any, board: Board | None, *roles: str) -> None:
    if not has_role(user, board, *roles):
        raise Http404("未找到该页面。")


def boards_for(user: Any, *roles: str) -> QuerySet[Board]:
    """Boards where ``user`` holds any of ``roles`` (any role when none given)."""
    if not user.is_authenticated:
        return Board.objects.none()
    memberships = BoardMembership.objects.filter(user=user, is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Board.objects.filter(is_active=True, pk__in=memberships.values("board_id")).distinct()


def staff_boards(user: Any) -> QuerySet[Board]:
    if user.is_authenticated and user.is_superuser:
        return Board.objects.filter(is_active=True)
    return boards_for(user, *STAFF_ROLES)


def membership_institution(user: Any, board: Board | None, *roles: str) -> Institution | None:
    membership = (
        BoardMembership.objects.filter(user=user, board=board, is_active=True, role__in=roles)
        .exclude(institution=None).select_related("institution").first()
    )
    return membership.institution if membership else None
