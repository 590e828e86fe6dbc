"""The institutions' API of listing cultivation: a securities firm lists and advances the paths it
serves, staff every path; 409 with the allowed steps for a stage out of order; 404 for another
board, another firm's path, a staff-only step and a caller without the role."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from boards.kernel.models import BoardMembership, Role
from boards.kernel.scoping import board_scope
from cultivation.services import listing
from tests.support.alliance import api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(world):
    with board_scope(world.board):
        return listing.enrol(world.board, enterprise=world.enterprise, target_market="bse",
                             enrolled_on=dt.date(2024, 3, 1), actor=world.staff, securities_firm=world.firm)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_firm_lists_and_advances_its_paths(world, path, django_assert_max_num_queries):
    base = f"/api/v1/{world.board.slug}/cultivation/paths/"
    api = _api(world.firm_user)
    with django_assert_max_num_queries(9):
        listed = api.get(base)
    assert listed.status_code == 200 and listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert row["enterprise_name"] == "包头瑞达稀土功能材料股份有限公司"
    assert (row["stage"], row["securities_firm"]) == ("cultivating", "HTZQ")
    wrong = api.post(f"{base}{path.pk}/file/", {"occurred_on": "2024-05-01"}, format="json")
    assert wrong.status_code == 409 and "convert" in wrong.json()["error"]["details"]["allowed"]
    assert not {"assign", "withdraw"} & set(wrong.json()["error"]["details"]["allowed"])  # staff only
    bad = api.post(f"{base}{path.pk}/convert/", {"occurred_on": "2024-02-01"}, format="json")
    assert bad.status_code == 400 and "早于上一节点" in bad.json()["error"]["details"]["occurred_on"][0]
    done = api.post(f"{base}{path.pk}/convert/", {"occurred_on": "2024-09-02", "reference": "营业执照"},
                    format="json")
    assert done.status_code == 200
    assert (done.json()["stage"], done.json()["joint_stock_on"]) == ("joint_stock", "2024-09-02")
    assert done.json()["milestones"][-1]["reference"] == "营业执照"
    assert api.post(f"{base}{path.pk}/withdraw/", {"occurred_on": "2024-10-01", "reason": "x"},
                    format="json").status_code == 404  # staff only


def test_others_get_404(world, path):
    base = f"/api/v1/{world.board.slug}/cultivation/paths/"
    for outsider in (world.other_firm_user, world.bank_user):
        api = _api(outsider)
        assert api.get(base).json()["count"] == 0
        assert api.get(f"{base}{path.pk}/").status_code == 404
        step = api.post(f"{base}{path.pk}/convert/", {"occurred_on": "2024-09-02"}, format="json")
        assert step.status_code == 404
    for outsider in (world.enterprise_user, world.expert):
        assert _api(outsider).get(base).status_code == 404
    other = _api(world.xj_firm_user)
    assert other.get(f"/api/v1/{world.other.slug}/cultivation/paths/{path.pk}/").status_code == 404
    assert other.get(base).status_code == 404


def test_staff_see_every_path_and_name_the_firm(world, path):
    api = _api(world.staff)
    base = f"/api/v1/{world.board.slug}/cultivation/paths/"
    assert api.get(base).json()["count"] == 1
    changed = api.post(f"{base}{path.pk}/assign/", {"securities_firm": world.other_firm.pk}, format="json")
    assert changed.status_code == 200 and changed.json()["securities_firm"] == "ZXJT"
    refused = api.post(f"{base}{path.pk}/assign/", {"securities_firm": world.bank.pk}, format="json")
    assert refused.status_code == 400


def test_a_step_retried_with_its_idempotency_key_is_replayed(world, path):
    base, api = f"/api/v1/{world.board.slug}/cultivation/paths/", _api(world.firm_user)
    body = {"occurred_on": "2024-09-02", "reference": "营业执照"}
    first = api.post(f"{base}{path.pk}/convert/", body, format="json", HTTP_IDEMPOTENCY_KEY="convert-1")
    again = api.post(f"{base}{path.pk}/convert/", body, format="json", HTTP_IDEMPOTENCY_KEY="convert-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = api.post(f"{base}{path.pk}/convert/", {**body, "reference": "另一份"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="convert-1")
    assert other.status_code == 422
    with board_scope(world.board):
        assert path.milestones.count() == len(first.json()["milestones"])


def test_an_api_key_reads_for_its_own_institution_only(world, path):
    """A key acts for the institution it was issued for (kernel caller_institution): the firm's user
    holding a key of the bank (where they are the credit enhancer) sees none of the firm's paths
    or visits with it."""
    w = world
    BoardMembership.objects.create(user=w.firm_user, board=w.board, role=Role.CREDIT_ENHANCER,
                                   institution=w.bank)
    with board_scope(w.board):
        bank_key = api_key(w.board, w.bank, w.firm_user)
    base = f"/api/v1/{w.board.slug}/cultivation/paths/"
    api = APIClient()
    assert _api(w.firm_user).get(base).json()["count"] == 1  # as the firm's user: the firm's path
    listed = api.get(base, **bank_key)
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert api.get(f"{base}{path.pk}/", **bank_key).status_code == 404
    step = api.post(f"{base}{path.pk}/convert/", {"occurred_on": "2024-09-02"}, format="json", **bank_key)
    assert step.status_code == 404
