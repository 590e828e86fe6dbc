import pytest
from django_scopes.exceptions import ScopeError

from boards.kernel.models import EvidenceEntry, Notification
from boards.kernel.scoping import board_scope


@pytest.mark.django_db
def test_tenant_query_outside_scope_raises():
    with pytest.raises(ScopeError):
        list(Notification.objects.all())
    with pytest.raises(ScopeError):
        EvidenceEntry.objects.filter(action="x").count()


def test_scope_filters_to_its_board(board, other_board, staff_user):
    with board_scope(board):
        Notification.objects.create(board=board, user=staff_user, verb="t", title="mine")
    with board_scope(other_board):
        Notification.objects.create(board=other_board, user=staff_user, verb="t", title="theirs")
        assert list(Notification.objects.values_list("title", flat=True)) == ["theirs"]
    with board_scope(board):
        assert list(Notification.objects.values_list("title", flat=True)) == ["mine"]
    with board_scope([board, other_board]):
        assert Notification.objects.count() == 2


def test_board_scope_refuses_none(db):
    with pytest.raises(ValueError):
        with board_scope(None):
            pass
