"""What a list request pays besides its rows (issue 15): the session caller's roles come with the
user (no query of their own, and a revoked role still counts from the next request), a page's
COUNT joins none of the tables its values read, and the per-row URLs are the ones ``reverse`` gives."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boards.kernel.access import user_roles, with_roles
from boards.kernel.api.rows import _single_valued, url_per_row
from boards.kernel.models import BoardMembership, Role
from boards.kernel.scoping import board_scope
from policies.models import Award, Policy
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _statements(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries.captured_queries]


def test_a_session_callers_roles_are_read_with_the_user(client, board, staff_user):
    client.force_login(staff_user)
    response, statements = _statements(client, f"/api/v1/{board.slug}/filings/")
    assert response.status_code == 200
    assert not [sql for sql in statements if "boards_boardmembership" in sql and "auth_user" not in sql]
    assert any("boards_boardmembership" in sql and "auth_user" in sql for sql in statements)


def test_a_revoked_role_counts_from_the_next_request(client, board, staff_user):
    client.force_login(staff_user)
    url = f"/api/v1/{board.slug}/filings/"
    assert client.get(url).status_code == 200
    BoardMembership.objects.filter(user=staff_user).update(is_active=False)
    assert client.get(url).status_code == 404


def test_roles_loaded_with_the_user_are_each_boards_own(board, other_board):
    user = UserFactory(username="two-boards")
    MembershipFactory(user=user, board=board, role=Role.EXCHANGE_STAFF)
    MembershipFactory(user=user, board=board, role=Role.REGULATOR)
    MembershipFactory(user=user, board=other_board, role=Role.EXPERT)
    MembershipFactory(user=user, board=other_board, role=Role.PLATFORM_ADMIN, is_active=False)
    loaded = with_roles(get_user_model().objects.filter(pk=user.pk)).get()
    with CaptureQueriesContext(connection) as queries:
        assert user_roles(loaded, board) == {Role.EXCHANGE_STAFF, Role.REGULATOR}
        assert user_roles(loaded, other_board) == {Role.EXPERT}
    assert not queries.captured_queries
    without = UserFactory(username="no-roles")
    assert user_roles(with_roles(get_user_model().objects.filter(pk=without.pk)).get(), board) == frozenset()
    plain = get_user_model().objects.get(pk=user.pk)  # loaded without: read from the memberships
    assert user_roles(plain, board) == {Role.EXCHANGE_STAFF, Role.REGULATOR}


def test_a_pages_count_joins_no_table_the_rows_read(client, board, staff_user):
    board.config = {**board.config, "modules": sorted({*board.setting("modules", []), "policies"})}
    board.save()
    with board_scope(board):
        policy = Policy.objects.create(
            board=board, code="p-1", title="政策", summary="内容", payer="kjt", valid_from="2025-01-01",
            beneficiary="enterprise", benefit_kind="fixed", recurrence="one_time", conditions=[])
        for i in range(3):
            Award.objects.create(board=board, policy=policy, enterprise=EnterpriseFactory(board=board),
                                 reasons=[], period=f"{2023 + i}", applied_at=timezone.now())
    client.force_login(staff_user)
    response, statements = _statements(client, f"/api/v1/{board.slug}/policies/awards/")
    assert response.status_code == 200 and response.json()["count"] == 3
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert len(counts) == 1 and "JOIN" not in counts[0]


def test_only_forward_relations_count_without_joins(board):
    with board_scope(board):
        assert _single_valued(Award.objects.values("id", "policy__code", "enterprise__name"))
        assert not _single_valued(Policy.objects.values("id", "awards__id"))


def test_urls_per_row_are_what_reverse_gives(board):
    url = url_per_row("api-filing-download", ("pk",), board=board.slug)
    for pk in (1, 9, 90, 900000001, 123456789012):
        assert url(pk=pk) == reverse("api-filing-download", kwargs={"board": board.slug, "pk": pk})


def test_distinct_rows_are_counted_the_way_django_counts_them(board):
    with board_scope(board):
        assert not _single_valued(Award.objects.values("policy__code").distinct())
