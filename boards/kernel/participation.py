"""Shared objects and the boards they take part in.

Institutions and accounts belong to the platform, not to a board: one bank serves several
boards, one person may hold roles on several. Invariants:
- only platform administrators (superusers) add, change or delete them; a board's staff see
  read-only those that take part in their board and no others (a foreign one is a 404);
- an institution or account takes part in a board when it holds an active membership there;
- every write that names a shared or tenant object (a form's or a serializer's choice field)
  chooses among the objects that take part in the board it writes to: ``limit_to_board`` is
  applied to every choice field by the admin base, the page forms and the API fields below.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, Model, OuterRef, QuerySet
from rest_framework import serializers

from boards.kernel.models import Board, BoardMembership, Institution, TenantModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

M = TypeVar("M", bound=Model)
F = TypeVar("F", bound=forms.BaseForm)


def is_platform_admin(user: User | AnonymousUser | None) -> bool:
    """The platform's own administrators. The PLATFORM_ADMIN role is granted per board, so its
    holders administer that board only; the shared objects are the superusers' alone."""
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def _active_on(board: Board | None, **match: Any) -> QuerySet[BoardMembership]:
    return BoardMembership.objects.filter(board=board, is_active=True, **match)


def institutions_on(board: Board | None, queryset: QuerySet[Institution] | None = None
                    ) -> QuerySet[Institution]:
    """Institutions with an active membership on ``board``."""
    queryset = Institution.objects.all() if queryset is None else queryset
    return queryset.filter(Exists(_active_on(board, institution=OuterRef("pk"))))


def users_on(board: Board | None, queryset: QuerySet[User] | None = None) -> QuerySet[User]:
    """Accounts with an active membership on ``board``."""
    queryset = get_user_model().objects.all() if queryset is None else queryset
    return queryset.filter(Exists(_active_on(board, user=OuterRef("pk"))))


def limit_to_board(queryset: QuerySet[M], board: Board | None) -> QuerySet[M]:
    """``queryset`` cut to the objects that take part in ``board`` (no board: none)."""
    if board is None:
        return queryset.none()
    rows: QuerySet[Any] = queryset  # its model is told apart at run time below
    model = rows.model
    limited: QuerySet[Any]
    if model is Institution:
        limited = institutions_on(board, rows)
    elif model is get_user_model():
        limited = users_on(board, rows)
    elif issubclass(model, TenantModel):
        limited = rows.filter(board=board)
    else:
        limited = rows
    return cast("QuerySet[M]", limited)  # the same model's rows


class _EveryBoard(enum.Enum):
    EVERY_BOARD = "every board"


EVERY_BOARD: Final = _EveryBoard.EVERY_BOARD  # platform administrators choose among every board's objects


def limit_form_choices(form: F, board: Board | _EveryBoard | None) -> F:
    """Every model choice of ``form`` among the objects that take part in ``board``."""
    from boards.kernel.admin.hardening import safe_autocomplete

    for field in form.fields.values():
        if (isinstance(field, forms.ModelChoiceField) and board is not EVERY_BOARD  # multiple too
                and field.queryset is not None):
            field.queryset = limit_to_board(field.queryset, board)
    return safe_autocomplete(form)


def board_limited_form(form_class: type[F], board: Board | _EveryBoard | None) -> type[F]:
    """``form_class`` whose instances choose only among ``board``'s objects."""

    def __init__(self: F, *args: Any, **kwargs: Any) -> None:
        form_class.__init__(self, *args, **kwargs)
        limit_form_choices(self, board)

    attrs = {"__init__": __init__, "__module__": form_class.__module__}
    return type(form_class.__name__, (form_class,), attrs)


class BoardInstitutionField(serializers.SlugRelatedField):
    """An institution named by its code in an API write, among those that take part in the
    request's board. A foreign institution gets the same answer as an unknown code."""

    default_error_messages = {
        "does_not_exist": "本专板没有代码为 {value} 的机构。",
        "invalid": "请填写机构代码。",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Institution.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[Institution]:
        request = self.context.get("request")
        return institutions_on(getattr(request, "board", None)) if request else Institution.objects.none()

    def to_internal_value(self, data: Any) -> Institution:
        # Codes are matched case-insensitively (they are unique so regardless of case).
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        institution = self.get_queryset().filter(code__iexact=data.strip()).first()
        if institution is None:
            self.fail("does_not_exist", value=data.strip())
        return institution
