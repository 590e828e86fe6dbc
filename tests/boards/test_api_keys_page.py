"""API keys in the product: an institution's users create (named), list and revoke their keys on
their own page, the key shown once and stored hashed; staff revoke any key of their board in the
admin; institution codes are matched case-insensitively."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.kernel.api.authentication import hash_secret
from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.models import ApiKey, EvidenceEntry, Institution
from boards.kernel.participation import BoardInstitutionField
from boards.kernel.scoping import board_scope
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
FULL_KEY = re.compile(r'<code id="full-key" class="secret">([0-9a-f]{8})\.([^<]+)</code>')


@pytest.fixture(autouse=True)
def _counters(own_counters):
    """Rate counters of this test only (tests/conftest.py)."""


@pytest.fixture
def bank(board):
    return InstitutionFactory(code="BANK01", name="内蒙古测试银行")


@pytest.fixture
def banker(board, bank):
    return MembershipFactory(user=UserFactory(username="banker"), board=board, role="institution_user",
                             institution=bank).user


def _page(board):
    return reverse("api-keys", args=[board.slug])


def _create(client, board, label="信贷系统对接"):
    response = client.post(_page(board), {"label": label})
    match = FULL_KEY.search(response.content.decode())
    return response, (f"{match.group(1)}.{match.group(2)}" if match else None)


def test_an_institution_user_creates_a_key_shown_once_and_calls_the_api_with_it(client, board, banker):
    client.force_login(banker)
    response, full_key = _create(client, board)
    assert response.status_code == 200 and full_key
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    prefix, secret = full_key.split(".", 1)
    key = ApiKey.objects.get(prefix=prefix)
    assert key.label == "信贷系统对接" and key.user == banker and key.institution.code == "BANK01"
    assert key.key_hash == hash_secret(secret) and secret not in str(ApiKey.objects.values().get(pk=key.pk))
    # Listed with its prefix, never its secret, from now on.
    listing = client.get(_page(board)).content.decode()
    assert f"{prefix}…" in listing and secret not in listing and "信贷系统对接" in listing
    client.logout()
    me = client.get(f"/api/v1/{board.slug}/me/", HTTP_AUTHORIZATION=f"Api-Key {full_key}")
    assert me.status_code == 200 and me.json()["roles"] == ["institution_user"]
    with board_scope(board):
        assert EvidenceEntry.objects.filter(action="boards.api_key.created", subject_id=str(key.pk)).exists()


def test_revoking_a_key_stops_its_calls(client, board, banker):
    client.force_login(banker)
    _, full_key = _create(client, board)
    key = ApiKey.objects.get(prefix=full_key.split(".")[0])
    response = client.post(reverse("api-key-revoke", args=[board.slug, key.pk]), follow=True)
    assert "已吊销" in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.post(reverse("api-key-revoke", args=[board.slug, key.pk]), follow=True).status_code == 200
    client.logout()
    answer = client.get(f"/api/v1/{board.slug}/me/", HTTP_AUTHORIZATION=f"Api-Key {full_key}")
    assert answer.status_code == 401
    with board_scope(board):
        assert EvidenceEntry.objects.filter(action="boards.api_key.revoked").count() == 1


def test_a_missing_label_is_refused_next_to_the_field_and_nothing_is_created(client, board, banker):
    client.force_login(banker)
    response = client.post(_page(board), {"label": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写用途说明。" in html and 'id="full-key"' not in html
    assert not ApiKey.objects.exists()


def test_colleagues_share_the_institutions_keys_but_not_another_institutions(client, board, bank, banker):
    colleague = MembershipFactory(board=board, role="institution_user", institution=bank).user
    rival = MembershipFactory(board=board, role="institution_user", institution=InstitutionFactory()).user
    client.force_login(banker)
    _, full_key = _create(client, board)
    key = ApiKey.objects.get(prefix=full_key.split(".")[0])
    client.force_login(colleague)
    assert f"{key.prefix}…" in client.get(_page(board)).content.decode()
    client.force_login(rival)
    assert f"{key.prefix}…" not in client.get(_page(board)).content.decode()
    assert client.post(reverse("api-key-revoke", args=[board.slug, key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_another_boards_user_and_a_user_without_the_role_get_404(client, board, other_board, banker):
    client.force_login(banker)
    _, full_key = _create(client, board)
    key = ApiKey.objects.get(prefix=full_key.split(".")[0])
    other = MembershipFactory(board=other_board, role="institution_user",
                              institution=InstitutionFactory()).user
    client.force_login(other)
    assert client.get(_page(board)).status_code == 404
    assert client.post(reverse("api-key-revoke", args=[board.slug, key.pk])).status_code == 404
    assert client.post(reverse("api-key-revoke", args=[other_board.slug, key.pk])).status_code == 404
    enterprise_user = MembershipFactory(board=board, role="enterprise_user").user
    client.force_login(enterprise_user)
    assert client.get(_page(board)).status_code == 404
    assert client.post(_page(board), {"label": "x"}).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None and ApiKey.objects.count() == 1


def test_page_query_count_does_not_grow_with_keys(client, board, banker):
    client.force_login(banker)
    _create(client, board)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_page(board)).status_code == 200
    assert len(few.captured_queries) <= 12
    for i in range(8):
        _create(client, board, label=f"系统{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(_page(board)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_workbench_links_the_keys_page_for_institution_users(client, board, banker):
    client.force_login(banker)
    html = client.get(reverse("workbench", args=[board.slug])).content.decode()
    assert f'href="{_page(board)}"' in html


def test_staff_revoke_any_key_of_their_board_in_the_admin(client, board, other_board, banker, staff_user):
    client.force_login(banker)
    _, full_key = _create(client, board)
    mine = ApiKey.objects.get(prefix=full_key.split(".")[0])
    foreign_bank = InstitutionFactory()
    foreign_user = MembershipFactory(board=other_board, role="institution_user",
                                     institution=foreign_bank).user
    client.force_login(foreign_user)
    _, foreign_full = _create(client, other_board)
    theirs = ApiKey.objects.get(prefix=foreign_full.split(".")[0])
    client.force_login(staff_user)
    session = client.session
    session[ADMIN_BOARD_SESSION_KEY] = board.pk
    session.save()
    response = client.post(reverse("admin:boards_apikey_changelist"),
                           {"action": "revoke_selected", "_selected_action": [mine.pk, theirs.pk]},
                           follow=True)
    assert "已吊销 1 个密钥。" in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_institution_codes_are_matched_case_insensitively(board, bank, banker, rf):
    out = StringIO()
    call_command("issue_api_key", institution="bank01", board=board.slug, user="banker", stdout=out)
    assert "内蒙古测试银行" in out.getvalue()
    request = rf.post("/")
    request.board = board
    field = BoardInstitutionField()
    field._context = {"request": request}
    assert field.to_internal_value("bank01") == bank
    assert field.to_internal_value(" Bank01 ") == bank
    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.create(code="Bank01", name="重复代码", kind="bank")
