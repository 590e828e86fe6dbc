"""Demo data: a case in every state, both modes, one default with its loss split; idempotent."""

import io

import pytest

from alliance.demo import MEMBERS
from boards.kernel import demo
from boards.kernel.models import Institution, Role
from boards.kernel.scoping import board_scope
from risksharing.demo import seed_risksharing
from risksharing.models import CaseState, CompensationFund, FinancingCase, LossAllocation, LossPart
from tests.factories import (
    AllianceMembershipFactory,
    BoardFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)
from tests.support.risksharing import D


@pytest.fixture
def kernel_board(db):
    """The demo board with the kernel seed only: institutions and their users, no alliance."""
    data = next(b for b in demo.BOARDS if b["slug"] == "nmg-kcb")
    board = BoardFactory(slug="nmg-kcb", name_zh=data["name_zh"], short_name=data["short_name"],
                         filing_prefix="NMG-KCB", regulators=data["regulators"],
                         config={"modules": data["config"]["modules"]})
    for suffix, role in (("staff", Role.EXCHANGE_STAFF), ("enterprise", Role.ENTERPRISE_USER)):
        MembershipFactory(user=UserFactory(username=f"nmg-kcb.{suffix}"), board=board, role=role)
    for code, name, kind, _division, slugs in demo.INSTITUTIONS:
        institution = InstitutionFactory(code=code, name=name, kind=kind)
        if "nmg-kcb" in slugs:
            MembershipFactory(user=UserFactory(username=f"inst.{code.lower()}"), board=board,
                              role=demo.institution_role(kind), institution=institution)
    return board


@pytest.fixture
def demo_board(kernel_board):
    """With the admitted federation members the alliance seeder (order 50) makes before ours."""
    with board_scope(kernel_board):
        for body, codes in MEMBERS["nmg-kcb"].items():
            for code in codes:
                AllianceMembershipFactory(board=kernel_board, body=body,
                                          institution=Institution.objects.get(code=code))
    return kernel_board


def test_every_state_both_modes_and_a_split_loss_idempotently(demo_board):
    out = io.StringIO()
    with board_scope(demo_board):
        seed_risksharing(demo_board, out)
        states = set(FinancingCase.objects.values_list("state", flat=True))
        assert states == set(CaseState.values)
        assert set(FinancingCase.objects.values_list("mode", flat=True)) == {"1", "2"}
        allocated = FinancingCase.objects.get(state=CaseState.LOSS_ALLOCATED)
        assert allocated.mode == "1" and allocated.allocation.state == "approved"
        parts = {p.institution.code: p for p in allocated.allocation.parts.all()}
        assert parts["NMPC"].amount + parts["IMB"].amount == allocated.allocation.loss == D("2000000.00")
        assert parts["NMPC"].fund_paid == D("1400000.00")
        assert CompensationFund.objects.get().balance == D("600000.00")
        assert LossAllocation.objects.filter(state="approved").count() == 2
        assert LossPart.objects.filter(party="co_guarantor").exists()
        checker = allocated.allocation.checked_by
        assert checker.username == "nmg-kcb.checker"
        assert allocated.allocation.entered_by.username == "nmg-kcb.staff"
        assert "风险分担项目新建 11 个" in out.getvalue()
        seed_risksharing(demo_board, io.StringIO())
        assert FinancingCase.objects.count() == 11
        assert CompensationFund.objects.get().balance == D("600000.00")


def test_without_the_alliance_members_the_seeder_leaves_the_board_alone(kernel_board):
    out = io.StringIO()
    with board_scope(kernel_board):
        seed_risksharing(kernel_board, out)
        assert not FinancingCase.objects.exists() and not CompensationFund.objects.exists()
    assert "跳过风险分担演示数据，IMB、BOC、NMCPA、NMAMC 不具备参与资格" in out.getvalue()
