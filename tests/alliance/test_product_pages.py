"""A member institution's product pages (list, publish, edit, 下架/重新上架): writes go through
the same services as the REST API; another institution's or board's product, a user without
the institution role and a non-member all get 404."""

import pytest

from alliance import services
from alliance.models import Product
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory, ProductFactory, UserFactory
from tests.support.alliance import member

pytestmark = pytest.mark.django_db

FORM = {"name": "科创信用贷", "product_type": "credit_loan", "description": "纯信用，无需抵押",
        "amount_min": "100000", "amount_max": "5000000", "rate_min": "3.45", "rate_max": "4.35",
        "term_min_months": "6", "term_max_months": "36", "approval_days": "5", "target_tiers": ["standard"],
        "required_qualifications": ["high_tech"], "for_tech_enterprises": "on",
        "board_preference": "利率下浮 20 个基点", "is_published": "on"}


def _base(board):
    return f"/{board.slug}/institution/products/"


def _login(client, user):
    client.force_login(user)
    return client


def test_publish_edit_withdraw_and_republish(client, board, bank):
    _login(client, bank.user)
    page = client.get(f"{_base(board)}new/")
    assert page.status_code == 200 and "发布新产品" in page.content.decode()
    response = client.post(f"{_base(board)}new/", FORM, follow=True)
    html = response.content.decode()
    assert response.redirect_chain and "产品「科创信用贷」已发布" in html and "已上架" in html
    with board_scope(board):
        product = Product.objects.get()
    assert (product.institution, product.target_tiers, product.required_qualifications) == (
        bank.institution, ["standard"], ["high_tech"])
    assert str(product.rate_min) == "3.450" and product.for_tech_enterprises
    assert "科创信用贷" in client.get(f"/{board.slug}/catalogue/").content.decode()

    edit = client.get(f"{_base(board)}{product.pk}/")
    assert edit.status_code == 200 and 'value="科创信用贷"' in edit.content.decode()
    assert client.post(f"{_base(board)}{product.pk}/", {**FORM, "name": "科创信用贷（升级版）",
                                                        "amount_max": "8000000"}).status_code == 302
    withdrawn = client.post(f"{_base(board)}{product.pk}/withdraw/", follow=True).content.decode()
    assert "已下架" in withdrawn and "重新上架" in withdrawn
    with board_scope(board):
        product.refresh_from_db()
    assert (product.name, str(product.amount_max), product.is_published) == ("科创信用贷（升级版）",
                                                                            "8000000.00", False)
    assert "科创信用贷" not in client.get(f"/{board.slug}/catalogue/").content.decode()
    assert client.post(f"{_base(board)}{product.pk}/publish/").status_code == 302
    with board_scope(board):
        assert Product.objects.get().is_published
        actions = list(EvidenceEntry.objects.filter(subject_type="alliance.product").order_by("id")
                       .values_list("action", "actor__username"))
    assert actions == [("alliance.product.created", bank.user.username)] + [
        ("alliance.product.updated", bank.user.username)] * 3


@pytest.mark.parametrize(("change", "field_message"), [
    ({"amount_min": "6000000"}, "最高额度不能低于最低额度"),
    ({"term_max_months": "3"}, "最长期限不能短于最短期限"),
    ({"amount_min": "-1"}, "大于或等于0"),
    ({"target_tiers": ["nonexistent"]}, "nonexistent"),
])
def test_bad_values_are_400_on_the_field_and_nothing_is_saved(client, board, bank, change, field_message):
    response = _login(client, bank.user).post(f"{_base(board)}new/", {**FORM, **change})
    assert response.status_code == 400 and field_message in response.content.decode()
    with board_scope(board):
        assert not Product.objects.exists()


def test_a_suspended_member_sees_its_products_but_cannot_publish(client, board, bank):
    with board_scope(board):
        ProductFactory(board=board, institution=bank.institution, name="科创贷甲")
        services.change_membership(bank.membership, "suspend", actor=None, reason="暂停")
    _login(client, bank.user)
    page = client.get(_base(board)).content.decode()
    assert "科创贷甲" in page and "已暂停" in page and "发布新产品" not in page
    refused = client.post(f"{_base(board)}new/", FORM)
    assert refused.status_code == 409 and "不能发布产品" in refused.content.decode()
    with board_scope(board):
        assert Product.objects.count() == 1


def test_another_institutions_and_another_boards_products_are_404(client, board, other_board, bank,
                                                                  other_bank):
    elsewhere = member(other_board, "XJB", name="新疆银行")
    with board_scope(board):
        theirs = ProductFactory(board=board, institution=other_bank.institution, name="他行产品")
    with board_scope(other_board):
        far = ProductFactory(board=other_board, institution=elsewhere.institution, name="新疆产品")
    _login(client, bank.user)
    assert "他行产品" not in client.get(_base(board)).content.decode()
    for product in (theirs, far):
        for suffix, method in (("", "get"), ("", "post"), ("withdraw/", "post"), ("publish/", "post")):
            response = getattr(client, method)(f"{_base(board)}{product.pk}/{suffix}", FORM)
            assert response.status_code == 404, (product.name, suffix, method)
    # The other board's pages: this user holds no role there.
    assert client.get(_base(other_board)).status_code == 404
    assert client.get(f"{_base(other_board)}{far.pk}/").status_code == 404
    with board_scope(board):
        assert Product.objects.get(pk=theirs.pk).is_published
        assert Product.objects.get(pk=theirs.pk).name == "他行产品"
    with board_scope(other_board):
        assert Product.objects.get(pk=far.pk).is_published


def test_users_without_the_institution_role_or_membership_get_404(client, board, bank, outsider, staff_user):
    with board_scope(board):
        product = ProductFactory(board=board, institution=bank.institution)
    enterprise_user = UserFactory(username="ent-user")
    MembershipFactory(user=enterprise_user, board=board, role="enterprise_user")
    for user in (enterprise_user, staff_user, outsider.user):
        _login(client, user)
        assert client.get(_base(board)).status_code == 404, user.username
        assert client.post(f"{_base(board)}new/", FORM).status_code == 404, user.username
        assert client.post(f"{_base(board)}{product.pk}/withdraw/").status_code == 404, user.username
    client.logout()
    assert client.get(_base(board)).status_code == 302  # anonymous: to the login page
    with board_scope(board):
        assert Product.objects.count() == 1 and Product.objects.get().is_published


def test_product_list_query_count(client, board, bank, django_assert_max_num_queries):
    with board_scope(board):
        products = [ProductFactory(board=board, institution=bank.institution, name=f"科创贷{i:02d}",
                                   target_tiers=["standard"], is_published=i % 3 != 0) for i in range(12)]
    _login(client, bank.user)
    # 9, and 2 for the top bar: the person's memberships and whether the institution is a member.
    with django_assert_max_num_queries(11):
        response = client.get(_base(board))
    assert response.status_code == 200 and response.content.decode().count("data-product=") == 12
    with django_assert_max_num_queries(11):
        assert client.get(f"{_base(board)}{products[0].pk}/").status_code == 200
