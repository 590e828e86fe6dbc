"""Both letters to the funders, their answers within 5 working days (a refusal states its
reasons), lapsed answers and the organiser's answer to the enterprise on each outcome."""

import datetime as dt

import pytest
import time_machine

from boards.kernel import calendar
from boards.kernel.errors import Conflict, DomainError, IllegalTransition
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import RequestState
from tests.factories import AllianceMembershipFactory, InstitutionFactory, MembershipFactory, UserFactory
from tests.support.risksharing import D, case_filings, local


def test_the_funders_deadline_crosses_national_day(board, flow, enterprise):
    sent_at = local(2026, 9, 29, 10)  # Tuesday before National Day
    # 2026: 1–7 October off, Saturday 10 October an adjusted working day (调休).
    assert not calendar.is_workday(dt.date(2026, 10, 5)) and calendar.is_workday(dt.date(2026, 10, 10))
    assert calendar.add_workdays(sent_at.date(), 5) == (dt.date(2026, 10, 12), False)
    case = flow.sent(enterprise, "1", at=sent_at)
    deadline = flow.request(case).answer_deadline
    assert (deadline.kind, deadline.basis, deadline.amount) == ("risksharing.funder_answer", "working", 5)
    # 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct, 12 Oct: the fifth working day ends the clock.
    assert deadline.due_at == local(2026, 10, 12, 23, 59, 59) and not deadline.provisional
    assert deadline.assignee == flow.p.users["IMB"]


def test_letters_go_to_eligible_funders_once(board, flow, parties, enterprise):
    case = flow.guaranteed(enterprise, "2")
    with board_scope(board):
        with pytest.raises(DomainError, match="不能作为本专板的资金方：资金方须为银行.*类型为资产管理公司"):
            services.send_to_funders(case, funders=[parties["NMAMC"]], actor=flow.staff)
        fund = InstitutionFactory(code="NMKCFUND", kind="fund")
        MembershipFactory(user=UserFactory(username="fund-user"), board=board, role="institution_user",
                          institution=fund)
        AllianceMembershipFactory(board=board, institution=fund, body="expert_committee")
        # Neither a user in the institution role nor membership of another body makes it a funder.
        with pytest.raises(DomainError, match="该机构不是投融资联合会成员"):
            services.send_to_funders(case, funders=[fund], actor=flow.staff)
        services.send_to_funders(case, funders=[parties["IMB"]], actor=flow.staff)
        with pytest.raises(Conflict, match="已向「内蒙古银行股份有限公司」发送过"):
            services.send_to_funders(case, funders=[parties["IMB"]], actor=flow.staff)
        services.send_to_funders(case, funders=[parties["BOC"]], actor=flow.staff)  # a second round
        assert Notification.objects.filter(user=parties.users["BOC"],
                                           verb="risksharing.sent_to_funder").exists()
        entry = EvidenceEntry.objects.filter(action="risksharing.case.sent_to_funders").first()
        letters = entry.payload["letters"]
        assert letters == [case.recommendation_letter.number,
                           *[f.number for f in case_filings(board, case, "guarantee")]]


def test_a_refusal_must_state_its_reasons_and_answers_once(board, flow, parties, enterprise):
    case = flow.sent(enterprise, "1", funders=("IMB", "BOC"))
    request = flow.request(case, "BOC")
    with board_scope(board), time_machine.travel(local(2026, 3, 3, 9), tick=False):
        with pytest.raises(DomainError, match="不予融资须说明理由") as error:
            services.answer_request(request, intent=False, reasons="  ", actor=parties.users["BOC"])
        assert error.value.code == "reasons_required"
        services.answer_request(request, intent=False, reasons="行业授信集中度已满。",
                                actor=parties.users["BOC"])
        with pytest.raises(IllegalTransition) as error:
            services.answer_request(request, intent=True, actor=parties.users["BOC"])
        assert error.value.details["state"] == RequestState.REFUSED and error.value.details["allowed"] == []
    request = flow.reload(request)
    assert (request.state, request.answer_deadline.state) == ("refused", "met")
    assert request.reasons == "行业授信集中度已满。"
    # The organiser's answer to the enterprise: 5 working days from the answer (config).
    assert request.feedback_deadline.due_at == local(2026, 3, 10, 23, 59, 59)


def test_a_lapsed_answer_is_an_outcome_too(board, flow, parties, enterprise, enterprise_user):
    case = flow.sent(enterprise, "1")
    request = flow.request(case)
    with board_scope(board):
        with time_machine.travel(local(2026, 3, 9, 18), tick=False):
            with pytest.raises(Conflict, match="答复期限 2026-03-09 23:59 未到"):
                services.lapse_request(request, actor=flow.staff)
        with pytest.raises(Conflict, match="尚无结果可答复企业"):
            services.send_feedback(request, text="x", actor=flow.staff)
        with time_machine.travel(local(2026, 3, 10, 9), tick=False):
            services.lapse_request(request, actor=flow.staff)
            request = flow.reload(request)
            assert request.state == RequestState.LAPSED and request.answer_deadline.state == "cancelled"
            services.send_feedback(request, text="内蒙古银行逾期未答复，已另行推荐。", actor=flow.staff)
        with pytest.raises(Conflict, match="已答复企业"):
            services.send_feedback(request, text="再答复", actor=flow.staff)
    request = flow.reload(request)
    assert request.feedback_letter.kind == "risksharing.feedback" and request.feedback_deadline.state == "met"
    with board_scope(board):
        assert Notification.objects.get(user=enterprise_user, verb="risksharing.feedback").body == \
            "内蒙古银行股份有限公司未在答复期限内出具意向函。\n内蒙古银行逾期未答复，已另行推荐。"


def test_signing_withdraws_the_other_open_requests(board, flow, parties, enterprise):
    case = flow.sent(enterprise, "1", funders=("IMB", "BOC"))
    with board_scope(board):
        services.answer_request(flow.request(case), intent=True, amount=D("5000000"),
                                actor=parties.users["IMB"])
        services.approve_terms(flow.propose(case), actor=flow.checker)
    boc = flow.reload(flow.request(case, "BOC"))
    assert boc.state == RequestState.WITHDRAWN and boc.answer_deadline.state == "cancelled"
