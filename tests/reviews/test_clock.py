"""Each expert's clocks: receipt, the 3-calendar-day review clock from receipt, the pause while
a supplement they asked for is awaited, and silent experts replaced."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.deadlines import advance_deadline
from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import Deadline, EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from reviews import services
from reviews.models import PanelDraw, SupplementRequest
from reviews.tasks import replace_silent_experts
from tests.support.reviews import START, local, pdf_upload


def test_sending_opens_a_receipt_clock_per_expert(board, flow, enterprise, experts):
    case = flow.sent(enterprise)
    seats = flow.seats(case)
    assert case.state == "material_sent" and {s.state for s in seats} == {"sent"}
    with board_scope(board):
        for seat in seats:
            deadline = seat.receipt_deadline
            assert (deadline.kind, deadline.basis, deadline.amount) == ("reviews.receipt", "calendar", 1)
            assert deadline.due_at == START + dt.timedelta(days=1) and deadline.assignee == seat.expert.user
            assert Notification.objects.filter(user=seat.expert.user, verb="reviews.assigned").exists()


def test_receipt_starts_three_calendar_days(board, flow, enterprise, experts):
    case = flow.sent(enterprise)
    seat = flow.seats(case)[0]
    received = START + dt.timedelta(hours=5, minutes=17)
    with board_scope(board), time_machine.travel(received, tick=False):
        services.confirm_receipt(seat, actor=seat.expert.user)
    seat = flow.seats(case)[0]
    with board_scope(board):
        assert seat.receipt_deadline.state == "met" and seat.received_at == received
        review = seat.review_deadline
        assert (review.kind, review.basis, review.amount) == ("reviews.review", "calendar", 3)
        # Calendar days: a weekend in between counts.
        assert review.due_at == received + dt.timedelta(days=3)


def test_supplement_pauses_the_clock_by_exactly_the_paused_time(board, flow, enterprise, experts):
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    with board_scope(board):
        due = seat.review_deadline.due_at
    asked, provided = START + dt.timedelta(days=1, hours=3, minutes=7, seconds=11), None
    with board_scope(board), time_machine.travel(asked, tick=False):
        supplement = services.request_supplement(seat, text="请补充近三年审计报告", actor=seat.expert.user)
    seat = flow.seats(case)[0]
    with board_scope(board):
        assert seat.state == "supplement_requested" and seat.review_deadline.state == "paused"
        staff_note = Notification.objects.get(user=flow.staff, verb="reviews.supplement_requested")
        assert "请补充近三年审计报告" in staff_note.body
    provided = asked + dt.timedelta(days=2, hours=5, minutes=41, seconds=3)
    with board_scope(board), time_machine.travel(provided, tick=False):
        services.provide_supplement(supplement, actor=flow.staff, title="2023-2025 审计报告",
                                    uploaded_file=pdf_upload())
    seat = flow.seats(case)[0]
    with board_scope(board):
        assert seat.state == "received" and seat.review_deadline.state == "open"
        assert seat.review_deadline.due_at - due == provided - asked
        assert SupplementRequest.objects.get().materials.get().title == "2023-2025 审计报告"
        assert Notification.objects.filter(user=seat.expert.user, verb="reviews.supplement_provided").exists()
        with pytest.raises(Conflict, match="已经处理过了"):
            services.provide_supplement(supplement, actor=flow.staff)


def test_supplement_request_needs_text_and_a_running_clock(board, flow, enterprise, experts):
    case = flow.sent(enterprise)
    seat = flow.seats(case)[0]
    with board_scope(board):
        with pytest.raises(IllegalTransition) as error:
            services.request_supplement(seat, text="审计报告", actor=seat.expert.user)
        assert error.value.details["allowed"] == ["confirm_receipt", "decline", "replace_silent"]
        services.confirm_receipt(seat, actor=seat.expert.user)
        with pytest.raises(DomainError, match="请写明需要企业补充的材料"):
            services.request_supplement(seat, text="  ", actor=seat.expert.user)
        assert not SupplementRequest.objects.exists()


def test_silent_experts_are_replaced_after_the_receipt_clock(board, flow, enterprise, experts):
    case = flow.sent(enterprise)
    first = flow.seats(case)[0]
    with board_scope(board), time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        services.confirm_receipt(first, actor=first.expert.user)
        assert services.replace_silent_seats(case) == []  # nobody late yet
    with time_machine.travel(START + dt.timedelta(days=1, minutes=1), tick=False):
        assert replace_silent_experts(board.pk) == 4
    with board_scope(board):
        # 8 experts: three left to draw, so the fourth seat stays vacant and staff are told.
        states = sorted(case.seats.values_list("state", flat=True))
        assert states.count("replaced") == 4 and states.count("sent") == 3 and states.count("received") == 1
        assert PanelDraw.objects.filter(case=case).exclude(replacing=None).count() == 3
        assert EvidenceEntry.objects.filter(action="reviews.seat.silent").count() == 4
        assert EvidenceEntry.objects.filter(action="reviews.panel.replacement_failed").count() == 1
        # A replaced seat's receipt clock is closed, not left to escalate.
        replaced = case.seats.filter(state="replaced").values("receipt_deadline")
        assert set(Deadline.objects.filter(pk__in=replaced).values_list("state", flat=True)) == {"cancelled"}


def test_declining_closes_the_clocks(board, flow, enterprise, experts):
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    with board_scope(board):
        services.decline_seat(seat, reason="与企业负责人有亲属关系", actor=seat.expert.user)
        seat.refresh_from_db()
        assert seat.state == "declined" and seat.closing_reason == "与企业负责人有亲属关系"
        assert Deadline.objects.get(pk=seat.review_deadline_id).state == "cancelled"
        with pytest.raises(DomainError, match="请写明拒绝或回避的理由"):
            services.decline_seat(flow.seats(case)[1], reason="", actor=flow.staff)


def test_reminding_late_experts(board, flow, enterprise, experts):
    case = flow.sent(enterprise)
    seat = flow.seats(case)[0]
    with board_scope(board):
        services.confirm_receipt(seat, actor=seat.expert.user)
        services.request_supplement(seat, text="补充专利证书", actor=seat.expert.user)
        # The expert waiting for a supplement owes nothing; the four others owe their receipt.
        assert services.remind_late_experts(case, actor=flow.staff) == 4
        reminders = Notification.objects.filter(verb="reviews.reminder")
        assert reminders.count() == 4 and "尽快确认收悉评审材料" in reminders.first().title
        assert not reminders.filter(user=seat.expert.user).exists()
        assert EvidenceEntry.objects.get(action="reviews.experts.reminded").actor == flow.staff


def test_the_review_clock_reminds_the_expert_then_escalates_to_staff(board, flow, enterprise, experts):
    case = flow.received(enterprise)
    seat = flow.seats(case)[0]
    with board_scope(board):
        deadline = seat.review_deadline
        # Received at START + 1 h: due three days later; reminded from 00:00 of the due day.
        due = deadline.due_at
        for at, stage in ((local(2026, 3, 5), 1), (due, 2), (due + dt.timedelta(hours=1), 3)):
            deadline.refresh_from_db()
            assert advance_deadline(deadline.pk, deadline.stage, now=at) == stage
        to_expert = Notification.objects.filter(deadline=deadline, user=seat.expert.user).order_by("stage")
        assert [n.stage for n in to_expert] == [1, 2]
        assert to_expert[0].url == f"/portal/{board.slug}/seats/{seat.pk}/"
        assert Notification.objects.get(deadline=deadline, stage=3).user == flow.staff
