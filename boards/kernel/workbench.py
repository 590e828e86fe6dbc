"""The workbench (工作台) and the top bar: where a person lands and how they find their pages.

Apps register the entry points of their pages in ``AppConfig.ready`` (``register_entry``): the
roles that use the page (none: a public page of the board) and the module it belongs to; an
entry shows only on boards that enabled its module, so the kernel names no app.
Open tasks are the board's open or paused deadlines the person must act on: assigned to them,
or to one of their roles when no person was named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from boards.kernel import calendar
from boards.kernel.access import INSTITUTION_ROLES, STAFF_ROLES, active_memberships
from boards.kernel.config import module_enabled
from boards.kernel.models import Board, Deadline, DeadlineState, Notification, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

TASK_LIMIT = 50
NOTIFICATION_LIMIT = 10


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    roles: frozenset[str]
    module: str | None
    with_board: bool
    when: Callable[[Any, Board], bool] | None

    def url(self, board: Board) -> str:
        return reverse(self.url_name, kwargs={"board": board.slug} if self.with_board else None)


_ENTRIES: list[Entry] = []


def register_entry(label: str, url_name: str, *, roles: Iterable[str] = (), module: str | None = None,
                   with_board: bool = True, when: Callable[[Any, Board], bool] | None = None) -> None:
    """An entry point: a page of ``roles`` (any of them) or, with no roles, a public page.
    ``when(user, board)``: the page also needs more than the role (e.g. a standing membership)."""
    _ENTRIES.append(Entry(label, url_name, frozenset(roles), module, with_board, when))


register_entry("报备文件", "filing-list", roles=[*STAFF_ROLES, Role.REGULATOR])


def _represents_an_institution(user: User, board: Board) -> bool:
    return any(m.board_id == board.pk and m.role in INSTITUTION_ROLES and m.institution_id
               for m in active_memberships(user))


register_entry("API 密钥", "api-keys", roles=INSTITUTION_ROLES, when=_represents_an_institution)


def _shown(entry: Entry, board: Board | None) -> bool:
    return entry.module is None or module_enabled(board, entry.module)


def entries_for(user: User, board: Board, roles: Iterable[str]) -> list[tuple[str, str]]:
    """(label, url) of the pages ``user``, holding ``roles``, uses on ``board``, once each."""
    seen: set[str] = set()
    result: list[tuple[str, str]] = []
    for entry in _ENTRIES:
        if not (entry.roles & set(roles) and _shown(entry, board)) or entry.url_name in seen:
            continue
        if entry.when is None or entry.when(user, board):
            seen.add(entry.url_name)
            result.append((entry.label, entry.url(board)))
    return result


def public_entries(board: Board) -> list[tuple[str, str]]:
    return [(e.label, e.url(board)) for e in _ENTRIES if not e.roles and _shown(e, board)]


def memberships(user: User | AnonymousUser) -> dict[Board, list[str]]:
    """{board: roles} of the user's active memberships on active boards."""
    if not user.is_authenticated:
        return {}
    result: dict[Board, list[str]] = {}
    for membership in active_memberships(user):
        if membership.board.is_active:
            result.setdefault(membership.board, []).append(membership.role)
    return result


def role_labels(roles: Iterable[str]) -> str:
    return "、".join(str(Role(r).label) for r in roles)


def _task_filter(user: User, roles: Iterable[str]) -> Q:
    condition = Q(assignee=user) | Q(assignee__isnull=True, assignee_role__in=list(roles))
    if set(roles) & set(STAFF_ROLES):
        condition |= Q(assignee__isnull=True, assignee_role="")  # unassigned clocks are the exchange's
    return condition


def open_tasks(user: User, board: Board, roles: Iterable[str], now: dt.datetime | None = None
               ) -> list[Deadline]:
    """Open or paused deadlines the person acts on, soonest first, each with ``workdays_left``
    (working days from today to the due day; negative: working days overdue) and ``overdue``."""
    now = now or timezone.now()
    today = calendar.local_date(now)
    tasks = list(Deadline.objects.filter(board=board, state__in=[DeadlineState.OPEN, DeadlineState.PAUSED])
                 .filter(_task_filter(user, roles)).order_by("due_at", "pk")[:TASK_LIMIT])
    for task in tasks:
        due_day = calendar.local_date(task.due_at)
        task.overdue = task.state == DeadlineState.OPEN and task.due_at < now
        task.workdays_left = (-calendar.workdays_between(due_day, today) if due_day < today
                              else calendar.workdays_between(today, due_day))
        task.paused = task.state == DeadlineState.PAUSED
    return tasks


def recent_notifications(user: User, board: Board) -> list[Notification]:
    return list(Notification.objects.filter(board=board, user=user)
                .order_by("-created_at", "-pk")[:NOTIFICATION_LIMIT])


def workbench_url(board: Board) -> str:
    return reverse("workbench", kwargs={"board": board.slug})

