"""Funder API: the cases sent to the caller's institution, both letters, and the intent answer.
Another funder, another board or another role: 404. An answer not allowed now: 409."""

import io

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from pypdf import PdfReader
from rest_framework.test import APIClient

from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.filings import render_filing_now
from boards.kernel.models import ApiKey, Role
from boards.kernel.scoping import board_scope
from risksharing.api import urls as api_urls
from risksharing.models import RequestState
from tests.factories import MembershipFactory, UserFactory
from tests.support.risksharing import D, case_filings


@pytest.fixture
def api():
    return APIClient()


def _url(board, case=None, tail=""):
    base = f"/api/v1/{board.slug}/financing-cases/"
    return f"{base}{case.pk}/{tail}" if case else base


@pytest.fixture
def sent(flow, enterprise):
    """A mode-2 case sent to IMB and BOC, and one sent to BOC only."""
    return flow.sent(enterprise, "2", funders=("IMB", "BOC")), flow.sent(enterprise, "1", funders=("BOC",))


def test_a_funder_lists_and_reads_only_the_cases_sent_to_it(api, board, sent, parties,
                                                            django_assert_max_num_queries):
    both, boc_only = sent
    api.force_authenticate(parties.users["IMB"])
    with django_assert_max_num_queries(10):
        body = api.get(_url(board)).json()
    assert [row["id"] for row in body["results"]] == [both.pk]
    row = body["results"][0]
    assert row["mode_name"] == "模式二：再担保牵头联合担保"
    assert row["enterprise"]["name"] == "包头稀土新材料科技有限公司"
    assert row["request"]["state"] == "sent" and row["request"]["can_answer"] is True
    assert row["request"]["answer_due_at"].startswith("2026-03-09T23:59:59")
    kinds = [letter["kind"] for letter in row["letters"]]
    assert kinds == ["risksharing.recommendation", "risksharing.guarantee", "risksharing.guarantee"]
    with django_assert_max_num_queries(10):
        detail = api.get(_url(board, both)).json()
    assert detail["request"]["id"] == row["request"]["id"]
    assert api.get(_url(board, boc_only)).status_code == 404  # not sent to IMB


def test_the_list_stays_within_the_query_budget_with_more_cases(api, flow, board, parties, enterprise,
                                                                django_assert_max_num_queries):
    for mode in ("1", "2", "2"):
        flow.sent(enterprise, mode)
    api.force_authenticate(parties.users["IMB"])
    with django_assert_max_num_queries(10):
        assert len(api.get(_url(board)).json()["results"]) == 3


def test_a_funder_answers_with_intent(api, board, sent, parties, django_assert_max_num_queries):
    both, _ = sent
    api.force_authenticate(parties.users["IMB"])
    with django_assert_max_num_queries(40):
        response = api.post(_url(board, both, "answer/"), {"intent": True, "amount": "8000000",
                                                           "conditions": "利率 3.65%"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["request"]["state"] == RequestState.AGREED
    assert response.json()["request"]["amount"] == "8000000.00"
    again = api.post(_url(board, both, "answer/"), {"intent": False, "reasons": "改变主意"}, format="json")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "illegal_transition" and error["details"]["allowed"] == []


def test_a_refusal_without_reasons_is_400_and_with_reasons_is_kept(api, board, sent, parties):
    both, _ = sent
    api.force_authenticate(parties.users["BOC"])
    response = api.post(_url(board, both, "answer/"), {"intent": False}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "reasons_required", "message": "不予融资须说明理由。",
                                        "details": {}}
    response = api.post(_url(board, both, "answer/"), {"intent": "maybe"}, format="json")
    assert response.status_code == 400 and "intent" in response.json()["error"]["details"]
    response = api.post(_url(board, both, "answer/"), {"intent": False, "reasons": "授信额度已满。"},
                        format="json")
    assert response.json()["request"]["reasons"] == "授信额度已满。"
    # BOC sees its own answer only, never IMB's request.
    assert response.json()["request"]["id"] == api.get(_url(board, both)).json()["request"]["id"]


def test_an_answer_from_the_wrong_funder_is_404(api, board, sent, parties, flow):
    _, boc_only = sent
    api.force_authenticate(parties.users["IMB"])
    response = api.post(_url(board, boc_only, "answer/"), {"intent": True}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert flow.request(boc_only, "BOC").state == RequestState.SENT


@pytest.mark.parametrize("role, code", [(Role.CREDIT_ENHANCER, "NMPC"), (Role.EXCHANGE_STAFF, None),
                                        (Role.ENTERPRISE_USER, None), (Role.INSTITUTION_USER, "NMCPA")])
def test_other_roles_get_404_on_every_endpoint(api, board, sent, parties, role, code):
    both, _ = sent
    user = parties.users[code] if code else UserFactory(username=f"someone-{role}")
    if not code:
        MembershipFactory(user=user, board=board, role=role)
    api.force_authenticate(user)
    letter = both.recommendation_letter_id
    expected = 200 if code == "NMCPA" else 404  # a firm holds the institution role: it sees an empty list
    assert api.get(_url(board)).status_code == expected
    for response in (api.get(_url(board, both)), api.post(_url(board, both, "answer/"), {"intent": True}),
                     api.get(_url(board, both, f"letters/{letter}/"))):
        assert response.status_code == 404


def test_another_boards_funder_gets_404_on_every_endpoint(api, board, other_board, sent, parties):
    both, _ = sent
    user = UserFactory(username="xj-bank")
    MembershipFactory(user=user, board=other_board, role=Role.INSTITUTION_USER, institution=parties["IMB"])
    api.force_authenticate(user)
    letter = both.recommendation_letter_id
    for response in (api.get(_url(board)), api.get(_url(board, both)),
                     api.post(_url(board, both, "answer/"), {"intent": True}),
                     api.get(_url(board, both, f"letters/{letter}/"))):
        assert response.status_code == 404
    # Through its own board's URL the case does not exist either.
    assert api.get(_url(other_board, both)).status_code == 404
    assert api.get(_url(other_board)).json()["results"] == []


def test_a_funder_downloads_both_letters(api, board, sent, parties, django_assert_max_num_queries):
    both, boc_only = sent
    api.force_authenticate(parties.users["IMB"])
    letter = both.recommendation_letter
    response = api.get(_url(board, both, f"letters/{letter.pk}/"))
    assert response.status_code == 409 and "正在生成" in response.json()["error"]["message"]
    guarantee = case_filings(board, both, "guarantee")[0]
    with board_scope(board):
        render_filing_now(letter.pk)
        render_filing_now(guarantee.pk)
    with django_assert_max_num_queries(10):
        response = api.get(_url(board, both, f"letters/{guarantee.pk}/"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "担保推荐函" in text
    # A letter of another case, even one sent to IMB's peer: 404.
    assert api.get(_url(board, both, f"letters/{boc_only.recommendation_letter_id}/")).status_code == 404


def test_an_api_key_acts_for_its_institution(api, board, sent, parties):
    both, _ = sent
    prefix, secret, token = generate_key()
    ApiKey.objects.create(board=board, institution=parties["IMB"], user=parties.users["IMB"], prefix=prefix,
                          key_hash=hash_secret(secret))
    response = api.post(_url(board, both, "answer/"), {"intent": False, "reasons": "额度不足。"},
                        format="json", HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert response.status_code == 200 and response.json()["request"]["state"] == "refused"
    assert D(api.get(_url(board), HTTP_AUTHORIZATION=f"Api-Key {token}").json()["count"]) == 1


def test_the_schema_of_these_endpoints_has_no_warning():
    patterns = [path("api/v1/", include(api_urls.urlpatterns))]
    GENERATOR_STATS.reset()
    schema = BoardlessSchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    assert "/api/v1/{board}/financing-cases/{id}/answer/" in schema["paths"]


def test_an_answer_retried_with_its_idempotency_key_is_replayed_not_refused(api, board, sent, parties):
    both, _ = sent
    api.force_authenticate(parties.users["IMB"])
    body = {"intent": True, "amount": "8000000", "conditions": "利率 3.65%"}
    first = api.post(_url(board, both, "answer/"), body, format="json", HTTP_IDEMPOTENCY_KEY="answer-1")
    again = api.post(_url(board, both, "answer/"), body, format="json", HTTP_IDEMPOTENCY_KEY="answer-1")
    assert first.status_code == again.status_code == 200  # the retry is not the 409 of a second answer
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = api.post(_url(board, both, "answer/"), {**body, "amount": "1"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="answer-1")
    assert other.status_code == 422 and "幂等键" in other.json()["error"]["message"]
