"""Policies API: the catalogue, policy matches, awards and guarantee claims. Every endpoint: the
caller with the role succeeds; another board's caller or object, and a caller without the
role, get the same 404; the number of queries does not grow with the rows."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.models import ApiKey, BoardMembership, Role
from boards.kernel.scoping import board_scope
from policies import services
from policies.api import urls as policy_urls
from tests.factories import InstitutionFactory, PolicyFactory
from tests.support.policies import (
    FIRST_LISTING,
    LISTED,
    enterprise,
    first_listing_policy,
    guarantee_policy,
    owner_of,
    user_with_role,
)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def scene(nmg, other_board, staff_user, other_staff_user, guarantor):
    """On the board: the first-listing and guarantee policies, two listed enterprises with their
    owners, an expert; on the other board: a policy, an enterprise and its award."""
    policy = first_listing_policy(nmg)
    guarantee_policy(nmg)
    mine = enterprise(nmg, "内蒙古稀土功能材料有限公司", **LISTED)
    theirs = enterprise(nmg, "包头智能装备有限公司", **LISTED)
    elsewhere = enterprise(other_board, "新疆硅基新材料有限公司")
    with board_scope(other_board):
        other_policy = PolicyFactory(board=other_board, code="xj-award", payer="kjt")
        other_award = services.apply_for_award(elsewhere, other_policy, actor=other_staff_user)
    return SimpleNamespace(
        board=nmg, policy=policy, mine=mine, theirs=theirs, elsewhere=elsewhere, other_award=other_award,
        owner=owner_of(mine, "owner"), other_owner=owner_of(theirs, "other-owner"),
        expert=user_with_role(nmg, "expert", Role.EXPERT), staff=staff_user, other_staff=other_staff_user,
        guarantor=guarantor)


def _url(board, tail):
    return f"/api/v1/{board.slug}/{tail}"


def _as(api, user):
    api.force_authenticate(user)
    return api


# --- Catalogue -------------------------------------------------------------------------------------


def test_the_catalogue_lists_the_boards_policies_with_their_conditions(api, scene,
                                                                       django_assert_max_num_queries):
    with board_scope(scene.board):
        for i in range(5):
            PolicyFactory(board=scene.board, code=f"extra-{i}",
                          conditions=[{"type": "tier", "tiers": ["premium"]}])
    with django_assert_max_num_queries(7):
        response = _as(api, scene.owner).get(_url(scene.board, "policies/"))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"first-listing", "guarantee", *(f"extra-{i}" for i in range(5))}
    assert rows["first-listing"]["condition_texts"] == [
        "在优选层、上市层挂牌",
        "持有科技型中小企业、高新技术企业、科技标杆企业、创新型企业（专家评审认定）资质"]
    assert rows["first-listing"]["amount"] == "300000.00" and rows["guarantee"]["cap"] == "5000000.00"
    filtered = _as(api, scene.staff).get(_url(scene.board, "policies/?beneficiary=guarantee_firm"))
    assert filtered.json()["count"] == 1


@pytest.mark.parametrize("who", ["other_staff", "expert"])
def test_the_catalogue_is_404_for_another_board_and_a_role_without_it(api, scene, who):
    response = _as(api, getattr(scene, who)).get(_url(scene.board, "policies/"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_a_board_without_the_module_has_no_catalogue(api, scene):
    scene.board.config["modules"] = ["boards"]
    scene.board.save()
    assert _as(api, scene.staff).get(_url(scene.board, "policies/")).status_code == 404


# --- Matches ---------------------------------------------------------------------------------------


def test_staff_and_the_enterprises_own_users_see_its_matches(api, scene, django_assert_max_num_queries):
    with board_scope(scene.board):
        for i in range(5):  # more policies, as many queries
            PolicyFactory(board=scene.board, code=f"extra-{i}", conditions=[FIRST_LISTING["tier_entry"]])
    url = _url(scene.board, f"enterprises/{scene.mine.pk}/policy-matches/")
    with django_assert_max_num_queries(11):
        body = _as(api, scene.owner).get(url).json()
    assert (body["enterprise"], body["name"]) == (scene.mine.pk, "内蒙古稀土功能材料有限公司")
    matches = {m["policy"]: m for m in body["qualified"]}
    assert set(matches) == {"first-listing", *(f"extra-{i}" for i in range(5))}
    match = matches["first-listing"]
    assert (match["policy"], match["status"], match["may_apply"], match["award"]) == (
        "first-listing", "qualified", True, None)
    assert [c["reason"] for c in match["checks"]] == ["2026-03-02 进入优选层、上市层",
                                                      "持有高新技术企业（有效）"]
    assert len(_as(api, scene.staff).get(url).json()["qualified"]) == 6


@pytest.mark.parametrize("who, which", [("other_owner", "mine"), ("guarantor", "mine"),
                                        ("other_staff", "mine"), ("staff", "elsewhere"), ("expert", "mine")])
def test_matches_are_404_to_anyone_else(api, scene, who, which):
    user = scene.guarantor.user if who == "guarantor" else getattr(scene, who)
    url = _url(scene.board, f"enterprises/{getattr(scene, which).pk}/policy-matches/")
    assert _as(api, user).get(url).status_code == 404


# --- Awards ----------------------------------------------------------------------------------------


def test_an_enterprise_applies_once_and_sees_only_its_own_awards(api, scene, django_assert_max_num_queries):
    url = _url(scene.board, "policies/awards/")
    owner = _as(api, scene.owner)
    response = owner.post(url, {"enterprise": scene.mine.pk, "policy": "first-listing"}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["state"], response.json()["amount"], response.json()["allowed_steps"]) == (
        "applied", "300000.00", [])
    again = owner.post(url, {"enterprise": scene.mine.pk, "policy": "first-listing"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "award_exists"
    for body, field in (({"enterprise": scene.theirs.pk, "policy": "first-listing"}, "enterprise"),
                        ({"enterprise": scene.elsewhere.pk, "policy": "first-listing"}, "enterprise"),
                        ({"enterprise": scene.mine.pk, "policy": "guarantee"}, "policy")):
        refused = owner.post(url, body, format="json")
        assert refused.status_code == 400 and field in refused.json()["error"]["details"]
    staff = _as(APIClient(), scene.staff)
    by_staff = staff.post(url, {"enterprise": scene.theirs.pk, "policy": "first-listing"}, format="json")
    assert by_staff.status_code == 201
    with django_assert_max_num_queries(6):
        mine = owner.get(url).json()
    assert [row["enterprise_name"] for row in mine["results"]] == ["内蒙古稀土功能材料有限公司"]
    with django_assert_max_num_queries(8):
        listing = staff.get(url).json()
    assert listing["count"] == 2 and listing["results"][0]["allowed_steps"] == ["reject", "verify"]


@pytest.mark.parametrize("who", ["other_staff", "expert", "guarantor"])
def test_awards_are_404_to_another_board_and_other_roles(api, scene, who):
    user = scene.guarantor.user if who == "guarantor" else getattr(scene, who)
    client = _as(api, user)
    assert client.get(_url(scene.board, "policies/awards/")).status_code == 404
    posted = client.post(_url(scene.board, "policies/awards/"),
                         {"enterprise": scene.mine.pk, "policy": "first-listing"}, format="json")
    assert posted.status_code == 404


def test_staff_run_the_award_steps(api, scene, django_assert_max_num_queries):
    with board_scope(scene.board):
        award = services.apply_for_award(scene.mine, scene.policy, actor=scene.owner)
    staff = _as(api, scene.staff)
    step = _url(scene.board, f"policies/awards/{award.pk}/{{}}/")
    illegal = staff.post(step.format("approve"), {}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["error"]["details"]["allowed"] == ["reject", "verify"]
    with django_assert_max_num_queries(20):
        verified = staff.post(step.format("verify"), {}, format="json")
    assert verified.status_code == 200 and verified.json()["allowed_steps"] == ["approve", "reject"]
    assert staff.post(step.format("reject"), {"reason": ""}, format="json").status_code == 400
    rejected = staff.post(step.format("reject"), {"reason": "挂牌材料不实"}, format="json").json()
    assert (rejected["state"], rejected["rejection_reason"]) == ("rejected", "挂牌材料不实")
    assert staff.post(step.format("pay"), {}, format="json").status_code == 404


@pytest.mark.parametrize("who", ["owner", "other_staff"])
def test_award_steps_are_404_to_others(api, scene, who):
    with board_scope(scene.board):
        award = services.apply_for_award(scene.mine, scene.policy, actor=scene.owner)
    url = _url(scene.board, f"policies/awards/{award.pk}/verify/")
    response = _as(api, getattr(scene, who)).post(url, {}, format="json")
    assert response.status_code == 404


def test_another_boards_award_is_404_on_this_board(api, scene):
    url = _url(scene.board, f"policies/awards/{scene.other_award.pk}/verify/")
    assert _as(api, scene.staff).post(url, {}, format="json").status_code == 404


# --- Guarantee claims ------------------------------------------------------------------------------


def _claim_body(**extra):
    return {"year": timezone.localdate().year, "period_label": "第一季度", "guarantee_amount": "150000000.00",
            "enterprise_count": 30, **extra}


def test_a_guarantee_firm_declares_with_its_api_key_and_sees_its_claims(api, scene,
                                                                         django_assert_max_num_queries):
    prefix, secret, full = generate_key()
    ApiKey.objects.create(board=scene.board, institution=scene.guarantor.firm, user=scene.guarantor.user,
                          prefix=prefix, key_hash=hash_secret(secret))
    url = _url(scene.board, "policies/guarantee-claims/")
    key = {"HTTP_AUTHORIZATION": f"Api-Key {full}"}
    response = api.post(url, _claim_body(), format="json", **key)
    assert response.status_code == 201, response.json()
    claim = response.json()
    assert (claim["institution"], claim["risk_compensation"], claim["premium_subsidy"]) == (
        "GUAR", "1500000.00", "750000.00")
    assert "全额核定" in claim["explanation"]
    third = api.post(url, _claim_body(guarantee_amount="400000000.00"), format="json", **key).json()
    assert (third["cut"], third["granted_risk_compensation"]) == ("500000.00", "3500000.00")
    other_firm = InstitutionFactory(code="GUAR2", kind="guarantee")
    with board_scope(scene.board):
        services.declare_guarantee_business(
            scene.board, institution=other_firm, year=timezone.localdate().year, period_label="一季度",
            guarantee_amount=Decimal("1000"), enterprise_count=1, actor=scene.staff)
    with django_assert_max_num_queries(9):
        listing = api.get(url, **key).json()
    assert [row["institution"] for row in listing["results"]] == ["GUAR", "GUAR"]
    assert _as(APIClient(), scene.staff).get(url).json()["count"] == 3


def test_staff_declare_for_a_named_firm(api, scene):
    url = _url(scene.board, "policies/guarantee-claims/")
    staff = _as(api, scene.staff)
    missing = staff.post(url, _claim_body(), format="json")
    assert missing.status_code == 400 and "institution" in missing.json()["error"]["details"]
    assert staff.post(url, _claim_body(institution="GUAR"), format="json").status_code == 201
    bank = InstitutionFactory(code="BANKY", kind="bank")
    user_with_role(scene.board, "banky", Role.INSTITUTION_USER, bank)  # takes part in the board
    refused = staff.post(url, _claim_body(institution=bank.code), format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_guarantor"


@pytest.mark.parametrize("who", ["insurer", "owner", "other_staff"])
def test_claims_are_404_to_others(api, scene, who):
    if who == "insurer":
        user = user_with_role(scene.board, "insurer", Role.CREDIT_ENHANCER,
                              InstitutionFactory(code="INS", kind="insurance"))
    else:
        user = getattr(scene, who)
    client = _as(api, user)
    url = _url(scene.board, "policies/guarantee-claims/")
    assert client.get(url).status_code == 404
    assert client.post(url, _claim_body(), format="json").status_code == 404


def test_staff_decide_claims_and_others_cannot(api, scene, django_assert_max_num_queries):
    with board_scope(scene.board):
        claim = services.declare_guarantee_business(
            scene.board, institution=scene.guarantor.firm, year=timezone.localdate().year,
            period_label="一季度", guarantee_amount=Decimal("1000000"), enterprise_count=2,
            actor=scene.guarantor.user)
    step = _url(scene.board, f"policies/guarantee-claims/{claim.pk}/{{}}/")
    assert _as(api, scene.guarantor.user).post(step.format("approve"), {}, format="json").status_code == 404
    elsewhere = _as(APIClient(), scene.other_staff).post(step.format("approve"), {}, format="json")
    assert elsewhere.status_code == 404
    staff = _as(APIClient(), scene.staff)
    with django_assert_max_num_queries(20):
        approved = staff.post(step.format("approve"), {}, format="json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    illegal = staff.post(step.format("reject"), {"reason": "晚了"}, format="json")
    assert illegal.status_code == 409 and illegal.json()["error"]["details"]["allowed"] == ["disburse"]


# --- Schema ----------------------------------------------------------------------------------------


def test_the_schema_of_these_endpoints_has_no_warning():
    patterns = [path("api/v1/", include(policy_urls.urlpatterns))]
    GENERATOR_STATS.reset()
    schema = BoardlessSchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    assert "/api/v1/{board}/enterprises/{id}/policy-matches/" in schema["paths"]


def test_an_application_retried_with_its_idempotency_key_is_answered_once(api, scene):
    url, owner = _url(scene.board, "policies/awards/"), _as(api, scene.owner)
    body = {"enterprise": scene.mine.pk, "policy": "first-listing"}
    first = owner.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="apply-1")
    again = owner.post(url, dict(reversed(list(body.items()))), format="json", HTTP_IDEMPOTENCY_KEY="apply-1")
    assert first.status_code == again.status_code == 201  # not the 409 of a second application
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = owner.post(url, {**body, "policy": "guarantee"}, format="json", HTTP_IDEMPOTENCY_KEY="apply-1")
    assert other.status_code == 422 and "已用于另一个不同的请求" in other.json()["error"]["message"]
    with board_scope(scene.board):
        assert scene.mine.policy_awards.count() == 1


def test_an_api_key_declares_and_reads_for_its_own_guarantee_firm_only(api, scene):
    """A key acts for the institution it was issued for (kernel caller_institution): the GUAR
    enhancer's user holding a key of GUAR2 (where they are an institution user) declares for GUAR2
    with it and reads none of GUAR's claims."""
    second = InstitutionFactory(code="GUAR2", kind="guarantee")
    BoardMembership.objects.create(user=scene.guarantor.user, board=scene.board, role=Role.INSTITUTION_USER,
                                   institution=second)
    prefix, secret, full = generate_key()
    ApiKey.objects.create(board=scene.board, institution=second, user=scene.guarantor.user,
                          prefix=prefix, key_hash=hash_secret(secret))
    key = {"HTTP_AUTHORIZATION": f"Api-Key {full}"}
    url = _url(scene.board, "policies/guarantee-claims/")
    assert _as(APIClient(), scene.guarantor.user).post(url, _claim_body(), format="json").status_code == 201
    declared = api.post(url, _claim_body(), format="json", **key)
    assert declared.status_code == 201 and declared.json()["institution"] == "GUAR2"
    assert [row["institution"] for row in api.get(url, **key).json()["results"]] == ["GUAR2"]
