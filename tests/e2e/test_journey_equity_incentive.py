"""Journey (headless Chromium, from the login forms, by clicking): staff register a stock-option plan
in the admin (a source that is not a confirmed shareholder refused next to the field first), disclose
it to its participants and grant to an employee with an account; the employee opens the plan from
the workbench and sees the terms and their own grant only; staff record the first tranche vested and
an exercise (too many options refused first), which shows as a ShareChange of the register."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from boards.enterprises.models import Grant, Shareholding
from boards.enterprises.services import custody
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, EnterpriseFactory
from tests.support.e2e import demo_user, login, shot


@pytest.fixture
def scene(committed_db):
    board = BoardFactory(slug="xj-zjtx", name_zh="新疆专精特新专板", filing_prefix="XJ-ZJTX")
    staff = demo_user("xj-zjtx.staff", board, Role.EXCHANGE_STAFF)
    demo_user("xj.liming", board, Role.ENTERPRISE_USER)  # an employee: acts for no enterprise
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="新疆天山硅基新材料股份有限公司", status="admitted",
                                       admitted_on=dt.date(2024, 3, 1))
        register = custody.open_register(enterprise, total_shares="10000000", responsible_party="王建国",
                                         actor=staff)
        custody.confirm_shares(register, holder_name="王建国", shares="8000000", actor=staff)
    return board, staff, enterprise


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_equity_incentive_journey(live_server, new_page, scene):
    board, staff, enterprise = scene
    granted_on = dt.date.today() - dt.timedelta(days=400)
    page = login(new_page(), live_server, staff.username, "/admin/", admin=True)
    page.get_by_role("link", name="股权激励计划").first.click()
    page.get_by_role("link", name="增加 股权激励计划").click()
    page.select_option("#id_enterprise", label=enterprise.name)
    page.fill("#id_name", "2024年股票期权激励计划")
    page.select_option("#id_kind", label="股票期权")
    page.fill("#id_source_holder", "托管专户")
    page.fill("#id_pool_shares", "1000000")
    page.fill("#id_exercise_price", "3.50")
    page.fill("#id_approved_on", f"{granted_on - dt.timedelta(days=30):%Y-%m-%d}")
    page.fill("#id_summary", "激励对象：核心技术人员；归属条件：年度营业收入增长不低于 10%；解锁前不得转让。")
    page.locator("input[type=submit]").click()
    expect(page.locator(".errorlist").first).to_contain_text("已确权的股东")
    expect(page.locator("#id_name")).to_have_value("2024年股票期权激励计划")
    shot(page, "incentive_admin_plan_refused")
    page.fill("#id_source_holder", "王建国")
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("已登记股权激励计划")
    page.locator("a.button", has_text="向激励对象定向披露").click()
    expect(page.locator("#step-preview")).to_contain_text("其他任何人不可见")
    page.locator('input[type=submit][value="确认：向激励对象定向披露"]').click()
    page.locator("a.button", has_text="授予").click()
    page.fill("#id_name", "李明")
    page.fill("#id_id_number", "650102198803150012")
    page.fill("#id_position", "研发总监")
    page.fill("#id_username", "xj.liming")
    page.fill("#id_shares", "300000")
    page.fill("#id_granted_on", f"{granted_on:%Y-%m-%d}")
    page.locator('input[type=submit][value="确认：授予"]').click()
    expect(page.locator(".messagelist")).to_contain_text("已授予：李明获授300,000股")

    # The employee: the workbench, the plan, their own grant.
    emp = login(new_page(), live_server, "xj.liming", "/")
    emp.get_by_role("link", name="工作台", exact=True).click()
    emp.get_by_role("list").get_by_role("link", name="股权激励计划").click()
    emp.get_by_role("link", name="2024年股票期权激励计划").click()
    expect(emp.locator("#plan")).to_contain_text("3.50 元/股")
    expect(emp.locator("#grants")).to_contain_text("李明")
    shot(emp, "incentive_participant_plan")

    # Staff: the first tranche vests (granted over a year ago); an exercise beyond it is refused.
    with board_scope(board):
        grant = Grant.objects.get()
    page.goto(f"{live_server.url}/admin/boards/grant/{grant.pk}/change/")
    page.locator("a.button", has_text="登记归属（解锁）").click()
    expect(page.locator("#step-preview")).to_contain_text("第 1 期")
    page.locator('input[type=submit][value="确认：登记归属（解锁）"]').click()
    page.locator("a.button", has_text="登记行权").click()
    page.fill("#id_shares", "100001")
    page.locator('input[type=submit][value="确认：登记行权"]').click()
    expect(page.locator(".errorlist").first).to_contain_text("可行权 100,000.00 股")
    expect(page.locator("#id_shares")).to_have_value("100001")
    shot(page, "incentive_exercise_refused")
    page.fill("#id_shares", "60000")
    page.locator('input[type=submit][value="确认：登记行权"]').click()
    expect(page.locator(".messagelist")).to_contain_text("累计行权 60,000.00 股")
    expect(page.locator(".inline-group")).to_contain_text("李明 股权激励授予/行权 +60,000.00 股")
    shot(page, "incentive_grant_admin")
    with board_scope(board):
        assert Shareholding.objects.get(holder_name="李明").shares == Decimal("60000")
