"""The bench's bulk generator (scripts/bench/generate.py) at a tiny size: the rows it writes
must be valid, scoped to their board and visible through RLS, or the bench measures nonsense."""

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes.exceptions import ScopeError

from boards.enterprises.models import DataCategory, DataConsent, Enterprise, FinancialYear
from boards.enterprises.services.consent import consent_map
from boards.kernel.models import Deadline, DeadlineState
from boards.kernel.scoping import board_scope, reset_rls
from boards.kernel.uscc import validate_uscc
from scripts.bench import generate

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(db, django_user_model):
    staff = django_user_model.objects.create_user(username="gen.staff", password=None)
    bank = generate.make_institution("GEN-BANK", "生成测试银行")
    other = generate.make_institution("GEN-OTHER", "另一家机构")
    board = generate.make_board("gen-a")
    quiet = generate.make_board("gen-b")
    caller = generate.make_caller(board, bank, "gen.institution")
    written = generate.enterprises(board, 50, institution=bank, other_institution=other, granted_by=staff)
    return {"board": board, "quiet": quiet, "bank": bank, "other": other, "caller": caller,
            "written": written}


def _raw_count(table):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return cursor.fetchone()[0]


def test_enterprises_are_valid_and_unique(world):
    assert world["written"]["enterprise"] == 50
    with board_scope(world["board"]):
        codes = list(Enterprise.objects.values_list("credit_code", flat=True))
        assert FinancialYear.objects.count() == world["written"]["financial_year"] == 100
    assert len(codes) == len(set(codes)) == 50
    assert all(validate_uscc(code) == code for code in codes)


def test_every_enterprise_is_consented_to_the_bench_institution_only_by_rows_in_force(world):
    with board_scope(world["board"]):
        seen = consent_map(world["bank"])
        ids = set(Enterprise.objects.values_list("pk", flat=True))
        assert set(seen) == ids
        assert all(DataCategory.BASIC in categories for categories in seen.values())
        # The decoys (expired, revoked, another institution's) exist but do not count.
        assert DataConsent.objects.count() == world["written"]["consent"] > 50
    with board_scope(world["quiet"]):
        assert consent_map(world["bank"]) == {}


def test_rows_are_scoped_and_fenced_by_rls(world):
    with pytest.raises(ScopeError):
        Enterprise.objects.count()
    with board_scope(world["quiet"]):
        assert Enterprise.objects.count() == 0
        assert _raw_count("boards_enterprise") == 0  # RLS: the other board's rows are invisible
    with board_scope(world["board"]):
        assert _raw_count("boards_enterprise") == 50
        assert _raw_count("boards_dataconsent") == world["written"]["consent"]
    reset_rls()
    assert _raw_count("boards_enterprise") == 0  # no board set: nothing


def test_api_key_reads_the_generated_enterprises(world, client):
    response = client.get(f"/api/v1/{world['board'].slug}/enterprises/", {"page_size": 200},
                          HTTP_AUTHORIZATION=world["caller"].header)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 50 and body["next"] is None


def test_deadlines_are_open_and_exactly_the_asked_number_is_due(world):
    board = world["quiet"]
    assert generate.deadlines(board, 200, due=20) == 200
    now = timezone.now()
    with board_scope(board):
        assert Deadline.objects.filter(state=DeadlineState.OPEN).count() == 200
        assert Deadline.objects.filter(next_action_at__lte=now).count() == 20
    with board_scope(world["board"]):
        assert Deadline.objects.count() == 0


def test_floor_routes_exist_only_in_the_bench_urlconf():
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/bench-floor/gen-a/enterprises/")
    match = resolve("/bench-floor/gen-a/enterprises/", urlconf="scripts.bench.urls")
    assert match.kwargs == {"board": "gen-a"}
