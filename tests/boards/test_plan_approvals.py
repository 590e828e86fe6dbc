"""The approving bodies' page (分层方案审定): each body's account finds it on its workbench, sees the
plans sent to it with those waiting for its decision first-flagged, and opens one to decide; another
board's regulator, a regulator that approves nothing and an enterprise get 404; the query count does
not grow with the plans."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.enterprises.services import admission, plans
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.support.admission import at, fill_form, world

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _submitted_plan(w, name):
    with board_scope(w.board):
        enterprise = EnterpriseFactory(board=w.board, prefecture=w.prefecture, status="prospect", name=name)
        application = admission.create_application(enterprise, w.campaign, actor=w.enterprise_user)
        fill_form(application, w.enterprise_user)
        admission.submit_application(application, actor=w.enterprise_user)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
        admission.start_check(application, actor=w.staff)
        admission.mark_eligible(application, actor=w.staff)
        plan = plans.build_plan(w.campaign, [application], actor=w.staff)
        return plans.submit_plan(plan, actor=w.staff)


@pytest.fixture
def xj():
    w = world("xj-zjtx")
    with at(2026, 9, 3, 10, 0):
        w.plan = _submitted_plan(w, "乌鲁木齐审定科技有限公司")
    return w


def _page(w):
    return reverse("admission-approvals", args=[w.board.slug])


def test_each_body_finds_its_waiting_plans_on_its_workbench_and_decides(xj):
    gxt = client_for(xj.regulators["gxt"])
    with at(2026, 9, 3, 11, 0):
        workbench = gxt.get(reverse("workbench", args=[xj.board.slug])).content.decode()
        assert f'href="{_page(xj)}"' in workbench and "分层方案审定" in workbench
        page = gxt.get(_page(xj)).content.decode()
        assert "有 1 个方案等待本单位审定" in page and "待审定" in page
        approve = reverse("admission-approve", args=[xj.board.slug, xj.plan.pk, "gxt"])
        assert f'href="{approve}"' in page
        assert gxt.post(approve, {"approved": "1", "comment": "同意。"}).status_code == 302
        page = gxt.get(_page(xj)).content.decode()
    assert "等待本单位审定" not in page and "同意（2026-09-03）" in page
    # another body has still to decide: its own page still flags the plan
    with at(2026, 9, 3, 11, 0):
        jrjg = client_for(xj.regulators["jrjg"]).get(_page(xj)).content.decode()
    assert "有 1 个方案等待本单位审定" in jrjg


def test_others_get_404_and_no_workbench_entry(xj):
    nmg = world("nmg-kcb")
    plain = UserFactory(username="xj-plain-regulator")
    MembershipFactory(user=plain, board=xj.board, role="regulator")
    for user in (nmg.regulators["kjt"], plain, xj.enterprise_user, xj.staff, xj.bureau):
        client = client_for(user)
        assert client.get(_page(xj)).status_code == 404, user
    workbench = client_for(plain).get(reverse("workbench", args=[xj.board.slug])).content.decode()
    assert "分层方案审定" not in workbench
    # the other board's body on its own board sees none of Xinjiang's plans
    own = client_for(nmg.regulators["kjt"]).get(_page(nmg)).content.decode()
    assert "尚无报审的分层方案" in own and "乌鲁木齐审定科技有限公司" not in own


def test_the_page_costs_the_same_queries_with_more_plans(xj):
    gxt = client_for(xj.regulators["gxt"])

    def count():
        with at(2026, 9, 3, 11, 0), CaptureQueriesContext(connection) as queries:
            assert gxt.get(_page(xj)).status_code == 200
        return len(queries)

    before = count()
    with at(2026, 9, 3, 10, 30):
        for n in range(3):
            _submitted_plan(xj, f"乌鲁木齐第{n}家科技有限公司")
    assert count() == before
