"""List endpoints serialised from ``.values()`` rows: the page is one query for exactly the columns
its serializer shows, and each row becomes a dict without a DRF field object per value.

Invariants:
- the answer is the one the view's serializer gives for the same objects (same keys in the same
  order, same formats: decimals as strings with their places, datetimes in the current time zone,
  choice labels); ``tests/boards/test_api_rows.py`` and each list's parity test compare the two;
- the plan is compiled once per view class from its serializer: a field the plan cannot read from
  a column (a method field, a nested list) must be given as a ``Computed`` by the view, or the
  compilation fails, so a serializer change cannot silently drop a field from the list;
- the statements of a page do not depend on its size (values, no per-row access).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from boards.kernel.api.permissions import ViewMixinBase
from boards.kernel.api.renderers import dumps
from boards.kernel.api.serializers import ChoiceLabelField
from boards.kernel.steps.declaration import Steps

Row = dict[str, Any]  # a values row, or the dict a serializer answers for one object
Rows = list[Row]  # (named: RowListMixin.list hides the builtin in its class)
Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class Computed:
    """A field the view computes from the row (``paths`` are the columns it reads) and the view's
    row context: ``fn(row, context)``."""

    paths: tuple[str, ...]
    fn: Callable[[Row, dict[str, Any]], Any]


def _datetime(value: dt.datetime) -> str:
    # DRF's DateTimeField: the current time zone, ISO 8601, "Z" for UTC.
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: dt.date) -> str:
    return value.isoformat()


def _decimal(drf_field: serializers.DecimalField) -> Convert:
    places = drf_field.decimal_places

    def convert(value: Decimal) -> Any:
        # A column of the same scale prints as DRF prints it; anything else takes DRF's own path.
        if places is not None and value.as_tuple().exponent == -places:
            return str(value)
        return drf_field.to_representation(value)

    return convert


class _Labels:
    """value -> label of a choice set, one dict per language (labels are lazy translations)."""

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        self.choices = list(choices)
        self.by_language: dict[str | None, dict[Any, str]] = {}

    def __call__(self, value: Any) -> Any:
        language = get_language()
        labels = self.by_language.get(language)
        if labels is None:
            labels = self.by_language[language] = {v: str(label) for v, label in self.choices}
        return labels.get(value, value)


# Fields whose representation of a column value is the value itself.
IDENTITY = (serializers.CharField, serializers.IntegerField, serializers.BooleanField, serializers.JSONField,
            serializers.ListField, serializers.DictField, serializers.ChoiceField, serializers.ReadOnlyField,
            serializers.FloatField, serializers.ModelField)


def _model_field(model: type[Model], attrs: list[str]) -> Any:  # a model field or a relation
    """The model field at the end of ``attrs`` (relations followed)."""
    for name in attrs[:-1]:
        model = cast("type[Model]", model._meta.get_field(name).related_model)
    return model._meta.get_field(attrs[-1])


@dataclass
class RowPlan:
    """How to turn a values row into the serializer's dict: ``columns`` are (key, path, convert,
    nested plan, computed)."""

    paths: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)

    def values(self, queryset: QuerySet[Any], extra: Iterable[str] = ()) -> QuerySet[Any, Row]:
        wanted = list(dict.fromkeys([*self.paths, *extra]))
        return queryset.prefetch_related(None).values(*wanted)

    def render(self, rows: Iterable[Row], context: dict[str, Any]) -> list[Row]:
        return [self.row(row, context) for row in rows]

    def row(self, row: Row, context: dict[str, Any]) -> Row:
        out = {}
        for key, path, convert, nested, computed in self.columns:
            if computed is not None:
                out[key] = computed.fn(row, context)
            elif nested is not None:
                out[key] = None if row[path] is None else nested.row(row, context)
            else:
                value = row[path]
                out[key] = value if convert is None or value is None else convert(value)
        return out


# (key, path, convert, nested plan, computed)
Column = tuple[str, str, Convert | None, RowPlan | None, Computed | None]  # path "": computed


def _add(plan: RowPlan, path: str) -> None:
    if path not in plan.paths:
        plan.paths.append(path)


def compile_plan(serializer_class: type[serializers.Serializer], computed: dict[str, Computed] | None = None,
                 *, prefix: str = "", model: type[Model] | None = None) -> RowPlan:
    """The plan of ``serializer_class`` (its readable fields in order); ``computed`` gives the
    fields that are not a column. Raises ImproperlyConfigured for a field it cannot read."""
    computed = computed or {}
    serializer = serializer_class(context={})
    model = model or getattr(getattr(serializer_class, "Meta", None), "model", None)
    plan = RowPlan()
    for key, drf_field in serializer.fields.items():
        if drf_field.write_only:
            continue
        if key in computed:
            for path in computed[key].paths:
                _add(plan, path)
            plan.columns.append((key, "", None, None, computed[key]))
            continue
        attrs = drf_field.source_attrs
        if isinstance(drf_field, (serializers.SerializerMethodField, serializers.ListSerializer,
                                  serializers.ManyRelatedField)) or not attrs or model is None:
            raise ImproperlyConfigured(f"{serializer_class.__name__}.{key}: not a column; give it as a "
                                       "Computed of the view.")
        path = prefix + "__".join(attrs)
        if isinstance(drf_field, serializers.Serializer):
            related = _model_field(model, attrs).related_model
            nested = compile_plan(type(drf_field), prefix=path + "__", model=related)
            _add(plan, path)
            plan.paths.extend(p for p in nested.paths if p not in plan.paths)
            plan.columns.append((key, path, None, nested, None))
            continue
        convert: Callable[[Any], Any] | None = None
        display = attrs[-1].startswith("get_") and attrs[-1].endswith("_display")
        try:
            _model_field(model, [*attrs[:-1], attrs[-1][4:-8]] if display else attrs)
        except (FieldDoesNotExist, AttributeError) as error:
            raise ImproperlyConfigured(f"{serializer_class.__name__}.{key}: {'.'.join(attrs)} is not a "
                                       "column; give it as a Computed of the view.") from error
        if isinstance(drf_field, ChoiceLabelField):
            convert = _Labels(drf_field.choice_class.choices)
        elif display:
            attrs = [*attrs[:-1], attrs[-1][4:-8]]
            path = prefix + "__".join(attrs)
            convert = _Labels(_model_field(model, attrs).flatchoices)
        elif isinstance(drf_field, serializers.SlugRelatedField):
            path = f"{path}__{drf_field.slug_field}"
        elif isinstance(drf_field, serializers.PrimaryKeyRelatedField):
            pass
        elif isinstance(drf_field, serializers.DecimalField):
            convert = _decimal(drf_field)
        elif isinstance(drf_field, serializers.DateTimeField):
            convert = _datetime
        elif isinstance(drf_field, serializers.DateField):
            convert = _date
        elif not isinstance(drf_field, IDENTITY):
            convert = drf_field.to_representation
        _add(plan, path)
        plan.columns.append((key, path, convert, None, None))
    return plan


def grouped(plan: RowPlan, queryset: QuerySet[Any], key: str, context: dict[str, Any] | None = None
            ) -> dict[Any, list[Row]]:
    """A nested list of many rows (e.g. each enterprise's financial years) in one query:
    ``{value of key: [rendered rows]}`` in the queryset's order."""
    result: dict[Any, list[dict[str, Any]]] = {}
    context = context or {}
    for row in plan.values(queryset, extra=[key]):
        result.setdefault(row[key], []).append(plan.row(row, context))
    return result


def steps_field(model: type[Model], steps: Steps, *, shown: Callable[[dict[str, Any]], bool] | None = None
                ) -> Computed:
    """``allowed_steps`` of a row: the kernel steps (boards.kernel.steps) available on the object the
    row holds, sorted; an empty list where ``shown(context)`` is false. The object is built from
    all its columns, so a step's conditions see what they would see on the loaded object."""
    from boards.kernel.steps import available

    names = tuple(f.attname for f in model._meta.concrete_fields)

    def allowed(row: Row, context: dict[str, Any]) -> list[str]:
        if shown is not None and not shown(context):
            return []
        return sorted(available(steps, model(**{name: row[name] for name in names})))

    return Computed(names, allowed)


def url_per_row(name: str, per_row: tuple[str, ...], **fixed: Any) -> Callable[..., str]:
    """``reverse(name)`` for every row of a page, reversed once: the URL is built with a placeholder
    for each of the ``per_row`` integer arguments, cut at the placeholders, then each row's ids are
    written between the pieces (never searched for in what was written, nor in a fixed argument).
    ``url_per_row("api-filing-download", ("pk",), board=slug)(pk=7)`` is the download URL of 7."""
    first = 900_000_001
    while True:  # placeholders that occur once each: not inside a fixed argument such as the slug
        marks = {key: str(first + index) for index, key in enumerate(per_row)}
        template = reverse(name, kwargs={**fixed, **{key: int(mark) for key, mark in marks.items()}})
        if all(template.count(mark) == 1 for mark in marks.values()):
            break
        first += 1_000_003
    pieces: list[tuple[str, str]] = []  # (text before the id, the id's argument)
    start = 0
    for at, key in sorted((template.index(mark), key) for key, mark in marks.items()):
        pieces.append((template[start:at], key))
        start = at + len(marks[key])
    tail = template[start:]

    def url(**ids: int) -> str:
        return "".join(f"{text}{ids[key]}" for text, key in pieces) + tail

    return url


def consented_name(id_path: str, name_path: str) -> Computed:
    """An enterprise's name only while it consents to the caller (context ``consents``: the ids)."""
    return Computed((id_path, name_path),
                    lambda row, context: row[name_path] if row[id_path] in context["consents"] else None)


class RowListMixin(ViewMixinBase):
    """``list`` from values rows for a generic list view (``serializer_class`` stays the schema's
    and the detail's). Set ``row_fields`` for the fields that are not columns and override
    ``row_context`` for what they need; ``finish_rows`` may add to the page's rows in a fixed
    number of queries."""

    row_fields: dict[str, Computed] = {}

    @classmethod
    def row_plan(cls) -> RowPlan:
        plan = _PLANS.get(cls)
        if plan is None:  # compiled once per view class (a race compiles it twice, the same)
            serializer_class = cls.serializer_class
            if serializer_class is None or not issubclass(serializer_class, serializers.Serializer):
                raise ImproperlyConfigured(f"{cls.__name__}: a row list needs a Serializer class")
            plan = _PLANS[cls] = compile_plan(serializer_class, cls.row_fields)
        return plan

    def row_context(self, values: Rows) -> dict[str, Any]:
        """What the computed fields need, given the page's values rows (e.g. the consents of the
        page's enterprises, one query)."""
        return {}

    def finish_rows(self, rows: Rows, values: Rows) -> Rows:
        return rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.row_plan()
        paginator = self.paginator
        extra = paginator.ordering if isinstance(paginator, CursorPagination) else ()
        verify = getattr(settings, "API_ROWS_VERIFY", False)
        base = self.filter_queryset(self.get_queryset())
        queryset = plan.values(base, extra=[*(f.lstrip("-") for f in extra), *(["pk"] if verify else [])])
        page = self.paginate_queryset(queryset if extra or not _single_valued(queryset)  # type: ignore[arg-type]
                                      else _CountedOn(queryset, base))  # stands in: counted and sliced only
        values = list(queryset if page is None else page)
        rows = self.finish_rows(plan.render(values, self.row_context(values)), values)
        if verify:
            self._verify_rows(values, rows)
        return Response(rows) if page is None else self.get_paginated_response(rows)

    def _verify_rows(self, values: Rows, rows: Rows) -> None:
        """Tests (settings.API_ROWS_VERIFY): the rows must be what the serializer answers for the same
        objects. The check's own queries are not logged, so statement counts stay the view's."""
        connection = connections[self.get_queryset().db]
        logged, connection.force_debug_cursor = connection.force_debug_cursor, False
        try:
            ids = [row["pk"] for row in values]
            objects = {o.pk: o for o in self.filter_queryset(self.get_queryset()).filter(pk__in=ids)}
            expected = self.get_serializer([objects[pk] for pk in ids], many=True).data
        finally:
            connection.force_debug_cursor = logged
        if json.loads(dumps(expected)) != json.loads(dumps(rows)):
            raise AssertionError(f"{type(self).__name__}: rows differ from the serializer:\n"
                                 f"{json.loads(dumps(rows))}\n!=\n{json.loads(dumps(expected))}")


_PLANS: dict[type, RowPlan] = {}


class _CountedOn:
    """The values rows of a page, counted on the queryset they come from: the page's COUNT then
    joins no table the rows read (a value of a forward relation never adds or drops a row)."""

    def __init__(self, rows: QuerySet, base: QuerySet) -> None:
        self.rows, self.base = rows, base

    @property
    def ordered(self) -> bool:
        return self.rows.ordered

    def count(self) -> int:
        return self.base.count()

    def __getitem__(self, index: slice) -> QuerySet:
        return self.rows[index]


def _single_valued(queryset: QuerySet) -> bool:
    """Whether every column of the values ``queryset`` follows only forward relations (a column
    through a many relation repeats a row, so its COUNT must join), and the rows are not DISTINCT
    (distinct values may be fewer than the objects they come from)."""
    if queryset.query.distinct:
        return False
    for path in queryset.query.values_select:
        model = queryset.model
        for name in path.split("__"):
            try:
                field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            except (FieldDoesNotExist, AttributeError):  # a transform, a key of a JSON column
                return False
            if field.many_to_many or field.one_to_many:
                return False
            model = field.related_model
    return True
