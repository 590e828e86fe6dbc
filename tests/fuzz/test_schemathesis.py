"""Schemathesis over the WHOLE OpenAPI schema (/api/schema/, generated in-process), against the
WSGI application, with authenticated callers:

- ``institution``: nmg-kcb's institution user (IMB, an alliance member) with an API key;
- ``staff``: nmg-kcb's exchange staff with a session (API keys act for institutions only:
  ``caller_roles`` keeps only institution roles for a key), CSRF token included;
- ``service``: Jinzhong's appointed service institution (JCKJ) with an API key, on the
  ``/alliance/service/`` operations only (elsewhere it would repeat ``institution``).

Every response must pass not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance and response_headers_conformance, in
positive and negative generation modes. Path parameters are steered, not fixed: the schema is
narrowed per caller so that ``board`` is the caller's slug and ``id``/``letter``/``step`` are
mostly real values of that board (enums); negative mode then violates those enums too (other
boards' slugs, unknown ids, non-integers), which must answer the documented JSON 404.

The data: the demo seed, restricted to the seeders the API reads (registry, alliance,
risksharing, policies on nmg-kcb; registry and alliance on Jinzhong) plus two review cases;
the full seed_demo takes ~90 s here. Writes made by one example stay for the next ones (one
test transaction, rolled back at the end): a deleted product just answers 404 afterwards.
"""

import copy
import logging
import os
import secrets
import time
from io import StringIO

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alliance.models import (
    ExitCase,
    FinancingNeed,
    Matchmaking,
    PerformanceForm,
    Product,
    ProgressReport,
    SelectionRound,
)
from boards.enterprises.models import DataConsent, Enterprise
from boards.kernel import demo
from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.api.schema import BoardlessSchemaGenerator
from boards.kernel.models import ApiKey, Board, Filing, Institution, Notification
from boards.kernel.scoping import board_scope
from cultivation.models import ListingPath, ResearchVisit
from cultivation.steps import LISTING_STEPS
from policies.models import Award, GuaranteeClaim, Policy
from policies.steps import AWARD_STEPS, CLAIM_STEPS
from reviews import services as review_services
from reviews.models import ReviewCase
from reviews.steps import CASE_STEPS
from risksharing.models import FinancingCase
from roadshows.models import Invitation
from roadshows.steps import INVITATION_STEPS

pytestmark = [pytest.mark.postgres]
API_404 = {"error": {"code": "not_found", "message": "未找到该对象。", "details": {}}}

METHODS = ("get", "post", "put", "patch", "delete")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# Examples per operation and caller: ~1,650 calls in all, 80-120 s on 2 shared cores.
# FUZZ_SCALE=3 runs three times as many.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLES = {GenerationMode.POSITIVE: round(12 * SCALE), GenerationMode.NEGATIVE: round(6 * SCALE)}
# Which board objects an ``{id}`` names, by the path segment before it.
ID_MODELS = {
    "catalogue": Product, "exit-cases": ExitCase, "financing-needs": FinancingNeed,
    "matchmakings": Matchmaking, "products": Product, "pushed-enterprises": Enterprise,
    "performance-forms": PerformanceForm,
    "progress-reports": ProgressReport, "enterprises": Enterprise, "filings": Filing,
    "financing-cases": FinancingCase, "notifications": Notification, "awards": Award,
    "guarantee-claims": GuaranteeClaim, "cases": ReviewCase, "paths": ListingPath,
    "visits": ResearchVisit, "invitations": Invitation,
}
STEP_NAMES = {"awards": sorted(AWARD_STEPS), "guarantee-claims": sorted(CLAIM_STEPS),
              "cases": sorted(CASE_STEPS), "paths": sorted(LISTING_STEPS),
              "invitations": sorted(INVITATION_STEPS)}
MISSING_ID = 987654321


# --- The world ---------------------------------------------------------------------------------


def _seed(monkeypatch):
    """Kernel seed (boards, institutions, users) plus the seeders whose data the API serves."""
    seeders = {fn.__name__: fn for fn in demo.board_seeders()}
    monkeypatch.setattr(demo, "board_seeders", lambda: [])  # seed_demo runs the kernel part only
    demo.seed_demo(StringIO())
    plan = {"nmg-kcb": ["seed_enterprise_registry", "seed_alliance", "seed_risksharing", "seed_policies",
                        "seed_cultivation", "seed_research_visits"],
            "jinzhong": ["seed_enterprise_registry", "seed_alliance", "seed_service_institutions"]}
    for slug, names in plan.items():
        board = Board.objects.get(slug=slug)
        with board_scope(board):
            for name in names:
                seeders[name](board, StringIO())
    nmg = Board.objects.get(slug="nmg-kcb")
    users = get_user_model().objects
    with board_scope(nmg):
        invested = Enterprise.objects.filter(board=nmg,
                                             financings__investor_name__contains="内蒙古银行").first()
        for enterprise, institution in ((Enterprise.objects.filter(board=nmg).order_by("pk").first(), None),
                                        (invested, Institution.objects.get(code="IMB"))):
            if enterprise is not None:
                review_services.open_case(nmg, kind="premium" if institution else "innovation",
                                          enterprise=enterprise, actor=users.get(username="nmg-kcb.staff"),
                                          opened_by_institution=institution)


def _api_key(board, username):
    user = get_user_model().objects.get(username=username)
    institution = user.board_memberships.get(board=board, role="institution_user").institution
    prefix, secret, full = generate_key()
    ApiKey.objects.create(board=board, institution=institution, user=user, prefix=prefix,
                          key_hash=hash_secret(secret))
    return user, {"Authorization": f"Api-Key {full}"}, {}


def _session(username):
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # CSRF_ALLOWED_CHARS; sent as cookie and header, as a browser would
    return user, {"X-CSRFToken": csrf}, {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}


def _ids(board, model, user):
    with board_scope(board):
        queryset = model.objects.filter(board=board)
        if model is Notification:
            queryset = queryset.filter(user=user)
        if model is Enterprise:  # the consented ones get past the consent filter
            consented = list(DataConsent.objects.filter(board=board).values_list("enterprise_id", flat=True))
            others = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])
            queryset = queryset.filter(pk__in=consented + others)
        return sorted(queryset.order_by("pk").values_list("pk", flat=True)[:25])


def _narrow(schema, board, user):
    """The schema with path parameters steered to ``board``'s real objects (enums), and the
    ids that request bodies refer to steered likewise."""
    schema = copy.deepcopy(schema)
    for route, item in schema["paths"].items():
        segments = route.strip("/").split("/")
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path":
                    continue
                name = parameter["name"]
                before = segments[segments.index(f"{{{name}}}") - 1]
                if name == "board":
                    values = [board.slug]
                elif name == "id":
                    values = _ids(board, ID_MODELS[before], user) + [MISSING_ID]
                elif name == "letter":
                    values = _ids(board, Filing, user) + [MISSING_ID]
                elif name == "step":
                    values = STEP_NAMES[segments[segments.index("{id}") - 1]] + ["no-such-step"]
                elif name == "seq":  # an evidence entry's index: the first ones, and one past any log
                    values = [1, 2, MISSING_ID]
                else:
                    raise AssertionError(f"unknown path parameter {name} in {route}")
                parameter["schema"] = {**parameter["schema"], "enum": values}
    with board_scope(board):
        enterprises = _ids(board, Enterprise, user) + [MISSING_ID]
        policies = list(Policy.objects.filter(board=board).values_list("code", flat=True)) + ["NO-SUCH"]
        rounds = list(SelectionRound.objects.filter(board=board).values_list("pk", flat=True)) + [MISSING_ID]
    components = schema["components"]["schemas"]
    for component, field, values in (("OpenCaseRequest", "enterprise", enterprises),
                                     ("ApplyRequest", "enterprise", enterprises),
                                     ("ApplyRequest", "policy", policies),
                                     ("ServiceApplicationRequest", "round", rounds)):
        components[component]["properties"][field]["enum"] = values
    return schema


# --- The run -----------------------------------------------------------------------------------


def _fuzz(schema_dict, app, caller, failures, statuses):
    label, _board, _user, headers, cookies, wanted = caller
    schema = schemathesis.openapi.from_dict(schema_dict)
    schema.app = app
    for result in schema.get_all_operations():
        operation = result.ok()
        if not wanted(operation.path):
            continue
        for mode, examples in EXAMPLES.items():
            _run(operation, mode, examples, label, headers, cookies, failures, statuses)


def _run(operation, mode, examples, label, headers, cookies, failures, statuses):
    seen = set()

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers, cookies=cookies))
    @hypothesis_settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers=headers, cookies=cookies)
        statuses.setdefault((label, operation.label), []).append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as failure:  # collect all, report every operation at once
            if type(failure).__name__ not in seen:
                seen.add(type(failure).__name__)
                failures.append(f"[{label} {mode.value}] {operation.label}: {failure}"[:3000])

    try:
        run()
    except Unsatisfiable:  # nothing to negate (every parameter fixed or free-form)
        assert mode == GenerationMode.NEGATIVE, operation.label


# Staff reach the staff side; the institution API (/alliance/ but the public catalogue, the
# consented enterprises, the funder's financing cases) answers them 404 by role, which the
# institution caller already meets on every staff-only operation.
INSTITUTION_ONLY = ("/alliance/", "/financing-cases/")


def _staff_side(path):
    return not path.startswith(tuple(f"/api/v1/{{board}}{prefix}" for prefix in INSTITUTION_ONLY)) \
        and path not in ("/api/v1/{board}/enterprises/", "/api/v1/{board}/enterprises/{id}/")


@pytest.mark.timeout(480)  # seed + fuzz take ~2.5 min; a loaded machine must not cut them short
def test_whole_api_conforms_to_its_schema(db, settings, monkeypatch, wsgi_app):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/min"}}
    _seed(monkeypatch)
    full = BoardlessSchemaGenerator().get_schema(request=None, public=True)
    nmg, jinzhong = Board.objects.get(slug="nmg-kcb"), Board.objects.get(slug="jinzhong")
    callers = [
        ("institution", nmg, *_api_key(nmg, "nmg-kcb.institution"), lambda path: True),
        ("staff", nmg, *_session("nmg-kcb.staff"), _staff_side),
        ("service", jinzhong, *_api_key(jinzhong, "jinzhong.institution"),
         lambda path: "/alliance/service/" in path),
    ]
    failures, statuses = [], {}
    logging.getLogger("django.request").setLevel(logging.ERROR)  # thousands of expected 4xx lines
    started = time.monotonic()
    for caller in callers:
        _fuzz(_narrow(full, caller[1], caller[2]), wsgi_app, caller, failures, statuses)
    calls = [status for codes in statuses.values() for status in codes]
    print(f"\n{time.monotonic() - started:.0f} s: {len(statuses)} (caller, operation) pairs, "
          f"{len(calls)} calls, {sum(status < 300 for status in calls)} answered 2xx")
    assert not failures, "\n\n".join(failures)
    operations = {(method.upper(), route) for route, item in full["paths"].items() for method in item
                  if method in METHODS}
    assert {tuple(label.split(" ", 1)) for _, label in statuses} == operations  # every one fuzzed
    assert 401 not in calls and 403 not in calls  # the key, the session and its CSRF token held
    for label, *_ in callers:  # each caller got past the checks to real answers, not only 4xx
        ok = [op for (who, op), codes in statuses.items() if who == label and min(codes) < 300]
        assert len(ok) >= 5, (label, ok)


# --- What the fuzzing found, pinned -------------------------------------------------------------


def test_api_paths_without_a_route_or_board_answer_the_json_error(client, board):
    for path in ("/api/v1/no-such-board/me/", "/api/v1/nmg-kcb/filings/abc/", "/api/v1/nope/"):
        response = client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), path
        assert response.json() == API_404
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_every_operation_documents_its_error_answers():
    schema = BoardlessSchemaGenerator().get_schema(request=None, public=True)
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert responses["404"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}, (method, route)
            if operation.get("security") != [{}]:
                assert {"401", "429"} <= set(responses), (method, route)
            if "requestBody" in operation:
                assert "400" in responses, (method, route)
            if method != "get":
                assert "409" in responses, (method, route)
    enterprise = schema["components"]["schemas"]["InstitutionEnterprise"]
    assert enterprise["required"] == ["categories", "id"]  # the rest comes with consent
