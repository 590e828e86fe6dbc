"""API keys: issued by manage.py, stored hashed, valid on their own board only, revocable,
throttled per key."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards.kernel.api.authentication import hash_secret
from boards.kernel.models import ApiKey, BoardMembership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

KEY_LINE = re.compile(r"^([0-9a-f]{8})\.(\S+)$", re.M)


@pytest.fixture(autouse=True)
def _counters(own_counters):
    """Rate counters of this test only (tests/conftest.py)."""


@pytest.fixture
def bank(board):
    institution = InstitutionFactory(code="BANK01", name="内蒙古测试银行")
    MembershipFactory(user=UserFactory(username="banker"), board=board, role="institution_user",
                      institution=institution)
    return institution


def issue(**options):
    out = StringIO()
    call_command("issue_api_key", stdout=out, **options)
    return out.getvalue()


def issued_key(output):
    match = KEY_LINE.search(output)
    assert match, output
    return match.group(0), match.group(1), match.group(2)


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Api-Key {key}"}


@pytest.fixture
def api_key(bank, board):
    return issued_key(issue(institution="BANK01", board=board.slug))[0]


def test_issue_stores_only_the_hash_and_prints_the_key_once(bank, board):
    output = issue(institution="BANK01", board=board.slug, label="信贷系统对接")
    full_key, prefix, secret = issued_key(output)
    assert output.count(secret) == 2  # the key line and the header example, nowhere else
    key = ApiKey.objects.get(prefix=prefix)
    assert key.key_hash == hash_secret(secret)
    assert secret not in repr(ApiKey.objects.filter(pk=key.pk).values().get())
    assert (key.board, key.institution, key.label) == (board, bank, "信贷系统对接")
    # A service account acting as the institution's user on that board.
    assert key.user.username == "api-bank01-nmg-kcb"
    assert not key.user.has_usable_password()
    membership = BoardMembership.objects.get(user=key.user, board=board)
    assert (membership.role, membership.institution) == ("institution_user", bank)
    # A second key reuses the service account.
    second = ApiKey.objects.get(prefix=issued_key(issue(institution="BANK01", board=board.slug))[1])
    assert second.user == key.user and second.prefix != key.prefix


def test_issue_for_a_named_member_user(bank, board, staff_user):
    _, prefix, _ = issued_key(issue(institution="BANK01", board=board.slug, user="banker"))
    assert ApiKey.objects.get(prefix=prefix).user.username == "banker"
    with pytest.raises(CommandError, match="不是「内蒙古测试银行」在「内蒙古科创板」的机构用户"):
        issue(institution="BANK01", board=board.slug, user="staff")
    with pytest.raises(CommandError, match="没有用户名为「nobody」"):
        issue(institution="BANK01", board=board.slug, user="nobody")


def test_issue_refuses_what_it_cannot_key(bank, board, other_board):
    with pytest.raises(CommandError, match="没有有效的机构用户或增信机构成员资格"):
        issue(institution="BANK01", board=other_board.slug)
    with pytest.raises(CommandError, match="没有代码为「NOPE」的机构"):
        issue(institution="NOPE", board=board.slug)
    with pytest.raises(CommandError, match="没有标识为「nope」"):
        issue(institution="BANK01", board="nope")
    assert not ApiKey.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="api-").exists()


def test_key_works_on_its_board(client, api_key, board, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/{board.slug}/me/", **auth(api_key))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["via_api_key"] is True
    assert body["roles"] == ["institution_user"]
    assert body["institution"]["code"] == "BANK01"
    assert body["board"]["slug"] == board.slug


def test_key_is_404_on_another_board(client, api_key, board, other_board):
    # Even where its user is also a member, a key answers only on its own board.
    key = ApiKey.objects.get()
    MembershipFactory(user=key.user, board=other_board, role="institution_user", institution=key.institution)
    response = client.get(f"/api/v1/{other_board.slug}/me/", **auth(api_key))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_key_acts_only_in_institution_roles(client, bank, board):
    # A named user who is also exchange staff: through the key, only the institution role counts.
    banker = get_user_model().objects.get(username="banker")
    MembershipFactory(user=banker, board=board, role="exchange_staff")
    full_key, _, _ = issued_key(issue(institution="BANK01", board=board.slug, user="banker"))
    assert client.get(f"/api/v1/{board.slug}/me/", **auth(full_key)).json()["roles"] == ["institution_user"]


def test_revoked_key_is_401(client, api_key, board):
    prefix = api_key.split(".")[0]
    out = StringIO()
    call_command("revoke_api_key", prefix, stdout=out)
    assert prefix in out.getvalue()
    response = client.get(f"/api/v1/{board.slug}/me/", **auth(api_key))
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "API 密钥无效或已吊销。"
    with pytest.raises(CommandError, match="已于"):
        call_command("revoke_api_key", prefix)
    with pytest.raises(CommandError, match="没有前缀为「ffffffff」"):
        call_command("revoke_api_key", "ffffffff")


@pytest.mark.parametrize("header, message", [
    ("Api-Key nodot", "API 密钥格式应为 <前缀>.<密钥>。"),
    ("Api-Key ", "API 密钥格式应为 <前缀>.<密钥>。"),
    ("Api-Key abcd1234.wrong-secret", "API 密钥无效或已吊销。"),
])
def test_malformed_or_wrong_key_is_401_with_a_message(client, api_key, board, header, message):
    response = client.get(f"/api/v1/{board.slug}/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"]["message"] == message


def test_wrong_secret_for_a_real_prefix_is_401(client, api_key, board):
    prefix = api_key.split(".")[0]
    response = client.get(f"/api/v1/{board.slug}/me/", **auth(f"{prefix}.not-the-secret"))
    assert response.status_code == 401


def _apikey_updates(queries):
    return [q for q in queries if q["sql"].startswith("UPDATE") and "apikey" in q["sql"]]


def test_last_used_at_is_written_at_most_once_a_minute(client, api_key, board):
    url = f"/api/v1/{board.slug}/me/"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(url, **auth(api_key)).status_code == 200
        first = ApiKey.objects.get().last_used_at
        assert first == start
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **auth(api_key)).status_code == 200
        assert _apikey_updates(ctx.captured_queries) == []
        assert ApiKey.objects.get().last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **auth(api_key)).status_code == 200
        assert len(_apikey_updates(ctx.captured_queries)) == 1
        assert ApiKey.objects.get().last_used_at == start + timedelta(seconds=61)


def _low_rate(settings, rate):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_key": rate}}


def test_calls_are_throttled_per_key(client, settings, bank, board):
    _low_rate(settings, "3/min")
    first_key = issued_key(issue(institution="BANK01", board=board.slug))[0]
    second_key = issued_key(issue(institution="BANK01", board=board.slug))[0]
    url = f"/api/v1/{board.slug}/me/"
    assert [client.get(url, **auth(first_key)).status_code for _ in range(3)] == [200] * 3
    response = client.get(url, **auth(first_key))
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["details"]["retry_after_seconds"] > 0
    assert int(response["Retry-After"]) > 0
    # Another key of the same institution has its own budget.
    assert client.get(url, **auth(second_key)).status_code == 200


def test_session_calls_are_throttled_per_user(client, settings, staff_user, other_staff_user, board):
    _low_rate(settings, "2/min")
    client.force_login(staff_user)
    url = f"/api/v1/{board.slug}/me/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    # The public board list is not throttled by it.
    assert client.get("/api/v1/boards/").status_code == 200
