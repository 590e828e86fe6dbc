"""Journey (headless Chromium, from the login forms, by clicking): staff plan a roadshow in the admin
(a date in the past is refused next to the field first); an enterprise signs up from its workbench
(a negative amount refused next to the field, the input kept; the group account's second
enterprise may still sign up); staff accept it and invite the
alliance's investors suggested by their stated interests; the fund confirms on its invitations page;
staff close the list, record the roadshow held and the fund's interest, which opens a matchmaking."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from alliance.models import InterestProfile, Matchmaking
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from roadshows.models import Roadshow
from tests.factories import AllianceMembershipFactory, BoardFactory, EnterpriseFactory, InstitutionFactory
from tests.support.e2e import demo_user, login, shot


@pytest.fixture
def scene(committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    fund = InstitutionFactory(code="NMKCFUND", name="内蒙古科创投资基金管理有限公司", kind="fund")
    staff = demo_user("nmg-kcb.staff", board, Role.EXCHANGE_STAFF)
    demo_user("inst.fund", board, Role.INSTITUTION_USER, institution=fund)
    owner = demo_user("ent.ruida", board, Role.ENTERPRISE_USER)
    with board_scope(board):
        AllianceMembershipFactory(board=board, institution=fund, body="investment")
        InterestProfile.objects.create(board=board, institution=fund, industries=["稀土功能材料"])
        enterprise = EnterpriseFactory(board=board, name="包头瑞达稀土功能材料股份有限公司",
                                       prefecture="包头市", industry="稀土功能材料", status="admitted")
        enterprise.users.add(owner)
        # The same account also acts for a second enterprise of the group (集团账户).
        EnterpriseFactory(board=board, name="包头瑞达磁材科技有限公司", prefecture="包头市",
                          industry="稀土功能材料", status="admitted").users.add(owner)
    return board, staff, enterprise, fund


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_roadshow_journey(live_server, new_page, scene):
    board, staff, enterprise, fund = scene
    day = dt.date.today() + dt.timedelta(days=21)
    # Staff plan the roadshow in the admin.
    page = login(new_page(), live_server, staff.username, "/admin/", admin=True)
    page.get_by_role("link", name="路演活动").first.click()
    page.get_by_role("link", name="增加 路演活动").click()
    page.fill("#id_title", "稀土新材料专场路演")
    page.select_option("#id_venue", label="现场路演")
    page.fill("#id_location", "内蒙古股权交易中心路演厅")
    page.fill("#id_starts_on", "2020-05-08")
    page.locator("input[type=submit]").click()
    expect(page.locator(".errorlist").first).to_contain_text("已过，请填写今后的时间")
    expect(page.locator("#id_title")).to_have_value("稀土新材料专场路演")
    shot(page, "roadshow_admin_plan_refused")
    page.fill("#id_starts_on", f"{day:%Y-%m-%d}")
    page.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("已发起路演：稀土新材料专场路演")

    # The enterprise signs up from its workbench.
    ent = login(new_page(), live_server, "ent.ruida", "/")
    ent.get_by_role("link", name="工作台", exact=True).click()
    ent.get_by_role("list").get_by_role("link", name="路演活动").click()
    expect(ent.locator("#open-roadshows")).to_contain_text("稀土新材料专场路演")
    ent.get_by_role("link", name="我要报名").click()
    ent.select_option("#id_enterprise", label=enterprise.name)
    ent.fill("#id_pitch", "稀土永磁材料扩产项目，拟融资用于第二条生产线。")
    ent.fill("#id_amount", "-5")
    ent.locator(f'input[type=submit][value="确认：报名「稀土新材料专场路演（{day:%Y-%m-%d}）」"]').click()
    expect(ent.locator(".errorlist").first).to_contain_text("拟融资金额须大于 0 元")
    expect(ent.locator("#id_pitch")).to_have_value("稀土永磁材料扩产项目，拟融资用于第二条生产线。")
    shot(ent, "roadshow_signup_refused")
    ent.fill("#id_amount", "10000000")
    ent.locator("input[type=submit]").click()
    expect(ent.locator("#my-signups")).to_contain_text("待审核")
    shot(ent, "roadshow_enterprise_page")
    # Its second enterprise may still sign up: the form offers only that one.
    ent.get_by_role("link", name="我要报名").click()
    expect(ent.locator("#id_enterprise option")).to_have_text(["包头瑞达磁材科技有限公司"])
    shot(ent, "roadshow_signup_second_enterprise")
    ent.go_back()

    # Staff accept the sign-up and invite the investors whose interests fit.
    page.get_by_role("link", name="路演报名").first.click()
    page.locator("a.button", has_text="接受报名").first.click()
    expect(page.locator("#step-preview")).to_contain_text(f"接受{enterprise.name}")
    page.locator('input[type=submit][value="确认：接受报名"]').click()
    expect(page.locator(".messagelist")).to_contain_text(f"已接受：{enterprise.name}。")
    page.get_by_role("link", name="路演活动").first.click()
    page.get_by_role("link", name="稀土新材料专场路演").first.click()
    page.locator("a.button", has_text="邀请投资机构").click()
    expect(page.locator("#step-preview")).to_contain_text("属于关注行业（稀土功能材料）")
    expect(page.get_by_label("内蒙古科创投资基金管理有限公司")).to_be_checked()
    shot(page, "roadshow_admin_invite")
    page.locator('input[type=submit][value="确认：邀请投资机构"]').click()
    expect(page.locator(".messagelist")).to_contain_text("已邀请：1 家机构。")

    # The fund confirms on its invitations page (from the workbench).
    inst = login(new_page(), live_server, "inst.fund", "/")
    inst.get_by_role("link", name="工作台", exact=True).click()
    inst.get_by_role("link", name="路演邀请：稀土新材料专场路演").click()  # its notification
    expect(inst.locator("#invitations")).to_contain_text(enterprise.name)
    inst.get_by_role("link", name="谢绝").click()
    inst.locator('input[type=submit][value="确认：谢绝"]').click()
    expect(inst.locator(".errorlist").first).to_contain_text("该字段是必填项")
    shot(inst, "roadshow_invitation_decline_refused")
    inst.get_by_role("link", name="取消").click()  # back to the invitations: it changes its mind
    inst.get_by_role("link", name="确认出席").click()
    inst.fill("#id_note", "投资总监王磊出席")
    inst.locator('input[type=submit][value="确认：确认出席"]').click()
    expect(inst.locator("#invitations")).to_contain_text("确认出席（投资总监王磊出席）")
    shot(inst, "roadshow_invitations")

    # Staff close the list; after the roadshow, record it held and the fund's interest.
    page.reload()
    page.locator("a.button", has_text="确定路演名单").click()
    page.locator('input[type=submit][value="确认：确定路演名单"]').click()
    expect(page.locator(".field-state .readonly")).to_have_text("名单已确定")
    with board_scope(board):
        starts_at = Roadshow.objects.get().starts_at
    with time_machine.travel(starts_at + dt.timedelta(hours=3)):
        page.reload()  # the roadshow has begun: its record is offered now
        page.locator("a.button", has_text="登记举办情况").click()
        page.fill("#id_summary", "企业完成路演并答问，基金现场交流。")
        page.locator('input[type=submit][value="确认：登记举办情况"]').click()
        expect(page.locator(".field-state .readonly")).to_have_text("已举办")
        page.locator("a.button", has_text="登记对接意向").click()
        page.select_option("#id_signup", label=enterprise.name)
        page.select_option("#id_invitation", label=fund.name)
        page.fill("#id_note", "拟投资 1000 万元，下周启动尽职调查")
        page.locator('input[type=submit][value="确认：登记对接意向"]').click()
        expect(page.locator(".messagelist")).to_contain_text("已生成对接项目（有意向）")
        shot(page, "roadshow_admin_held")
    with board_scope(board):
        matchmaking = Matchmaking.objects.get(institution=fund, enterprise=enterprise)
        assert matchmaking.state == "interested"
