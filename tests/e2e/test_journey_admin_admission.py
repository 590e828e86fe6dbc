"""Journey: exchange staff admit a Xinjiang enterprise through the Django admin: the admin's
login form, the board switcher, a list action, the change page's step buttons (supplement
round, eligibility, the tier plan, its submission to the three approving bodies, publicity)
and, once publicity is over, 公示期满，确认入板. The enterprise, the bureau and the approving
bodies act through the services between the clicks."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from boards.enterprises.models import Application, Enterprise, TierPlan
from boards.enterprises.services import admission, plans
from boards.kernel.models import Filing
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, MembershipFactory
from tests.support.admission import SHANGHAI, fill_form, pdf_upload, world
from tests.support.e2e import PASSWORD, login, shot


@pytest.fixture
def forwarded(committed_db, celery_eager):
    """The Xinjiang world with an application forwarded by the bureau; the staff user also
    works for Inner Mongolia, so the admin opens on a board of the switcher's choosing."""
    nmg = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    w = world("xj-zjtx")
    w.staff.set_password(PASSWORD)
    w.staff.save(update_fields=["password"])
    MembershipFactory(user=w.staff, board=nmg, role="exchange_staff")
    with board_scope(w.board):
        application = admission.create_application(w.enterprise, w.campaign, actor=w.enterprise_user,
                                                   requested_tier="standard")
        admission.add_material(application, pdf_upload(), title="入板申请表（盖章）", actor=w.enterprise_user)
        fill_form(application, w.enterprise_user)
        admission.submit_application(application, actor=w.enterprise_user)
        admission.forward_batch([application], prefecture=w.prefecture, actor=w.bureau)
    w.application = application
    return w


def _step(page, label):
    """Click a change page's step button and confirm it on the step form."""
    page.locator("a.button", has_text=label).click()
    page.locator("input[type=submit]", has_text=f"确认：{label}").or_(
        page.locator(f'input[type=submit][value="确认：{label}"]')).click()


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_admit_an_enterprise_through_the_admin(live_server, new_page, forwarded):
    w = forwarded
    page = login(new_page(), live_server, w.staff.username, "/admin/", admin=True)
    page.select_option("#board-select", label="新疆专精特新专板")
    page.locator("#board-switcher button").click()
    expect(page.locator(".messagelist")).to_contain_text("当前专板已切换为「新疆专精特新专板」。")
    expect(page.locator("#current-board")).to_have_text("新疆专精特新专板")

    # The desk: the board's queues; 待初核 counts the forwarded application and lists it.
    queue = page.locator("#desk-queues a", has_text="待初核")
    expect(queue.locator(".desk-queue-count")).to_have_text("1")
    expect(page.locator("#desk-queues")).to_contain_text("公示中")
    shot(page, "admin_index_queues")
    queue.click()

    # The list action starts the check of the forwarded application.
    row = page.locator("#result_list tbody tr", has_text=w.enterprise.name)
    expect(row).to_contain_text("已报送交易中心")
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", value="start_check_selected")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("开始初核：已办理 1 项。")
    expect(row).to_contain_text("交易中心初核中")

    # The change page: a supplement round, answered by the enterprise.
    row.get_by_role("link", name=w.enterprise.name).click()
    state = page.locator(".field-state .readonly")
    expect(state).to_have_text("交易中心初核中")
    expect(page.locator(".field-documents")).to_contain_text("入板申请表（盖章）")
    page.locator("a.button", has_text="退回补充材料").click()
    page.get_by_label("需补充的材料").fill("请补充2025年度审计报告。")
    page.locator('input[type=submit][value="确认：退回补充材料"]').click()
    expect(page.locator(".messagelist")).to_contain_text("已办理：退回补充材料。")
    expect(state).to_have_text("退回补充材料")
    with board_scope(w.board):
        application = Application.objects.get(pk=w.application.pk)
        admission.add_material(application, pdf_upload("审计报告.pdf"), title="2025年度审计报告",
                               actor=w.enterprise_user)
        admission.resubmit(application, actor=w.enterprise_user)
    page.reload()
    expect(state).to_have_text("交易中心初核中")
    expect(page.locator(".field-documents")).to_contain_text("2025年度审计报告（第 1 轮补充）")
    expect(page.locator(".field-supplement_rounds .readonly")).to_have_text("1")

    # The step page shows what confirming will do: the suggested tier with its rule table.
    page.locator("a.button", has_text="认定符合条件（按分层建议）").click()
    expect(page.locator("#step-preview")).to_contain_text("拟纳入规范层")
    expect(page.locator("#step-preview table")).to_contain_text("满足")
    shot(page, "admin_step_mark_eligible_preview")
    page.locator('input[type=submit][value="确认：认定符合条件（按分层建议）"]').click()
    expect(page.locator(".messagelist")).to_contain_text("已办理：认定符合条件（按分层建议）。")
    expect(page.locator(".field-check_table")).to_contain_text("拟纳入规范层")
    _step(page, "纳入分层方案")
    expect(state).to_have_text("已纳入分层方案")
    application_url = page.url

    # The plan goes to the three approving bodies, who approve it in their own pages.
    page.locator(".field-plan a").click()
    plan_state = page.locator(".field-state .readonly")
    expect(plan_state).to_have_text("拟订中")
    expect(page.locator(".field-bodies")).to_contain_text("自治区工信厅、自治区地方金融监管局、新疆证监局")
    _step(page, "报送审定单位")
    expect(page.locator(".messagelist")).to_contain_text("已办理：报送审定单位。")
    expect(plan_state).to_have_text("报审中")
    with board_scope(w.board):
        plan = TierPlan.objects.get(pk=Application.objects.get(pk=w.application.pk).plan_id)
        assert sorted(Filing.objects.filter(kind="boards.tier_plan").values_list("addressee", flat=True)) == [
            "gxt", "jrjg", "zjj"]
        for code in ("gxt", "jrjg", "zjj"):
            plans.decide_plan(plan, body=code, approved=True, comment="", actor=w.regulators[code])
    page.reload()
    expect(plan_state).to_have_text("已审定")
    expect(page.locator("#applications-group")).to_contain_text(w.enterprise.name)
    approvals = page.locator("#approvals-group tbody tr.has_original")
    expect(approvals).to_have_count(3)
    expect(page.locator("#approvals-group")).to_contain_text("新疆证监局")  # the body's name, not its code
    expect(page.locator("#applications-group")).to_contain_text("规范层")

    page.locator("a.button", has_text="开始公示").click()
    today = page.locator("input[name=starts_on]").input_value()
    page.locator('input[type=submit][value="确认：开始公示"]').click()
    expect(page.locator(".messagelist")).to_contain_text("已办理：开始公示。")
    expect(plan_state).to_have_text("公示中")
    with board_scope(w.board):
        plan = TierPlan.objects.get(pk=plan.pk)  # protected FSM state: re-read, not refresh
    assert plan.publicity_starts_on.isoformat() == today
    expect(page.locator(".field-publicity .readonly")).to_contain_text(
        f"{plan.publicity_starts_on} 至 {plan.publicity_ends_on}")
    shot(page, "admin_tier_plan_in_publicity")

    # Too early: the refusal is shown on the step page.
    page.goto(application_url)
    _step(page, "公示期满，确认入板")
    expect(page.locator("#step-error")).to_contain_text(
        f"公示期至 {plan.publicity_ends_on} 结束，结束后方可入板。")
    shot(page, "admin_step_refused_too_early")
    # A step page drawn earlier (开始初核) is no longer available: 409 with the steps that are.
    page.goto(application_url.replace("/change/", "/act/start_check/"))
    expect(page.locator("#step-error")).to_contain_text("不能执行「start_check」")
    expect(page.locator(".step-allowed")).to_contain_text("公示期满，确认入板")
    shot(page, "admin_step_unavailable_409")

    # The day after publicity ends (the clock moves on, in the live server too).
    after = dt.datetime.combine(plan.publicity_ends_on + dt.timedelta(days=1), dt.time(10, 0),
                                tzinfo=SHANGHAI)
    with time_machine.travel(after, tick=True):
        page.goto(application_url)
        _step(page, "公示期满，确认入板")
        expect(page.locator(".messagelist")).to_contain_text("已办理：公示期满，确认入板。")
        expect(state).to_have_text("已入板")
        expect(page.locator(".field-requested_tier_name")).to_contain_text("规范层")  # a name, not a code
        expect(page.locator("a.button")).to_have_count(0)  # nothing left to do
        shot(page, "admin_application_admitted")
    with board_scope(w.board):
        enterprise = Enterprise.objects.get(pk=w.enterprise.pk)
        assert (enterprise.status, enterprise.tier, enterprise.admitted_on) == (
            "admitted", "standard", after.date())
        assert TierPlan.objects.get(pk=plan.pk).state == "closed"
