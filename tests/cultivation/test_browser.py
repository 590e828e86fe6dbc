"""Journey (headless Chromium, from the login forms, by clicking): staff enrol an enterprise in
listing cultivation in the admin and record its conversion; the securities firm follows its
notification to the path and records the tutoring filing (a date before the conversion is refused
next to the field first); a regulator opens the pipeline from the workbench and sees the chart.
Research visits and operation reports have journeys of their own below."""

import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from cultivation.models import ListingPath
from tests.factories import AllianceMembershipFactory, BoardFactory, EnterpriseFactory, InstitutionFactory
from tests.support.e2e import demo_user, login, shot


@pytest.fixture
def scene(committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    firm = InstitutionFactory(code="HTZQ", name="恒泰证券股份有限公司", kind="securities")
    staff = demo_user("nmg-kcb.staff", board, Role.EXCHANGE_STAFF)
    demo_user("inst.htzq", board, Role.INSTITUTION_USER, institution=firm)
    demo_user("nmg-kcb.regulator", board, Role.REGULATOR)
    with board_scope(board):
        AllianceMembershipFactory(board=board, institution=firm, body="professional")
        enterprise = EnterpriseFactory(board=board, name="包头瑞达稀土功能材料股份有限公司",
                                       prefecture="包头市")
        EnterpriseFactory(board=board, name="赤峰草原乳业科技有限公司", prefecture="赤峰市")
    return board, staff, enterprise


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_listing_cultivation_journey(live_server, new_page, scene):
    board, staff, enterprise = scene
    year = dt.date.today().year
    # Staff: the admin, the add page (enrolment), the change page's step.
    page = login(new_page(), live_server, staff.username, "/admin/", admin=True)
    page.get_by_role("link", name="上市培育档案").first.click()
    page.get_by_role("link", name="增加 上市培育档案").click()
    page.select_option("#id_enterprise", label=enterprise.name)
    page.select_option("#id_target_market", label="北京证券交易所")
    page.fill("#id_enrolled_on", f"{year - 3}-03-01")
    page.select_option("#id_securities_firm", label="恒泰证券股份有限公司")
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text(f"已纳入上市培育：{enterprise.name}。")
    page.locator("a.button", has_text="登记股份制改造完成").click()
    expect(page.locator("#step-preview")).to_contain_text("进入「完成股份制改造」")
    page.fill("#id_occurred_on", f"{year - 3}-09-15")
    page.fill("#id_reference", "股份有限公司营业执照")
    page.locator('input[type=submit][value="确认：登记股份制改造完成"]').click()
    expect(page.locator(".field-stage .readonly")).to_have_text("完成股份制改造")
    page.get_by_role("link", name="上市培育档案").last.click()
    expect(page.locator("#stage-counts")).to_contain_text("完成股份制改造")
    shot(page, "cultivation_admin_changelist")

    # The securities firm: its notification leads to the path; the tutoring filing.
    firm = login(new_page(), live_server, "inst.htzq", "/")
    firm.get_by_role("link", name="工作台", exact=True).click()
    firm.get_by_role("link", name=f"{enterprise.name}上市培育进入「完成股份制改造」").click()
    expect(firm.locator("#stage")).to_have_text("完成股份制改造")
    firm.get_by_role("link", name="登记辅导备案").click()
    firm.fill("#id_occurred_on", f"{year - 3}-08-01")
    firm.fill("#id_reference", "内蒙证监局辅导备案")
    firm.locator('input[type=submit][value="确认：登记辅导备案"]').click()
    expect(firm.locator(".errorlist").first).to_contain_text("早于上一节点")
    expect(firm.locator("#id_reference")).to_have_value("内蒙证监局辅导备案")
    shot(firm, "cultivation_firm_step_refused")
    firm.fill("#id_occurred_on", f"{year - 2}-06-20")
    firm.locator('input[type=submit][value="确认：登记辅导备案"]').click()
    expect(firm.locator("#stage")).to_have_text("辅导备案")
    expect(firm.locator("#milestones")).to_contain_text("内蒙证监局辅导备案")
    shot(firm, "cultivation_firm_path")

    # A regulator: the pipeline from the workbench.
    regulator = login(new_page(), live_server, "nmg-kcb.regulator", "/")
    regulator.get_by_role("link", name="工作台", exact=True).click()
    regulator.get_by_role("link", name="上市培育进度").first.click()
    expect(regulator.locator("h1")).to_have_text("上市培育进度")
    expect(regulator.locator('svg[data-chart="stages"] rect.bar')).to_have_count(7)
    expect(regulator.locator("#stage-tutoring")).to_contain_text(enterprise.name)
    shot(regulator, "cultivation_pipeline")
    with board_scope(board):
        path = ListingPath.objects.get(enterprise=enterprise)
        assert (path.stage, path.tutoring_on) == ("tutoring", dt.date(year - 2, 6, 20))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_research_visit_journey(live_server, new_page, scene):
    """Staff schedule a visit in the admin, record what it found with two follow-ups, then see the
    visit on the enterprise's profile and the follow-ups on their workbench."""
    board, staff, enterprise = scene
    today = dt.date.today()
    page = login(new_page(), live_server, staff.username, "/admin/", admin=True)
    page.get_by_role("link", name="调研走访", exact=True).first.click()
    page.get_by_role("link", name="增加 调研走访").click()
    page.select_option("#id_enterprise", label=enterprise.name)
    page.fill("#id_scheduled_on", f"{today:%Y-%m-%d}")
    page.fill("#id_purpose", "了解上市规划与融资需求")
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text(f"已安排调研走访：{enterprise.name}")
    page.locator("a.button", has_text="登记走访情况").click()
    page.fill("#id_visited_on", f"{today:%Y-%m-%d}")
    page.locator('input[type=submit][value="确认：登记走访情况"]').click()
    expect(page.locator(".errorlist").first).to_contain_text("该字段是必填项")  # findings left empty
    page.fill("#id_findings", "稀土抛光材料订单饱满，研发投入持续增加。")
    page.fill("#id_problems", "扩产资金缺口约 800 万元。")
    page.get_by_label("股份制改造").check()
    page.get_by_label("债权融资/信贷").check()
    page.fill("#id_actions", "协助对接券商开展改制辅导\n组织银企对接会")
    page.locator('input[type=submit][value="确认：登记走访情况"]').click()
    expect(page.locator(".messagelist")).to_contain_text("跟进事项 2 项")
    expect(page.locator(".field-state .readonly")).to_have_text("已走访")
    expect(page.locator(".inline-group")).to_contain_text("组织银企对接会")
    shot(page, "cultivation_visit_admin")

    site = login(new_page(), live_server, staff.username, f"/{board.slug}/enterprises/{enterprise.pk}/")
    expect(site.locator("body")).to_contain_text("【调研走访】稀土抛光材料订单饱满")
    shot(site, "cultivation_visit_profile")
    site.get_by_role("link", name="工作台", exact=True).click()
    expect(site.locator("body")).to_contain_text("走访跟进：协助对接券商开展改制辅导")
    shot(site, "cultivation_visit_workbench")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operation_report_journey(live_server, new_page, scene, celery_eager):
    """Staff file last quarter's operation report in the admin (a wrong period first); the regulator
    downloads its PDF from the filings page and reads the board's figures in it."""
    board, staff, enterprise = scene
    today = dt.date.today()
    quarter = (today.month - 1) // 3
    period = f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"
    page = login(new_page(), live_server, staff.username, "/admin/", admin=True)
    page.get_by_role("link", name="专板运行情况报告").first.click()
    page.get_by_role("link", name="增加 专板运行情况报告").click()
    page.fill("#id_period", f"{today.year}Q5")
    page.locator("input[type=submit]").click()
    expect(page.locator(".errorlist").first).to_contain_text("无效")
    page.fill("#id_period", period)
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("报备编号 NMG-KCB-")
    expect(page.locator(".field-filing_numbers")).to_contain_text("（科技厅）")
    shot(page, "cultivation_report_admin")

    regulator = login(new_page(), live_server, "nmg-kcb.regulator", f"/{board.slug}/filings/")
    row = regulator.locator("table.list tbody tr", has_text="运行情况报告").first
    expect(row).to_contain_text("已生成")
    shot(regulator, "cultivation_report_filings")
    with regulator.expect_download() as download:
        row.get_by_role("link", name="下载 PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "运行情况报告" in text and "在板企业共 2 家" in text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_satisfaction_and_evaluation_journey(live_server, new_page, scene):
    """A service is recorded; the enterprise follows the invitation on its workbench and rates it
    (a missing score is refused next to the field first); the regulator opens the tracking evaluation
    from the workbench and sees the satisfaction it makes."""
    from boards.enterprises.services.registry import record_service

    board, staff, enterprise = scene
    owner = demo_user("nmg-kcb.enterprise", board, Role.ENTERPRISE_USER)
    enterprise.users.add(owner)
    with board_scope(board):
        record_service(enterprise, kind="service", occurred_on=dt.date.today(), actor=staff,
                       summary="组织参加北交所上市培训")  # committed: the survey opens after commit

    page = login(new_page(), live_server, "nmg-kcb.enterprise", "/")
    page.get_by_role("link", name="工作台", exact=True).click()
    page.get_by_role("link", name="请评价：服务：组织参加北交所上市培训").click()
    page.fill("#id_comment", "培训内容实用")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".errorlist").first).to_contain_text("该字段是必填项")
    expect(page.locator("#id_comment")).to_have_value("培训内容实用")
    shot(page, "cultivation_survey_refused")
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#surveys")).to_contain_text("满意")
    shot(page, "cultivation_surveys")

    regulator = login(new_page(), live_server, "nmg-kcb.regulator", "/")
    regulator.get_by_role("link", name="工作台", exact=True).click()
    regulator.get_by_role("link", name="跟踪评价").first.click()
    expect(regulator.locator("svg[data-chart]")).to_have_count(5)
    expect(regulator.locator("#indicators")).to_contain_text("平均 4.00 分（80.0%）")
    shot(regulator, "cultivation_evaluation")
