"""Admission pages: who sees what (404 for another board, another role, another prefecture or
body), illegal steps as 409 with the allowed steps, and query counts."""

import datetime as dt

import pytest
from django.test import Client

from boards.enterprises.models import Application
from boards.enterprises.services import admission, plans
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.admission import admission_boards, at, fill_form

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def boards():
    return admission_boards()


def _pages(xj):
    pk, base = xj.application.pk, f"/{xj.board.slug}"
    return [
        # (owner attribute, method, path)
        ("enterprise_user", "get", "/my/applications/"),
        ("enterprise_user", "post", "/my/applications/"),
        ("enterprise_user", "get", f"/my/applications/{pk}/"),
        ("enterprise_user", "post", f"/my/applications/{pk}/edit/"),
        ("enterprise_user", "post", f"/my/applications/{pk}/materials/"),
        ("enterprise_user", "get", f"/my/applications/{pk}/materials/{xj.material.pk}/"),
        ("enterprise_user", "post", f"/my/applications/{pk}/submit/"),
        ("bureau", "get", "/bureau/applications/"),
        ("bureau", "post", "/bureau/applications/"),
        ("bureau", "get", "/bureau/applications/new/"),
        ("institution_user", "get", "/institution/applications/"),
        ("gxt", "get", f"/plans/{xj.plan.pk}/approve/gxt/"),
        ("gxt", "post", f"/plans/{xj.plan.pk}/approve/gxt/"),
    ], base


def _user(w, owner):
    return w.regulators[owner] if owner in w.regulators else getattr(w, owner)


# Who holds a role on the board but is the wrong one for the page.
WRONG = {"enterprise_user": "other_bureau", "bureau": "enterprise_user", "institution_user": "bureau",
         "gxt": "jrjg"}


def test_every_page_is_404_for_another_board_and_for_the_wrong_role(boards):
    xj, nmg = boards
    pages, base = _pages(xj)
    with at(2026, 9, 3, 10, 0):
        for owner, method, path in pages:
            owner_client = client_for(_user(xj, owner))
            if method == "get":
                assert owner_client.get(base + path).status_code == 200, path
            # The same path on the other board (where these ids do not exist).
            assert getattr(owner_client, method)(f"/{nmg.board.slug}{path}").status_code == 404, path
            wrong = client_for(_user(xj, WRONG[owner]))
            assert getattr(wrong, method)(base + path).status_code == 404, (path, WRONG[owner])
            # The other board's holder of the same role.
            other = client_for(nmg.staff if owner == "gxt" else _user(nmg, owner))
            assert getattr(other, method)(base + path).status_code == 404, path
            assert getattr(Client(), method)(base + path).status_code == 302  # to the login page
    with board_scope(xj.board):
        assert Application.objects.get(pk=xj.application.pk).state == "submitted"


def test_bureau_sees_only_its_prefecture(boards):
    xj, _ = boards
    with board_scope(xj.board), at(2026, 9, 3, 10, 0):
        elsewhere = EnterpriseFactory(board=xj.board, prefecture="昌吉回族自治州", status="prospect",
                                      name="昌吉某某科技有限公司")
        theirs = admission.file_by_bureau(elsewhere, xj.campaign, actor=xj.other_bureau)
    with at(2026, 9, 3, 11, 0):
        page = client_for(xj.bureau).get(f"/{xj.board.slug}/bureau/applications/").content.decode()
        assert xj.enterprise.name in page and "昌吉某某科技有限公司" not in page
        assert client_for(xj.bureau).get(f"/{xj.board.slug}/my/applications/{theirs.pk}/").status_code == 404
        # Forwarding another prefecture's application forwards nothing.
        response = client_for(xj.bureau).post(f"/{xj.board.slug}/bureau/applications/",
                                              {"application": [theirs.pk]})
    assert response.status_code == 400 and "请至少选择一项申请" in response.content.decode()
    with board_scope(xj.board):
        assert Application.objects.get(pk=theirs.pk).state == "submitted"


def test_an_illegal_step_is_409_with_the_allowed_steps(boards):
    xj, _ = boards
    url = f"/{xj.board.slug}/my/applications/{xj.application.pk}/submit/"
    with at(2026, 9, 3, 10, 0):
        client = client_for(xj.enterprise_user)
        response = client.post(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "illegal_transition"
        # the applicant's steps (boards.enterprises.steps.APPLICANT_STEPS): none while the bureau has it
        assert error["details"] == {"action": "submit", "state": "submitted", "allowed": [], "labels": {},
                                    "label": "提交申请"}
        page = client.post(url)
    assert page.status_code == 409 and "当前没有可执行的操作" in page.content.decode()


def test_bad_input_is_400_with_the_field_named(boards):
    xj, _ = boards
    with at(2026, 9, 3, 10, 0):
        response = client_for(xj.enterprise_user).post(f"/{xj.board.slug}/my/applications/", {})
        assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
        response = client_for(xj.bureau).post(f"/{xj.board.slug}/bureau/applications/new/",
                                              {"enterprise": xj.enterprise.pk, "campaign": xj.campaign.pk})
    # The enterprise already has an application under way: refused on the same form, the choice kept.
    page = response.content.decode()
    assert response.status_code == 409 and "已有进行中的入板申请" in page
    assert '<form method="post" novalidate>' in page
    assert f'<option value="{xj.enterprise.pk}" selected>' in page


def test_material_upload_is_refused_with_the_allowed_types(boards):
    xj, _ = boards
    with at(2026, 9, 2, 9, 0), board_scope(xj.board):
        other = EnterpriseFactory(board=xj.board, prefecture=xj.prefecture, status="prospect")
        other.users.add(xj.enterprise_user)
        draft = admission.create_application(other, xj.campaign, actor=xj.enterprise_user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(2026, 9, 2, 10, 0):
        response = client_for(xj.enterprise_user).post(
            f"/{xj.board.slug}/my/applications/{draft.pk}/materials/",
            {"title": "脚本", "file": SimpleUploadedFile("a.pdf", b"#!/bin/sh\necho hi\n")})
    assert response.status_code == 400 and "允许的类型" in response.content.decode()
    with board_scope(xj.board):
        assert not draft.materials.exists()


def test_publicity_page_is_public_and_per_board(boards):
    xj, nmg = boards
    with at(2026, 9, 16, 10, 0), board_scope(xj.board):
        for code in ("gxt", "jrjg", "zjj"):
            plans.decide_plan(xj.plan, body=code, approved=True, comment="", actor=xj.regulators[code])
        plans.start_publicity(xj.plan, actor=xj.staff, starts_on=dt.date(2026, 9, 17))
        listed = xj.plan.applications.get().enterprise.name
    with at(2026, 9, 17, 10, 0):
        assert listed in Client().get(f"/{xj.board.slug}/publicity/").content.decode()
        assert listed not in Client().get(f"/{nmg.board.slug}/publicity/").content.decode()
        assert Client().get("/no-such-board/publicity/").status_code == 404
        # An objection to another board's application is not a choice on this board's form.
        with board_scope(xj.board):
            pk = xj.plan.applications.get().pk
        response = Client().post(f"/{nmg.board.slug}/publicity/", {"application": pk, "raised_by": "某人",
                                                                   "text": "异议"})
    assert response.status_code == 400


# --- Query counts ----------------------------------------------------------------------------


def _many(xj, count=5):
    """``count`` more enterprises of the bureau's prefecture, each user-linked and submitted."""
    with board_scope(xj.board):
        for _ in range(count):
            enterprise = EnterpriseFactory(board=xj.board, prefecture=xj.prefecture, status="prospect")
            enterprise.users.add(xj.enterprise_user)
            application = admission.create_application(enterprise, xj.campaign, actor=xj.enterprise_user)
            fill_form(application, xj.enterprise_user)
            admission.submit_application(application, actor=xj.enterprise_user)


@pytest.mark.parametrize("owner,path,limit", [
    ("enterprise_user", "/my/applications/", 12),
    ("bureau", "/bureau/applications/", 10),
    ("institution_user", "/institution/applications/", 10),
    ("enterprise_user", "/my/applications/{pk}/", 12),
])
def test_page_query_counts(boards, owner, path, limit, django_assert_max_num_queries):
    xj, _ = boards
    with at(2026, 9, 3, 10, 0):
        _many(xj)
        client = client_for(getattr(xj, owner))
        with django_assert_max_num_queries(limit):
            response = client.get(f"/{xj.board.slug}{path.format(pk=xj.application.pk)}")
    assert response.status_code == 200


def test_approve_and_publicity_query_counts(boards, django_assert_max_num_queries):
    xj, _ = boards
    with at(2026, 9, 3, 10, 0), board_scope(xj.board):
        _many(xj)
        more = list(Application.objects.filter(state="submitted").exclude(pk=xj.application.pk))
        admission.forward_batch(more, prefecture=xj.prefecture, actor=xj.bureau)
        for application in more:
            admission.start_check(application, actor=xj.staff)
            admission.mark_eligible(application, actor=xj.staff)
        plan = plans.build_plan(xj.campaign, more, actor=xj.staff)
        plans.submit_plan(plan, actor=xj.staff)
        for code in ("gxt", "jrjg", "zjj"):
            plans.decide_plan(plan, body=code, approved=True, comment="", actor=xj.regulators[code])
        plans.start_publicity(plan, actor=xj.staff)
    with at(2026, 9, 3, 11, 0):
        regulator = client_for(xj.regulators["gxt"])
        with django_assert_max_num_queries(11):  # 10, and the top bar's memberships
            assert regulator.get(f"/{xj.board.slug}/plans/{plan.pk}/approve/gxt/").status_code == 200
        with django_assert_max_num_queries(8):
            page = Client().get(f"/{xj.board.slug}/publicity/")
    assert page.status_code == 200 and page.content.decode().count("<tr><td>") == 5


def test_an_approval_page_offers_its_step_with_what_confirming_does_and_409s_once_stale(boards):
    xj, _ = boards
    url = f"/{xj.board.slug}/plans/{xj.plan.pk}/approve/gxt/"
    with at(2026, 9, 3, 10, 0):
        regulator = client_for(xj.regulators["gxt"])
        page = regulator.get(url).content.decode()
        assert 'id="step-decide"' in page
        assert "确认后将：以自治区工信厅名义对" in page and "同意后仍待自治区地方金融监管局" in page
        with board_scope(xj.board):  # meanwhile, another body sends the plan back
            plans.decide_plan(xj.plan, body="jrjg", approved=False, comment="请补充行业依据",
                              actor=xj.regulators["jrjg"])
        response = regulator.post(url, {"approved": "0", "comment": "第3家企业层级依据不足"})
    page = response.content.decode()
    assert response.status_code == 409 and "不能执行「decide」" in page
    assert "第3家企业层级依据不足</textarea>" in page
    with board_scope(xj.board):
        assert not xj.plan.approvals.filter(body="gxt").exists()  # nothing written


def test_a_draft_submitted_in_another_tab_answers_409(boards):
    xj, _ = boards
    with at(2026, 9, 3, 10, 0):
        with board_scope(xj.board):
            second = EnterpriseFactory(board=xj.board, prefecture=xj.prefecture, status="prospect")
            second.users.add(xj.enterprise_user)
            draft = admission.create_application(second, xj.campaign, actor=xj.enterprise_user)
            fill_form(draft, xj.enterprise_user)
        client = client_for(xj.enterprise_user)
        page = client.get(f"/{xj.board.slug}/my/applications/{draft.pk}/").content.decode()
        assert 'id="step-submit"' in page
        assert f"确认后将：提交至{xj.prefecture}地方主管部门" in page and "生成《入板申请表》报备" in page
        with board_scope(xj.board):
            admission.submit_application(draft, actor=xj.enterprise_user)  # the other tab
        response = client.post(f"/{xj.board.slug}/my/applications/{draft.pk}/submit/")
    page = response.content.decode()
    assert response.status_code == 409 and "不能执行「submit」" in page and 'id="step-submit"' not in page
