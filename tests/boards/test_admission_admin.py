"""Staff work on admission in the admin: lists, step buttons, campaign creation through the
service, list actions that report each refusal, and another board's rows answering 404."""

import datetime as dt

import pytest
from django.test import Client

from boards.enterprises.models import Application, Campaign, TierPlan
from boards.enterprises.services import admission, plans
from boards.kernel.models import Deadline, EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.admission import at, fill_form, pdf_upload, world

pytestmark = pytest.mark.django_db
ADMIN = "/admin/boards"


def staff_client(w):
    client = Client()
    client.force_login(w.staff)
    return client


def _submitted(w, count):
    with board_scope(w.board):
        applications = []
        for _ in range(count):
            enterprise = EnterpriseFactory(board=w.board, prefecture=w.prefecture, status="prospect")
            application = admission.create_application(enterprise, w.campaign, actor=w.enterprise_user)
            fill_form(application, w.enterprise_user)
            applications.append(admission.submit_application(application, actor=w.enterprise_user))
        return applications


def test_lists_and_change_pages_show_the_steps_that_apply():
    w = world("xj-zjtx")
    with at(2026, 9, 3, 10, 0):
        first, second = _submitted(w, 2)
        with board_scope(w.board):
            admission.forward_batch([first], prefecture=w.prefecture, actor=w.bureau)
            admission.start_check(first, actor=w.staff)
        client = staff_client(w)
        for model in ("campaign", "application", "tierplan", "objection"):
            assert client.get(f"{ADMIN}/{model}/").status_code == 200, model
        page = client.get(f"{ADMIN}/application/{first.pk}/change/").content.decode()
        assert "退回补充材料" in page and "认定不符合条件" in page and "开始初核" not in page
        page = client.get(f"{ADMIN}/application/{second.pk}/change/").content.decode()
        assert "退回补充材料" not in page  # submitted: the bureau acts next, not staff
        form = client.get(f"{ADMIN}/application/{first.pk}/act/request_supplement/")
        assert form.status_code == 200 and "需补充的材料" in form.content.decode()
        empty = client.post(f"{ADMIN}/application/{first.pk}/act/request_supplement/", {"text": ""})
        assert empty.status_code == 400
    with board_scope(w.board):
        assert Application.objects.get(pk=first.pk).state == "under_check"


def test_staff_download_the_applications_documents_only():
    w = world("xj-zjtx")
    with at(2026, 9, 3, 10, 0):
        application, = _submitted(w, 1)
        with board_scope(w.board):
            mine = admission.add_material(admission.create_application(
                EnterpriseFactory(board=w.board, status="prospect"), w.campaign, actor=w.enterprise_user),
                pdf_upload("审计报告.pdf"), title="审计报告", actor=w.enterprise_user)
        client = staff_client(w)
        page = client.get(f"{ADMIN}/application/{mine.application_id}/change/").content.decode()
        assert "审计报告" in page
        url = f"{ADMIN}/application/{mine.application_id}/file/{mine.file_id}/"
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        assert client.get(f"{ADMIN}/application/{application.pk}/file/{mine.file_id}/").status_code == 404


def test_another_boards_rows_are_404_in_the_admin():
    xj, nmg = world("xj-zjtx"), world("nmg-kcb")
    with at(2026, 9, 3, 10, 0):
        application, = _submitted(xj, 1)
        client = staff_client(nmg)
        assert client.get(f"{ADMIN}/application/{application.pk}/change/").status_code == 404
        assert client.post(f"{ADMIN}/application/{application.pk}/act/start_check/").status_code == 404
        assert client.get(f"{ADMIN}/campaign/{xj.campaign.pk}/act/close/").status_code == 404
        enterprise_client = Client()
        enterprise_client.force_login(xj.enterprise_user)
        assert enterprise_client.get(f"{ADMIN}/application/").status_code == 302  # not admin staff
    with board_scope(xj.board):
        assert Campaign.objects.get(pk=xj.campaign.pk).is_open


def test_campaign_is_created_through_the_service_with_its_deadlines():
    w = world("xj-zjtx")
    data = {"board": w.board.pk, "name": "2027年度入板申报", "opens_on": "2027-01-04",
            "bureau_deadline": "2027-01-15", "check_deadline": "2027-01-26"}
    with at(2026, 12, 1, 10, 0):
        client = staff_client(w)
        bad = client.post(f"{ADMIN}/campaign/add/", {**data, "check_deadline": "2027-01-10"})
        assert bad.status_code == 200 and "日期顺序应为" in bad.content.decode()
        assert client.post(f"{ADMIN}/campaign/add/", data).status_code == 302
    with board_scope(w.board):
        campaign = Campaign.objects.get(name="2027年度入板申报")
        assert Deadline.objects.filter(object_id=str(campaign.pk)).count() == 2
        assert EvidenceEntry.objects.filter(action="boards.campaign.created", subject_id=str(campaign.pk),
                                            actor=w.staff).exists()


def test_list_action_runs_each_row_and_names_each_refusal():
    w = world("xj-zjtx")
    with at(2026, 9, 3, 10, 0):
        forwarded, submitted = _submitted(w, 2)
        with board_scope(w.board):
            admission.forward_batch([forwarded], prefecture=w.prefecture, actor=w.bureau)
        response = staff_client(w).post(f"{ADMIN}/application/", {
            "action": "start_check_selected", "_selected_action": [forwarded.pk, submitted.pk]}, follow=True)
    html = response.content.decode()
    assert "开始初核：已办理 1 项" in html and "不能执行「start_check」" in html
    with board_scope(w.board):
        assert Application.objects.get(pk=forwarded.pk).state == "under_check"
        assert Application.objects.get(pk=submitted.pk).state == "submitted"


def test_application_changelist_query_count(django_assert_max_num_queries):
    w = world("xj-zjtx")
    with at(2026, 9, 3, 10, 0):
        _submitted(w, 6)
        client = staff_client(w)
        with django_assert_max_num_queries(16):
            assert client.get(f"{ADMIN}/application/").status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(f"{ADMIN}/campaign/").status_code == 200


def test_start_publicity_date_defaults_to_today_and_refuses_the_past():
    w = world("xj-zjtx")
    with at(2026, 9, 14, 10, 0):
        application, = _submitted(w, 1)
        with board_scope(w.board):
            admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
            admission.start_check(application, actor=w.staff)
            admission.mark_eligible(application, actor=w.staff)
            plan = plans.build_plan(w.campaign, [application], actor=w.staff)
            plans.submit_plan(plan, actor=w.staff)
            for code in ("gxt", "jrjg", "zjj"):
                plans.decide_plan(plan, body=code, approved=True, comment="", actor=w.regulators[code])
        client = staff_client(w)
        url = f"{ADMIN}/tierplan/{plan.pk}/act/start_publicity/"
        assert 'value="2026-09-14"' in client.get(url).content.decode()
        past = client.post(url, {"starts_on": "2026-09-11"})
        assert past.status_code == 400 and "不能早于今天" in past.content.decode()
        assert client.post(url, {"starts_on": "2026-09-14"}).status_code == 302
    with board_scope(w.board):
        assert TierPlan.objects.get(pk=plan.pk).publicity_ends_on == dt.date(2026, 9, 18)
