"""Staff side in the admin: the committee, opening a case and running it step by step."""

import datetime as dt

import pytest
import time_machine

from boards.kernel.models import EvidenceEntry, Notification, Role
from boards.kernel.scoping import board_scope
from reviews.models import Expert, ExpertEmployment, ReviewCase
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.support.reviews import START, committee, pdf_upload

CASES = "/admin/reviews/reviewcase/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _step(case, step):
    return f"{CASES}{case.pk}/act/{step}/"


def test_staff_open_a_case_and_run_it(staff_client, board, enterprise, experts,
                                      django_assert_max_num_queries):
    response = staff_client.post(f"{CASES}add/", {"kind": "innovation", "enterprise": enterprise.pk,
                                                  "reason": "企业自荐"})
    with board_scope(board):
        case = ReviewCase.objects.get()
    assert response.status_code == 302 and response.url == f"{CASES}{case.pk}/change/"
    page = staff_client.get(response.url).content.decode()
    assert "抽取专家" in page and "上传评审材料" in page and "送达材料" not in page
    assert staff_client.get(_step(case, "draw_panel")).status_code == 200  # the confirmation
    staff_client.post(_step(case, "draw_panel"))
    staff_client.post(_step(case, "add_material"), {"title": "申报书", "file": pdf_upload()})
    response = staff_client.post(_step(case, "send_material"), follow=True)
    assert "材料已送达评审组专家" in response.content.decode()
    with django_assert_max_num_queries(40):
        page = staff_client.get(f"{CASES}{case.pk}/change/").content.decode()
    assert page.count("材料已送达") >= 5 and "确认收悉期限" in page
    assert "按种子复核" in page and "一致" in page
    response = staff_client.post(_step(case, "remind"), follow=True)
    assert "已提醒 5 位专家" in response.content.decode()
    with board_scope(board):
        assert Notification.objects.filter(verb="reviews.reminder").count() == 5
        assert EvidenceEntry.objects.filter(action="reviews.case.opened", actor__username="staff").exists()
    with django_assert_max_num_queries(15):
        assert "内蒙古稀土功能材料有限公司" in staff_client.get(CASES).content.decode()


def test_a_refused_open_shows_the_reason(staff_client, board, enterprise):
    response = staff_client.post(f"{CASES}add/", {"kind": "innovation", "enterprise": enterprise.pk,
                                                  "panel_size": 7})
    assert response.status_code == 400 and "评审组应为 5 人，不能是 7 人" in response.content.decode()


def test_a_meeting_too_early_is_refused_on_the_form(staff_client, board, flow, enterprise):
    committee(board, 5)
    case = flow.received(enterprise, "premium")
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        response = staff_client.post(_step(case, "schedule_meeting"),
                                     {"at": "2026-03-04T10:00", "place": "交易中心会议室"})
    assert response.status_code == 400 and 'value="交易中心会议室"' in response.content.decode()
    assert "须在最后一位专家确认收悉材料 3 日后召开" in response.content.decode()
    assert flow.reload(case).state == "material_sent"
    response = staff_client.post(_step(case, "schedule_meeting"),
                                 {"at": "2026-03-06T10:00", "place": "交易中心"})
    assert response.status_code == 302 and flow.reload(case).state == "meeting_scheduled"


def test_an_illegal_step_is_409_with_the_allowed_steps(staff_client, board, flow, enterprise):
    case = flow.open(enterprise)
    response = staff_client.post(_step(case, "archive"))
    page = response.content.decode()
    assert response.status_code == 409 and "不能执行「archive」" in page and "抽取专家" in page
    assert flow.reload(case).state == "created"


def test_other_boards_and_other_roles_get_nothing(client, board, other_board, flow, enterprise,
                                                  other_staff_user):
    case = flow.open(enterprise)
    client.force_login(other_staff_user)
    assert client.get(f"{CASES}{case.pk}/change/").status_code == 404
    assert client.post(_step(case, "draw_panel")).status_code == 404
    expert = UserFactory(username="an-expert")
    MembershipFactory(user=expert, board=board, role=Role.EXPERT)
    client.force_login(expert)
    assert client.get(_step(case, "draw_panel")).status_code == 302  # not staff: the admin's login
    assert flow.reload(case).state == "created"


def test_staff_manage_the_committee_with_employment_history(staff_client, board):
    user = UserFactory(username="new-expert")
    MembershipFactory(user=user, board=board, role=Role.EXPERT)
    bank = InstitutionFactory(code="BANK7", name="某银行")
    MembershipFactory(user=UserFactory(username="bank7"), board=board, role=Role.INSTITUTION_USER,
                      institution=bank)  # takes part in the board: only such institutions are named
    response = staff_client.post("/admin/reviews/expert/add/", {
        "user": user.pk, "name": "钱学明", "field": "finance", "source": "member", "institution": bank.pk,
        "title": "行长", "is_active": "on", "is_available": "on", "joined_on": "2026-01-05",
        "employments-TOTAL_FORMS": "1", "employments-INITIAL_FORMS": "0",
        "employments-0-institution": bank.pk, "employments-0-position": "行长",
        "employments-0-started_on": "2019-01-01",
        "declared_conflicts-TOTAL_FORMS": "0", "declared_conflicts-INITIAL_FORMS": "0",
        "unavailable_periods-TOTAL_FORMS": "0", "unavailable_periods-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[-2000:]
    with board_scope(board):
        expert = Expert.objects.get(name="钱学明")
        job = ExpertEmployment.objects.get(expert=expert)
    assert expert.board == board and job.board == board and job.ended_on is None


def test_decide_is_offered_once_every_opinion_is_in_and_shows_the_votes(staff_client, board, flow,
                                                                        enterprise):
    committee(board, 5)
    case = flow.met(enterprise)
    decide = _step(case, "decide")
    assert decide not in staff_client.get(f"{CASES}{case.pk}/change/").content.decode()
    refused = staff_client.get(decide)
    assert refused.status_code == 409 and "尚未提交评审意见" in refused.content.decode()
    flow.vote(case, ["pass", "pass", "pass", "fail", "abstain"], at=START + dt.timedelta(days=5))
    assert decide in staff_client.get(f"{CASES}{case.pk}/change/").content.decode()
    page = staff_client.get(decide).content.decode()
    assert 'id="step-preview"' in page and "已提交意见 5 份" in page and "同意 3 票" in page
    assert "结论为「通过」" in page and ">表决意见</th>" in page
    assert staff_client.post(decide).status_code == 302
    assert flow.reload(case).state == "decided" and flow.reload(case).passed
