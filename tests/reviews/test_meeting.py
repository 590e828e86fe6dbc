"""The on-site meeting of premium and listing-reserve reviews."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from reviews import services
from tests.support.reviews import START, committee


@pytest.fixture
def premium(board, flow, enterprise):
    committee(board, 6)
    return flow.sent(enterprise, "premium")


def _receive(board, flow, case, offsets_hours):
    with board_scope(board):
        for seat, hours in zip(flow.seats(case), offsets_hours, strict=True):
            with time_machine.travel(START + dt.timedelta(hours=hours), tick=False):
                services.confirm_receipt(seat, actor=seat.expert.user)


def test_a_meeting_too_early_is_refused_with_a_clear_message(board, flow, premium):
    _receive(board, flow, premium, [1, 2, 3, 4, 30])  # the last receipt: 3 March 15:00
    with board_scope(board), pytest.raises(DomainError) as error:
        services.schedule_meeting(premium, at=START + dt.timedelta(days=4, hours=5), place="交易中心",
                                  actor=flow.staff)
    assert error.value.code == "meeting_too_early"
    assert error.value.message == (
        "评审会时间 2026-03-06 14:00 过早：须在最后一位专家确认收悉材料 3 日后召开"
        "（等待补充材料的时间不计入），最早可安排在 2026-03-06 15:00。")
    assert flow.reload(premium).state == "material_sent"
    with board_scope(board):
        services.schedule_meeting(premium, at=START + dt.timedelta(days=4, hours=6), place="交易中心",
                                  actor=flow.staff)
        assert flow.reload(premium).state == "meeting_scheduled"
        # The review clocks end: the meeting is the experts' next date, and they are told.
        assert {s.review_deadline.state for s in flow.seats(premium)} == {"met"}
        assert Notification.objects.filter(verb="reviews.meeting").count() == 5


def test_waiting_for_a_supplement_pushes_the_earliest_meeting(board, flow, premium):
    _receive(board, flow, premium, [1, 1, 1, 1, 1])
    seat = flow.seats(premium)[0]
    with board_scope(board):
        with time_machine.travel(START + dt.timedelta(days=1), tick=False):
            supplement = services.request_supplement(seat, text="补充研发费用明细", actor=seat.expert.user)
            with pytest.raises(Conflict, match=f"{seat.expert.name}。全部确认收悉后才能安排评审会"):
                services.schedule_meeting(premium, at=START + dt.timedelta(days=9), place="交易中心",
                                          actor=flow.staff)
        with time_machine.travel(START + dt.timedelta(days=3), tick=False):
            services.provide_supplement(supplement, actor=flow.staff)
        # Receipt at 10:00 on 2 March + 3 days + 2 days waiting = 7 March 10:00.
        with pytest.raises(DomainError, match="最早可安排在 2026-03-07 10:00"):
            services.schedule_meeting(premium, at=START + dt.timedelta(days=4, hours=2), place="交易中心",
                                      actor=flow.staff)


def test_remote_reviews_have_no_meeting(board, flow, enterprise, experts):
    case = flow.received(enterprise)
    with board_scope(board), pytest.raises(IllegalTransition) as error:
        services.schedule_meeting(case, at=START + dt.timedelta(days=5), place="交易中心", actor=flow.staff)
    assert error.value.details["allowed"] == ["decide"]


def test_holding_records_attendance_observers_and_answers(board, flow, enterprise):
    committee(board, 6)
    case = flow.met(enterprise, "premium", absent=1)
    seats = flow.seats(case)
    assert [s.attended for s in seats] == [True] * 4 + [False]
    assert case.observers == ["自治区科技厅 王处长"] and "答辩" in case.enterprise_answers
    with board_scope(board):
        assert EvidenceEntry.objects.get(action="reviews.meeting.held").payload["attended"] == [
            s.pk for s in seats[:4]]


def test_holding_needs_attendance_from_the_panel_and_the_answers(board, flow, premium, other_board):
    _receive(board, flow, premium, [1, 1, 1, 1, 1])
    with board_scope(board):
        services.schedule_meeting(premium, at=START + dt.timedelta(days=5), place="交易中心",
                                  actor=flow.staff)
        seat_ids = [s.pk for s in flow.seats(premium)]
        with pytest.raises(DomainError, match="请从本案评审组中勾选出席的专家"):
            services.hold_meeting(premium, attended=[seat_ids[0], 999999], observers=[], answers="答辩",
                                  actor=flow.staff)
        with pytest.raises(DomainError, match="请记录企业现场答辩情况"):
            services.hold_meeting(premium, attended=seat_ids, observers=[], answers=" ", actor=flow.staff)
        assert flow.reload(premium).state == "meeting_scheduled"
