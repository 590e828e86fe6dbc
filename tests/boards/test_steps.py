"""The kernel's step mechanism in the admin (admission): a step drawn while available and
submitted after someone else took it answers 409 with the steps available now, and changes
nothing; 认定符合条件 shows the suggested tier with its rule table before confirming."""

import datetime as dt

import pytest
from django.test import Client

from boards.enterprises.admin.admission import APPLICATION_STEPS
from boards.enterprises.models import Application
from boards.enterprises.services import admission
from boards.enterprises.services.registry import add_qualification
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from boards.kernel.steps import StepUnavailable, run
from tests.factories import EnterpriseFactory
from tests.support.admission import at, fill_form, world

pytestmark = pytest.mark.django_db
ADMIN = "/admin/boards/application"


def _forwarded(w):
    with board_scope(w.board):
        enterprise = EnterpriseFactory(board=w.board, prefecture=w.prefecture, status="prospect")
        application = admission.create_application(enterprise, w.campaign, actor=w.enterprise_user)
        fill_form(application, w.enterprise_user)
        admission.submit_application(application, actor=w.enterprise_user)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
        return application


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_step_taken_between_page_and_submit_answers_409_in_the_admin(django_assert_max_num_queries):
    w = world("xj-zjtx")
    with at(2026, 9, 10, 10, 0):
        application = _forwarded(w)
        client = _client(w.staff)
        url = f"{ADMIN}/{application.pk}/act/start_check/"
        with django_assert_max_num_queries(20):
            drawn = client.get(url)
        assert drawn.status_code == 200 and "确认：开始初核" in drawn.content.decode()
        with board_scope(w.board):  # a colleague takes the step first
            admission.start_check(application, actor=w.staff)
        submitted = client.post(url)
    page = submitted.content.decode()
    assert submitted.status_code == 409 and "不能执行「start_check」" in page
    # The steps available now, as buttons to their own pages; no form to submit again.
    assert f"{ADMIN}/{application.pk}/act/request_supplement/" in page and "确认：开始初核" not in page
    with board_scope(w.board):
        assert Application.objects.get(pk=application.pk).state == "under_check"
        assert EvidenceEntry.objects.filter(action="boards.application.check_started",
                                            subject_id=str(application.pk)).count() == 1


def test_availability_is_checked_again_on_the_locked_row():
    w = world("xj-zjtx")
    with at(2026, 9, 10, 10, 0):
        application = _forwarded(w)
        with board_scope(w.board):
            stale = Application.objects.get(pk=application.pk)  # read while start_check was offered
            admission.start_check(application, actor=w.staff)
            with pytest.raises(StepUnavailable) as refused:
                run(APPLICATION_STEPS, "start_check", stale, w.staff, {})
    assert refused.value.status == 409
    assert set(refused.value.details["allowed"]) == {"request_supplement", "mark_eligible", "mark_ineligible"}
    assert refused.value.details["labels"]["mark_eligible"] == "认定符合条件（按分层建议）"


def test_mark_eligible_shows_the_suggested_tier_and_its_rules_before_confirming():
    w = world("xj-zjtx")
    with at(2026, 9, 10, 10, 0):
        application = _forwarded(w)
        with board_scope(w.board):
            admission.start_check(application, actor=w.staff)
        client = _client(w.staff)
        change = client.get(f"{ADMIN}/{application.pk}/change/").content.decode()
        assert "认定符合条件（按分层建议）" in change
        page = client.get(f"{ADMIN}/{application.pk}/act/mark_eligible/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="step-preview"' in html
    assert "确认后将：" in html and ">层级</th>" in html and ">依据</th>" in html
    assert "拟纳入" in html or "不能给出分层建议" in html


def test_an_unknown_step_or_another_boards_row_is_404():
    w, other = world("xj-zjtx"), world("nmg-kcb")
    with at(2026, 9, 10, 10, 0):
        application = _forwarded(w)
    assert _client(w.staff).get(f"{ADMIN}/{application.pk}/act/teleport/").status_code == 404
    assert _client(other.staff).get(f"{ADMIN}/{application.pk}/act/start_check/").status_code == 404
    assert _client(other.staff).post(f"{ADMIN}/{application.pk}/act/start_check/").status_code == 404


def test_mark_eligible_is_offered_only_while_a_tier_is_suggested():
    """nmg-kcb requires a 科技型中小企业 (or similar) qualification to enter: without it the step
    is not offered and its page answers 409 with the reason; with it, the page shows the tier."""
    w = world("nmg-kcb")
    with at(2026, 9, 10, 10, 0):
        application = _forwarded(w)
        with board_scope(w.board):
            admission.start_check(application, actor=w.staff)
        client = _client(w.staff)
        change = client.get(f"{ADMIN}/{application.pk}/change/").content.decode()
        assert "认定符合条件（按分层建议）" not in change and "认定不符合条件" in change
        refused = client.get(f"{ADMIN}/{application.pk}/act/mark_eligible/")
        assert refused.status_code == 409 and "不符合入板条件" in refused.content.decode()
        with board_scope(w.board):
            add_qualification(application.enterprise, kind="tech_sme", issuer="科技厅",
                              issued_on=dt.date(2026, 1, 5), valid_until=dt.date(2027, 1, 5))
        change = client.get(f"{ADMIN}/{application.pk}/change/").content.decode()
        assert "认定符合条件（按分层建议）" in change
        page = client.get(f"{ADMIN}/{application.pk}/act/mark_eligible/")
    assert page.status_code == 200 and "确认后将：认定符合条件，拟纳入" in page.content.decode()
