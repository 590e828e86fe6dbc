"""Who may act as a party of a case: funders, professional firms and disposal members are admitted
members of the alliance body the board's configuration names for each; enhancers hold the role."""

import pytest

from alliance import services as alliance_services
from alliance.models import MembershipState
from boards.kernel.errors import DomainError
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from risksharing import selectors, services
from risksharing.models import RequestState
from tests.factories import (
    AllianceMembershipFactory,
    EnterpriseFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)
from tests.support.risksharing import D


def test_a_funder_kind_institution_outside_the_investment_federation_is_refused(board, flow, enterprise):
    case = flow.guaranteed(enterprise, "1")
    fund = InstitutionFactory(code="NMKCFUND", name="内蒙古科创基金", kind="fund")
    # A user in the institution role was the old stand-in; it no longer makes a funder.
    MembershipFactory(user=UserFactory(username="fund-user"), board=board, role="institution_user",
                      institution=fund)
    with board_scope(board):
        assert fund not in selectors.parties(board, "funder")
        with pytest.raises(DomainError) as error:
            services.send_to_funders(case, funders=[fund], actor=flow.staff)
        assert error.value.message == ("「内蒙古科创基金」不能作为本专板的资金方："
                                       "该机构不是投融资联合会成员，请先在科创服务联盟为其办理入会。")
        assert error.value.code == "not_eligible"
        assert error.value.details == {"institution": "NMKCFUND", "party": "funder", "body": "investment"}
        assert not case.funder_requests.exists()
        AllianceMembershipFactory(board=board, institution=fund, body="investment")
        services.send_to_funders(case, funders=[fund], actor=flow.staff)
        assert [r.funder for r in case.funder_requests.all()] == [fund]


def test_without_the_alliance_module_the_message_says_to_enable_it(board, parties):
    board.config["modules"] = [m for m in board.config["modules"] if m != "alliance"]
    board.save()
    fund = InstitutionFactory(code="NMKCFUND", name="内蒙古科创基金", kind="fund")
    with board_scope(board), pytest.raises(DomainError, match="未启用科创服务联盟模块，请先启用并"):
        selectors.require_party(board, fund, "funder")


@pytest.mark.parametrize("step, reason", [
    ("suspend", "其投融资联合会会籍已暂停，暂停期间不参与新的融资项目；恢复会籍后方可选择。"),
    ("revoke", "其投融资联合会会籍状态为「已除名」，须重新申请入会并获准后方可选择。"),
    ("withdraw", "其投融资联合会会籍状态为「已退出」，须重新申请入会并获准后方可选择。"),
])
def test_a_suspended_or_exited_funder_is_refused(board, flow, parties, enterprise, step, reason):
    case = flow.guaranteed(enterprise, "1")
    with board_scope(board):
        alliance_services.change_membership(parties.alliance["BOC"], step, actor=flow.staff,
                                            reason="年度考核不合格")
        assert list(selectors.parties(board, "funder").order_by("code")) == [parties["IMB"]]
        with pytest.raises(DomainError) as error:
            services.send_to_funders(case, funders=[parties["IMB"], parties["BOC"]], actor=flow.staff)
        assert error.value.message == f"「中国银行股份有限公司」不能作为本专板的资金方：{reason}"
        assert not case.funder_requests.exists()  # the whole sending is refused, IMB included


def test_an_applicant_is_refused_until_admitted(board, flow, enterprise):
    case = flow.open(enterprise, "1")
    firm = InstitutionFactory(code="NMVAL", name="内蒙古中天评估", kind="valuation")
    with board_scope(board):
        AllianceMembershipFactory(board=board, institution=firm, body="professional",
                                  state=MembershipState.APPLIED)
        with pytest.raises(DomainError, match="「内蒙古中天评估」不能作为本专板的专业服务机构："
                                              "其专业服务联合会会籍状态为「已申请」，入会审核通过后方可选择。"):
            services.add_firm_input(case, institution=firm, summary="评估报告已出具。", actor=flow.staff)


def test_a_suspended_firm_gives_no_new_input_and_is_back_once_reinstated(board, flow, parties, enterprise):
    case = flow.open(enterprise, "1")
    firm = parties["NMCPA"]
    with board_scope(board):
        alliance_services.change_membership(parties.alliance["NMCPA"], "suspend", actor=flow.staff,
                                            reason="年度考核不合格")
        assert not selectors.parties(board, "firm").exists()
        with pytest.raises(DomainError, match="专业服务联合会会籍已暂停"):
            services.add_firm_input(case, institution=firm, summary="审计意见。", actor=flow.staff)
        alliance_services.change_membership(parties.alliance["NMCPA"], "reinstate", actor=flow.staff)
        services.add_firm_input(case, institution=firm, summary="审计意见。", actor=flow.staff)
        assert case.firm_inputs.get().institution == firm


def test_a_funder_suspended_after_the_letters_went_out_still_answers(board, flow, parties, enterprise):
    """Suspension bars new cases, not what the member already holds (as the alliance's API does)."""
    case = flow.sent(enterprise, "1")
    with board_scope(board):
        alliance_services.change_membership(parties.alliance["IMB"], "suspend", actor=flow.staff,
                                            reason="暂停新增业务")
        request = services.answer_request(flow.request(case), intent=True, amount=D("5000000"),
                                          conditions="年利率 3.65%", actor=parties.users["IMB"])
        assert request.state == RequestState.AGREED
        other = EnterpriseFactory(board=board, name="赤峰检测技术有限公司")
    second = flow.guaranteed(other, "1")
    with board_scope(board), pytest.raises(DomainError, match="会籍已暂停"):
        services.send_to_funders(second, funders=[parties["IMB"]], actor=flow.staff)


def test_which_body_a_party_comes_from_is_board_configuration(board, other_board, parties):
    """On other_board AMCs sit in the investment federation, and its configuration says so."""
    amc = parties["NMAMC"]  # an admitted risk-disposal member on ``board`` (default configuration)
    other_board.config["risksharing"]["party_bodies"] = {"funder": "investment", "disposal": "investment",
                                                         "firm": "professional"}
    other_board.save()
    with board_scope(other_board):
        AllianceMembershipFactory(board=other_board, institution=amc, body="risk_disposal")
        with pytest.raises(DomainError) as error:
            selectors.require_party(other_board, amc, "disposal")
        assert "该机构不是投融资联合会成员" in error.value.message
        assert error.value.details["body"] == "investment"
        AllianceMembershipFactory(board=other_board, institution=amc, body="investment")
        selectors.require_party(other_board, amc, "disposal")
        assert list(selectors.parties(other_board, "disposal")) == [amc]
    with board_scope(board):  # the default board still takes risk-disposal members, and only them
        assert selectors.party_body(board, "disposal") == "risk_disposal"
        assert list(selectors.parties(board, "disposal")) == [amc]
        bank_amc = InstitutionFactory(code="NMAMC2", kind="amc")
        AllianceMembershipFactory(board=board, institution=bank_amc, body="investment")
        with pytest.raises(DomainError, match="该机构不是风险处置联合会成员"):
            selectors.require_party(board, bank_amc, "disposal")


def test_a_board_saved_before_the_setting_existed_uses_the_default_bodies(board, parties):
    config = board.config
    del config["risksharing"]["party_bodies"]
    Board.objects.filter(pk=board.pk).update(config=config)  # as stored before this setting
    board = Board.objects.get(pk=board.pk)
    assert board.setting("risksharing.party_bodies") is None
    with board_scope(board):
        assert list(selectors.parties(board, "funder").order_by("code")) == [parties["BOC"], parties["IMB"]]
        assert list(selectors.parties(board, "firm")) == [parties["NMCPA"]]
        assert list(selectors.parties(board, "disposal")) == [parties["NMAMC"]]


def test_enhancers_are_still_recognised_by_their_role(board, parties):
    """The source names the enhancers by role, not by federation: no alliance membership needed."""
    with board_scope(board):
        assert {i.code for i in selectors.parties(board, "enhancer")} == {"NMPC", "NMZDB", "NMGUAR"}
        assert not any(code in parties.alliance for code in ("NMPC", "NMZDB", "NMGUAR"))
