from typing import Any

from django.http import HttpRequest

from boards.kernel import workbench


def current_board(request: HttpRequest) -> dict[str, Any]:
    return {"board": getattr(request, "board", None)}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The top bar: the person's boards (switcher), and the pages of their roles on this board."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path_info.startswith("/admin/"):
        return {}
    boards = workbench.memberships(user)
    board = getattr(request, "board", None)
    roles = boards.get(board, []) if board is not None else []
    return {
        "nav_boards": [(b, workbench.workbench_url(b)) for b in boards],
        "nav_entries": workbench.entries_for(user, board, roles) if board is not None and roles else [],
    }
