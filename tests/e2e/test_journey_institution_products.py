"""Journey: a member bank's user publishes a product on its product pages, sees it in the
public 金融超市, corrects a refused edit, and withdraws (下架) it from the catalogue."""

import pytest
from playwright.sync_api import expect

from alliance.models import Product
from boards.kernel.scoping import board_scope
from tests.factories import AllianceMembershipFactory, BoardFactory, InstitutionFactory
from tests.support.e2e import demo_user, login, shot


@pytest.fixture
def bank_user(committed_db):
    board = BoardFactory(slug="nmg-kcb", name_zh="内蒙古科创板", filing_prefix="NMG-KCB")
    bank = InstitutionFactory(code="IMB", name="内蒙古银行", kind="bank")
    demo_user("nmg-kcb.institution", board, "institution_user", institution=bank)
    with board_scope(board):
        AllianceMembershipFactory(board=board, institution=bank)
    return board, bank


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_institution_publishes_edits_and_withdraws_a_product(live_server, new_page, bank_user):
    board, bank = bank_user
    mine = f"/{board.slug}/institution/products/"
    page = login(new_page(), live_server, "nmg-kcb.institution", mine)
    expect(page.locator("h1")).to_have_text("本机构的金融产品 · 内蒙古银行")
    expect(page.locator("main")).to_contain_text("本机构尚未发布产品。")

    page.click("#new-product")
    expect(page.locator("h1")).to_have_text("发布新产品")
    page.fill("#id_name", "科创信用贷")
    page.select_option("#id_product_type", label="信用贷款")
    page.fill("#id_description", "面向科技型中小企业的纯信用贷款")
    page.fill("#id_amount_min", "100000")
    page.fill("#id_amount_max", "5000000")
    page.fill("#id_rate_min", "3.45")
    page.fill("#id_rate_max", "4.35")
    page.fill("#id_term_min_months", "6")
    page.fill("#id_term_max_months", "36")
    page.fill("#id_approval_days", "5")
    page.get_by_label("高新技术企业").check()
    page.get_by_label("专为科技型企业设计").check()
    page.fill("#id_board_preference", "专板企业利率下浮 20 个基点")
    shot(page, "institution_product_form")
    page.get_by_role("button", name="发布").click()

    expect(page.locator(".messages")).to_contain_text("产品「科创信用贷」已发布。")
    row = page.locator("#products tbody tr", has_text="科创信用贷")
    expect(row).to_contain_text("信用贷款")
    expect(row).to_contain_text("100000—5000000")
    expect(row.locator(".state")).to_have_text("已上架")
    catalogue = new_page()  # an anonymous visitor of the 金融超市
    catalogue.goto(f"{live_server.url}/{board.slug}/catalogue/")
    expect(catalogue.locator("table.list")).to_contain_text("科创信用贷")
    expect(catalogue.locator("table.list")).to_contain_text("内蒙古银行")

    # An edit whose range is inverted is refused on the field; the corrected one is saved.
    row.get_by_role("link", name="修改").click()
    expect(page.locator("#id_name")).to_have_value("科创信用贷")
    page.fill("#id_amount_max", "50000")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errorlist")).to_contain_text("最高额度不能低于最低额度。")
    shot(page, "institution_product_refused_edit")
    page.fill("#id_amount_max", "8000000")
    page.fill("#id_name", "科创信用贷（升级版）")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("产品「科创信用贷（升级版）」已保存。")
    row = page.locator("#products tbody tr", has_text="科创信用贷（升级版）")
    expect(row).to_contain_text("100000—8000000")

    row.get_by_role("button", name="下架").click()
    expect(page.locator(".messages")).to_contain_text("产品「科创信用贷（升级版）」已下架。")
    expect(row.locator(".state")).to_have_text("已下架")
    expect(row.get_by_role("button", name="重新上架")).to_be_visible()
    shot(page, "institution_products_withdrawn")
    catalogue.reload()
    expect(catalogue.locator("main")).not_to_contain_text("科创信用贷")
    expect(catalogue.locator("main")).to_contain_text("没有符合条件的产品。")
    with board_scope(board):
        product = Product.objects.get()
    assert (product.name, product.institution_id, product.is_published) == ("科创信用贷（升级版）", bank.pk,
                                                                            False)
