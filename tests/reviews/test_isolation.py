"""Tenant isolation of the reviews tables: the scoped managers and, beneath them, RLS."""

import pytest
from django.apps import apps
from django.db import connection
from django_scopes.exceptions import ScopeError

from boards.kernel.models import TenantModel
from boards.kernel.scoping import board_scope
from reviews.models import PanelSeat, ReviewCase


def test_every_reviews_model_is_tenant_owned_and_scoped(db):
    models = list(apps.get_app_config("reviews").get_models())
    assert models and all(issubclass(model, TenantModel) for model in models)
    for model in models:
        with pytest.raises(ScopeError):
            list(model.objects.all())


@pytest.mark.postgres
def test_raw_sql_sees_only_the_scoped_boards_cases(board, other_board, flow, enterprise, experts):
    case = flow.sent(enterprise)

    def raw_count(table):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            return cursor.fetchone()[0]

    tables = [ReviewCase._meta.db_table, PanelSeat._meta.db_table]
    with board_scope(board):
        assert [raw_count(t) for t in tables] == [1, 5]
    with board_scope(other_board):
        assert [raw_count(t) for t in tables] == [0, 0]
        assert not ReviewCase.objects.filter(pk=case.pk).exists()
