"""Federation meetings by cadence (half-yearly; yearly for risk disposal; the committee ad hoc),
with reminders, agenda, attendance and minutes."""

import datetime as dt

import pytest
import time_machine

from alliance import services, tasks
from alliance.models import Attendance, Meeting
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import advance_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from tests.support.alliance import member


def at(*moment):
    return time_machine.travel(dt.datetime(*moment, tzinfo=SHANGHAI), tick=False)


def test_the_daily_task_plans_each_body_by_its_cadence(board, bank, staff_user):
    with at(2026, 3, 2, 9):
        tasks.alliance_daily(board.pk)
        tasks.alliance_daily(board.pk)  # nothing twice
    with board_scope(board):
        meetings = {m.body: m for m in Meeting.objects.select_related("reminder")}
        assert set(meetings) == {"investment", "professional", "risk_disposal"}  # the committee meets ad hoc
        investment, risk = meetings["investment"], meetings["risk_disposal"]
        assert (investment.title, investment.scheduled_on) == ("投融资联合会2026年下半年例会",
                dt.date(2026, 9, 2))
        assert (risk.title, risk.scheduled_on) == ("风险处置联合会2027年度例会", dt.date(2027, 3, 2))
        assert investment.reminder.due_at == dt.datetime(2026, 9, 2, tzinfo=SHANGHAI)
        assert investment.reminder.remind_before == dt.timedelta(days=7)
        assert Notification.objects.filter(user=bank.user, verb="alliance.meeting.planned").count() == 1
        with at(2026, 8, 26, 0, 1):
            advance_deadline(investment.reminder.pk, investment.reminder.stage)
        assert Notification.objects.get(user=staff_user, deadline=investment.reminder).title == \
            "即将到期：召开投融资联合会2026年下半年例会"


def test_minutes_and_attendance_close_the_meeting_and_plan_the_next(board, bank, other_bank, staff_user):
    absent = other_bank
    with board_scope(board), at(2026, 3, 2, 9):
        meeting = services.plan_next_meeting(board, "investment")
        services.set_agenda(meeting, agenda="一、通报对接成效；二、审议新成员", actor=staff_user)
    stranger = member(board, "LAW1", kind="law", body="professional")
    with board_scope(board), at(2026, 9, 2, 15):
        with pytest.raises(DomainError, match="请填写会议纪要"):
            services.record_meeting(meeting, minutes=" ", attended=[], actor=staff_user)
        with pytest.raises(DomainError, match="出席机构须为本联合会的在册成员"):
            services.record_meeting(meeting, minutes="纪要", attended=[stranger.institution.pk],
                                    actor=staff_user)
        services.record_meeting(meeting, minutes="会议通报了对接成效。", attended=[str(bank.institution.pk)],
                                actor=staff_user)
        attendance = dict(Attendance.objects.values_list("institution__code", "attended"))
        meeting.refresh_from_db()
        meeting.reminder.refresh_from_db()
        with pytest.raises(Conflict, match="不能再修改议程"):
            services.set_agenda(meeting, agenda="补充议程", actor=staff_user)
        following = Meeting.objects.exclude(pk=meeting.pk).get()
        held = EvidenceEntry.objects.get(action="alliance.meeting.held")
    assert attendance == {"IMB": True, "BOC": False} and absent.institution.code == "BOC"
    assert (meeting.state, meeting.reminder.state) == ("held", "met")
    assert (following.scheduled_on, following.title) == (dt.date(2027, 3, 2), "投融资联合会2027年上半年例会")
    assert held.payload["attended"] == [bank.institution.pk] and held.payload["absent"] == [
        other_bank.institution.pk
    ]


def test_ad_hoc_meetings_and_cancellation(board, bank, staff_user):
    with board_scope(board), at(2026, 3, 2, 9):
        with pytest.raises(DomainError, match="已过"):
            services.schedule_meeting(board, body="expert_committee", title="临时会议",
                                      scheduled_on=dt.date(2026, 3, 1), actor=staff_user)
        meeting = services.schedule_meeting(board, body="investment", title="投融资联合会专题对接会",
                                            scheduled_on=dt.date(2026, 3, 20), agenda="稀土企业专场",
                                            actor=staff_user)
        assert meeting.kind == "ad_hoc" and meeting.reminder.due_at == dt.datetime(2026, 3, 20,
                                                                                   tzinfo=SHANGHAI)
        cancelled = services.cancel_meeting(meeting, reason="改期", actor=staff_user)
        cancelled.reminder.refresh_from_db()
        assert (cancelled.state, cancelled.reminder.state) == ("cancelled", "cancelled")
        assert services.plan_next_meeting(board, "expert_committee") is None
