"""金融超市: the public catalogue (page and API) with its search, and the products an enterprise
qualifies for, with the reasons."""

import datetime as dt
from decimal import Decimal

import pytest

from alliance.matching import match_product
from alliance.models import FinancingNeed, MembershipState
from boards.enterprises.models import Qualification
from boards.kernel.scoping import board_scope
from tests.factories import MembershipFactory, ProductFactory, UserFactory
from tests.support.alliance import member

TIER_NAMES = {"incubation": "孵化层", "standard": "规范层", "cultivation": "培育层"}


@pytest.fixture
def products(board, bank, other_bank):
    suspended = member(board, "SUSP", state=MembershipState.SUSPENDED)
    with board_scope(board):
        return {
            "loan": ProductFactory(
                board=board,
                institution=bank.institution,
                name="科创信用贷",
                description="纯信用，线上申请",
                required_qualifications=["high_tech"],
                target_tiers=["standard", "cultivation"],
                rate_min=Decimal("3.2"),
            ),
            "ip": ProductFactory(
                board=board,
                institution=other_bank.institution,
                name="知识产权质押贷",
                product_type="ip_pledge_loan",
                amount_min=Decimal(1000000),
                amount_max=Decimal(30000000),
                term_min_months=12,
                rate_min=Decimal("3.9"),
                approval_days=10,
            ),
            "fund": ProductFactory(
                board=board,
                institution=bank.institution,
                name="科创种子基金",
                product_type="equity_fund",
                rate_min=None,
                rate_max=None,
                amount_max=Decimal(50000000),
                term_min_months=36,
                term_max_months=84,
                approval_days=30,
            ),
            "hidden": ProductFactory(
                board=board, institution=bank.institution, name="下架产品", is_published=False
            ),
            "suspended": ProductFactory(
                board=board, institution=suspended.institution, name="暂停成员的产品"
            ),
        }


def _names(response):
    return sorted(p["name"] for p in response.json()["results"])


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["知识产权质押贷", "科创信用贷", "科创种子基金"]),
    ("?q=质押", ["知识产权质押贷"]),
    ("?q=中国银行", ["知识产权质押贷"]),  # institution name
    ("?q=线上 信用", ["科创信用贷"]),
    ("?product_type=equity_fund&product_type=ip_pledge_loan", ["知识产权质押贷", "科创种子基金"]),
    ("?amount=20000000", ["知识产权质押贷", "科创种子基金"]),
    ("?term_months=48", ["科创种子基金"]),
    ("?rate_max=3.5", ["科创信用贷"]),
    ("?approval_days_max=10", ["知识产权质押贷", "科创信用贷"]),
    ("?tier=incubation", ["知识产权质押贷", "科创种子基金"]),
    ("?tier=standard", ["知识产权质押贷", "科创信用贷", "科创种子基金"]),
    ("?qualification=tech_sme", ["知识产权质押贷", "科创种子基金"]),
    ("?institution=IMB", ["科创信用贷", "科创种子基金"]),
])
def test_catalogue_api_search(client, board, products, query, expected, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # board, count, page, 3 × RLS setting on PostgreSQL
        response = client.get(f"/api/v1/{board.slug}/alliance/catalogue/{query}")
    assert response.status_code == 200 and _names(response) == expected


def test_catalogue_api_orders_details_and_refuses_bad_filters(client, board, products):
    ordered = client.get(f"/api/v1/{board.slug}/alliance/catalogue/?ordering=-amount_max").json()["results"]
    assert [p["name"] for p in ordered][:2] == ["科创种子基金", "知识产权质押贷"]
    detail = client.get(f"/api/v1/{board.slug}/alliance/catalogue/{products['ip'].pk}/").json()
    assert detail["institution"]["code"] == "BOC" and detail["product_type_name"] == "知识产权质押贷款"
    for key in ("hidden", "suspended"):
        assert client.get(f"/api/v1/{board.slug}/alliance/catalogue/{products[key].pk}/").status_code == 404
    bad = client.get(f"/api/v1/{board.slug}/alliance/catalogue/?amount=lots")
    assert bad.status_code == 400 and "amount" in bad.json()["error"]["details"]


def test_catalogue_is_per_board(client, board, other_board, products):
    assert client.get(f"/api/v1/{other_board.slug}/alliance/catalogue/").json()["count"] == 0
    assert (
        client.get(f"/api/v1/{other_board.slug}/alliance/catalogue/{products['ip'].pk}/").status_code == 404
    )
    other_board.config = {**other_board.config, "modules": ["boards"]}
    other_board.save()
    assert client.get(f"/api/v1/{other_board.slug}/alliance/catalogue/").status_code == 404
    assert client.get(f"/{other_board.slug}/catalogue/").status_code == 404


def test_catalogue_page_searches_and_pages(client, board, products, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        page = client.get(f"/{board.slug}/catalogue/?q=质押")
    html = page.content.decode()
    assert page.status_code == 200 and "知识产权质押贷" in html and "科创信用贷" not in html
    assert "共 1 款产品" in html
    assert "规范层、培育层" in client.get(f"/{board.slug}/catalogue/").content.decode()
    assert client.get(f"/{board.slug}/catalogue/?amount=abc").status_code == 400


def _need(board, enterprise, amount, term):
    with board_scope(board):
        return FinancingNeed.objects.create(board=board, enterprise=enterprise, amount=Decimal(amount),
                                            use="扩产", term_months=term)


def test_product_matching_gives_every_reason(board, products, enterprise):
    with board_scope(board):
        match = match_product(enterprise, products["loan"], tier_names=TIER_NAMES, on=dt.date(2026, 3, 2))
        assert not match.eligible
        assert [r["reason"] for r in match.reasons] == [
            "面向规范层、培育层；企业所在层级为规范层", "需持有高新技术企业之一，企业未登记有效资质"]
        Qualification.objects.create(board=board, enterprise=enterprise, kind="high_tech",
                                     valid_until=dt.date(2026, 3, 1))
        assert not match_product(enterprise, products["loan"], tier_names=TIER_NAMES,
                                 on=dt.date(2026, 3, 2)).eligible
        Qualification.objects.create(board=board, enterprise=enterprise, kind="high_tech")
        match = match_product(enterprise, products["loan"], tier_names=TIER_NAMES, on=dt.date(2026, 3, 2),
                              need=_need(board, enterprise, "6000000", 24))
    assert not match.eligible and [r["met"] for r in match.reasons] == [True, True, False, True]
    assert (
        match.reasons[2]["reason"] == "需求金额 6,000,000.00 元不在产品范围 100,000.00 元—5,000,000.00 元 内"
    )


def test_enterprise_page_lists_the_products_it_qualifies_for_first(client, board, products, enterprise,
                                                                   staff_user, django_assert_max_num_queries):
    user = UserFactory(username="ent")
    MembershipFactory(user=user, board=board, role="enterprise_user")
    with board_scope(board):
        enterprise.users.add(user)
    need = _need(board, enterprise, "2000000", 24)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        page = client.get(f"/{board.slug}/enterprises/{enterprise.pk}/products/?need={need.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and "符合条件的产品 1 款（共 3 款）" in html
    assert html.index("知识产权质押贷") < html.index("科创信用贷")  # eligible first
    assert "需持有高新技术企业之一" in html and "需求期限 24 个月不在产品范围 36 个月—84 个月 内" in html
    assert client.get(f"/{board.slug}/enterprises/{enterprise.pk}/products/?need=x").status_code == 404
    client.force_login(UserFactory(username="someone-else"))
    assert client.get(f"/{board.slug}/enterprises/{enterprise.pk}/products/").status_code == 404
    client.force_login(staff_user)
    assert client.get(f"/{board.slug}/enterprises/{enterprise.pk}/products/").status_code == 200


def test_enterprise_posts_a_financing_need(client, board, enterprise):
    user = UserFactory(username="ent2")
    MembershipFactory(user=user, board=board, role="enterprise_user")
    with board_scope(board):
        enterprise.users.add(user)
    client.force_login(user)
    url = f"/{board.slug}/my/financing/"
    bad = client.post(url, {"amount": "0", "term_months": "12", "use": "扩产"})
    assert bad.status_code == 400
    response = client.post(url, {"amount": "3000000", "term_months": "24", "use": "新产线建设",
                                 "product_types": ["credit_loan"]})
    assert response.status_code == 302
    with board_scope(board):
        need = FinancingNeed.objects.get()
    assert (need.amount, need.state, need.product_types) == (Decimal("3000000.00"), "submitted",
            ["credit_loan"])
    assert "新产线建设" in client.get(url).content.decode()
