"""Review API: an investing institution opens and follows its premium reviews; staff run cases;
409 with the allowed steps; 404 across boards and roles."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.models import ApiKey, Role
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.support.reviews import START, committee, invest


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def invested(board, enterprise, investor):
    invest(board, enterprise, investor)
    return investor


@pytest.fixture
def fund_user(board, invested):
    user = UserFactory(username="fund-user")
    MembershipFactory(user=user, board=board, role=Role.INSTITUTION_USER, institution=invested)
    return user


def _cases(board):
    return f"/api/v1/{board.slug}/reviews/cases/"


def test_an_investor_opens_and_follows_its_premium_review(api, board, flow, enterprise, fund_user, invested,
                                                          django_assert_max_num_queries):
    api.force_authenticate(fund_user)
    response = api.post(_cases(board), {"kind": "premium", "enterprise": enterprise.pk,
                                        "reason": "已投资 A 轮"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["opened_by_institution"] == "NMKCFUND" and body["state"] == "created"
    assert "seats" not in body and "allowed_steps" not in body
    flow.open(enterprise, "innovation")  # the exchange's own case: not the fund's to follow
    with django_assert_max_num_queries(8):
        listing = api.get(_cases(board)).json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]
    assert api.get(f"{_cases(board)}{body['id']}/").json()["state_display"] == "已立案"


def test_an_institution_that_did_not_invest_is_refused(api, board, enterprise, investor):
    user = UserFactory(username="bank-user")
    MembershipFactory(user=user, board=board, role=Role.INSTITUTION_USER,
                      institution=InstitutionFactory(code="BANKX", name="某银行"))
    api.force_authenticate(user)
    response = api.post(_cases(board), {"kind": "premium", "enterprise": enterprise.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_investor"
    response = api.post(_cases(board), {"kind": "premium", "enterprise": 999999}, format="json")
    assert response.status_code == 400 and "没有编号为 999999 的企业" in str(response.json())


def test_an_institution_cannot_open_other_kinds(api, board, enterprise, fund_user):
    api.force_authenticate(fund_user)
    response = api.post(_cases(board), {"kind": "innovation", "enterprise": enterprise.pk}, format="json")
    assert response.status_code == 400 and "只能由交易中心发起" in response.json()["error"]["message"]


def test_api_key_of_the_investor_works_too(api, board, flow, enterprise, fund_user, invested):
    case = flow.open(enterprise, "premium", opened_by_institution=invested)
    prefix, secret, token = generate_key()
    ApiKey.objects.create(board=board, institution=invested, user=fund_user, prefix=prefix,
                          key_hash=hash_secret(secret))
    response = api.get(_cases(board), HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert [row["id"] for row in response.json()["results"]] == [case.pk]


def test_staff_run_steps_and_illegal_steps_answer_409(api, board, flow, enterprise, experts,
                                                      django_assert_max_num_queries):
    case = flow.open(enterprise)
    api.force_authenticate(flow.staff)
    response = api.post(f"{_cases(board)}{case.pk}/send_material/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["details"]["allowed"] == ["add_material", "draw_panel"]
    response = api.post(f"{_cases(board)}{case.pk}/draw_panel/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "panel_drawn" and len(body["seats"]) == 5
    assert body["allowed_steps"] == ["add_material", "send_material", "record_decline",
                                     "fill_vacancies"]
    response = api.post(f"{_cases(board)}{case.pk}/send_material/")
    assert response.status_code == 409 and "请先上传评审材料" in response.json()["error"]["message"]
    assert api.post(f"{_cases(board)}{case.pk}/teleport/").status_code == 404
    with django_assert_max_num_queries(8):
        detail = api.get(f"{_cases(board)}{case.pk}/").json()
    assert {seat["state"] for seat in detail["seats"]} == {"drawn"}
    with django_assert_max_num_queries(8):
        assert api.get(_cases(board)).json()["count"] == 1


def test_a_meeting_too_early_is_a_400_with_the_rule(api, board, flow, enterprise):
    committee(board, 5)
    case = flow.received(enterprise, "premium")
    api.force_authenticate(flow.staff)
    too_early = {"at": (START + dt.timedelta(days=2)).isoformat(), "place": "交易中心"}
    response = api.post(f"{_cases(board)}{case.pk}/schedule_meeting/", too_early, format="json")
    assert response.status_code == 400
    assert "须在最后一位专家确认收悉材料 3 日后召开" in response.json()["error"]["message"]
    response = api.post(f"{_cases(board)}{case.pk}/schedule_meeting/", {"place": "交易中心"}, format="json")
    assert response.status_code == 400 and "at" in response.json()["error"]["details"]


def test_wrong_roles_and_other_boards_get_404(api, board, other_board, flow, enterprise, fund_user,
                                              other_staff_user, experts):
    case = flow.open(enterprise)
    detail, step = f"{_cases(board)}{case.pk}/", f"{_cases(board)}{case.pk}/draw_panel/"
    api.force_authenticate(fund_user)  # follows only its own cases; no staff steps
    assert api.get(detail).status_code == 404
    assert api.post(step).status_code == 404
    expert_user = experts[0].user
    api.force_authenticate(expert_user)
    assert api.get(_cases(board)).status_code == 404
    api.force_authenticate(other_staff_user)
    assert api.get(detail).status_code == 404 and api.post(step).status_code == 404
    assert api.get(f"{_cases(other_board)}{case.pk}/").status_code == 404
    assert api.post(f"{_cases(other_board)}{case.pk}/draw_panel/").status_code == 404
    api.force_authenticate(None)
    assert api.get(_cases(board)).status_code in (401, 403)


def test_a_case_opened_again_with_its_idempotency_key_is_opened_once(api, board, enterprise, fund_user,
                                                                     invested):
    api.force_authenticate(fund_user)
    body = {"kind": "premium", "enterprise": enterprise.pk, "reason": "已投资 A 轮"}
    first = api.post(_cases(board), body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    again = api.post(_cases(board), body, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = api.post(_cases(board), {**body, "reason": "另一理由"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="open-1")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert api.get(_cases(board)).json()["count"] == 1


def test_an_api_key_opens_and_follows_for_its_own_institution_only(api, board, flow, enterprise, fund_user,
                                                                    invested):
    """A key acts for the institution it was issued for (kernel caller_institution): the fund's user
    holding a key of a bank (where they are the credit enhancer) neither sees the fund's cases nor
    opens a premium review in the fund's name with it."""
    case = flow.open(enterprise, "premium", opened_by_institution=invested)
    bank = InstitutionFactory(code="BANKK", name="某银行")
    MembershipFactory(user=fund_user, board=board, role=Role.CREDIT_ENHANCER, institution=bank)
    prefix, secret, token = generate_key()
    ApiKey.objects.create(board=board, institution=bank, user=fund_user, prefix=prefix,
                          key_hash=hash_secret(secret))
    key = {"HTTP_AUTHORIZATION": f"Api-Key {token}"}
    assert api.get(_cases(board), **key).json()["results"] == []
    assert api.get(f"{_cases(board)}{case.pk}/", **key).status_code == 404
    opened = api.post(_cases(board), {"kind": "premium", "enterprise": enterprise.pk}, format="json", **key)
    assert opened.status_code == 400 and opened.json()["error"]["code"] == "not_investor"
