"""The workbench: where login lands. ``/workbench/`` goes to the workbench of the board last
used (or the first of the person's boards); ``/<board>/workbench/`` shows that board's tasks,
notifications and the entry points of the person's roles there."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render

from boards.kernel import workbench
from boards.kernel.access import STAFF_ROLES
from boards.kernel.models import Role
from boards.kernel.requests import AuthenticatedRequest, board_of

LAST_BOARD_SESSION_KEY = "workbench_board"


@login_required
def landing(request: AuthenticatedRequest) -> HttpResponseRedirect:
    boards = list(workbench.memberships(request.user))
    if not boards:
        # An account without a board role (e.g. a bare superuser) has only the admin, if anything.
        return redirect("admin:index" if request.user.is_staff else "home")
    last = request.session.get(LAST_BOARD_SESSION_KEY)
    board = next((b for b in boards if b.slug == last), boards[0])
    return redirect(workbench.workbench_url(board))


@login_required
def board_workbench(request: AuthenticatedRequest, board: str) -> HttpResponse:
    current = board_of(request)
    roles = workbench.memberships(request.user).get(current)
    if not roles:
        raise Http404("未找到该页面。")
    request.session[LAST_BOARD_SESSION_KEY] = current.slug
    context = {
        "roles": workbench.role_labels(roles),
        "tasks": workbench.open_tasks(request.user, current, roles),
        "notifications": workbench.recent_notifications(request.user, current),
        "entries": workbench.entries_for(request.user, current, roles),
        "admin_desk": bool(set(roles) & {*STAFF_ROLES, Role.LOCAL_BUREAU}) and request.user.is_staff,
    }
    return render(request, "boards/workbench.html", context)
