"""The reminder before a roadshow: the hourly task sends it once, when two working days (the
board's ``roadshows.remind_workdays``) or fewer remain, counted on the kernel's working-day
calendar — so a Monday roadshow is reminded on the Thursday before, not over the weekend — to the
accepted enterprises and the invited investors that did not decline; a real Celery worker runs it."""

import datetime as dt
import time

import pytest
import time_machine
from django.utils import timezone

from boards.kernel.models import Notification
from boards.kernel.scoping import board_scope
from roadshows.models import Roadshow
from roadshows.services import participants
from roadshows.tasks import send_reminders
from tests.support.roadshows import at, plan

pytestmark = pytest.mark.django_db
D = dt.date


def _reminded(board):
    with board_scope(board):
        return sorted(
            Notification.objects.filter(verb="roadshows.reminder").values_list("user__username", flat=True)
        )


@pytest.fixture
def monday(world):
    """A roadshow on Monday 2026-09-14: the enterprise accepted, the second declined, fund and bank invited
    (the bank declines)."""
    w = world
    with time_machine.travel(at(D(2026, 9, 1), 9), tick=False):
        roadshow = plan(w.board, w.staff, starts_at=at(D(2026, 9, 14)))
        with board_scope(w.board):
            first = participants.sign_up(
                roadshow, enterprise=w.enterprise, actor=w.enterprise_user, pitch="稀土"
            )
            second = participants.sign_up(roadshow, enterprise=w.second, actor=w.second_user, pitch="乳业")
            participants.accept_signup(first, actor=w.staff)
            participants.decline_signup(second, actor=w.staff, reason="名额已满")
            participants.invite(roadshow, institutions=[w.fund, w.bank], actor=w.staff)
            bank = roadshow.invitations.get(institution=w.bank)
            participants.answer_invitation(bank, actor=w.bank_user, action="decline", note="另有安排")
    return roadshow


def test_sent_once_two_working_days_before_across_the_weekend(world, monday):
    w = world
    with time_machine.travel(at(D(2026, 9, 9), 10), tick=False):  # Wednesday: 3 working days left
        assert send_reminders() == 0
    with time_machine.travel(at(D(2026, 9, 10), 10), tick=False):  # Thursday: Fri + Mon = 2 left
        assert send_reminders() == 1
        assert send_reminders() == 0  # once
    assert _reminded(w.board) == ["ent", "fund", "staff"]
    with board_scope(w.board):
        body = Notification.objects.get(user=w.enterprise_user, verb="roadshows.reminder").body
        assert "2026-09-14 14:30" in body and "还有 2 个工作日" in body
        assert Roadshow.objects.get(pk=monday.pk).reminded_at is not None


def test_a_cancelled_or_past_roadshow_is_not_reminded(world, monday):
    w = world
    from roadshows.services import events

    with time_machine.travel(at(D(2026, 9, 8), 10), tick=False), board_scope(w.board):
        events.cancel_roadshow(monday, actor=w.staff, reason="延期")
    with time_machine.travel(at(D(2026, 9, 11), 10), tick=False):
        assert send_reminders() == 0
    assert _reminded(w.board) == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminder(committed_db, board, staff_user, real_worker):
    from tests.factories import EnterpriseFactory, UserFactory

    user = UserFactory(username="ent-rw")
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, board=board, role="enterprise_user")
    with board_scope(board):
        enterprise = EnterpriseFactory(
            board=board, name="包头瑞达稀土功能材料股份有限公司", status="admitted"
        )
        enterprise.users.add(user)
    roadshow = plan(board, staff_user, days=1, now=timezone.now() - dt.timedelta(days=14))
    with board_scope(board):
        signup = participants.sign_up(
            roadshow, enterprise=enterprise, actor=user, pitch="稀土", today=roadshow.signup_closes_on
        )
        participants.accept_signup(signup, actor=staff_user)
    send_reminders.apply_async(queue=real_worker)
    deadline = time.monotonic() + 60
    while "ent-rw" not in _reminded(board):
        assert time.monotonic() < deadline, "the worker did not send the reminder within 60 s"
        time.sleep(0.2)
    with board_scope(board):
        assert Roadshow.objects.get(pk=roadshow.pk).reminded_at is not None
