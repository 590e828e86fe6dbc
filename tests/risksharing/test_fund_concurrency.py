"""The compensation fund never goes below zero when checkers approve loss allocations at the same
time: each approval pays under the fund row's lock, and what is left unpaid is the shortfall."""

import threading

import pytest
from django.db import connection

from boards.kernel import evidence
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CompensationFund, FundEntry, LossAllocation, LossPart
from tests.factories import EnterpriseFactory
from tests.support.risksharing import D

APPROVALS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_overdraw_the_fund(board, flow, fund, celery_eager):
    allocations = []
    for n in range(APPROVALS):
        with board_scope(board):
            enterprise = EnterpriseFactory(board=board, name=f"并发测试科技{n}有限公司")
        case = flow.defaulted(enterprise, "1")
        with board_scope(board):
            # The centre's 70 %: 700,000.00 each, 2,800,000.00 in all against a 2,000,000.00 fund.
            allocations.append(services.propose_loss_allocation(case, loss=D("1000000"), actor=flow.staff))
    start, errors = threading.Barrier(APPROVALS), []

    def approve(allocation):
        try:
            with board_scope(board):
                start.wait()
                services.approve_loss_allocation(allocation, actor=flow.checker)
        except Exception as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in allocations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with board_scope(board):
        assert set(LossAllocation.objects.values_list("state", flat=True)) == {"approved"}
        parts = list(LossPart.objects.filter(institution__code="NMPC"))
        assert all(p.fund_paid + p.unfunded == p.amount == D("700000.00") for p in parts)
        assert sum(p.fund_paid for p in parts) == D("2000000.00")
        assert sum(p.unfunded for p in parts) == D("800000.00")
        assert CompensationFund.objects.get().balance == D("0.00")
        # The ledger chains: every line's balance follows from the one before, never below zero.
        balance = D(0)
        for entry in FundEntry.objects.order_by("pk"):
            balance += entry.amount if entry.kind == "deposit" else -entry.amount
            assert entry.balance_after == balance >= 0
        assert evidence.verify_chain(board)[0]
