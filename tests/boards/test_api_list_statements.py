"""Every list endpoint of the institution and regulator API answers in a fixed number of statements,
at most 10, whatever the page size (10 or 200 rows), and each answer served from values rows equals
what its serializer gives (settings.API_ROWS_VERIFY, tests/conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.models import FinancingNeed, Matchmaking, MatchState, NeedState, Product
from boards.enterprises.models import DataConsent
from boards.kernel.models import Filing, FilingState, Notification, Role
from boards.kernel.scoping import board_scope
from policies.models import Award, AwardState, Policy
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.support.alliance import api_key, member

pytestmark = pytest.mark.django_db
ROWS = 210


@pytest.fixture
def world(board):
    """ROWS of everything the lists show, for an admitted bank with an API key and for staff."""
    modules = sorted({*board.setting("modules", []), "alliance", "policies"})
    board.config = {**board.config, "modules": modules}
    board.save()
    bank = member(board, "IMB", name="内蒙古银行")
    staff = UserFactory(username="list-staff")
    MembershipFactory(user=staff, board=board, role=Role.EXCHANGE_STAFF)
    now = timezone.now()
    with board_scope(board):
        enterprises = [EnterpriseFactory(board=board, name=f"企业{i:03d}", tier="standard")
                       for i in range(ROWS)]
        DataConsent.objects.bulk_create(
            DataConsent(board=board, enterprise=e, institution=bank.institution if i % 4 else None,
                        categories=["basic", "financials"] if i % 4 else ["basic"], granted_by=staff,
                        granted_at=now - dt.timedelta(days=1), expires_at=now + dt.timedelta(days=30))
            for i, e in enumerate(enterprises) if i % 2 == 0)
        needs = FinancingNeed.objects.bulk_create(
            FinancingNeed(board=board, enterprise=e, amount=Decimal("3000000"), use="研发", term_months=12,
                          product_types=["credit_loan"], summary="脱敏摘要", state=NeedState.WHITELISTED,
                          curated_at=now - dt.timedelta(minutes=i)) for i, e in enumerate(enterprises))
        Matchmaking.objects.bulk_create(
            Matchmaking(board=board, institution=bank.institution, enterprise=e,
                        need=needs[i] if i % 2 else None,
                        state=[MatchState.PUSHED, MatchState.INTERESTED, MatchState.FINANCED][i % 3],
                        financed_amount=Decimal("1000000") if i % 3 == 2 else None,
                        match_reasons=[{"criterion": "industry", "met": True}],
                        pushed_at=now - dt.timedelta(minutes=i)) for i, e in enumerate(enterprises))
        Product.objects.bulk_create(
            Product(board=board, institution=bank.institution, name=f"科创贷{i:03d}",
                    product_type="credit_loan",
                    amount_min=Decimal("100000"), amount_max=Decimal("5000000"), term_min_months=6,
                    term_max_months=36, approval_days=5, is_published=True) for i in range(ROWS))
        policies = Policy.objects.bulk_create(
            Policy(board=board, code=f"p-{i:03d}", title=f"政策{i}", summary="内容", payer="kjt",
                   valid_from=dt.date(2025, 1, 1), beneficiary="enterprise", benefit_kind="fixed",
                   amount=Decimal("300000"), recurrence="one_time",
                   conditions=[{"type": "tier_entry", "tiers": ["standard"]}]) for i in range(ROWS))
        Award.objects.bulk_create(
            Award(board=board, policy=policies[i], enterprise=e, applied_at=now - dt.timedelta(minutes=i),
                  state=[AwardState.APPLIED, AwardState.VERIFIED, AwardState.REJECTED][i % 3],
                  reasons=[]) for i, e in enumerate(enterprises))
        Filing.objects.bulk_create(
            Filing(board=board, year=2026, sequence=i + 1, number=f"NMG-2026-{i + 1:04d}", kind="quarterly",
                   addressee="jrb", subject=f"报备{i}", template_name="x.html", context={},
                   state=FilingState.RENDERED if i % 2 else FilingState.QUEUED) for i in range(ROWS))
        Notification.objects.bulk_create(
            Notification(board=board, user=user, verb="test.notice", title=f"通知{i}", body="内容",
                         created_at=now - dt.timedelta(minutes=i))
            for user in (bank.user, staff) for i in range(ROWS))
    return {"key": api_key(board, bank.institution, bank.user), "staff": staff}


KEY_LISTS = ["enterprises/", "alliance/pushed-enterprises/", "alliance/products/", "alliance/catalogue/",
             "alliance/matchmakings/", "alliance/financing-needs/", "policies/", "notifications/"]
STAFF_LISTS = ["filings/", "policies/awards/", "notifications/"]


def _statements(client, url, headers, size, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as queries:
        response = client.get(url, {"page_size": size}, **headers)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries), len(response.json()["results"])


def test_institution_lists(client, board, world, django_assert_max_num_queries):
    for path in KEY_LISTS:
        url = f"/api/v1/{board.slug}/{path}"
        assert client.get(url, **world["key"]).status_code == 200  # the key's last use: written once a minute
        small, large = (_statements(client, url, world["key"], size, django_assert_max_num_queries)
                        for size in (10, 200))
        consenting = path in ("enterprises/", "alliance/pushed-enterprises/")
        assert (small[1], large[1]) == (10, ROWS // 2 if consenting else 200), path
        assert small[0] == large[0], path


def test_staff_lists(client, board, world, django_assert_max_num_queries):
    client.force_login(world["staff"])
    for path in STAFF_LISTS:
        url = f"/api/v1/{board.slug}/{path}"
        assert client.get(url).status_code == 200
        small, large = (_statements(client, url, {}, size, django_assert_max_num_queries)
                        for size in (10, 200))
        assert (small[1], large[1]) == (10, 200) and small[0] == large[0], path
