"""Institution API over the enterprise database: consent decides who sees which enterprise and
which of its fields; every read is evidenced; another board, another institution, a
non-consenting enterprise and a caller without the institution role all get 404."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema

from boards.enterprises.api import urls as api_urls
from boards.enterprises.models import FinancialYear, FinancingEvent, Qualification
from boards.enterprises.services.consent import grant_consent, revoke_consent
from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.models import ApiKey, EvidenceEntry
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, InstitutionFactory, MembershipFactory, UserFactory

READ = "boards.enterprise.read_by_institution"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _member(board, institution, role="institution_user", username=None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    return user


def _grant(enterprise, institution, *categories, days=30):
    return grant_consent(enterprise, categories=["basic", *categories], institution=institution,
                         expires_at=timezone.now() + dt.timedelta(days=days), actor=_owner(enterprise))


def _owner(enterprise):
    return UserFactory(username=f"owner-{enterprise.board.slug}")


def _enterprise(board, name, **fields):
    enterprise = EnterpriseFactory(board=board, name=name, **fields)
    Qualification.objects.create(board=board, enterprise=enterprise, kind="little_giant", issuer="工信部")
    FinancialYear.objects.create(board=board, enterprise=enterprise, year=2025,
                                 revenue=Decimal("86000000"), net_profit=Decimal("9100000"))
    FinancingEvent.objects.create(board=board, enterprise=enterprise, kind="equity",
                                  amount=Decimal("5000000"), investor_name="天山创投", financing_round="A",
                                  occurred_on=dt.date(2025, 5, 1))
    return enterprise


@pytest.fixture
def bank(board):
    return InstitutionFactory(code="BANK", name="测试银行")


@pytest.fixture
def guarantor(board):
    return InstitutionFactory(code="GUAR", name="测试担保", kind="guarantee")


@pytest.fixture
def banker(board, bank):
    return _member(board, bank, username="banker")


@pytest.fixture
def world(board, bank, guarantor, banker):
    """a: bank may read basic+financials; b: every member basic+qualifications; c: guarantor only;
    d: no consent; e: revoked; f: expired."""
    _member(board, guarantor, "credit_enhancer", username="guarantor")
    with board_scope(board):
        a = _enterprise(board, "阿尔泰科技有限公司", tier="cultivation", prefecture="阿勒泰地区",
                        industry="软件技术")
        b = _enterprise(board, "博乐硅业有限公司", tier="standard", prefecture="博州",
                        industry="硅基新材料")
        c, d, e, f = (_enterprise(board, name) for name in ("昌吉科技", "达坂城科技", "额敏科技", "阜康科技"))
        _grant(a, bank, "financials")
        _grant(b, None, "qualifications")
        _grant(c, guarantor, "financials")
        revoke_consent(_grant(e, bank, "financials"), actor=_owner(e))
        with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
            _grant(f, bank, days=5)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def _list(board, query=""):
    return f"/api/v1/{board.slug}/enterprises/{query}"


def _detail(board, enterprise):
    return f"/api/v1/{board.slug}/enterprises/{enterprise.pk}/"


def _reads(board):
    with board_scope(board):
        return list(EvidenceEntry.objects.filter(action=READ).order_by("id"))


def _api_key(board, institution, user):
    prefix, secret, full = generate_key()
    ApiKey.objects.create(board=board, institution=institution, user=user, prefix=prefix,
                          key_hash=hash_secret(secret))
    return {"HTTP_AUTHORIZATION": f"Api-Key {full}"}


def test_list_shows_consenting_enterprises_with_only_their_consented_fields(client, board, world, bank,
                                                                             banker):
    client.force_login(banker)
    response = client.get(_list(board))
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 2 and body["next"] is None
    a, b = sorted(body["results"], key=lambda e: e["id"])
    assert a == {
        "id": world["a"].pk, "categories": ["basic", "financials"], "name": "阿尔泰科技有限公司",
        "credit_code": world["a"].credit_code, "prefecture": "阿勒泰地区", "industry": "软件技术",
        "tier": "cultivation", "tier_name": "培育层",
        "financials": [{"year": 2025, "revenue": "86000000.00", "net_profit": "9100000.00",
                        "rd_expense": "0.00", "total_assets": "0.00"}],
    }
    assert b["categories"] == ["basic", "qualifications"] and b["tier_name"] == "规范层"
    assert b["qualifications"] == [{"kind": "little_giant", "kind_name": '专精特新"小巨人"',
                                    "issuer": "工信部", "issued_on": None, "valid_until": None,
                                    "financing_round": ""}]
    assert "financials" not in b and "financing" not in a and "financing" not in b
    [entry] = _reads(board)
    assert entry.actor == banker
    assert entry.payload == {
        "institution": bank.pk, "view": "list", "enterprises": sorted([world["a"].pk, world["b"].pk]),
        "categories": {str(world["a"].pk): ["basic", "financials"],
                       str(world["b"].pk): ["basic", "qualifications"]},
        "query": {},
    }


def test_detail_is_evidenced_and_everything_not_consented_to_the_caller_is_404(client, board, world, banker):
    client.force_login(banker)
    response = client.get(_detail(board, world["a"]))
    assert response.status_code == 200 and response.json()["financials"][0]["year"] == 2025
    [entry] = _reads(board)
    assert (entry.payload["view"], entry.payload["enterprises"]) == ("detail", [world["a"].pk])
    for key in "cdef":  # another institution's, none, revoked, expired
        response = client.get(_detail(board, world[key]))
        assert response.status_code == 404, key
        assert response.json()["error"]["code"] == "not_found"
    assert len(_reads(board)) == 1


def test_api_key_reads_as_its_institution(client, board, world, guarantor):
    with board_scope(board):
        service_account = _member(board, guarantor, "credit_enhancer", username="guar-svc")
    headers = _api_key(board, guarantor, service_account)
    response = client.get(_list(board), **headers)
    assert {e["id"] for e in response.json()["results"]} == {world["b"].pk, world["c"].pk}
    assert client.get(_detail(board, world["a"]), **headers).status_code == 404
    assert _reads(board)[0].payload["institution"] == guarantor.pk


def test_consent_expiry_and_revocation_take_effect_on_the_api(client, board, world, banker):
    client.force_login(banker)
    with board_scope(board):
        consent = world["a"].consents.get()
    with time_machine.travel(consent.expires_at):
        client.force_login(banker)  # a database session would have expired by then
        assert client.get(_detail(board, world["a"])).status_code == 404
    assert client.get(_detail(board, world["a"])).status_code == 200
    with board_scope(board):
        revoke_consent(consent, actor=_owner(world["a"]))
    assert client.get(_detail(board, world["a"])).status_code == 404
    assert [e["id"] for e in client.get(_list(board)).json()["results"]] == [world["b"].pk]


def test_other_board_is_404(client, board, other_board, world, bank, banker):
    # The bank also serves the other board, where an enterprise consented to it.
    _member(other_board, bank, username="banker-xj")
    with board_scope(other_board):
        theirs = _enterprise(other_board, "外板企业")
        _grant(theirs, bank, "financials")
    client.force_login(banker)
    assert client.get(_list(other_board)).status_code == 404  # no role there
    assert client.get(_detail(board, theirs)).status_code == 404  # their id on our board
    with board_scope(board):
        headers = _api_key(board, bank, banker)
    assert client.get(_list(other_board), **headers).status_code == 404  # key of our board
    assert client.get(_detail(other_board, theirs), **headers).status_code == 404
    assert _reads(other_board) == []


@pytest.mark.parametrize("role", ["enterprise_user", "expert", "exchange_staff", "regulator"])
def test_callers_without_the_institution_role_get_404(client, board, world, bank, role):
    user = _member(board, bank if role == "expert" else None, role)
    client.force_login(user)
    assert client.get(_list(board)).status_code == 404
    assert client.get(_detail(board, world["b"])).status_code == 404
    assert _reads(board) == []


def test_anonymous_is_refused(client, board, world):
    assert client.get(_list(board)).status_code in (401, 403)
    assert client.get(_detail(board, world["b"])).status_code in (401, 403)


@pytest.mark.parametrize(("query", "expected"), [
    ("?tier=cultivation", ["a"]),
    ("?prefecture=博州", ["b"]),
    ("?industry=软件技术", ["a"]),
    # a holds the qualification too but did not consent qualifications: the filter must not tell.
    ("?qualification=little_giant", ["b"]),
])
def test_filters(client, board, world, banker, query, expected):
    client.force_login(banker)
    response = client.get(_list(board, query))
    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [world[k].pk for k in expected]
    assert _reads(board)[0].payload["query"] == dict(part.split("=") for part in [query[1:]])


def test_pages_follow_the_next_cursor_in_name_order(client, board, world, banker):
    client.force_login(banker)
    seen, url = [], _list(board, "?page_size=1")
    while url:
        body = client.get(url).json()
        seen += [e["id"] for e in body["results"]]
        url = body["next"]
    with board_scope(board):
        expected = [e.pk for e in sorted((world["a"], world["b"]), key=lambda e: (e.name, e.pk))]
    assert seen == expected
    refused = client.get(_list(board, "?cursor=garbage"))
    assert refused.status_code == 404 and "游标" in refused.json()["error"]["message"]


def test_bad_filter_value_is_400_with_the_allowed_values(client, board, world, banker):
    client.force_login(banker)
    response = client.get(_list(board, "?qualification=nonsense"))
    assert response.status_code == 400
    assert "qualification" in response.json()["error"]["details"]


def test_query_count_does_not_depend_on_page_size(client, board, bank, banker, django_assert_max_num_queries):
    with board_scope(board):
        for n in range(60):
            enterprise = _enterprise(board, f"企业{n:02d}")
            _grant(enterprise, bank if n % 2 else None, "qualifications", "financials", "financing")
    client.force_login(banker)
    counts = []
    for size in (10, 50):
        with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as queries:
            response = client.get(_list(board, f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        assert all(len(e["financing"]) == 1 for e in response.json()["results"])
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_openapi_schema_documents_the_endpoints_with_examples():
    names = {"api-enterprise-list", "api-enterprise-detail"}
    patterns = [path("api/v1/", include([p for p in api_urls.urlpatterns if p.name in names]))]
    GENERATOR_STATS.reset()
    schema = BoardlessSchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    listing = schema["paths"]["/api/v1/{board}/enterprises/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"tier", "qualification", "industry", "prefecture",
                                                          "cursor", "page_size"}
    assert {"ApiKeyAuth": []} in listing["security"]
    example = listing["responses"]["200"]["content"]["application/json"]["examples"]
    assert "培育层" in str(example)
    assert "/api/v1/{board}/enterprises/{id}/" in schema["paths"]


def _many(board, bank, count=30):
    with board_scope(board):
        for n in range(count):
            enterprise = _enterprise(board, f"企业{n:02d}", tier="standard" if n % 3 else "cultivation")
            categories = [("qualifications", "financials", "financing"), ("financials",), ()][n % 3]
            _grant(enterprise, bank if n % 2 else None, *categories)


def test_list_rows_equal_the_serializer_of_the_detail(client, board, bank, banker):
    """The list is served from values rows (boards.kernel.api.rows); each of its rows is what the
    serializer answers for that enterprise on its detail."""
    _many(board, bank)
    headers = _api_key(board, bank, banker)
    rows = client.get(_list(board, "?page_size=200"), **headers).json()["results"]
    assert len(rows) == 30 and {len(row) for row in rows} == {8, 9, 11}
    details = [client.get(_list(board, f"{row['id']}/"), **headers).json() for row in rows]
    assert rows == details


@pytest.mark.parametrize("size", [10, 200])
def test_api_key_list_statements_do_not_grow_with_the_page(client, board, bank, banker, size,
                                                           django_assert_max_num_queries):
    _many(board, bank, count=210)
    headers = _api_key(board, bank, banker)
    client.get(_list(board), **headers)  # the key's last use is written once a minute
    with django_assert_max_num_queries(10):
        response = client.get(_list(board, f"?page_size={size}"), **headers)
    assert len(response.json()["results"]) == size
