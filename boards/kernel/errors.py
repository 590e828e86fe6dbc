"""Domain errors. One exception handler (boards/api/errors.py) maps them to HTTP:
DomainError 400, NotFound 404, Conflict/IllegalTransition 409, all as
``{"error": {"code", "message", "details"}}``."""

import weakref
from collections.abc import Iterable
from typing import Any

from django import forms


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: object, *, code: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: object = "未找到该对象。", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class Conflict(DomainError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, obj: object, action: str, allowed: Iterable[str], state: str,
                 state_label: str | None = None) -> None:
        listed = sorted(allowed)
        shown = f"{state_label}（{state}）" if state_label and state_label != state else state
        message = (
            f"当前状态「{shown}」下不能执行「{action}」。"
            + (f"可执行的操作: {', '.join(listed)}。" if listed else "当前没有可执行的操作。")
        )
        super().__init__(message, details={"action": action, "state": state, "allowed": listed})


# The status of the refusal a form shows (add_to_form), for the page that draws it (form_status).
_REFUSAL_STATUS: weakref.WeakKeyDictionary[forms.BaseForm, int] = weakref.WeakKeyDictionary()


def add_to_form(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the page's form: next to the field it names in ``details["field"]``
    when the form has that field, else above the form."""
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)
    _REFUSAL_STATUS[form] = error.status


def form_status(form: forms.BaseForm) -> int:
    """The status of a page that draws ``form``: 200, 400 for wrong input, or the status of the
    refusal ``add_to_form`` put on it (409 when the state no longer allows it)."""
    if not form.is_bound or not form.errors:
        return 200
    return _REFUSAL_STATUS.get(form, 400)
