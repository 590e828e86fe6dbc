"""Board roles for API views, and the base of every board-scoped API view.

A caller without the role on ``request.board`` gets the same 404 as for a missing object.
"""

from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from boards.kernel.access import INSTITUTION_ROLES, membership_institution, user_roles
from boards.kernel.api.idempotency import IdempotentPostMixin
from boards.kernel.models import ApiKey, Institution, TenantModel

NOT_FOUND = "未找到该对象。"


def caller_roles(request: Request) -> AbstractSet[str]:
    """The caller's roles on ``request.board``. An API key acts for its institution only:
    of its user's roles, only the institution roles count (read with the key itself,
    boards.kernel.api.authentication)."""
    if isinstance(request.auth, ApiKey) and hasattr(request.auth, "roles"):
        return set(request.auth.roles)
    roles = user_roles(request.user, getattr(request, "board", None))
    if isinstance(request.auth, ApiKey):
        roles = roles & set(INSTITUTION_ROLES)
    return roles


def caller_institution(request: Request, *roles: str) -> Institution | None:
    """The institution the caller acts for on ``request.board``: an API key's own, else the
    institution of the user's membership in one of ``roles`` (None when none). Resolved once per
    request and kept on it, however many views, permissions and serializers ask."""
    resolved: dict[tuple[str, ...], Institution | None] = request.__dict__.setdefault(
        "_zb_caller_institution", {})
    if roles not in resolved:
        if isinstance(request.auth, ApiKey):
            resolved[roles] = request.auth.institution
        else:
            resolved[roles] = membership_institution(request.user, getattr(request, "board", None), *roles)
    return resolved[roles]


def board_role_permission(*roles: str) -> type[BasePermission]:
    """A permission class: the caller holds one of ``roles`` on request.board (any role when
    none is given). Unauthenticated: 401; authenticated without the role: 404."""
    wanted = frozenset(roles)

    class BoardRolePermission(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            if not (request.user and request.user.is_authenticated):
                return False
            held = caller_roles(request)
            if wanted:
                held &= wanted
            if not held:
                raise NotFound(NOT_FOUND)
            return True

    return BoardRolePermission


if TYPE_CHECKING:  # view mixins are only ever mixed into DRF's generic views
    ViewMixinBase = GenericAPIView
else:
    ViewMixinBase = object


class BoardScopedViewMixin(IdempotentPostMixin, ViewMixinBase):
    """Base of API views over a tenant model (set ``model``): the queryset holds
    ``request.board``'s rows only, so ``get_object`` answers 404 for another board's id.
    Narrow it to what the caller may see in ``filter_for_caller``. Its POST, if it has one,
    honours ``Idempotency-Key`` (boards.kernel.api.idempotency)."""

    model: type[TenantModel]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no board, no caller
            return self.model.objects.none()
        board = getattr(self.request, "board", None)
        if board is None:
            raise NotFound(NOT_FOUND)
        return self.filter_for_caller(self.model.objects.filter(board=board))

    def filter_for_caller(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset
