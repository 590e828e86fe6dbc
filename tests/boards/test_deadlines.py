"""Deadline services: due dates, pauses, provisional recomputation, reminder stages."""

import datetime as dt

import pytest

from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import (
    advance_deadline,
    cancel_deadline,
    meet_deadline,
    open_deadline,
    pause_deadline,
    recompute_provisional,
    resume_deadline,
)
from boards.kernel.errors import DomainError, IllegalTransition
from boards.kernel.models import CalendarYear, Deadline, HolidayOverride, Notification
from tests.factories import MembershipFactory, UserFactory


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _open(board, amount=5, basis="working", start=None, **kwargs):
    start = start or local(2026, 9, 30, 10)
    return open_deadline(board, board, "test.answer", "提交专家意见", amount, basis, starts_at=start,
                         **kwargs)


def test_open_working_deadline_schedules_the_reminder(in_board, staff_user):
    deadline = _open(in_board, assignee=staff_user)
    assert deadline.due_at == local(2026, 10, 13, 23, 59, 59)
    assert not deadline.provisional
    assert (deadline.state, deadline.stage) == ("open", 0)
    # Default: one working day before, i.e. from 00:00 of the due day.
    assert deadline.next_action_at == local(2026, 10, 13)
    assert deadline.subject == in_board


def test_reminder_days_follow_the_calendar(in_board):
    in_board.config = {"deadlines": {"reminder_before_workdays": 2}}
    in_board.save()
    deadline = _open(in_board, amount=4)  # Oct 8, 9, 10 (Sat 调休), 12
    assert deadline.due_at == local(2026, 10, 12, 23, 59, 59)
    assert deadline.next_action_at == local(2026, 10, 10)  # the 调休 Saturday is a working day


def test_invalid_input_is_refused(in_board):
    with pytest.raises(DomainError, match="计算方式"):
        _open(in_board, basis="lunar")
    with pytest.raises(DomainError, match="负数"):
        _open(in_board, amount=-1)
    assert not Deadline.objects.exists()


def test_calendar_pause_moves_due_by_exactly_the_paused_time(in_board):
    deadline = _open(in_board, amount=10, basis="calendar")
    assert deadline.due_at == local(2026, 10, 10, 10)
    paused_at = local(2026, 10, 2, 9, 15, 0, 250000)
    resumed_at = local(2026, 10, 5, 13, 40, 7, 750000)
    deadline = pause_deadline(deadline, at=paused_at)
    assert (deadline.state, deadline.next_action_at) == ("paused", None)
    deadline = resume_deadline(deadline, at=resumed_at)
    assert deadline.state == "open"
    assert deadline.due_at == local(2026, 10, 10, 10) + (resumed_at - paused_at)
    assert deadline.paused_seconds == round((resumed_at - paused_at).total_seconds())
    assert deadline.next_action_at is not None
    deadline.refresh_from_db()
    assert deadline.due_at == local(2026, 10, 10, 10) + (resumed_at - paused_at)


def test_working_pause_gives_back_the_working_days_paused(in_board):
    deadline = _open(in_board)  # due Tue Oct 13
    deadline = pause_deadline(deadline, at=local(2026, 10, 9, 15))  # Friday
    deadline = resume_deadline(deadline, at=local(2026, 10, 12, 9))  # Monday
    # (Oct 9, Oct 12] holds Sat Oct 10 (调休) and Mon Oct 12: two days back.
    assert deadline.paused_workdays == 2
    assert deadline.due_at == local(2026, 10, 15, 23, 59, 59)
    deadline = pause_deadline(deadline, at=local(2026, 10, 13, 9))
    deadline = resume_deadline(deadline, at=local(2026, 10, 13, 17))  # same day: nothing back
    assert deadline.due_at == local(2026, 10, 15, 23, 59, 59)
    assert deadline.paused_workdays == 2
    assert deadline.paused_seconds == (66 + 8) * 3600


def test_illegal_steps_answer_with_the_allowed_ones(in_board):
    deadline = _open(in_board)
    with pytest.raises(IllegalTransition) as excinfo:
        resume_deadline(deadline)
    assert excinfo.value.details["allowed"] == ["cancel", "meet", "pause"]
    # The message names the state as a person knows it; details keep the code for programs.
    assert "当前状态「进行中（open）」" in excinfo.value.message
    assert excinfo.value.details["state"] == "open"
    deadline = pause_deadline(deadline, at=local(2026, 10, 9, 15))
    with pytest.raises(DomainError, match="早于"):
        resume_deadline(deadline, at=local(2026, 10, 9, 14))
    deadline = meet_deadline(deadline, at=local(2026, 10, 9, 16))
    assert (deadline.state, deadline.met_at, deadline.next_action_at) == ("met", local(2026, 10, 9, 16), None)
    with pytest.raises(IllegalTransition):
        cancel_deadline(deadline)
    other = cancel_deadline(_open(in_board))
    assert (other.state, other.next_action_at) == ("cancelled", None)


def test_provisional_deadline_is_recomputed_once_the_year_is_entered(in_board):
    deadline = _open(in_board, amount=3, start=local(2026, 12, 30, 9))
    settled = _open(in_board, amount=3)
    assert (deadline.due_at, deadline.provisional) == (local(2027, 1, 4, 23, 59, 59), True)
    assert recompute_provisional(in_board) == 0  # nothing new yet

    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert recompute_provisional(in_board) == 1
    deadline.refresh_from_db()
    assert (deadline.due_at, deadline.provisional) == (local(2027, 1, 5, 23, 59, 59), True)

    CalendarYear.objects.create(year=2027, is_complete=True)
    assert recompute_provisional(in_board) == 1
    deadline.refresh_from_db()
    assert (deadline.due_at, deadline.provisional) == (local(2027, 1, 5, 23, 59, 59), False)
    assert deadline.next_action_at == local(2027, 1, 5)
    assert Deadline.objects.get(pk=settled.pk).due_at == settled.due_at


def test_recompute_keeps_paused_deadlines_paused_and_counts_their_pauses(in_board):
    deadline = _open(in_board, amount=3, start=local(2026, 12, 28, 9))  # Dec 29, 30, 31
    deadline = pause_deadline(deadline, at=local(2026, 12, 29, 9))
    deadline = resume_deadline(deadline, at=local(2026, 12, 30, 9))  # one day back
    assert (deadline.due_at, deadline.provisional) == (local(2027, 1, 1, 23, 59, 59), True)
    deadline = pause_deadline(deadline, at=local(2026, 12, 31, 9))
    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, is_complete=True)
    assert recompute_provisional(in_board) == 1
    deadline.refresh_from_db()
    assert (deadline.state, deadline.next_action_at) == ("paused", None)
    assert (deadline.due_at, deadline.provisional) == (local(2027, 1, 4, 23, 59, 59), False)


@pytest.fixture
def people(in_board, staff_user):
    expert = UserFactory(username="expert")
    MembershipFactory(user=expert, board=in_board, role="expert")
    other_expert = UserFactory(username="expert-2")
    MembershipFactory(user=other_expert, board=in_board, role="expert")
    return {"staff": staff_user, "expert": expert, "experts": {expert, other_expert}}


def _sent(deadline):
    return sorted(Notification.objects.filter(deadline=deadline).values_list("stage", "user__username"))


def test_stages_go_to_the_assignee_then_escalate_to_staff(in_board, people):
    in_board.config = {"deadlines": {"escalate_after_hours": 24}}
    in_board.save()
    deadline = _open(in_board, assignee=people["expert"])
    assert advance_deadline(deadline.pk, 0, now=local(2026, 10, 12, 23)) is None  # not yet
    assert advance_deadline(deadline.pk, 0, now=local(2026, 10, 13, 8)) == 1
    assert advance_deadline(deadline.pk, 0, now=local(2026, 10, 13, 8)) is None  # claimed already
    deadline.refresh_from_db()
    assert (deadline.stage, deadline.next_action_at) == (1, local(2026, 10, 13, 23, 59, 59))
    assert advance_deadline(deadline.pk, 1, now=local(2026, 10, 14, 0, 5)) == 2
    deadline.refresh_from_db()
    assert deadline.next_action_at == local(2026, 10, 14, 23, 59, 59)
    assert advance_deadline(deadline.pk, 2, now=local(2026, 10, 15)) == 3
    deadline.refresh_from_db()
    assert (deadline.stage, deadline.next_action_at) == (3, None)
    assert _sent(deadline) == [(1, "expert"), (2, "expert"), (3, "staff")]
    reminder = Notification.objects.get(deadline=deadline, stage=1)
    assert reminder.title == "即将到期：提交专家意见"
    assert "2026-10-13 23:59" in reminder.body


def test_a_late_sweep_skips_stale_stages_and_role_members_are_reminded(in_board, people):
    deadline = _open(in_board, assignee_role="expert", amount=3, start=local(2026, 12, 30, 9))
    assert advance_deadline(deadline.pk, 0, now=local(2027, 1, 5)) == 2  # past due: no "due soon"
    assert _sent(deadline) == [(2, "expert"), (2, "expert-2")]
    assert "暂定" in Notification.objects.filter(deadline=deadline).first().body
    assert advance_deadline(deadline.pk, 2, now=local(2027, 1, 5)) == 3  # escalate_after_hours 0
    assert _sent(deadline)[-1] == (3, "staff")


def test_paused_or_met_deadlines_are_not_advanced(in_board, people):
    deadline = _open(in_board, assignee=people["expert"])
    pause_deadline(deadline, at=local(2026, 10, 12, 9))
    assert advance_deadline(deadline.pk, 0, now=local(2026, 10, 20)) is None
    meet_deadline(deadline, at=local(2026, 10, 12, 10))
    assert advance_deadline(deadline.pk, 0, now=local(2026, 10, 20)) is None
    assert not Notification.objects.exists()


def test_deadline_admin_shows_provisional_and_paused_for_this_board_only(
    client, board, other_board, staff_user, django_assert_max_num_queries
):
    from boards.kernel.scoping import board_scope

    with board_scope(board):
        provisional = _open(board, amount=3, start=local(2026, 12, 30, 9))
        pause_deadline(_open(board, assignee=staff_user), at=local(2026, 10, 9, 15))
    with board_scope(other_board):
        theirs = _open(other_board)
    client.force_login(staff_user)
    with django_assert_max_num_queries(20) as few:
        html = client.get("/admin/boards/deadline/").content.decode()
    assert "2027-01-04 23:59（暂定）" in html
    assert "暂停中（自 2026-10-09 15:00）" in html
    with board_scope(board):
        for _ in range(20):
            _open(board, assignee=staff_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/admin/boards/deadline/").status_code == 200
    assert client.get(f"/admin/boards/deadline/{provisional.pk}/change/").status_code == 200
    assert client.get(f"/admin/boards/deadline/{theirs.pk}/change/").status_code == 404
    assert client.get("/admin/boards/deadline/add/").status_code == 403

    expert = UserFactory(username="expert", is_staff=True)
    MembershipFactory(user=expert, board=board, role="expert")
    client.force_login(expert)
    assert client.get("/admin/boards/deadline/").status_code == 403
