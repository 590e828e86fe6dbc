"""Journey: a board's staff invite an account of another board to a role (the account is not
named to them); its owner logs in, opens 角色邀请, accepts, and now holds the role."""

import pytest
from playwright.sync_api import expect

from boards.kernel.models import BoardMembership
from tests.factories import BoardFactory, InstitutionFactory
from tests.support.e2e import demo_user, login, shot


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_invite_and_the_owner_accepts(live_server, new_page, committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    ordos = BoardFactory(slug="ordos", name_zh="鄂尔多斯项目", filing_prefix="ORDOS")
    bank = InstitutionFactory(code="ORDOSBANK", name="鄂尔多斯银行", kind="bank")
    demo_user("nmg-kcb.staff", board, "exchange_staff")
    invitee = demo_user("inst.ordosbank", ordos, "institution_user", institution=bank)

    admin = login(new_page(), live_server, "nmg-kcb.staff", "/admin/", admin=True)
    admin.get_by_role("link", name="专板角色邀请").first.click()
    admin.get_by_role("link", name="增加 专板角色邀请").click()
    admin.fill("#id_username", "inst.ordosbank")
    admin.select_option("#id_role", label="机构用户")
    admin.fill("#id_note", "邀请鄂尔多斯银行参与科创板金融服务")
    shot(admin, "invitation_admin_form")
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.locator("#result_list")).to_contain_text("inst.ordosbank")
    expect(admin.locator("#result_list")).to_contain_text("待答复")
    shot(admin, "invitation_admin_list")

    page = login(new_page(), live_server, "inst.ordosbank", "/")
    page.click("#nav-invitations")
    expect(page.locator("h1")).to_have_text("专板角色邀请")
    expect(page.locator("main")).to_contain_text("内蒙古科创板")
    shot(page, "invitation_invitee_list")
    page.get_by_role("button", name="接受").click()
    expect(page.locator(".messages")).to_contain_text("已接受「内蒙古科创板」的机构用户角色邀请")
    expect(page.locator("main")).to_contain_text("目前没有待答复的邀请")
    shot(page, "invitation_accepted")
    membership = BoardMembership.objects.get(user=invitee, board=board)
    assert (membership.role, membership.institution) == ("institution_user", bank)
