"""Types of the requests the kernel's middleware and views see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from boards.kernel.models import Board

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    class AuthenticatedRequest(HttpRequest):
        """The request of a ``login_required`` view: its user is an account."""

        user: User
else:
    AuthenticatedRequest = HttpRequest


def account_of(request: HttpRequest) -> User:
    """``request.user`` where only an account gets in (the admin, a ``login_required`` view)."""
    user = request.user
    if isinstance(user, AnonymousUser):  # never: the view's guard let only an account in
        raise PermissionDenied
    return user


def board_of(request: HttpRequest | Request) -> Board:
    """``request.board`` for a page or an API view under a board's URL (BoardScopeMiddleware set
    it, or answered 404): the typed way to read the attribute the middleware adds."""
    board: Board = request.board  # type: ignore[union-attr]  # added by BoardScopeMiddleware
    return board
