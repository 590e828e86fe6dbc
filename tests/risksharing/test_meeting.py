"""Pre-screening, the 融资推荐函, the 立项会 views and the advice to improve when no enhancer
intends to guarantee."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.errors import Conflict, DomainError, IllegalTransition, NotFound
from boards.kernel.models import Deadline, EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CaseState
from tests.factories import InstitutionFactory
from tests.support.risksharing import START, D, case_filings


def test_open_case_checks_mode_amount_board_and_module(board, other_board, flow, enterprise):
    with board_scope(board):
        with pytest.raises(DomainError, match="分担模式「3」未在本专板配置"):
            services.open_case(board, enterprise=enterprise, mode="3", amount=D("1"), purpose="x", actor=None)
        with pytest.raises(DomainError, match="拟融资金额必须是大于 0 的金额"):
            services.open_case(board, enterprise=enterprise, mode="1", amount=D("0"), purpose="x", actor=None)
    with board_scope([board, other_board]):
        with pytest.raises(NotFound):  # another board's enterprise
            services.open_case(other_board, enterprise=enterprise, mode="1", amount=D("1"), purpose="x",
                               actor=None)
        other_board.config = {"modules": ["boards"]}
        other_board.save()
        with pytest.raises(DomainError, match="未启用风险分担"):
            services.open_case(other_board, enterprise=enterprise, mode="1", amount=D("1"), purpose="x",
                               actor=None)


def test_recommendation_needs_the_modes_lead_and_eligible_enhancers(board, flow, parties, enterprise):
    case = flow.open(enterprise, "2")
    with board_scope(board):
        with pytest.raises(DomainError, match="须由再担保公司牵头") as error:
            services.recommend_to_enhancers(case, enhancers=[parties["NMGUAR"]], opinion="好",
                                            actor=flow.staff)
        assert error.value.code == "no_lead"
        with pytest.raises(DomainError, match="不能作为本专板的增信机构：.*该机构类型为银行"):
            services.recommend_to_enhancers(case, enhancers=[parties["IMB"]], opinion="好", actor=flow.staff)
        stranger = InstitutionFactory(code="XJGUAR", kind="reguarantee")  # no membership on this board
        with pytest.raises(DomainError, match="不能作为本专板的增信机构：.*请先为其开通增信机构账号"):
            services.recommend_to_enhancers(case, enhancers=[stranger], opinion="好", actor=flow.staff)
        with pytest.raises(DomainError, match="预审意见"):
            services.recommend_to_enhancers(case, enhancers=[parties["NMZDB"]], opinion=" ", actor=flow.staff)
        with pytest.raises(DomainError, match="不能作为本专板的专业服务机构"):
            services.add_firm_input(case, institution=parties["IMB"], summary="x", actor=flow.staff)
        assert flow.reload(case).state == CaseState.PRESCREENING


def test_enhancers_get_the_letter_a_clock_and_a_notice(board, flow, parties, enterprise):
    case = flow.recommended(enterprise, "2")
    with board_scope(board):
        views = list(case.enhancer_views.select_related("deadline", "institution"))
        assert [v.institution.code for v in views] == ["NMZDB", "NMGUAR"]
        # 5 working days from Monday 2 March 2026.
        assert {v.deadline.due_at.date() for v in views} == {dt.date(2026, 3, 9)}
        assert Notification.objects.filter(user=parties.users["NMZDB"],
                                           verb="risksharing.recommended").exists()
        entry = EvidenceEntry.objects.get(action="risksharing.case.recommended")
        assert entry.payload["enhancers"] == ["NMZDB", "NMGUAR"]
        assert entry.payload["letter"] == case.recommendation_letter.number
    with board_scope(board), pytest.raises(IllegalTransition) as error:
        services.recommend_to_enhancers(case, enhancers=[parties["NMZDB"]], opinion="再来", actor=flow.staff)
    assert error.value.details["allowed"] == ["advise_improvement", "close", "send_to_funders"]


def test_a_view_is_recorded_once_and_intent_issues_the_guarantee_letter(board, flow, parties, enterprise):
    case = flow.recommended(enterprise, "2")
    with board_scope(board):
        with pytest.raises(DomainError, match="审议意见"):
            services.record_enhancer_view(case, institution=parties["NMZDB"], intent=True, opinion="",
                                          actor=parties.users["NMZDB"])
        with pytest.raises(NotFound):
            services.record_enhancer_view(case, institution=parties["NMPC"], intent=True, opinion="x",
                                          actor=parties.users["NMPC"])
        view = services.record_enhancer_view(case, institution=parties["NMZDB"], intent=True,
                                             opinion="同意。", guarantee_amount=D("4000000"),
                                             actor=parties.users["NMZDB"])
        assert view.letter.kind == "risksharing.guarantee" and flow.reload(view).deadline.state == "met"
        with pytest.raises(Conflict, match="不能重复提交"):
            services.record_enhancer_view(case, institution=parties["NMZDB"], intent=False, opinion="改主意",
                                          actor=parties.users["NMZDB"])
        # One intent suffices to go to funders, even before the other enhancer has spoken.
        with pytest.raises(Conflict, match="未表态或已有担保意向"):
            services.advise_improvement(case, text="完善", actor=flow.staff)


def test_without_intent_the_organiser_tells_the_enterprise_what_to_improve(board, flow, parties, enterprise,
                                                                        enterprise_user):
    case = flow.recommended(enterprise, "2")
    with board_scope(board), time_machine.travel(START + dt.timedelta(days=1), tick=False):
        with pytest.raises(Conflict, match="尚无增信机构出具担保推荐函"):
            services.send_to_funders(case, funders=[flow.p["IMB"]], actor=flow.staff)
        for code in ("NMZDB", "NMGUAR"):
            services.record_enhancer_view(case, institution=parties[code], intent=False,
                                          opinion="反担保不足。", actor=parties.users[code])
        case = flow.reload(case)
        # The organiser's clock: enterprise_answer_workdays (5) working days from the last view.
        assert case.advice_deadline.kind == "risksharing.enterprise_answer"
        assert case.advice_deadline.due_at.date() == dt.date(2026, 3, 10)
        services.advise_improvement(case, text="请补充知识产权质押物，规范应收账款管理。", actor=flow.staff)
        case = flow.reload(case)
        assert case.state == CaseState.IMPROVEMENT_ADVISED and case.advice_deadline.state == "met"
        assert Notification.objects.filter(user=enterprise_user,
                                           verb="risksharing.improvement_advised").exists()
    assert [f.pk for f in case_filings(board, case, "feedback")] == [case.advice_letter_id]
    assert case_filings(board, case, "guarantee") == []


def test_the_enterprise_answer_bound_is_configuration(board, flow, parties, enterprise):
    board.config["risksharing"]["enterprise_answer_workdays"] = 3
    board.save()
    case = flow.recommended(enterprise, "1")
    with board_scope(board), time_machine.travel(START, tick=False):
        services.record_enhancer_view(case, institution=parties["NMPC"], intent=False, opinion="不同意。",
                                      actor=parties.users["NMPC"])
        assert flow.reload(case).advice_deadline.due_at.date() == dt.date(2026, 3, 5)


def test_closing_cancels_every_open_clock(board, flow, parties, enterprise):
    case = flow.recommended(enterprise, "2")
    with board_scope(board):
        with pytest.raises(DomainError, match="终止原因"):
            services.close_case(case, reason="", actor=flow.staff)
        services.close_case(case, reason="企业撤回申请。", actor=flow.staff)
        assert flow.reload(case).state == CaseState.CLOSED
        clocks = Deadline.objects.filter(kind="risksharing.enhancer_view")
        assert set(clocks.values_list("state", flat=True)) == {"cancelled"}
