"""The generic deadline: every app opens, pauses, resumes, meets and cancels its clocks here.
Functions run in the caller's board scope.

Due time: see ``calendar.due_at`` (working basis ends 23:59:59 Asia/Shanghai of the n-th
working day; calendar basis is start + n days exactly).

Pauses are not counted. Calendar basis: ``due_at`` moves by exactly the paused duration.
Working basis: the clock gets back one working day for every working day in
(pause date, resume date], local dates; so a pause and resume on the same day moves nothing,
a pause on Friday resumed on Monday gives back one day. Those days add up in
``paused_workdays`` and the due date is always the (amount + paused_workdays)-th working day
after the start, which is how a provisional deadline is recomputed once its years are known.

Stages, each sent once, by ``advance_deadline`` when the sweep finds ``next_action_at`` due:
1 reminder at ``due_at - remind_before`` (no stage 1 without remind_before), 2 due notice at
``due_at``, 3 escalation to the board's exchange staff at ``due_at + escalate_after_hours``.
Stages go out in order, one per claim (the due notice and the escalation reach different
people, so neither is skipped); only a reminder overtaken by the due time is dropped.
``next_action_at`` is the earliest stage still to come, NULL when none or when not open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from boards.kernel import calendar
from boards.kernel.access import role_users
from boards.kernel.errors import DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, DayBasis, Deadline, DeadlineStage, DeadlineState, Role
from boards.kernel.notifications import notify
from boards.kernel.scoping import board_scope
from boards.kernel.workflow import fire

if TYPE_CHECKING:
    from django.contrib.auth.models import User

STAGE_MESSAGES: dict[int, tuple[str, str, str]] = {
    DeadlineStage.REMINDED: ("deadline.reminder", "即将到期：{title}", "请在 {due} 前办理。"),
    DeadlineStage.DUE: ("deadline.due", "已到期：{title}", "截止时间 {due} 已到，请尽快办理。"),
    DeadlineStage.ESCALATED: ("deadline.escalated", "逾期未办：{title}", "截止时间 {due} 已过，仍未办结。"),
}
PROVISIONAL_NOTE = "（暂定：该年度节假日安排尚未录入，仅按周末计算）"


def _escalate_after(board: Board) -> dt.timedelta:
    return dt.timedelta(hours=board.setting("deadlines.escalate_after_hours", 0))


def _stage_times(deadline: Deadline, escalate_after: dt.timedelta) -> dict[int, dt.datetime]:
    times: dict[int, dt.datetime] = {DeadlineStage.DUE: deadline.due_at,
                                     DeadlineStage.ESCALATED: deadline.due_at + escalate_after}
    if deadline.remind_before:
        times[DeadlineStage.REMINDED] = deadline.due_at - deadline.remind_before
    return times


def _next_action_at(deadline: Deadline, escalate_after: dt.timedelta, stage: int) -> dt.datetime | None:
    """When the first stage after ``stage`` is due; None when none is left or not open."""
    if deadline.state != DeadlineState.OPEN:
        return None
    return min((at for s, at in _stage_times(deadline, escalate_after).items() if s > stage), default=None)


def _default_remind_before(board: Board, due: dt.datetime) -> dt.timedelta | None:
    """From ``deadlines.reminder_before_workdays`` = n: remind at 00:00 of the day from which
    n working days remain, the due day included."""
    remaining = board.setting("deadlines.reminder_before_workdays", 1)
    if not remaining:
        return None
    day = calendar.local_date(due)
    while True:
        if calendar.is_workday(day):
            remaining -= 1
            if not remaining:
                return due - dt.datetime.combine(day, dt.time.min, tzinfo=calendar.SHANGHAI)
        day -= calendar.ONE_DAY


def _working_due(deadline: Deadline) -> tuple[dt.datetime, bool]:
    return calendar.due_at(deadline.starts_at, deadline.amount + deadline.paused_workdays, DayBasis.WORKING)


@transaction.atomic
def open_deadline(board: Board, subject: Model, kind: str, title: str, amount: int, basis: str,
                  starts_at: dt.datetime | None = None, assignee: User | None = None,
                  assignee_role: str = "", remind_before: dt.timedelta | None = None,
                  url: str = "") -> Deadline:
    """Start a clock of ``amount`` working or calendar days on ``subject``.

    With no assignee the members holding ``assignee_role`` are reminded, failing those the
    board's exchange staff.
    """
    if basis not in DayBasis.values:
        raise DomainError(f"期限计算方式必须是 {'、'.join(DayBasis.values)} 之一。", code="invalid_basis")
    if amount < 0:
        raise DomainError("期限天数不能为负数。", code="invalid_amount")
    starts_at = starts_at or timezone.now()
    due, provisional = calendar.due_at(starts_at, amount, basis)
    if remind_before is None:
        remind_before = _default_remind_before(board, due)
    deadline = Deadline(
        board=board, content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk),
        kind=kind, title=title, basis=basis, amount=amount, starts_at=starts_at, due_at=due,
        provisional=provisional, remind_before=remind_before or None, assignee=assignee,
        assignee_role=assignee_role, url=url,
    )
    deadline.next_action_at = _next_action_at(deadline, _escalate_after(board), deadline.stage)
    deadline.save()
    return deadline


@transaction.atomic
def pause_deadline(deadline: Deadline, at: dt.datetime | None = None) -> Deadline:
    deadline = locked(deadline)
    fire(deadline, "pause", at or timezone.now())
    deadline.save()
    return deadline


@transaction.atomic
def resume_deadline(deadline: Deadline, at: dt.datetime | None = None) -> Deadline:
    """Restart the clock; the pause moves ``due_at`` as the module docstring says."""
    deadline = locked(deadline)
    at = at or timezone.now()
    paused_at = deadline.paused_at
    if paused_at is not None and at < paused_at:
        raise DomainError("恢复计时的时间不能早于暂停时间。", code="invalid_resume_time")
    fire(deadline, "resume")
    assert paused_at is not None  # the transition left PAUSED, which always has its pause time
    paused = at - paused_at
    deadline.paused_seconds += round(paused.total_seconds())
    if deadline.basis == DayBasis.CALENDAR:
        deadline.due_at += paused
    else:
        deadline.paused_workdays += calendar.workdays_between(
            calendar.local_date(paused_at), calendar.local_date(at)
        )
        deadline.due_at, deadline.provisional = _working_due(deadline)
    deadline.next_action_at = _next_action_at(deadline, _escalate_after(deadline.board), deadline.stage)
    deadline.save()
    return deadline


@transaction.atomic
def meet_deadline(deadline: Deadline, at: dt.datetime | None = None) -> Deadline:
    deadline = locked(deadline)
    fire(deadline, "meet", at or timezone.now())
    deadline.save()
    return deadline


@transaction.atomic
def cancel_deadline(deadline: Deadline) -> Deadline:
    deadline = locked(deadline)
    fire(deadline, "cancel")
    deadline.save()
    return deadline


@transaction.atomic
def recompute_provisional(board: Board) -> int:
    """Recompute the board's open or paused provisional deadlines with the calendar as it is
    now (staff may have entered a year since). Returns how many changed."""
    escalate_after = _escalate_after(board)
    changed = 0
    pending = Deadline.objects.select_for_update().filter(
        board=board, provisional=True, state__in=[DeadlineState.OPEN, DeadlineState.PAUSED]
    )
    for deadline in pending:
        due, provisional = _working_due(deadline)
        if (due, provisional) == (deadline.due_at, deadline.provisional):
            continue
        deadline.due_at, deadline.provisional = due, provisional
        deadline.next_action_at = _next_action_at(deadline, escalate_after, deadline.stage)
        deadline.save(update_fields=["due_at", "provisional", "next_action_at"])
        changed += 1
    return changed


def pending_actions(board_id: int, now: dt.datetime, batch_size: int) -> Iterator[tuple[int, int]]:
    """Yield ``(deadline_id, stage)`` of the board's deadlines whose next action is due.

    Keyset batches over (next_action_at, id) on the partial index deadline_pending_idx, so
    the cost follows the number of due rows, not the table size. The scope is open only
    while a batch is read.
    """
    after = Q()
    while True:
        with board_scope(board_id):
            batch = list(
                Deadline.objects.filter(after, next_action_at__lte=now)
                .order_by("next_action_at", "pk")
                .values_list("next_action_at", "pk", "stage")[:batch_size]
            )
        for _, pk, stage in batch:
            yield pk, stage
        if len(batch) < batch_size:
            return
        last_at, last_pk = batch[-1][:2]
        after = Q(next_action_at__gt=last_at) | Q(next_action_at=last_at, pk__gt=last_pk)


def _recipients(deadline: Deadline, stage: int) -> Sequence[User]:
    staff = role_users(deadline.board, Role.EXCHANGE_STAFF)
    if stage == DeadlineStage.ESCALATED:
        return staff
    if deadline.assignee_id and deadline.assignee is not None:
        return [deadline.assignee]
    return (role_users(deadline.board, deadline.assignee_role) if deadline.assignee_role else []) or staff


@transaction.atomic
def advance_deadline(deadline_id: int, expected_stage: int, now: dt.datetime | None = None) -> int | None:
    """Send the stage that is due, once: the row is claimed by a conditional UPDATE on the
    stage and schedule the caller saw, so a repeated sweep or a retried task finds nothing
    to claim. Returns the stage sent, or None."""
    now = now or timezone.now()
    deadline = Deadline.objects.select_related("board", "assignee").filter(pk=deadline_id).first()
    if (deadline is None or deadline.stage != expected_stage or deadline.state != DeadlineState.OPEN
            or deadline.next_action_at is None or deadline.next_action_at > now):
        return None
    escalate_after = _escalate_after(deadline.board)
    times = _stage_times(deadline, escalate_after)
    ready = {s for s, at in times.items() if s > deadline.stage and at <= now}
    if DeadlineStage.DUE in ready:
        ready.discard(DeadlineStage.REMINDED)  # "due soon" is obsolete once due
    # Nothing ready means the board's configuration moved the times: just reschedule.
    stage = min(ready, default=deadline.stage)
    claimed = Deadline.objects.filter(
        pk=deadline.pk, stage=expected_stage, state=DeadlineState.OPEN,
        next_action_at=deadline.next_action_at,
    ).update(stage=stage, next_action_at=_next_action_at(deadline, escalate_after, stage))
    if not claimed or not ready:
        return None
    verb, title, body = STAGE_MESSAGES[stage]
    due = f"{timezone.localtime(deadline.due_at, calendar.SHANGHAI):%Y-%m-%d %H:%M}"
    body = body.format(due=due) + (PROVISIONAL_NOTE if deadline.provisional else "")
    notify(deadline.board, _recipients(deadline, stage), verb, title.format(title=deadline.title), body,
           deadline.url, deadline=deadline, stage=stage)
    return stage
