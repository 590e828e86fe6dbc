"""Contract terms: the parties' shares by mode (summing to exactly 100 %, mode 2's funder at
0–10 %, 0 only with a stated advantage) and maker-checker approval."""

import pytest

from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CaseState, ContractTerms, RiskShare
from tests.support.risksharing import D

REASON = {"advantage": "funding_cost", "advantage_note": "利率低于同期 LPR 50 个基点。"}


def _refused(flow, case, shares, message, code, **kwargs):
    with pytest.raises(DomainError, match=message) as error:
        flow.propose(case, shares, **kwargs)
    assert error.value.code == code
    with board_scope(flow.board):
        assert not ContractTerms.objects.exists() and not RiskShare.objects.exists()


def test_a_zero_funder_share_is_refused_without_a_stated_advantage(flow, enterprise):
    case = flow.agreed(enterprise, "2")
    zero = {"NMZDB": D("60"), "NMGUAR": D("40"), "IMB": D("0")}
    _refused(flow, case, zero, "须说明其在融资成本或审批时效上的优势", "zero_share_unjustified")
    _refused(flow, case, zero, "须说明", "zero_share_unjustified", advantage="funding_cost",
             advantage_note=" ")
    _refused(flow, case, zero, "须说明", "zero_share_unjustified", advantage="cheaper", advantage_note="便宜")
    terms = flow.propose(case, zero, **REASON)
    assert (terms.advantage, terms.advantage_note) == ("funding_cost", "利率低于同期 LPR 50 个基点。")
    with board_scope(flow.board):
        entry = EvidenceEntry.objects.get(action="risksharing.terms.proposed")
        assert entry.payload["advantage"] == "funding_cost"
        assert [s["share"] for s in entry.payload["shares"]] == ["60", "40", "0"]


def test_an_advantage_is_not_kept_for_a_nonzero_share(flow, enterprise):
    case = flow.agreed(enterprise, "2")
    terms = flow.propose(case, {"NMZDB": D("60"), "NMGUAR": D("30"), "IMB": D("10")}, **REASON)
    assert (terms.advantage, terms.advantage_note) == ("", "")


@pytest.mark.parametrize("shares", [
    {"NMZDB": D("60"), "NMGUAR": D("30"), "IMB": D("9.99")},
    {"NMZDB": D("60"), "NMGUAR": D("30.01"), "IMB": D("10")},
    {"NMZDB": D("33.33"), "NMGUAR": D("33.33"), "IMB": D("33.33")},
])
def test_shares_not_summing_to_exactly_100_are_refused(flow, enterprise, shares):
    case = flow.agreed(enterprise, "2")
    _refused(flow, case, shares, "必须恰好等于 100%", "shares_not_100")


def test_mode_2_funder_share_above_10_is_refused(flow, enterprise):
    case = flow.agreed(enterprise, "2")
    _refused(flow, case, {"NMZDB": D("60"), "NMGUAR": D("29.99"), "IMB": D("10.01")}, "应在 0%–10% 之间",
             "funder_share_out_of_range")


def test_mode_1_funder_must_take_part_of_the_risk_and_alone_with_the_centre(flow, enterprise, parties):
    case = flow.agreed(enterprise, "1")
    _refused(flow, case, {"NMPC": D("100"), "IMB": D("0")}, "应在 0.01%–99.99% 之间",
             "funder_share_out_of_range", **REASON)
    _refused(flow, case, {"NMPC": D("70")}, "请填写资金方", "funder_share_missing")
    _refused(flow, case, {"NMPC": D("70"), "NMZDB": D("10"), "IMB": D("20")}, "未在立项会上出具担保推荐函",
             "not_guarantor")


def test_mode_2_needs_the_reguarantee_company_to_lead(flow, enterprise, board, parties):
    case = flow.agreed(enterprise, "2")
    _refused(flow, case, {"NMGUAR": D("90"), "IMB": D("10")}, "须由再担保公司牵头担保", "no_lead")
    with board_scope(board):
        other = flow.open(enterprise, "2")
        with pytest.raises(Conflict, match="不能录入合同条款"):
            flow.propose(other, {"NMZDB": D("90"), "IMB": D("10")})


def test_only_a_funder_that_agreed_can_sign(flow, enterprise):
    case = flow.sent(enterprise, "1")
    _refused(flow, case, {"NMPC": D("70"), "IMB": D("30")}, "未出具融资意向函", "funder_not_agreed")


def test_maker_checker_the_maker_cannot_approve(board, flow, enterprise, checker):
    case = flow.agreed(enterprise, "1")
    terms = flow.propose(case)
    with board_scope(board):
        assert Notification.objects.filter(user=checker, verb="risksharing.approval").exists()
        assert not Notification.objects.filter(user=flow.staff, verb="risksharing.approval").exists()
        with pytest.raises(Conflict, match="已有待复核的合同条款"):
            flow.propose(case)
        for step in (lambda: services.approve_terms(terms, actor=flow.staff),
                     lambda: services.reject_terms(terms, reason="利率有误", actor=flow.staff)):
            with pytest.raises(DomainError, match="录入人与复核人不能是同一人") as error:
                step()
            assert error.value.code == "same_maker_checker"
        terms = flow.reload(terms)
        assert terms.state == "proposed" and flow.reload(case).state == CaseState.WITH_FUNDERS
        with pytest.raises(DomainError, match="退回理由"):
            services.reject_terms(terms, reason="", actor=checker)
        services.reject_terms(terms, reason="利率与意向函不符。", actor=checker)
        with pytest.raises(IllegalTransition):
            services.approve_terms(terms, actor=checker)
    second = flow.propose(case)  # the maker enters corrected terms
    with board_scope(board):
        services.approve_terms(second, actor=checker)
        case = flow.reload(case)
        assert case.state == CaseState.CONTRACTED and case.contract == second
        entry = EvidenceEntry.objects.get(action="risksharing.terms.approved")
        assert entry.actor == checker and entry.payload["maker"] == flow.staff.pk
        assert flow.reload(second).deadline.state == "met"
