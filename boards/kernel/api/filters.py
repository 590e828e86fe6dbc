"""The API's filter backend: django-filter's, building a list's FilterSet only when it is needed.

A FilterSet deep-copies every filter and builds a form field for each on every request; a list read
without any of its filter parameters (the common sync read of an institution) paid that for
nothing, since every filter lets the queryset through unchanged on an empty value. Views that
declare ``filterset_fields`` get their generated FilterSet class once per view class instead of a
new class per request.

Invariant: the answer is the one ``DjangoFilterBackend`` gives, including 400 for an invalid value.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.request import Request

_GENERATED: dict[tuple[type, type], type] = {}


def names_a_filter(params: Iterable[str], filterset_class: type[filters.FilterSet]) -> bool:
    """Whether the query names one of the FilterSet's filters (a range filter's parameters carry a
    suffix, e.g. ``amount_min``)."""
    names = filterset_class.base_filters.keys()
    return any(key == name or key.startswith(f"{name}_") for key in params for name in names)


class FilterBackend(filters.DjangoFilterBackend):
    def get_filterset_class(self, view: Any, queryset: QuerySet[Any] | None = None
                            ) -> type[filters.FilterSet] | None:
        if getattr(view, "filterset_class", None) or queryset is None:
            return super().get_filterset_class(view, queryset)
        key = (type(view), queryset.model)
        if key not in _GENERATED:
            _GENERATED[key] = super().get_filterset_class(view, queryset)
        return _GENERATED[key]

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not names_a_filter(request.query_params, filterset_class):
            return queryset
        return super().filter_queryset(request, queryset, view)
