"""The alliance list endpoints served from values rows (boards.kernel.api.rows): the same answer
as their serializer gives for the same objects, and a statement count that does not grow with
the page (page size 10 and 200)."""

import pytest

from alliance.api import serializers as s
from alliance.models import Product
from boards.kernel.scoping import board_scope
from tests.factories import ProductFactory
from tests.support import serialized
from tests.support.alliance import api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(board, bank, other_bank):
    with board_scope(board):
        mine = [ProductFactory(board=board, institution=bank.institution, name=f"内蒙古银行科创贷{i:03d}",
                               rate_min=None if i % 3 else "3.450",
                               target_tiers=["standard"] if i % 2 else [],
                               required_qualifications=["high_tech"], is_published=i % 4 != 0)
                for i in range(12)]
        theirs = [ProductFactory(board=board, institution=other_bank.institution, name=f"中国银行{i}")
                  for i in range(3)]
    return mine, theirs


def test_own_products_equal_the_serializer(client, board, bank, products):
    answer = client.get(f"/api/v1/{board.slug}/alliance/products/", {"page_size": 200},
                        **api_key(board, bank.institution, bank.user))
    assert answer.status_code == 200
    with board_scope(board):
        expected = serialized(s.ProductSerializer, Product.objects.filter(institution=bank.institution)
                              .select_related("institution").order_by("name", "id"))
    assert answer.json()["results"] == expected
    assert answer.json()["count"] == 12
    assert {row["institution"]["code"] for row in expected} == {"IMB"}
    assert expected[0]["product_type_name"] == "信用贷款" and expected[1]["rate_min"] is None


def test_catalogue_equals_the_serializer(client, board, products):
    answer = client.get(f"/api/v1/{board.slug}/alliance/catalogue/", {"page_size": 200})
    with board_scope(board):
        expected = serialized(s.ProductSerializer, Product.objects.filter(is_published=True)
                              .select_related("institution").order_by("name", "id"))
    assert answer.json()["results"] == expected and len(expected) == 12


@pytest.mark.parametrize("size", [10, 200])
def test_products_statements_do_not_grow_with_the_page(client, board, bank, products, size,
                                                      django_assert_max_num_queries):
    headers = api_key(board, bank.institution, bank.user)
    client.get(f"/api/v1/{board.slug}/alliance/products/", **headers)  # the key's last use is written once
    with django_assert_max_num_queries(10):
        answer = client.get(f"/api/v1/{board.slug}/alliance/products/", {"page_size": size}, **headers)
    assert len(answer.json()["results"]) == min(size, 12)


@pytest.mark.parametrize("size", [10, 200])
def test_catalogue_statements_do_not_grow_with_the_page(client, board, products, size,
                                                       django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        answer = client.get(f"/api/v1/{board.slug}/alliance/catalogue/", {"page_size": size})
    assert len(answer.json()["results"]) == min(size, 12)
