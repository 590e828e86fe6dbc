"""Opens the tenant scope for every request.

- ``/<board>/...`` pages and ``/api/v1/<board>/...``: the board named in the URL
  (the URL pattern's ``board`` kwarg); an unknown slug is a 404.
- ``/admin/``: the board chosen with the admin's board switcher, among the boards where the
  user is staff.
- anything else runs without a scope: tenant queries there raise.

A URL of a module the board has not enabled answers 404 (boards.kernel.modules).
"""

from django.http import Http404
from django.urls import Resolver404, resolve

from boards.kernel.access import staff_boards
from boards.kernel.models import Board
from boards.kernel.modules import module_closed
from boards.kernel.scoping import board_scope

ADMIN_BOARD_SESSION_KEY = "admin_board_id"


def admin_board(request):
    """The admin's current board for this user, or None if they have no board."""
    boards = staff_boards(request.user)
    chosen = request.session.get(ADMIN_BOARD_SESSION_KEY)
    board = boards.filter(pk=chosen).first() if chosen else None
    return board or boards.first()


class BoardScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.board = None
        board, match = self._board_for(request)
        if board is None:
            return self.get_response(request)
        if module_closed(board, match):
            raise Http404("本专板未开通该功能。")
        request.board = board
        with board_scope(board):
            return self.get_response(request)

    def _board_for(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None, None
        slug = match.kwargs.get("board")
        if slug:
            board = Board.objects.filter(slug=slug, is_active=True).first()
            if board is None:
                raise Http404("没有这个专板。")
            return board, match
        if match.namespace == "admin" or request.path_info.startswith("/admin/"):
            if request.user.is_authenticated:
                return admin_board(request), match
        return None, match
