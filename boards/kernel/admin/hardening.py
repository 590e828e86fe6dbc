"""Admin pages that answered hostile input with a 500, made to answer with the form instead.

- Django's autocomplete widget looks up the submitted value to redraw an invalid form; a value
  that is not an id ("abc") raises in that lookup. ``safe_autocomplete`` drops such values first.
- django-celery-beat's crontab form shows ``human_readable`` of the unsaved row, which raises
  for an invalid crontab.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django_celery_beat.admin import CrontabScheduleAdmin
from django_celery_beat.models import CrontabSchedule

F = TypeVar("F", bound=forms.BaseForm)
Groups = list[tuple[str | None, list[dict[str, Any]], int | None]]  # what a widget's optgroups gives


def _valid_ids(widget: AutocompleteMixin, values: Iterable[Any]) -> list[Any]:
    target = widget.field.target_field
    kept = []
    for value in values:
        try:
            target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            continue
        kept.append(value)
    return kept


def safe_autocomplete(form: F) -> F:
    """Every autocomplete widget of ``form`` redraws only values that can be ids."""
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
        if isinstance(widget, AutocompleteMixin) and not getattr(widget, "_zb_safe", False):
            auto: AutocompleteMixin = widget
            original = auto.optgroups

            def optgroups(name: str, value: Sequence[str], attr: dict[str, Any] | None = None,
                          _widget: AutocompleteMixin = auto,
                          _original: Callable[[str, Sequence[str], dict[str, Any] | None], Groups] = original
                          ) -> Groups:
                return _original(name, _valid_ids(_widget, value), attr)

            auto.optgroups = optgroups  # type: ignore[method-assign]  # patched on this widget only
            auto._zb_safe = True  # type: ignore[attr-defined]  # marks the patch
    return form


admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class SafeCrontabScheduleAdmin(CrontabScheduleAdmin):
    @admin.display(description="可读形式")
    def human_readable(self, obj: CrontabSchedule) -> str:
        try:
            return obj.human_readable
        except Exception:  # celery's cron parser raises its own ParseException, KeyError, ValueError...
            return "—（填写有误）"
