"""Who may do what on which board. Every failure answers the same 404 as a missing object,
so a caller cannot tell another tenant's object from one that does not exist."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
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


class _Joined(Aggregate):
    """The group's texts joined by commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def with_roles(users: QuerySet[Any]) -> QuerySet[Any]:
    """``users`` with the roles each holds, read in the same query (``zb_held_roles``, "board:role"
    joined by commas): the session's user is loaded this way (boards.accounts.backends), so a
    request's role checks cost no query of their own."""
    held = (BoardMembership.objects.filter(user=OuterRef("pk"), is_active=True).order_by().values("user")
            .annotate(text=_Joined(Concat(Cast("board_id", CharField()), Value(":"), "role",
                                          output_field=TextField())))
            .values("text"))
    return users.annotate(zb_held_roles=Subquery(held, output_field=TextField()))


_UNLOADED = object()


def _held_roles(user: Any) -> set[tuple[int, str]] | None:
    """(board id, role) of every active membership, when ``user`` was loaded ``with_roles``."""
    # getattr, not __dict__: request.user is a lazy proxy of the loaded user.
    held = getattr(user, "_zb_held", None)
    if held is None:
        text: object = getattr(user, "zb_held_roles", _UNLOADED)
        if text is _UNLOADED:
            return None
        held = {(int(board), role) for board, _, role in
                (item.partition(":") for item in str(text or "").split(",") if item)}
        user._zb_held = held
    return held


def user_roles(user: Any, board: Board | None) -> frozenset[str]:
    """The set of active roles ``user`` holds on ``board``."""
    if user is None or not user.is_authenticated or board is None:
        return frozenset()
    held = _held_roles(user)
    if held is not None:
        return frozenset(role for board_id, role in held if board_id == board.pk)
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
