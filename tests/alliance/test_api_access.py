"""Every endpoint of the institution API: another board, another institution's object, a caller
without the institution role and an institution outside the alliance all get 404; no caller 401.
Lists keep a fixed number of queries whatever their length."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.models import (
    ExitCase,
    FinancingNeed,
    Matchmaking,
    PerformanceForm,
    ProgressReport,
    Recommendation,
    SelectionRound,
    ServiceApplication,
)
from boards.kernel.scoping import board_scope
from boards.kernel.uscc import make_uscc
from tests.factories import (
    AllianceMembershipFactory,
    EnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)
from tests.support.alliance import (
    BRIEF_ASSESSMENT,
    api_key,
    grant,
    member,
    objects_of_both,
)
from tests.support.reviews import pdf_upload


@pytest.fixture
def world(board, bank, other_bank, enterprise):
    objects = objects_of_both(board, bank, other_bank, enterprise)
    with board_scope(board):
        objects["need"] = FinancingNeed.objects.get()
    return objects


A = "/api/v1/{board}/alliance/"
PRODUCT = {"name": "新产品", "product_type": "credit_loan", "amount_min": "1", "amount_max": "2",
           "term_min_months": 1, "term_max_months": 2, "approval_days": 1}
PERFORMANCE = {"enterprises_served": 1, "matchmaking_sessions": 1, "policy_sessions": 0, "partner_banks": 2,
               "financing_amount": "100000", "jcg_startups_served": 0}
# (name, method, path, body, whose object it touches: None for none)
APPLY = {"body": "expert_committee", "executive_lead": "王建国", "liaison_name": "李海燕",
         "liaison_phone": "138"}
ENDPOINTS = [
    ("memberships", "get", "memberships/", None, None),
    ("apply", "post", "memberships/", APPLY, None),
    ("products", "get", "products/", None, None),
    ("product", "get", "products/{product}/", None, "product"),
    ("product-put", "put", "products/{product}/", PRODUCT, "product"),
    ("product-delete", "delete", "products/{product}/", None, "product"),
    ("product-create", "post", "products/", PRODUCT, None),
    ("profile", "get", "interest-profile/", None, None),
    ("profile-put", "put", "interest-profile/", {"industries": ["软件"]}, None),
    ("pushed", "get", "pushed-enterprises/", None, None),
    ("pushed-detail", "get", "pushed-enterprises/{enterprise}/", None, None),
    ("matchmakings", "get", "matchmakings/", None, None),
    ("matchmaking", "get", "matchmakings/{matchmaking}/", None, "matchmaking"),
    ("matchmaking-step", "post", "matchmakings/{matchmaking}/interest/", {}, "matchmaking"),
    ("value-report", "get", "matchmakings/{matchmaking}/value-report/", None, "matchmaking"),
    ("recommendations", "get", "recommendations/", None, None),
    (
        "recommend",
        "post",
        "recommendations/",
        {
            "name": "某科技有限公司",
            "credit_code": make_uscc(random.Random("lead"), "150105"),
            "prefecture": "呼和浩特市",
            "industry": "软件",
            "reason": "推荐",
        },
        None,
    ),
    ("needs", "get", "financing-needs/", None, None),
    ("need", "get", "financing-needs/{need}/", None, None),
    ("exit-cases", "get", "exit-cases/", None, None),
    ("exit-answer", "post", "exit-cases/{exit_case}/answer/", {"answer": "说明"}, "exit_case"),
    ("rounds", "get", "service/rounds/", None, None),
    ("applications", "get", "service/applications/", None, None),
    ("forms", "get", "service/performance-forms/", None, None),
    ("form-submit", "post", "service/performance-forms/{form}/submit/", PERFORMANCE, "form"),
    ("progress", "get", "service/progress-reports/", None, None),
    ("progress-submit", "post", "service/progress-reports/{report}/submit/", "multipart", "report"),
    ("attestations", "get", "service/fee-attestations/", None, None),
    ("attest", "post", "service/fee-attestations/", {"year": 2026}, None),
]
# Open to any institution of the board, alliance member or not.
INSTITUTION_ONLY = {"memberships", "apply", "rounds", "applications"}


def _url(board, world, path, whose="mine"):
    objects = world[whose]
    return A.format(board=board.slug) + path.format(product=objects.product.pk,
                    matchmaking=objects.matchmaking.pk, exit_case=objects.exit_case.pk, form=objects.form.pk,
                    report=objects.report.pk, enterprise=world["enterprise"].pk, need=world["need"].pk)


def _call(client, method, url, body, **headers):
    if body == "multipart":
        return client.post(url, {"summary": "下半年服务企业 38 家", "evidence": pdf_upload()}, **headers)
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, body, content_type="application/json", **headers)


ids = [e[0] for e in ENDPOINTS]


@pytest.mark.parametrize(("name", "method", "path", "body", "whose"), ENDPOINTS, ids=ids)
def test_the_member_reaches_its_own(client, board, bank, world, name, method, path, body, whose):
    response = _call(client, method, _url(board, world, path), body,
                     **api_key(board, bank.institution, bank.user))
    assert response.status_code < 400 or (name,
                                          response.status_code) in {("value-report", 404)}, response.content


@pytest.mark.parametrize(("name", "method", "path", "body", "whose"), [e for e in ENDPOINTS if e[4]], ids=[
    e[0] for e in ENDPOINTS if e[4]])
def test_another_institutions_object_is_404(client, board, bank, world, name, method, path, body, whose):
    response = _call(client, method, _url(board, world, path, "theirs"), body,
                     **api_key(board, bank.institution, bank.user))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("name", "method", "path", "body", "whose"), ENDPOINTS, ids=ids)
def test_another_board_is_404(client, board, other_board, world, name, method, path, body, whose):
    stranger = member(other_board, "XJBANK")
    key = api_key(other_board, stranger.institution, stranger.user)
    assert _call(client, method, _url(board, world, path), body, **key).status_code == 404
    client.force_login(stranger.user)  # a session of another board's member
    assert _call(client, method, _url(board, world, path), body).status_code == 404


@pytest.mark.parametrize("role", ["enterprise_user", "expert", "exchange_staff", "regulator"])
@pytest.mark.parametrize(("name", "method", "path", "body", "whose"), ENDPOINTS, ids=ids)
def test_a_caller_without_the_institution_role_is_404(client, board, bank, world, role, name, method, path,
                                                      body, whose):
    user = UserFactory(username=f"role-{role}")
    MembershipFactory(user=user, board=board, role=role, institution=bank.institution)
    client.force_login(user)
    assert _call(client, method, _url(board, world, path), body).status_code == 404


@pytest.mark.parametrize(("name", "method", "path", "body", "whose"), ENDPOINTS, ids=ids)
def test_an_institution_outside_the_alliance_is_404(client, board, outsider, world, name, method, path, body,
                                                    whose):
    response = _call(client, method, _url(board, world, path), body,
                     **api_key(board, outsider.institution, outsider.user))
    assert (response.status_code < 400) if name in INSTITUTION_ONLY else response.status_code == 404


@pytest.mark.parametrize(("name", "method", "path", "body", "whose"), ENDPOINTS, ids=ids)
def test_no_caller_is_401(client, board, world, name, method, path, body, whose):
    assert _call(client, method, _url(board, world, path), body).status_code == 401


LISTS = ["memberships/", "products/", "matchmakings/", "pushed-enterprises/", "recommendations/",
         "financing-needs/", "exit-cases/", "service/rounds/", "service/applications/",
         "service/performance-forms/", "service/progress-reports/", "service/fee-attestations/"]


def _grow(board, bank, world, enterprise):
    """Ten more rows behind every list."""
    with board_scope(board):
        appointment = world["mine"].appointment
        for i in range(10):
            other = EnterpriseFactory(board=board, industry="稀土功能材料")
            AllianceMembershipFactory(board=board, institution=bank.institution, body="professional",
                                      state="refused")
            ProductFactory(board=board, institution=bank.institution)
            Matchmaking.objects.create(board=board, institution=bank.institution, enterprise=other)
            FinancingNeed.objects.create(board=board, enterprise=other, amount=Decimal(1000000), use="扩产",
                                         term_months=12, state="whitelisted", summary="扩产")
            ExitCase.objects.create(board=board, membership=bank.membership, source=f"grow:{i}",
                                    grounds="质疑")
            PerformanceForm.objects.create(board=board, appointment=appointment,
                                           month=dt.date(2024, i + 1, 1))
            ProgressReport.objects.create(board=board, appointment=appointment, period=f"20{10 + i}H1")
            selection = SelectionRound.objects.create(board=board, title=f"遴选{i}", notice="通知",
                                                      review_mode="meeting", opens_on=dt.date(2026, 1, 1),
                                                      closes_on=dt.date(2026, 2, 1), state="open")
            ServiceApplication.objects.create(board=board, round=selection, institution=bank.institution,
                                              self_assessment=BRIEF_ASSESSMENT)
            Recommendation.objects.create(board=board, institution=bank.institution, enterprise=other,
                                          reason="推荐")
            appointment.fee_attestations.create(board=board, year=2030 + i, statement="承诺",
                                                attested_at=timezone.now())
        for other in list(EnterpriseFactory._meta.model.objects.filter(industry="稀土功能材料")):
            grant(other, bank.institution)


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_the_rows(client, board, bank, world, enterprise, path,
                                                django_assert_max_num_queries):
    headers = api_key(board, bank.institution, bank.user)
    url = A.format(board=board.slug) + path
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, **headers).status_code == 200
    _grow(board, bank, world, enterprise)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, **headers)
    assert response.status_code == 200 and len(response.json()["results"]) > 1
