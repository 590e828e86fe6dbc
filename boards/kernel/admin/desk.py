"""The admin as the staff desk: the queues on the index (boards.kernel.queues), the overdue
filter behind its 逾期 queue, and technical models kept out of the staff menu."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.utils import timezone

from boards.kernel.access import has_role
from boards.kernel.models import Role

if TYPE_CHECKING:  # the mixins here are only ever mixed into a ModelAdmin
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class OverdueDeadlineFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "已逾期未完成")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(state="open", due_at__lt=timezone.now())
        return queryset


class TechnicalAdminMixin(_ModelAdmin):
    """Technical rows (idempotency keys and the like): only superusers and platform admins see
    them; a board's staff neither find them in the menu nor open them."""

    def _technical_open(self, request: Any) -> bool:
        if not hasattr(request, "_zb_technical"):  # asked by every admin page's menu: once a request
            board = getattr(request, "board", None)
            request._zb_technical = request.user.is_superuser or (
                board is not None and has_role(request.user, board, Role.PLATFORM_ADMIN))
        return request._zb_technical and super().has_module_permission(request)

    def has_module_permission(self, request: Any) -> bool:
        return self._technical_open(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self._technical_open(request) and super().has_view_permission(request, obj)


def large_table_fields(model: Any, admin_site: Any) -> list[str]:
    """The foreign keys (and many-to-many fields) of ``model`` to a table whose admin says it is
    large (``large_table = True``: enterprises, institutions, accounts): chosen by autocomplete,
    never from a ``<select>`` of every row."""
    names = []
    for field in model._meta.get_fields():
        if not (field.is_relation and (field.many_to_one or field.many_to_many) and field.concrete):
            continue
        target = admin_site._registry.get(field.related_model)
        if target is not None and getattr(target, "large_table", False) and target.search_fields:
            names.append(field.name)
    return names


class LargeTableAutocompleteMixin(_ModelAdmin):
    """On a ModelAdmin or an inline: foreign keys to large tables use autocomplete."""

    def get_autocomplete_fields(self, request: Any) -> list[str]:
        declared = list(super().get_autocomplete_fields(request))
        large = large_table_fields(self.model, self.admin_site)
        return declared + [name for name in large if name not in declared]


def use_autocomplete(form: Any, name: str, model: Any, field_name: str | None = None) -> None:
    """Turn ``form``'s choice field ``name`` into the admin's autocomplete, searching the target of
    ``model``'s foreign key ``field_name`` (default: the same name): for a plain admin form whose
    field chooses among a large table. The field's queryset still decides what is valid."""
    from django.contrib.admin.widgets import AutocompleteSelect

    from boards.kernel.admin.hardening import safe_autocomplete  # it registers admins on import

    field = form.fields[name]
    widget = AutocompleteSelect(model._meta.get_field(field_name or name), admin.site)
    widget.choices = field.choices
    widget.is_required = field.required
    field.widget = widget
    safe_autocomplete(form)  # hostile input redraws the form, never a 500
