"""Opens the tenant scope for every request.

- ``/<board>/...`` pages and ``/api/v1/<board>/...``: the board named in the URL
  (the URL pattern's ``board`` kwarg); an unknown slug is a 404.
- ``/admin/``: the board chosen with the admin's board switcher, among the boards where the
  user is staff.
- anything else runs without a scope: tenant queries there raise.

A URL of a module the board has not enabled answers 404 (boards.kernel.modules).

A request with a board runs in one transaction (committed when the response is ready, rolled back
on a 5xx answer): the RLS setting is local to it (boards.kernel.scoping), so it ends with the
transaction, also behind PgBouncer in transaction mode, and the board lookup sets it in the same
statement. Inner ``transaction.atomic`` blocks become savepoints; ``on_commit`` work runs after
the request's commit, outside the scope (each callback opens the scope it needs).
"""

from collections.abc import Callable

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from boards.kernel.access import staff_boards
from boards.kernel.models import Board
from boards.kernel.modules import module_closed
from boards.kernel.scoping import board_scope, rls_annotation

ADMIN_BOARD_SESSION_KEY = "admin_board_id"


def admin_board(request: HttpRequest) -> Board | None:
    """The admin's current board for this user, or None if they have no board."""
    boards = staff_boards(request.user)
    chosen = request.session.get(ADMIN_BOARD_SESSION_KEY)
    board = boards.filter(pk=chosen).first() if chosen else None
    return board or boards.first()


class BoardScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.board = None  # type: ignore[attr-defined]  # the attribute this middleware adds
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get("board")
        if not slug and not (match.namespace == "admin" or request.path_info.startswith("/admin/")):
            return self.get_response(request)
        outermost = not transaction.get_connection().in_atomic_block
        # savepoint=False: no SAVEPOINT round trips when already inside a transaction (tests). An
        # exception leaving such a block dooms the enclosing transaction, so the 404s are raised after it.
        with transaction.atomic(savepoint=False):
            try:
                board, rls_set = self._board_for(request, slug)
                if board is not None and module_closed(board, match):
                    raise Http404("本专板未开通该功能。")
            except Http404 as exc:
                refused = exc
            else:
                if board is None:
                    return self.get_response(request)
                request.board = board  # type: ignore[attr-defined]  # as above
                with board_scope(board, rls_set=rls_set):
                    response = self.get_response(request)
                if outermost and response.status_code >= 500:
                    transaction.set_rollback(True)
                return response
        raise refused

    def _board_for(self, request: HttpRequest, slug: str | None) -> tuple[Board | None, bool]:
        """(board, whether the RLS setting is already set to it in this transaction)."""
        if slug:
            boards = Board.objects.filter(slug=slug, is_active=True)
            annotation = rls_annotation()
            if annotation is not None:
                boards = boards.annotate(zb_rls=annotation)
            board = boards.first()
            if board is None:
                raise Http404("没有这个专板。")
            return board, annotation is not None
        if request.user.is_authenticated:
            return admin_board(request), False
        return None, False
