"""The institution API's OpenAPI description (every operation summarised, with examples, POSTs
with Idempotency-Key, lists with paging and ordering), and a schemathesis run over it with an
authenticated member: no answer is a server error."""

import pytest
import schemathesis
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from alliance.api import urls as api_urls
from boards.kernel.api.schema import BoardlessSchemaGenerator
from tests.support.alliance import api_key, objects_of_both

METHODS = ("get", "post", "put", "patch", "delete")


def _schema():
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include(api_urls.urlpatterns))]
    schema = BoardlessSchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    validate_schema(schema)
    return schema


def _operations(schema):
    return [(route, method, operation) for route, item in schema["paths"].items()
            for method, operation in item.items() if method in METHODS]


def _has_example(operation):
    def bodies(part):
        return [c for c in part.get("content", {}).values()] if isinstance(part, dict) else []

    parts = bodies(operation.get("requestBody", {}))
    for response in operation["responses"].values():
        parts += bodies(response)
    return any("examples" in part for part in parts)


def test_every_operation_is_described_with_examples():
    operations = _operations(_schema())
    assert len(operations) >= 30
    for route, method, operation in operations:
        where = f"{method.upper()} {route}"
        assert operation.get("summary"), where
        if method != "delete" and not route.endswith("value-report/"):
            assert _has_example(operation), where
        if method == "post":
            assert "Idempotency-Key" in {p["name"] for p in operation.get("parameters", [])}, where
            assert {"400", "404", "409", "422"} <= set(operation["responses"]), where
        if method == "get" and "results" in str(operation["responses"]["200"]):
            names = {p["name"] for p in operation.get("parameters", [])}
            # Enterprise lists page by keyset cursor in a fixed order; the others by number.
            paging = {"cursor", "page_size"} if "enterprises" in route else {"page", "page_size", "ordering"}
            assert paging <= names, where
    catalogue = _schema()["paths"]["/api/v1/{board}/alliance/catalogue/"]["get"]
    assert catalogue.get("security") in (None, [], [{}])  # public
    products = _schema()["paths"]["/api/v1/{board}/alliance/products/"]["get"]
    assert {"ApiKeyAuth": []} in products["security"]


@pytest.fixture
def fuzz_world(board, bank, other_bank, enterprise, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_key": "1000000/min"}}
    objects_of_both(board, bank, other_bank, enterprise)
    return api_key(board, bank.institution, bank.user)["HTTP_AUTHORIZATION"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_server_error(board, fuzz_world, wsgi_app, mode):
    schema = schemathesis.openapi.from_dict(_schema())
    schema.app = wsgi_app
    auth = {"Authorization": fuzz_world}
    statuses = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy(generation_mode=mode, path_parameters={"board": board.slug},
                                         headers=auth)

        @given(case=strategy)
        @settings(max_examples=12, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=auth)
            statuses.append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])  # raises on any 5xx

        try:
            run()
        except Unsatisfiable:  # nothing to make invalid (e.g. a list whose only parameter is fixed)
            assert mode == GenerationMode.NEGATIVE, operation.label
    assert len(statuses) > 200
    assert 401 not in statuses  # the member's key was sent with every call
    if mode == GenerationMode.POSITIVE:
        assert sum(status < 300 for status in statuses) > 50  # the fuzzing got past the checks, not only 4xx
