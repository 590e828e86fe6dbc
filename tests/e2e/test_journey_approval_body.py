"""Journey: an approving body (新疆 工信厅's account) logs in, finds 分层方案审定 on its workbench,
sees the plan waiting for it, opens it, agrees, and sees its decision on the list."""

import pytest
from playwright.sync_api import expect

from boards.enterprises.services import admission, plans
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory
from tests.support.admission import fill_form, world
from tests.support.e2e import PASSWORD, login, shot


@pytest.fixture
def submitted_plan(committed_db, celery_eager):
    w = world("xj-zjtx")
    w.gxt = w.regulators["gxt"]
    w.gxt.set_password(PASSWORD)
    w.gxt.save(update_fields=["password"])
    with board_scope(w.board):
        enterprise = EnterpriseFactory(board=w.board, prefecture=w.prefecture, status="prospect",
                                       name="乌鲁木齐天山精密制造有限公司")
        application = admission.create_application(enterprise, w.campaign, actor=w.enterprise_user)
        fill_form(application, w.enterprise_user)
        admission.submit_application(application, actor=w.enterprise_user)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
        admission.start_check(application, actor=w.staff)
        admission.mark_eligible(application, actor=w.staff)
        w.plan = plans.submit_plan(plans.build_plan(w.campaign, [application], actor=w.staff), actor=w.staff)
    return w


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_approving_body_decides_the_plan_sent_to_it(live_server, new_page, submitted_plan):
    w = submitted_plan
    page = login(new_page(), live_server, w.gxt.username)
    page.get_by_role("link", name="进入我的工作台").click()
    page.locator("ul.entries").get_by_role("link", name="分层方案审定").click()
    expect(page.locator("#approvals-waiting")).to_contain_text("有 1 个方案等待本单位审定")
    shot(page, "approval_body_1_list")
    page.locator("#approvals").get_by_role("link", name="审定").click()
    expect(page.locator("#plan-rows")).to_contain_text("乌鲁木齐天山精密制造有限公司")
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="提交审定意见").click()
    expect(page.locator(".messages")).to_contain_text("审定意见已提交。")
    shot(page, "approval_body_2_decided")
    page.get_by_role("link", name="返回分层方案审定").click()
    expect(page.locator("#approvals")).to_contain_text("同意（")
    expect(page.locator("#approvals-waiting")).to_have_count(0)
