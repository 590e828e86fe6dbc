"""The roadshow's services, worked through: planning (sign-up closes 3 working days before, over a
weekend and the National Day holiday), sign-ups and staff's decisions, investors suggested from the
alliance by their stated interests, answers, the list closed, the roadshow held (attendance into the
enterprise database), the outcome opening a matchmaking (none on a board without the alliance), and
every write evidenced."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from alliance.models import Matchmaking, MatchState
from boards.enterprises.models import ServiceRecord
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from roadshows.models import Invitation, Outcome, RoadshowState, Signup
from roadshows.services import events, participants
from tests.support.roadshows import at, plan

pytestmark = pytest.mark.django_db
D = dt.date


def notices(board, **lookup):
    with board_scope(board):
        return list(Notification.objects.filter(board=board, **lookup))


def test_signup_closes_three_working_days_before_over_the_national_day_holiday(world):
    """A roadshow on Friday 2026-10-09, after the National Day holiday (10-01..10-07): counting back
    three working days, 10-08 (Thursday), 09-30, 09-29: sign-up closes on Tuesday 09-29."""
    with time_machine.travel(at(D(2026, 9, 1), 9), tick=False):
        roadshow = plan(world.board, world.staff, starts_at=at(D(2026, 10, 9)))
    assert roadshow.signup_closes_on == D(2026, 9, 29)
    with time_machine.travel(at(D(2026, 9, 1), 9), tick=False):
        roadshow = plan(world.board, world.staff, starts_at=at(D(2026, 9, 14)))  # a Monday
    assert roadshow.signup_closes_on == D(2026, 9, 9)  # Wed: Fri 11, Thu 10, Wed 9


def test_a_roadshow_in_the_past_or_too_soon_is_refused(world):
    with pytest.raises(DomainError) as exc:
        plan(world.board, world.staff, days=-1)
    assert exc.value.details["field"] == "starts_at" and "已过" in exc.value.message
    with time_machine.travel(at(D(2026, 9, 14), 9), tick=False), pytest.raises(DomainError) as exc:
        plan(world.board, world.staff, starts_at=at(D(2026, 9, 16)))
    assert exc.value.code == "too_soon" and "2026-09-11" in exc.value.message


def _signup(w, roadshow, enterprise=None, user=None):
    with board_scope(w.board):
        return participants.sign_up(
            roadshow,
            enterprise=enterprise or w.enterprise,
            actor=user or w.enterprise_user,
            pitch="稀土永磁材料扩产项目",
            amount=Decimal("10000000"),
        )


def test_signup_once_by_an_admitted_enterprise_until_the_closing_day(world):
    w = world
    roadshow = plan(w.board, w.staff)
    signup = _signup(w, roadshow)
    assert signup.state == "applied"
    assert notices(w.board, user=w.staff, verb="roadshows.signup")
    with pytest.raises(Conflict):
        _signup(w, roadshow)
    with board_scope(w.board):
        w.second.status = "prospect"
        w.second.save()
        with pytest.raises(DomainError) as exc:
            participants.sign_up(roadshow, enterprise=w.second, actor=w.second_user, pitch="x")
        assert exc.value.code == "not_admitted"
    with board_scope(w.board), pytest.raises(DomainError) as exc:
        participants.sign_up(
            roadshow,
            enterprise=w.enterprise,
            actor=w.enterprise_user,
            pitch="x",
            today=roadshow.signup_closes_on + dt.timedelta(days=1),
        )
    assert "报名已于" in exc.value.message


def test_staff_accept_and_decline_with_a_reason_and_the_enterprise_is_told(world):
    w = world
    roadshow = plan(w.board, w.staff)
    first, second = _signup(w, roadshow), _signup(w, roadshow, w.second, w.second_user)
    with board_scope(w.board):
        participants.accept_signup(first, actor=w.staff)
        with pytest.raises(DomainError):
            participants.decline_signup(second, actor=w.staff, reason=" ")
        participants.decline_signup(second, actor=w.staff, reason="本期聚焦新材料领域")
    told = notices(w.board, user=w.second_user, verb="roadshows.signup")[0]
    assert told.title.startswith("路演报名未被接受") and "本期聚焦新材料领域" in told.body
    assert notices(w.board, user=w.enterprise_user, title__startswith="路演报名已接受")


def test_investors_suggested_by_their_stated_interests_and_invited(world):
    w = world
    roadshow = plan(w.board, w.staff)
    first = _signup(w, roadshow)
    _signup(w, roadshow, w.second, w.second_user)
    with board_scope(w.board):
        participants.accept_signup(first, actor=w.staff)
        suggested = participants.suggestions(roadshow)
        # The fund states 稀土功能材料; the bank has no profile; the accepted enterprise is the one judged.
        assert list(suggested) == [w.fund.pk]
        assert suggested[w.fund.pk][1] == [
            "包头瑞达稀土功能材料股份有限公司：企业行业「稀土功能材料」属于关注行业（稀土功能材料）"
        ]
        assert set(participants.invitable(w.board)) == {w.fund, w.bank}  # the law firm is no investor
        with pytest.raises(DomainError) as exc:
            participants.invite(roadshow, institutions=[w.lawfirm], actor=w.staff)
        assert "不是本专板可邀请的投资机构" in exc.value.message
        participants.invite(roadshow, institutions=[w.fund, w.bank], actor=w.staff)
        reasons = dict(roadshow.invitations.values_list("institution__code", "reasons"))
        with pytest.raises(DomainError) as exc:
            participants.invite(roadshow, institutions=[w.fund], actor=w.staff)
        assert exc.value.code == "nothing_to_invite"
    assert reasons["IMB"] == ["工作人员邀请"] and "属于关注行业" in reasons["NMKCFUND"][0]
    assert len(notices(w.board, user=w.fund_user, verb="roadshows.invitation")) == 1


def _ready(w, days=20):
    """A roadshow with the enterprise accepted, the second declined, fund and bank invited."""
    roadshow = plan(w.board, w.staff, days=days)
    first, second = _signup(w, roadshow), _signup(w, roadshow, w.second, w.second_user)
    with board_scope(w.board):
        participants.accept_signup(first, actor=w.staff)
        participants.decline_signup(second, actor=w.staff, reason="名额已满")
        participants.invite(roadshow, institutions=[w.fund, w.bank], actor=w.staff)
    return roadshow, first


def test_answers_once_and_a_decline_needs_its_reason(world):
    w = world
    roadshow, _ = _ready(w)
    with board_scope(w.board):
        fund, bank = (
            roadshow.invitations.get(institution=w.fund),
            roadshow.invitations.get(institution=w.bank),
        )
        participants.answer_invitation(fund, actor=w.fund_user, action="confirm", note="投资总监出席")
        with pytest.raises(Conflict):
            participants.answer_invitation(fund, actor=w.fund_user, action="decline", note="改期")
        with pytest.raises(DomainError) as exc:
            participants.answer_invitation(bank, actor=w.bank_user, action="decline", note="")
        assert exc.value.details["field"] == "note"
        participants.answer_invitation(bank, actor=w.bank_user, action="decline", note="当日另有安排")
    assert notices(w.board, user=w.staff, title__contains="确认出席")


def test_close_needs_every_signup_decided_and_one_accepted(world):
    w = world
    roadshow = plan(w.board, w.staff)
    with board_scope(w.board):
        assert events.close_refusal(roadshow) == "尚无已接受报名的企业，不能确定名单。"
        signup = _signup(w, roadshow)
        assert "1 家企业报名待审核" in events.close_refusal(roadshow)
        participants.accept_signup(signup, actor=w.staff)
        roadshow = events.close_signup(roadshow, actor=w.staff)
    assert roadshow.state == RoadshowState.CLOSED


def test_held_with_attendance_into_the_enterprise_database_and_an_outcome_opens_a_matchmaking(world):
    w = world
    roadshow, first = _ready(w, days=8)
    with board_scope(w.board):
        participants.answer_invitation(
            roadshow.invitations.get(institution=w.fund), actor=w.fund_user, action="confirm"
        )
        roadshow = events.close_signup(roadshow, actor=w.staff)
        with pytest.raises(DomainError) as exc:
            events.hold_roadshow(roadshow, actor=w.staff, summary="x", signups=[first])
        assert "开始后方可登记举办情况" in exc.value.message
    with time_machine.travel(roadshow.starts_at + dt.timedelta(hours=3)), board_scope(w.board):
        fund, bank = (
            roadshow.invitations.get(institution=w.fund),
            roadshow.invitations.get(institution=w.bank),
        )
        roadshow = events.hold_roadshow(
            roadshow, actor=w.staff, summary="企业路演并答问", signups=[first], invitations=[fund]
        )
        first, bank = Signup.objects.get(pk=first.pk), Invitation.objects.get(pk=bank.pk)
        assert first.attended is True and bank.attended is False
        record = ServiceRecord.objects.get(pk=first.service_record_id)
        assert record.kind == "service" and record.summary.startswith(
            "【路演】参加现场路演「稀土新材料专场路演」"
        )
        with pytest.raises(DomainError) as exc:
            participants.record_outcome(roadshow, signup=first, invitation=bank, note="意向", actor=w.staff)
        assert exc.value.details["field"] == "invitation"  # the bank did not come
        outcome = participants.record_outcome(
            roadshow, signup=first, invitation=fund, actor=w.staff, note="拟投资 1000 万元，下周尽调"
        )
        matchmaking = Matchmaking.objects.get(pk=outcome.matchmaking_id)
        assert (matchmaking.institution, matchmaking.enterprise) == (w.fund, w.enterprise)
        assert matchmaking.state == MatchState.INTERESTED
        assert "拟投资 1000 万元" in matchmaking.match_reasons[0]["reason"]
        with pytest.raises(Conflict):
            participants.record_outcome(roadshow, signup=first, invitation=fund, note="再次", actor=w.staff)
    with board_scope(w.board):
        actions = set(EvidenceEntry.objects.filter(board=w.board).values_list("action", flat=True))
    assert {
        "roadshows.roadshow.created",
        "roadshows.signup.submitted",
        "roadshows.signup.accepted",
        "roadshows.signup.declined",
        "roadshows.invitation.sent",
        "roadshows.invitation.confirmed",
        "roadshows.roadshow.closed",
        "roadshows.roadshow.held",
        "roadshows.outcome.recorded",
        "alliance.matchmaking.opened_at_roadshow",
    } <= actions


def test_without_the_alliance_the_outcome_is_recorded_and_no_matchmaking_opens(world):
    w = world
    board = w.other
    board.config = {**board.config, "modules": [m for m in board.setting("modules") if m != "alliance"]}
    board.save()
    roadshow = plan(board, w.other_staff)
    with board_scope(board):
        signup = participants.sign_up(roadshow, enterprise=w.xj_enterprise, actor=w.xj_user, pitch="硅基材料")
        participants.accept_signup(signup, actor=w.other_staff)
        assert participants.suggestions(roadshow) == {}  # no alliance: nothing suggested
        participants.invite(roadshow, institutions=[w.xj_fund], actor=w.other_staff)
        invitation = roadshow.invitations.get()
        events.close_signup(roadshow, actor=w.other_staff)
    with time_machine.travel(roadshow.starts_at + dt.timedelta(hours=2)), board_scope(board):
        roadshow = events.hold_roadshow(
            roadshow, actor=w.other_staff, summary="线下路演", signups=[signup], invitations=[invitation]
        )
        signup, invitation = Signup.objects.get(pk=signup.pk), Invitation.objects.get(pk=invitation.pk)
        outcome = participants.record_outcome(
            roadshow, signup=signup, invitation=invitation, note="有意向", actor=w.other_staff
        )
    assert outcome.matchmaking_id is None and "未启用科创服务联盟" in outcome.matchmaking_text
    with board_scope(board):
        assert Outcome.objects.count() == 1


def test_cancel_tells_the_enterprises_and_investors(world):
    w = world
    roadshow, _ = _ready(w)
    with board_scope(w.board):
        events.cancel_roadshow(roadshow, actor=w.staff, reason="场地调整，另行通知")
    told = notices(
        w.board, verb="roadshows.cancelled", user__in=[w.enterprise_user, w.fund_user, w.bank_user]
    )
    assert len(told) == 3
    # The declined enterprise has nothing to attend: not told.
    assert not notices(w.board, verb="roadshows.cancelled", user=w.second_user)


def test_the_configuration_section_refuses_what_it_cannot_use(world):
    from roadshows.config import DEFAULT, validate

    assert validate(DEFAULT) == []
    errors = validate(
        {
            **DEFAULT,
            "investor_kinds": ["bank", "poet"],
            "signup_statuses": ["removed"],
            "remind_workdays": 0,
            "colour": "red",
        }
    )
    assert errors[0] == "未知配置项 colour"
    assert any(e.startswith("investor_kinds 必须是机构类型代码的非空列表") for e in errors)
    assert any(e.startswith("signup_statuses 必须是企业状态代码的非空列表") for e in errors)
    assert "remind_workdays 必须是 1 到 10 之间的整数，当前为 0" in errors
