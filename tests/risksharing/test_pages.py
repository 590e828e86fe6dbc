"""Web pages: the enhancers' 立项会, letters, the enterprise's cases and the portfolio with its SVG
charts. Another board or another role: 404."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.filings import render_filing_now
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from risksharing import services
from risksharing.models import CaseState
from tests.factories import MembershipFactory, UserFactory
from tests.support.risksharing import START, D, case_filings


def _page(board, tail):
    return f"/{board.slug}/risksharing/{tail}"


@pytest.fixture
def meeting_case(flow, enterprise):
    return flow.recommended(enterprise, "2")


def test_an_enhancer_records_its_view_at_the_meeting(client, board, meeting_case, parties,
                                                     django_assert_max_num_queries):
    client.force_login(parties.users["NMZDB"])
    with django_assert_max_num_queries(12):
        listing = client.get(_page(board, "meetings/"))
    assert listing.status_code == 200 and "包头稀土新材料科技有限公司" in listing.content.decode()
    url = _page(board, f"meetings/{meeting_case.pk}/")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "提交立项会意见" in page.content.decode()
    assert "2026-03-09" in page.content.decode()  # its clock
    assert client.post(url, {"intent": "yes", "opinion": ""}).status_code == 400
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        response = client.post(url, {"intent": "yes", "opinion": "同意提供担保。",
                                     "guarantee_amount": "4000000"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "有初步担保意向，拟担保 4000000.00 元" in page and "担保推荐函" in page
    assert "提交立项会意见" not in page
    with board_scope(board):
        view = meeting_case.enhancer_views.get(institution=parties["NMZDB"])
        assert view.recorded_by == parties.users["NMZDB"] and view.letter is not None
    # A second submission is refused with a message, nothing changes.
    response = client.post(url, {"intent": "no", "opinion": "改主意"})
    assert response.status_code == 409 and "不能重复提交" in response.content.decode()


def test_a_case_closed_after_the_page_was_drawn_answers_409(client, board, meeting_case, parties, staff_user):
    client.force_login(parties.users["NMZDB"])
    url = _page(board, f"meetings/{meeting_case.pk}/")
    page = client.get(url).content.decode()
    assert 'id="step-record_view"' in page
    assert "确认后将：提交本机构对「包头稀土新材料科技有限公司」的立项会意见" in page
    with board_scope(board):
        services.close_case(meeting_case, reason="企业撤回融资申请", actor=staff_user)  # meanwhile, staff
    response = client.post(url, {"intent": "yes", "opinion": "同意提供担保。", "guarantee_amount": "4000000"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "不能执行「record_view」" in page and "当前没有可执行的操作" in page
    assert "同意提供担保。</textarea>" in page and 'value="4000000"' in page
    with board_scope(board):
        view = meeting_case.enhancer_views.get(institution=parties["NMZDB"])
        assert view.intent is None and view.letter is None  # nothing half written


def test_the_meeting_page_is_404_for_anyone_else(client, board, other_board, meeting_case, parties,
                                                 staff_user):
    url = _page(board, f"meetings/{meeting_case.pk}/")
    outsider = UserFactory(username="xj-enhancer")
    MembershipFactory(user=outsider, board=other_board, role=Role.CREDIT_ENHANCER,
                      institution=parties["NMZDB"])
    for user in (parties.users["NMPC"],  # an enhancer not in this meeting
                 parties.users["IMB"], staff_user, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"intent": "yes", "opinion": "x"}).status_code == 404
        if user != parties.users["NMPC"]:
            assert client.get(_page(board, "meetings/")).status_code == 404
    assert client.get(_page(other_board, f"meetings/{meeting_case.pk}/")).status_code == 404


def test_letters_for_the_enhancer_and_the_enterprise(client, board, other_board, flow, parties, enterprise,
                                                     enterprise_user, django_assert_max_num_queries):
    case = flow.sent(enterprise, "1")
    recommendation = case.recommendation_letter
    guarantee, = case_filings(board, case, "guarantee")
    with board_scope(board):
        for filing in (recommendation, guarantee):
            render_filing_now(filing.pk)
    client.force_login(parties.users["NMPC"])
    for filing in (recommendation, guarantee):
        with django_assert_max_num_queries(12):
            response = client.get(_page(board, f"letters/{filing.pk}/"))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(enterprise_user)  # the enterprise reads its feedback letters only
    assert client.get(_page(board, f"letters/{recommendation.pk}/")).status_code == 404
    client.force_login(parties.users["NMZDB"])  # an enhancer of another case
    assert client.get(_page(board, f"letters/{recommendation.pk}/")).status_code == 404
    outsider = UserFactory(username="xj-enhancer")
    MembershipFactory(user=outsider, board=other_board, role=Role.CREDIT_ENHANCER,
                      institution=parties["NMPC"])
    client.force_login(outsider)
    assert client.get(_page(board, f"letters/{recommendation.pk}/")).status_code == 404
    assert client.get(_page(other_board, f"letters/{recommendation.pk}/")).status_code == 404


def test_the_enterprise_sees_its_cases_and_feedback(client, board, other_board, flow, parties, enterprise,
                                                    enterprise_user, django_assert_max_num_queries):
    case = flow.sent(enterprise, "1", funders=("IMB", "BOC"))
    with board_scope(board):
        for code in ("IMB", "BOC"):
            request = flow.request(case, code)
            services.answer_request(request, intent=False, reasons="额度已满。", actor=parties.users[code])
            services.send_feedback(request, text=f"{code} 暂不予融资。", actor=flow.staff)
    letters = case_filings(board, case, "feedback")
    with board_scope(board):
        render_filing_now(letters[0].pk)
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(12):
        page = client.get(_page(board, "my/"))
    assert page.status_code == 200 and "IMB 暂不予融资" in page.content.decode()
    assert client.get(_page(board, f"letters/{letters[0].pk}/")).status_code == 200
    client.force_login(parties.users["IMB"])
    assert client.get(_page(board, "my/")).status_code == 404
    assert client.get(_page(board, f"letters/{letters[0].pk}/")).status_code == 404
    stranger = UserFactory(username="xj-ent")
    MembershipFactory(user=stranger, board=other_board, role=Role.ENTERPRISE_USER)
    client.force_login(stranger)
    assert client.get(_page(board, "my/")).status_code == 404
    assert client.get(_page(other_board, "my/")).content.decode().count("暂不予融资") == 0


@pytest.fixture
def regulator(board):
    user = UserFactory(username="jrb")
    MembershipFactory(user=user, board=board, role=Role.REGULATOR)
    return user


def test_the_portfolio_page_draws_svg_charts(client, board, flow, parties, enterprise, fund, regulator,
                                            other_staff_user, django_assert_max_num_queries):
    case = flow.defaulted(enterprise, "1")
    flow.allocated(case, D("100000"))
    for _ in range(2):
        flow.contracted(enterprise, "2")
    client.force_login(regulator)
    with django_assert_max_num_queries(14):
        response = client.get(_page(board, "portfolio/"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<svg") == 5 and "<script" not in html
    assert "内蒙古生产力促进中心有限公司" in html and "模式二：再担保牵头联合担保" in html
    assert flow.reload(case).state == CaseState.LOSS_ALLOCATED
    for user in (parties.users["IMB"], parties.users["NMPC"], other_staff_user):
        client.force_login(user)
        assert client.get(_page(board, "portfolio/")).status_code == 404
