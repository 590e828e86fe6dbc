"""Equity incentives worked through with the register: a plan's source and pool, directed disclosure
before any grant, options (grant moves nothing; tranches vest on anniversaries; exercise moves shares
at 3.50 元/股) and restricted stock (shares move at grant, unlock, transfer), every move journalled as
a ShareChange and evidenced; the register's holdings always add up to its total."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from boards.enterprises.models import Shareholding, ShareRegister
from boards.enterprises.models.incentives import share_count
from boards.enterprises.services import incentives
from boards.kernel.errors import DomainError
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from tests.support.incentives import plan

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)


PEOPLE = {
    "李明": ("650102198803150012", "研发总监"),
    "张伟": ("650103199002200031", "销售副总"),
    "王芳": ("650104199105060048", "财务经理"),
}


def give(w, plan, name, shares, granted_on, **kwargs):
    number, position = PEOPLE[name]
    return incentives.grant(
        plan,
        name=name,
        id_number=number,
        position=position,
        shares=Decimal(shares),
        granted_on=granted_on,
        actor=w.staff,
        **kwargs,
    )


def _holdings(w):
    with board_scope(w.board):
        register = ShareRegister.objects.get(pk=w.register.pk)
        rows = dict(register.holdings.values_list("holder_name", "shares"))
        assert sum(rows.values()) == register.total_shares  # the register still adds up
        return rows


def test_a_plan_needs_a_confirmed_source_with_the_pool_and_a_price_for_options(world):
    w = world
    with board_scope(w.board):
        account = Shareholding.objects.get(register=w.register, in_custody_account=True)
    with pytest.raises(DomainError) as exc:
        plan(w, source=account)
    assert exc.value.code == "invalid_source"
    with pytest.raises(DomainError) as exc:
        plan(w, pool_shares=Decimal("8000000.01"))
    assert exc.value.details["field"] == "pool_shares" and "仅持有 8,000,000.00 股" in exc.value.message
    with pytest.raises(DomainError) as exc:
        plan(w, exercise_price=None)
    assert exc.value.details["field"] == "exercise_price"
    assert plan(w).state == "registered"


def test_only_a_disclosed_plan_grants_and_disclosure_reaches_participants_and_the_enterprise(world):
    w = world
    option = plan(w)
    with time_machine.travel(TODAY), board_scope(w.board):
        with pytest.raises(DomainError) as exc:
            give(w, option, "李明", "300000", D(2024, 6, 1))
        assert exc.value.code == "not_disclosed"
        option = incentives.disclose_plan(option, actor=w.staff)
        give(w, option, "李明", "300000", D(2024, 6, 1), username="liming")
        with pytest.raises(DomainError) as exc:
            give(w, option, "张伟", "700000.01", D(2024, 6, 1))
        assert "剩余可授予 700,000.00 股" in exc.value.message
        told = set(
            Notification.objects.filter(verb__startswith="boards.incentive").values_list(
                "user__username", "verb"
            )
        )
    assert told == {("ent", "boards.incentive.disclosed"), ("liming", "boards.incentive.grant_notice")}
    assert _holdings(w)["王建国"] == Decimal("8000000")  # an option grant moves no share


def test_options_vest_on_anniversaries_and_exercise_moves_shares_at_the_price(world):
    w = world
    option = plan(w)
    with time_machine.travel(TODAY), board_scope(w.board):
        option = incentives.disclose_plan(option, actor=w.staff)
        item = give(w, option, "李明", "300000", D(2024, 6, 1))
        assert incentives.next_vesting(item) == (D(2025, 6, 1), Decimal("100000.00"))
        with pytest.raises(DomainError) as exc:
            incentives.vest(item, actor=w.staff, on=D(2025, 5, 31))
        assert "第 1 期定于 2025-06-01 归属" in exc.value.message
        item = incentives.vest(item, actor=w.staff, on=D(2025, 6, 1))
        with pytest.raises(DomainError) as exc:
            incentives.exercise(item, shares=Decimal("100000.01"), actor=w.staff)
        assert "可行权 100,000.00 股" in exc.value.message
        item = incentives.exercise(item, shares=Decimal("60000"), actor=w.staff)
        event = item.events.get(kind="exercise")
        assert event.amount == Decimal("210000.00")  # 60,000 × 3.50
        assert (event.share_change.kind, event.share_change.delta) == ("incentive_in", Decimal("60000"))
        entry = EvidenceEntry.objects.get(action="boards.incentive.exercised")
        assert entry.payload["share_changes"] == [event.share_change.pk - 1, event.share_change.pk]
        item = incentives.vest(item, actor=w.staff, on=D(2026, 6, 1))
        with pytest.raises(DomainError):
            incentives.vest(item, actor=w.staff, on=D(2026, 8, 31))  # the third is due 2027-06-01
    holdings = _holdings(w)
    assert holdings["王建国"] == Decimal("7940000") and holdings["李明"] == Decimal("60000")


def test_restricted_shares_move_at_grant_unlock_and_only_unlocked_ones_transfer(world):
    w = world
    restricted = plan(w, kind="restricted", name="2024年限制性股票激励计划", vesting_years=2)
    with time_machine.travel(TODAY), board_scope(w.board):
        restricted = incentives.disclose_plan(restricted, actor=w.staff)
        item = give(w, restricted, "王芳", "100001", D(2024, 7, 1))
        with pytest.raises(DomainError) as exc:
            incentives.transfer(
                item,
                to_holder_name="王建华",
                to_holder_id_number="650104196501010017",
                shares=Decimal("1"),
                actor=w.staff,
            )
        assert "可转让 0.00 股" in exc.value.message
        item = incentives.vest(item, actor=w.staff, on=D(2025, 7, 1))
        assert item.vested_shares == Decimal("50000.50")
        item = incentives.transfer(
            item,
            to_holder_name="王建华",
            to_holder_id_number="650104196501010017",
            shares=Decimal("20000"),
            actor=w.staff,
        )
        item = incentives.vest(item, actor=w.staff, on=D(2026, 7, 1))
        assert item.vested_shares == Decimal("100001")  # the last tranche takes the cents
        kinds = list(
            w.register.changes.filter(holding__holder_name__in=["王芳", "王建华"])
            .order_by("pk")
            .values_list("kind", "delta")
        )
        actions = set(EvidenceEntry.objects.values_list("action", flat=True))
    assert kinds == [
        ("incentive_in", Decimal("100001")),
        ("transfer_out", Decimal("-20000")),
        ("transfer_in", Decimal("20000")),
    ]
    assert {
        "boards.incentive.plan_registered",
        "boards.incentive.plan_disclosed",
        "boards.incentive.granted",
        "boards.incentive.vested",
        "boards.incentive.transferred",
        "boards.custody.shares_transferred",
    } <= actions
    holdings = _holdings(w)
    assert (holdings["王建国"], holdings["王芳"], holdings["王建华"]) == (
        Decimal("7899999"),
        Decimal("80001"),
        Decimal("20000"),
    )


def test_a_terminated_plan_grants_and_vests_no_more(world):
    w = world
    option = plan(w)
    with time_machine.travel(TODAY), board_scope(w.board):
        option = incentives.disclose_plan(option, actor=w.staff)
        item = give(w, option, "李明", "3000", D(2024, 6, 1))
        with pytest.raises(DomainError):
            incentives.terminate_plan(option, actor=w.staff, reason="")
        option = incentives.terminate_plan(option, actor=w.staff, reason="公司拟申报IPO，董事会决议终止")
        assert incentives.vesting_refusal(type(item).objects.get(pk=item.pk)) == "计划已终止，不再归属。"
        with pytest.raises(DomainError):
            give(w, option, "张伟", "1", D(2024, 6, 1))


def test_a_second_grant_to_a_participant_links_the_account_given_and_refuses_another_name(world):
    """A participant is found by the ID number: a login given on a later grant is linked (the plan is
    then disclosed to them), not dropped; a different name or another account for the same number is
    refused next to its field, nothing written."""
    w = world
    option = plan(w)
    with time_machine.travel(TODAY), board_scope(w.board):
        option = incentives.disclose_plan(option, actor=w.staff)
        first = give(w, option, "李明", "100000", D(2024, 6, 1))
        assert first.participant.user is None
        second = give(w, option, "李明", "50000", D(2024, 7, 1), username="liming")
        assert second.participant == first.participant and second.participant.user == w.employee
        number, position = PEOPLE["李明"]
        with pytest.raises(DomainError) as exc:
            incentives.grant(option, name="李敏", id_number=number, position=position, shares=Decimal("1"),
                             granted_on=D(2024, 7, 1), actor=w.staff)
        assert exc.value.details["field"] == "name" and "李明" in exc.value.message
        with pytest.raises(DomainError) as exc:
            give(w, option, "李明", "1", D(2024, 7, 1), username="zhangwei")
        assert exc.value.details["field"] == "username"
        assert option.grants.count() == 2


def test_another_boards_account_cannot_be_attached_and_answers_like_a_missing_one(world):
    """A participant's login is one with a membership on the plan's board or none at all: another
    board's account is refused with the same words as a login that does not exist."""
    w = world
    option = plan(w)
    with time_machine.travel(TODAY), board_scope(w.board):
        option = incentives.disclose_plan(option, actor=w.staff)
        answers = []
        for username in ("nmg-staff", "nobody-here"):
            with pytest.raises(DomainError) as exc:
                give(w, option, "李明", "1", D(2024, 7, 1), username=username)
            answers.append((exc.value.details["field"], exc.value.message.replace(username, "…")))
        assert answers[0] == answers[1] == ("username", "没有登录账号「…」。")
        granted = give(w, option, "李明", "1", D(2024, 7, 1), username="zhangwei")
        assert granted.participant.user == w.colleague
        assert option.grants.count() == 1


def test_share_counts_are_written_unrounded():
    assert [share_count(Decimal(v)) for v in ("1000", "1000.00", "1234.56", "1234.50", "0.5", "0")] == [
        "1,000", "1,000", "1,234.56", "1,234.5", "0.5", "0"]
