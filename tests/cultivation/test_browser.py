"""Journey (headless Chromium, from the login forms, by clicking): staff enrol an enterprise in
listing cultivation in the admin and record its conversion; the securities firm follows its
notification to the path and records the tutoring filing (a date before the conversion is refused
next to the field first); a regulator opens the pipeline from the workbench and sees the chart."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from cultivation.models import ListingPath
from tests.alliance.conftest import AllianceMembershipFactory
from tests.e2e.conftest import demo_user, login, shot
from tests.factories import BoardFactory, EnterpriseFactory, InstitutionFactory


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
