"""Journey: Xinjiang staff follow an enterprise's 培育层 verdict to the listing standard it rests on
and keep that standard in the admin: the admin's login form, the enterprise list's 画像 link, the
profile naming the standard met, the 上市标准 list, a malformed indicator refused next to the field
with the input kept, a raised threshold saved, and the profile's verdict following it."""

import pytest
from playwright.sync_api import expect

from boards.enterprises.models import Enterprise, FinancialYear
from boards.kernel.scoping import board_scope
from tests.support.admission import world
from tests.support.e2e import PASSWORD, login, shot

STANDARD = "创新层第一套标准（净利润）"


@pytest.fixture
def profit_firm(committed_db):
    w = world("xj-zjtx")
    w.staff.set_password(PASSWORD)
    w.staff.save(update_fields=["password"])
    with board_scope(w.board):
        Enterprise.objects.filter(pk=w.enterprise.pk).update(listing_plan=True, status="admitted",
                                                             tier="standard", main_business="工业软件")
        for year, profit in ((2024, 5000000), (2025, 6000000)):
            FinancialYear.objects.create(board=w.board, enterprise=w.enterprise, year=year,
                                         revenue=1000000, net_profit=profit)
    return w


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_keep_the_standard_a_verdict_rests_on(live_server, new_page, profit_firm):
    w = profit_firm
    page = login(new_page(), live_server, w.staff.username, "/admin/", admin=True)
    page.get_by_role("link", name="企业", exact=True).first.click()
    page.locator("tr", has_text=w.enterprise.name).get_by_role("link", name="查看").click()
    expect(page.locator("#tier-verdict")).to_have_text("培育层")
    expect(page.locator("#tier-criteria")).to_contain_text(f"达到「{STANDARD}」")
    shot(page, "listing_standards_1_profile_cultivation")

    page.go_back()
    page.go_back()
    page.get_by_role("link", name="上市标准（培育层财务指标参照）").click()
    expect(page.locator("#result_list")).to_contain_text("北交所第二套标准（营业收入与增长）")
    shot(page, "listing_standards_2_list")
    page.get_by_role("link", name=STANDARD).click()

    wrong = '[{"metric": "net_profit", "basis": "each_2y", "threshold": "-1"}]'
    page.fill("#id_indicators", wrong)
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist")).to_contain_text("第 1 项指标的 threshold 必须是正数")
    expect(page.locator("#id_indicators")).to_have_value(wrong)
    shot(page, "listing_standards_3_error_next_to_the_field")

    page.fill("#id_indicators", '[{"metric": "net_profit", "basis": "each_2y", "threshold": "12000000"}]')
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    page.locator(".breadcrumbs a").first.click()  # back to the desk by its breadcrumb
    page.get_by_role("link", name="企业", exact=True).first.click()
    page.locator("tr", has_text=w.enterprise.name).get_by_role("link", name="查看").click()
    expect(page.locator("#tier-verdict")).not_to_have_text("培育层")
    expect(page.locator("#tier-criteria")).to_contain_text("为标准（1200 万元）的 41.66%（＜ 50%）")
    shot(page, "listing_standards_4_profile_after_the_change")
