"""Loss allocation: split by the contract's shares to the fen, approved by a second user, the
compensation fund debited but never below zero, a shortfall recorded and reported."""

import pytest
from django.db import IntegrityError, transaction

from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CaseState, CompensationFund, FundEntry, LossPart
from tests.support.risksharing import D

THREE_WAY = {"NMZDB": D("33.33"), "NMGUAR": D("33.33"), "IMB": D("33.34")}


def _parts(board):
    with board_scope(board):
        return {p.institution.code: (p.party, p.amount, p.fund_paid, p.unfunded)
                for p in LossPart.objects.select_related("institution")}


def test_a_three_way_loss_is_split_to_the_fen(board, flow, enterprise):
    # Mode 2 with a 33.34 % funder share needs a wider range than the default 0–10 %.
    modes = board.config["risksharing"]["modes"]
    board.config["risksharing"]["modes"] = {**modes, "2": {**modes["2"], "funder_share_max": "40"}}
    board.save()
    case = flow.defaulted(enterprise, "2", shares=THREE_WAY)
    flow.allocated(case, D("1000000.01"))
    # Exact: 333300.0033333 / 333300.0033333 / 333400.0033334; half-up gives 1000000.00, so the
    # remaining fen goes to the largest share.
    assert _parts(board) == {
        "NMZDB": ("lead", D("333300.00"), D("0.00"), D("0.00")),
        "NMGUAR": ("co_guarantor", D("333300.00"), D("0.00"), D("0.00")),
        "IMB": ("funder", D("333400.01"), D("0.00"), D("0.00")),
    }
    assert sum(amount for _, amount, _, _ in _parts(board).values()) == D("1000000.01")


def test_the_fund_pays_what_it_has_and_the_shortfall_is_recorded(board, flow, enterprise, fund, checker):
    case = flow.defaulted(enterprise, "1")
    with board_scope(board):
        fund = services.deposit_to_fund(fund, amount=D("0.01"), actor=flow.staff)  # 2,000,000.01 in all
    allocation = flow.allocated(case, D("3000000"))  # the centre's 70 %: 2,100,000.00 > 2,000,000.01
    assert _parts(board)["NMPC"] == ("lead", D("2100000.00"), D("2000000.01"), D("99999.99"))
    assert _parts(board)["IMB"] == ("funder", D("900000.00"), D("0.00"), D("0.00"))
    with board_scope(board):
        fund = CompensationFund.objects.get()
        assert fund.balance == D("0.00")
        assert FundEntry.objects.order_by("pk").last().balance_after == D("0.00")
        shortfall = EvidenceEntry.objects.get(action="risksharing.fund.shortfall")
        part = LossPart.objects.get(institution__code="NMPC")
        assert shortfall.payload == {"case": case.pk, "part": part.pk, "due": "2100000.00",
                                     "paid": "2000000.01", "unfunded": "99999.99"}
        assert Notification.objects.filter(user=checker, verb="risksharing.fund_shortfall").exists()
        allocated = EvidenceEntry.objects.get(action="risksharing.loss.allocated")
        assert allocated.payload["parts"][0]["unfunded"] == "99999.99"
        assert flow.reload(case).state == CaseState.LOSS_ALLOCATED and allocation.state == "approved"
        assert evidence.verify_chain(board)[0]


def test_the_balance_can_never_go_below_zero_in_the_database(board, fund):
    with board_scope(board), pytest.raises(IntegrityError), transaction.atomic():
        CompensationFund.objects.filter(pk=fund.pk).update(balance=D("-0.01"))


def test_ledger_entries_are_append_only(board, fund):
    with board_scope(board):
        entry = FundEntry.objects.get()
        with pytest.raises(Conflict, match="只能追加"):
            entry.save()
        with pytest.raises(Conflict, match="只能追加"):
            entry.delete()


def test_a_low_balance_is_reported(board, flow, enterprise, fund, checker):
    case = flow.defaulted(enterprise, "1")
    flow.allocated(case, D("2000000"))  # 1,400,000 paid, 600,000 left < 1,000,000 alert
    with board_scope(board):
        assert flow.reload(fund).balance == D("600000.00")
        assert Notification.objects.filter(user=checker, verb="risksharing.fund_low").exists()


def test_loss_allocation_is_maker_checked_and_bounded(board, flow, enterprise, fund, checker):
    case = flow.defaulted(enterprise, "1")
    with board_scope(board):
        with pytest.raises(DomainError, match="超过违约时未偿本金 5000000.00 元"):
            services.propose_loss_allocation(case, loss=D("5000000.01"), actor=flow.staff)
        allocation = services.propose_loss_allocation(case, loss=D("100"), actor=flow.staff)
        with pytest.raises(Conflict, match="已有待复核的损失分担"):
            services.propose_loss_allocation(case, loss=D("100"), actor=flow.staff)
        with pytest.raises(DomainError, match="录入人与复核人不能是同一人"):
            services.approve_loss_allocation(allocation, actor=flow.staff)
        assert flow.reload(fund).balance == D("2000000.00") and FundEntry.objects.count() == 1
        services.reject_loss_allocation(allocation, reason="损失金额未扣除回收款。", actor=checker)
        assert flow.reload(case).state == CaseState.DEFAULTED
        second = services.propose_loss_allocation(case, loss=D("80"), actor=flow.staff)
        services.approve_loss_allocation(second, actor=checker)
        assert flow.reload(fund).balance == D("1999944.00")
