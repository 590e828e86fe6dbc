"""Federation meetings: the cadence, the agenda, the minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from alliance import selectors
from alliance.actions import AllianceAction
from alliance.models import (
    Attendance,
    Body,
    Meeting,
    MeetingKind,
    MeetingState,
)
from alliance.writing import close_clock, required
from boards.kernel import evidence
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, DayBasis, Deadline, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire

# --- Meetings ---------------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def _open_reminder(board: Board, meeting: Meeting) -> Deadline:
    """A calendar clock due when the meeting day starts; staff are reminded
    ``meeting_reminder_days`` before (0: the board's default reminder)."""
    today = timezone.localdate()
    remind = board.setting("alliance.meeting_reminder_days")
    return open_deadline(board, meeting, "alliance.meeting", f"召开{meeting.title}",
                         max((meeting.scheduled_on - today).days, 0), DayBasis.CALENDAR,
                         starts_at=dt.datetime.combine(today, dt.time.min, tzinfo=SHANGHAI),
                         assignee_role=Role.EXCHANGE_STAFF,
                         remind_before=dt.timedelta(days=remind) if remind else None)


def _create_meeting(board: Board, *, body: str, kind: str, title: str, scheduled_on: dt.date,
                    actor: User | None, agenda: str = "", location: str = "") -> Meeting:
    meeting = Meeting.objects.create(board=board, body=body, kind=kind, title=title,
                                     scheduled_on=scheduled_on, agenda=agenda, location=location)
    meeting.reminder = _open_reminder(board, meeting)
    meeting.save(update_fields=["reminder"])
    evidence.record(board, AllianceAction.MEETING_PLANNED, actor=actor, subject=meeting, payload={
        "body": body, "kind": kind, "title": title, "scheduled_on": scheduled_on, "agenda": agenda})
    notify(board, [user for institution in selectors.body_members(board, body)
                   for user in selectors.institution_users(board, institution)],
           "alliance.meeting.planned", f"{title}定于 {scheduled_on:%Y年%m月%d日} 召开", agenda)
    return meeting


@transaction.atomic
def plan_next_meeting(board: Board, body: str, *, actor: User | None = None) -> Meeting | None:
    """Create ``body``'s next regular meeting by its cadence, unless one is planned or the body
    meets ad hoc only. It falls ``meeting_every_months`` after the last regular one (or today)."""
    months = board.setting(f"alliance.bodies.{body}.meeting_every_months")
    regular = Meeting.objects.select_for_update().filter(board=board, body=body, kind=MeetingKind.REGULAR)
    if not months or regular.filter(state=MeetingState.PLANNED).exists():
        return None
    last = regular.exclude(state=MeetingState.CANCELLED).order_by("-scheduled_on").first()
    today = timezone.localdate()
    scheduled_on = max(_add_months(last.scheduled_on if last else today, months), today)
    title = f"{Body(body).label}{scheduled_on.year}年{'上' if scheduled_on.month <= 6 else '下'}半年例会" \
        if months < 12 else f"{Body(body).label}{scheduled_on.year}年度例会"
    return _create_meeting(board, body=body, kind=MeetingKind.REGULAR, title=title, scheduled_on=scheduled_on,
                           actor=actor)


@transaction.atomic
def schedule_meeting(board: Board, *, body: str, title: str, scheduled_on: dt.date, actor: User,
                     agenda: str = "", location: str = "") -> Meeting:
    """An ad hoc meeting."""
    if scheduled_on < timezone.localdate():
        raise DomainError(f"会议日期 {scheduled_on} 已过，请选择今天或以后的日期。", code="date_in_past")
    return _create_meeting(board, body=body, kind=MeetingKind.AD_HOC,
                           title=required(title, "请填写会议名称。", "title_required"),
                           scheduled_on=scheduled_on, actor=actor, agenda=agenda, location=location)


@transaction.atomic
def set_agenda(meeting: Meeting, *, agenda: str, actor: User) -> Meeting:
    meeting = locked(meeting)
    if meeting.state != MeetingState.PLANNED:
        raise Conflict(f"会议「{meeting}」{meeting.get_state_display()}，不能再修改议程。",
                       code="meeting_closed")
    meeting.agenda = required(agenda, "请填写议程。", "agenda_required")
    meeting.save(update_fields=["agenda"])
    evidence.record(meeting.board, AllianceAction.MEETING_AGENDA_SET, actor=actor, subject=meeting,
                    payload={"agenda": meeting.agenda})
    return meeting


@transaction.atomic
def record_meeting(meeting: Meeting, *, minutes: str, attended: Iterable[int | str], actor: User) -> Meeting:
    """The meeting was held: minutes, and attendance of every admitted member of the body
    (``attended``: ids of the institutions present). A regular meeting plans the next one."""
    meeting = locked(meeting, "reminder")
    minutes = required(minutes, "请填写会议纪要。", "minutes_required")
    attended = {int(pk) for pk in attended}
    members = list(selectors.body_members(meeting.board, meeting.body))
    strangers = set(attended) - {m.pk for m in members}
    if strangers:
        raise DomainError("出席机构须为本联合会的在册成员。", code="not_a_member",
                          details={"institutions": sorted(strangers)})
    fire(meeting, "hold")
    meeting.minutes = minutes
    meeting.save()
    Attendance.objects.bulk_create([Attendance(board=meeting.board, meeting=meeting, institution=m,
                                               attended=m.pk in attended) for m in members])
    close_clock(meeting.reminder, met=True)
    evidence.record(
        meeting.board,
        AllianceAction.MEETING_HELD,
        actor=actor,
        subject=meeting,
        payload={
            "minutes": minutes,
            "attended": sorted(attended),
            "absent": sorted({m.pk for m in members} - set(attended)),
        },
    )
    if meeting.kind == MeetingKind.REGULAR:
        plan_next_meeting(meeting.board, meeting.body, actor=actor)
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, reason: str, actor: User) -> Meeting:
    meeting = locked(meeting, "reminder")
    reason = required(reason, "请说明取消理由。", "reason_required")
    fire(meeting, "cancel")
    meeting.save()
    close_clock(meeting.reminder, met=False)
    evidence.record(meeting.board, AllianceAction.MEETING_CANCELLED, actor=actor, subject=meeting,
                    payload={"reason": reason})
    return meeting
