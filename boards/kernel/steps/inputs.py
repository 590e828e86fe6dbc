"""A step's input, defined once as a form; the API serializer is made from it.

``StepForm`` knows the object the step runs on (querysets and initial values may depend on
it) and hands the service its keywords (``service_kwargs``: the cleaned data by default).
``serializer_for`` turns a step form into a DRF serializer with matching fields (for the
schema) whose validation is the form's own, so the page and the API accept the same input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, cast

from django import forms
from rest_framework import serializers


class StepForm(forms.Form):
    def __init__(self, *args: Any, obj: Any = None, **kwargs: Any) -> None:
        self.obj = obj
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def text_form(label: str, name: str = "text", initial: Any = None, max_length: int = 10000,
              required: bool = True, keyword: str | None = None) -> type[StepForm]:
    """A step form with one text area ``name``, handed to the service as ``keyword``
    (default: the same name)."""
    field = forms.CharField(label=label, max_length=max_length, required=required,
                            widget=forms.Textarea(attrs={"rows": 5, "cols": 70}))

    class TextForm(StepForm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if initial and self.obj is not None:
                self.fields[name].initial = initial(self.obj)

        def service_kwargs(self) -> dict[str, Any]:
            return {keyword or name: self.cleaned_data[name]}

    TextForm.base_fields = {name: field}
    return TextForm


class LinesField(forms.CharField):
    """One entry a line on a page; a list of strings in the API."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, (list, tuple)):
            lines = [str(item) for item in value]
        else:
            lines = (super().to_python(value) or "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        for line in value:
            super().run_validators(line)


class _Common(TypedDict):
    required: bool
    label: str
    help_text: str | None


class _Bounds(TypedDict, total=False):
    min_value: Any
    max_value: Any


def _choices(field: forms.ChoiceField) -> list[Any]:
    return list(cast(Iterable[Any], field.choices))


def _serializer_field(field: forms.Field) -> serializers.Field:
    common = _Common(required=field.required, label=str(field.label or ""),
                     help_text=str(field.help_text or "") or None)
    if isinstance(field, LinesField):
        # DRF's CharField takes None (no limit); its stub says int.
        child = serializers.CharField(max_length=field.max_length)  # type: ignore[arg-type]
        return serializers.ListField(child=child, **common)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
        if isinstance(field, forms.MultipleChoiceField):
            return serializers.ListField(child=serializers.ChoiceField(choices=_choices(field)), **common)
        return serializers.ChoiceField(choices=_choices(field), **common)
    if isinstance(field, forms.NullBooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, label=common["label"], help_text=common["help_text"])
    if isinstance(field, forms.FileField):
        return serializers.FileField(**common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    bounds = _Bounds()
    minimum, maximum = getattr(field, "min_value", None), getattr(field, "max_value", None)
    if minimum is not None:
        bounds["min_value"] = minimum
    if maximum is not None:
        bounds["max_value"] = maximum
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places,
                                        coerce_to_string=True, **bounds, **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**bounds, **common)
    # DRF's CharField takes None (no limit); its stub says int.
    return serializers.CharField(max_length=getattr(field, "max_length", None),  # type: ignore[arg-type]
                                 allow_blank=not field.required, **common)


_SERIALIZERS: dict[type, type[serializers.Serializer]] = {}


def serializer_for(form_class: type[StepForm]) -> type[serializers.Serializer]:
    """The DRF serializer of a step form. ``context`` carries ``obj`` and ``files``; the
    validated data are the form's ``service_kwargs()``."""
    if form_class in _SERIALIZERS:
        return _SERIALIZERS[form_class]

    def validate(self: serializers.Serializer, attrs: dict[str, Any]) -> dict[str, Any]:
        form = form_class(data=self.initial_data, files=self.context.get("files"),
                          obj=self.context.get("obj"))
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [error["message"] for error in errors]
                 for name, errors in form.errors.get_json_data().items()})
        return form.service_kwargs()

    fields = {name: _serializer_field(field) for name, field in form_class.base_fields.items()}
    name = f"{form_class.__module__.split('.')[0].title()}{form_class.__name__}StepSerializer"
    _SERIALIZERS[form_class] = type(name, (serializers.Serializer,), {**fields, "validate": validate})
    return _SERIALIZERS[form_class]
