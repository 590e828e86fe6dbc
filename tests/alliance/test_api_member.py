"""Interest profile, recommendations (admission leads), and the white list of financing needs."""

import random
from decimal import Decimal

from alliance.models import FinancingNeed, Recommendation
from boards.enterprises.models import Enterprise
from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc
from tests.factories import EnterpriseFactory
from tests.support.alliance import api_key, grant


def test_interest_profile_is_set_as_a_whole_and_checked(client, board, bank):
    headers = api_key(board, bank.institution, bank.user)
    url = f"/api/v1/{board.slug}/alliance/interest-profile/"
    assert client.get(url, **headers).status_code == 404
    bad = client.put(url, {"tiers": ["premium"], "amount_min": "5", "amount_max": "1"},
                     content_type="application/json", **headers)
    assert bad.status_code == 400 and set(bad.json()["error"]["details"]) == {"tiers", "amount_max"}
    saved = client.put(url, {"industries": ["稀土功能材料"], "tiers": ["standard"], "stages": ["A"],
                             "amount_min": "1000000"}, content_type="application/json", **headers)
    assert saved.status_code == 200
    assert client.get(url, **headers).json() | {"updated_at": None} == {
        "industries": ["稀土功能材料"], "tiers": ["standard"], "stages": ["A"], "amount_min": "1000000.00",
        "amount_max": None, "updated_at": None}
    client.put(url, {"industries": []}, content_type="application/json", **headers)
    assert client.get(url, **headers).json()["tiers"] == []  # replaced as a whole


def test_a_recommendation_creates_an_admission_lead(client, board, bank, staff_user):
    headers = api_key(board, bank.institution, bank.user)
    url = f"/api/v1/{board.slug}/alliance/recommendations/"
    code = make_uscc(random.Random("lead-1"), "150105")
    body = {"name": "赤峰恒博生物科技有限公司", "credit_code": code, "prefecture": "赤峰市",
            "industry": "生物科技", "reason": "已完成天使轮投资", "invested": True}
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.status_code == 201 and set(response.json()) == {"id", "credit_code", "reason", "invested",
                                                                     "created_at"}
    with board_scope(board):
        lead = Enterprise.objects.get(credit_code=code)
        assert (lead.name, lead.status) == ("赤峰恒博生物科技有限公司", "prospect")
        assert EvidenceEntry.objects.filter(action="alliance.recommendation.created",
                                            payload__enterprise=lead.pk).exists()
        assert Notification.objects.filter(user=staff_user, verb="alliance.recommendation.created").exists()
    again = client.post(url, {**body, "name": "别名"}, content_type="application/json", **headers)
    assert again.status_code == 201
    with board_scope(board):
        assert Enterprise.objects.filter(credit_code=code).count() == 1
        assert Recommendation.objects.filter(enterprise=lead).count() == 2
    invalid = client.post(url, {**body, "credit_code": "123"}, content_type="application/json", **headers)
    assert invalid.status_code == 400 and "统一社会信用代码应为 18 位" in str(
        invalid.json()["error"]["details"]
    )


def test_white_list_shows_curated_needs_and_identity_only_with_consent(client, board, bank, enterprise):
    with board_scope(board):
        anonymous = EnterpriseFactory(board=board, industry="软件技术", tier="incubation")
        for who, state, amount in ((enterprise, "whitelisted", 3000000), (anonymous, "whitelisted", 800000),
                                   (enterprise, "submitted", 100000)):
            FinancingNeed.objects.create(board=board, enterprise=who, amount=Decimal(amount),
                                         use="秘密工艺扩产", term_months=24, state=state, summary="扩产资金")
    grant(enterprise, bank.institution)
    headers = api_key(board, bank.institution, bank.user)
    url = f"/api/v1/{board.slug}/alliance/financing-needs/"
    rows = client.get(f"{url}?ordering=-amount", **headers).json()["results"]
    assert [(r["enterprise_name"], r["amount"], r["industry"]) for r in rows] == [
        ("包头瑞达稀土功能材料有限公司", "3000000.00", "稀土功能材料"), (None, "800000.00", "软件技术")]
    assert rows[1]["enterprise"] is None and "use" not in rows[0] and rows[0]["summary"] == "扩产资金"
    assert client.get(f"{url}?amount_min=1000000", **headers).json()["count"] == 1
    assert client.get(f"{url}?tier=incubation", **headers).json()["count"] == 1


def test_an_institution_applies_to_a_federation_through_the_api(client, board, outsider, staff_user):
    headers = api_key(board, outsider.institution, outsider.user)
    url = f"/api/v1/{board.slug}/alliance/memberships/"
    body = {"body": "investment", "executive_lead": "王建国", "executive_title": "副行长",
            "liaison_name": "李海燕", "liaison_phone": "0471-6661234",
            "declared_preference": "审批时限压缩三分之一"}
    assert client.post(url, {**body, "body": "club"}, content_type="application/json",
                       **headers).status_code == 400
    missing = client.post(url, {"body": "investment"}, content_type="application/json", **headers)
    assert missing.status_code == 400 and {"executive_lead", "liaison_name"} <= set(
        missing.json()["error"]["details"])
    applied = client.post(url, body, content_type="application/json", **headers)
    assert applied.status_code == 201 and applied.json()["state"] == "applied"
    again = client.post(url, body, content_type="application/json", **headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_member"
    with board_scope(board):
        assert EvidenceEntry.objects.filter(action="alliance.membership.applied").count() == 1
        assert Notification.objects.filter(user=staff_user, verb="alliance.membership.applied").exists()
    assert [m["body"] for m in client.get(url, **headers).json()["results"]] == ["investment"]
    # Applying is not membership: the member endpoints stay closed until admitted.
    assert client.get(f"/api/v1/{board.slug}/alliance/products/", **headers).status_code == 404
