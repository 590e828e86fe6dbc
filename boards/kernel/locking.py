"""The one row-lock helper of the services."""

from typing import TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def locked(obj: M, *related: str) -> M:
    """``obj`` read again with its own row locked FOR UPDATE, its board (and ``related``) joined.

    ``of=("self",)`` locks the row alone: a lock on the joined board would queue every write of
    the board behind this one, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer
    join. Call inside a transaction; concurrent callers wait, then see the winner's state.
    """
    return (type(obj)._default_manager.select_for_update(of=("self",)).select_related("board", *related)
            .get(pk=obj.pk))
