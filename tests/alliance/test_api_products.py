"""A member's products through the API: create, read, update, delete; checked values; only
admitted members publish; the catalogue follows."""

import pytest

from alliance import services
from alliance.models import Product
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import ProductFactory
from tests.support.alliance import PRODUCT_BODY, api_key


def _products(board):
    return f"/api/v1/{board.slug}/alliance/products/"


def test_create_read_update_delete(client, board, bank, django_assert_max_num_queries):
    headers = api_key(board, bank.institution, bank.user)
    with django_assert_max_num_queries(22):
        created = client.post(_products(board), PRODUCT_BODY, content_type="application/json", **headers)
    assert created.status_code == 201
    product = created.json()
    assert (product["institution"]["code"], product["rate_min"], product["target_tiers"]) == ("IMB", "3.450",
                                                                                              ["standard"])
    url = f"{_products(board)}{product['id']}/"
    assert client.get(f"/api/v1/{board.slug}/alliance/catalogue/{product['id']}/").status_code == 200
    hidden = client.patch(url, {"is_published": False}, content_type="application/json", **headers)
    assert hidden.status_code == 200 and hidden.json()["is_published"] is False
    assert client.get(f"/api/v1/{board.slug}/alliance/catalogue/{product['id']}/").status_code == 404
    assert client.delete(url, **headers).status_code == 204
    with board_scope(board):
        assert not Product.objects.exists()
        actions = list(EvidenceEntry.objects.filter(subject_type="alliance.product").order_by("id")
                       .values_list("action", flat=True))
    assert actions == ["alliance.product.created", "alliance.product.updated", "alliance.product.deleted"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"amount_min": "6000000"}, "amount_max", "最高额度不能低于最低额度"),
    ({"term_max_months": 3}, "term_max_months", "最长期限不能短于最短期限"),
    ({"rate_max": "1"}, "rate_max", "最高利率/费率不能低于最低利率/费率"),
    ({"target_tiers": ["premium"]}, "target_tiers", "未知层级 premium"),
])
def test_inconsistent_values_are_400_with_the_field(client, board, bank, change, field, message):
    response = client.post(_products(board), {**PRODUCT_BODY, **change}, content_type="application/json",
                           **api_key(board, bank.institution, bank.user))
    assert response.status_code == 400 and message in response.json()["error"]["details"][field]
    with board_scope(board):
        assert not Product.objects.exists()


def test_a_suspended_member_reads_but_does_not_publish(client, board, bank):
    with board_scope(board):
        ProductFactory(board=board, institution=bank.institution)
        services.change_membership(bank.membership, "suspend", actor=None, reason="暂停")
    headers = api_key(board, bank.institution, bank.user)
    assert client.get(_products(board), **headers).json()["count"] == 1
    refused = client.post(_products(board), PRODUCT_BODY, content_type="application/json", **headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_admitted"


def test_list_filters_and_orders(client, board, bank):
    with board_scope(board):
        ProductFactory(board=board, institution=bank.institution, name="B担保", product_type="guarantee")
        ProductFactory(board=board, institution=bank.institution, name="A贷款", is_published=False)
    headers = api_key(board, bank.institution, bank.user)
    assert [
        p["name"]
        for p in client.get(f"{_products(board)}?product_type=guarantee", **headers).json()["results"]
    ] == ["B担保"]
    assert [
        p["name"] for p in client.get(f"{_products(board)}?is_published=false", **headers).json()["results"]
    ] == ["A贷款"]
    assert [
        p["name"] for p in client.get(f"{_products(board)}?ordering=-name", **headers).json()["results"]
    ] == ["B担保", "A贷款"]
