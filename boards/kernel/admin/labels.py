"""Codes shown as their Chinese labels in the admin (boards.kernel.labels): a column, a read-only
field and a list filter for a field that stores a dotted code."""

from typing import Any

from django.contrib import admin

from boards.kernel.labels import code_label


def code_column(field: str, description: str) -> Any:
    """A list column / read-only field showing ``field``'s code as its label."""

    @admin.display(description=description, ordering=field)
    def column(self: Any, obj: Any) -> str:
        return code_label(getattr(obj, field))

    column.__name__ = f"{field}_label"
    return column


def code_filter(field: str, title: str) -> type[admin.SimpleListFilter]:
    """A list filter over the codes present in the current rows, each named by its label."""

    class CodeFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
            codes = model_admin.get_queryset(request).order_by().values_list(field, flat=True).distinct()
            return sorted(((code, code_label(code)) for code in codes), key=lambda pair: pair[1])

        def queryset(self, request: Any, queryset: Any) -> Any:
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    CodeFilter.title = title
    CodeFilter.__name__ = f"{field.title()}CodeFilter"
    return CodeFilter
