"""The push: enterprises that consent to a member and fit its interest profile, judged only on
consented data; a revoked consent stops further pushes and hides the enterprise again."""

import datetime as dt
from decimal import Decimal

import pytest

from alliance import services, tasks
from alliance.models import FinancingNeed, Matchmaking, NeedState
from boards.enterprises.models import FinancingEvent
from boards.enterprises.services.consent import revoke_consent
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.alliance import grant, member, owner


def _enterprise(board, name, industry="稀土功能材料", **fields):
    with board_scope(board):
        return EnterpriseFactory(board=board, name=name, industry=industry, **fields)


def _profile(board, institution, **data):
    with board_scope(board):
        return services.save_interest_profile(board, institution=institution, actor=None,
                                              data={"industries": ["稀土功能材料"], **data})


def _push(board):
    with board_scope(board):
        return services.push_matches(board)


def _need(board, enterprise, amount, state=NeedState.WHITELISTED):
    with board_scope(board):
        return FinancingNeed.objects.create(board=board, enterprise=enterprise, amount=Decimal(amount),
                                            use="扩产", term_months=24, state=state, summary="扩产资金")


def _pushed(board, institution):
    with board_scope(board):
        return sorted(
            Matchmaking.objects.filter(institution=institution).values_list("enterprise__name", "need_id")
        )


@pytest.fixture
def world(board, bank, other_bank):
    """consenting: to the bank, to every member, to the other bank only, none; one in another industry."""
    _profile(board, bank.institution)
    enterprises = {name: _enterprise(board, name) for name in ("甲稀土", "乙稀土", "丙稀土", "丁稀土")}
    enterprises["戊软件"] = _enterprise(board, "戊软件", industry="软件技术")
    grant(enterprises["甲稀土"], bank.institution)
    consent_all = grant(enterprises["乙稀土"], None)
    grant(enterprises["丙稀土"], other_bank.institution)
    grant(enterprises["戊软件"], bank.institution)
    return enterprises, consent_all


def test_only_consenting_enterprises_that_fit_the_profile_are_pushed_once(board, bank, world):
    created = _push(board)
    assert _pushed(board, bank.institution) == [("乙稀土", None), ("甲稀土", None)]
    assert len(created) == 2 and _push(board) == []
    with board_scope(board):
        entry = EvidenceEntry.objects.filter(action="alliance.matchmaking.pushed").first()
        assert entry.payload["categories"] == ["basic"]
        assert entry.payload["reasons"][0]["reason"] == "企业行业「稀土功能材料」属于关注行业（稀土功能材料）"
        assert Notification.objects.get(user=bank.user).title == "交易中心向贵机构推送了 2 家匹配企业"


def test_revoking_the_consent_stops_further_pushes_and_hides_the_enterprise(client, board, bank, world):
    enterprises, consent_all = world
    _push(board)
    with board_scope(board):
        Matchmaking.objects.filter(enterprise=enterprises["乙稀土"]).update(state="not_interested")
        revoke_consent(consent_all, actor=owner(enterprises["乙稀土"]))
    _need(board, enterprises["乙稀土"], "3000000")  # a new white-listed need would be pushed again...
    assert _push(board) == []  # ...but the consent is gone
    client.force_login(bank.user)
    names = [
        m["enterprise_name"]
        for m in client.get(f"/api/v1/{board.slug}/alliance/matchmakings/").json()["results"]
    ]
    assert sorted(names, key=lambda name: name or "") == [None, "甲稀土"]  # no name once the consent is gone
    pushed = client.get(f"/api/v1/{board.slug}/alliance/pushed-enterprises/").json()
    assert [e["name"] for e in pushed["results"]] == ["甲稀土"]
    assert (
        client.get(
            f"/api/v1/{board.slug}/alliance/pushed-enterprises/{enterprises['乙稀土'].pk}/"
        ).status_code
        == 404
    )


def test_a_new_white_listed_need_is_pushed_once_the_previous_matchmaking_ended(board, bank, world):
    enterprises, _ = world
    _push(board)
    need = _need(board, enterprises["甲稀土"], "2000000")
    assert _push(board) == []  # still active: no second matchmaking
    with board_scope(board):
        Matchmaking.objects.filter(enterprise=enterprises["甲稀土"]).update(state="failed")
    assert [m.need_id for m in _push(board)] == [need.pk]
    _need(board, enterprises["甲稀土"], "1000000", state=NeedState.SUBMITTED)  # not on the white list
    assert _push(board) == []


def test_stage_is_judged_only_with_the_financing_consent(board, bank):
    _profile(board, bank.institution, stages=["A", "B"])
    basic_only, financing = _enterprise(board, "己稀土"), _enterprise(board, "庚稀土")
    for enterprise in (basic_only, financing):
        with board_scope(board):
            FinancingEvent.objects.create(board=board, enterprise=enterprise, kind="equity",
                                          amount=Decimal(5000000), investor_name="某基金",
                                          financing_round="A", occurred_on=dt.date(2025, 5, 1))
    grant(basic_only, bank.institution)
    grant(financing, bank.institution, "financing")
    [pushed] = _push(board)
    assert pushed.enterprise == financing
    assert {r["criterion"]: r["reason"] for r in pushed.match_reasons}[
        "stage"
    ] == "企业融资阶段为A轮；关注A轮、B轮"


def test_amount_range_needs_a_white_listed_need_within_it(board, bank):
    _profile(board, bank.institution, amount_min=Decimal(1000000), amount_max=Decimal(5000000))
    small, fitting, none = _enterprise(board, "辛稀土"), _enterprise(board, "壬稀土"), _enterprise(board,
                                       "癸稀土")
    for enterprise in (small, fitting, none):
        grant(enterprise, bank.institution)
    _need(board, small, "500000")
    need = _need(board, fitting, "3000000")
    [pushed] = _push(board)
    assert (pushed.enterprise, pushed.need) == (fitting, need)


def test_suspended_members_and_other_federations_get_no_push(board, bank, world):
    firm = member(board, "CPA1", kind="accounting", body="professional")
    _profile(board, firm.institution)
    grant(world[0]["甲稀土"], firm.institution)
    with board_scope(board):
        services.change_membership(bank.membership, "suspend", actor=None, reason="暂停")
    assert _push(board) == []


def test_the_daily_task_pushes_on_every_board_running_the_alliance(board, other_board, bank, world,
                                                                   celery_eager):
    other_board.config = {**other_board.config, "modules": ["boards"]}
    other_board.save()
    assert tasks.daily() == 2  # this board: alliance and service institutions; the other: neither
    assert _pushed(board, bank.institution) == [("乙稀土", None), ("甲稀土", None)]
