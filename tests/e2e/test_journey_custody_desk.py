"""Journey: exchange staff open the admin from its login form, follow the 确权逾期未达标 queue to
the overdue share register and read the register on its page: every holder with its share, the
change journal, the confirmed percentage against the tier's threshold and the overdue deadline."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from boards.enterprises.services import custody
from boards.kernel.scoping import board_scope
from tests.factories import BoardFactory, EnterpriseFactory
from tests.support.admission import SHANGHAI
from tests.support.e2e import demo_user, login, shot


@pytest.fixture
def overdue_register(committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    staff = demo_user("nmg-kcb.staff", board, "exchange_staff")
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board, name="内蒙古托管示例科技有限公司", tier="basic",
                                       admitted_on=dt.date(2025, 3, 1))
        with time_machine.travel(dt.datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI)):
            register = custody.open_register(enterprise, total_shares="1000000", responsible_party="赵红梅",
                                              actor=staff)
            custody.confirm_shares(register, holder_name="赵红梅", holder_id_number="150102198001011234",
                                   shares="500000", actor=staff, note="现场确权")
    return board, register


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_follow_the_overdue_queue_to_the_share_register(live_server, new_page, overdue_register):
    board, register = overdue_register
    page = login(new_page(), live_server, "nmg-kcb.staff", "/admin/", admin=True)
    queue = page.locator("#desk-queues a", has_text="确权逾期未达标")
    expect(queue.locator(".desk-queue-count")).to_have_text("1")
    queue.click()
    page.get_by_role("link", name="内蒙古托管示例科技有限公司").first.click()
    expect(page.locator(".field-confirmation")).to_contain_text("已确权 50.00%")
    expect(page.locator(".field-confirmation")).to_contain_text("未达标")
    expect(page.locator(".field-due")).to_contain_text("已逾期")
    holders = page.locator("#holdings-group")
    expect(holders).to_contain_text("赵红梅")
    expect(holders).to_contain_text("50.00%")
    expect(holders).to_contain_text("托管专户")
    expect(page.locator("#changes-group")).to_contain_text("确权登记")
    shot(page, "admin_custody_register")
