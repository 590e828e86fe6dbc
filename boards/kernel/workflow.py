"""Workflow conventions shared by every app.

Models declare protected ``FSMField``s and ``@transition`` methods that only change state
and check guards. Services call ``fire`` inside ``transaction.atomic()`` on a row fetched
with ``select_for_update()``; an illegal step raises IllegalTransition (HTTP 409) listing
the steps allowed from the current state.
"""

from typing import Any, cast

from django.db.models import Field, Model
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm  # noqa: F401

from boards.kernel.errors import IllegalTransition


def allowed_transitions(instance: Model, field_name: str = "state", user: Any = None) -> list[str]:
    getter = getattr(instance, f"get_available_user_{field_name}_transitions", None)
    if user is not None and getter is not None:
        transitions = getter(user)
    else:
        transitions = getattr(instance, f"get_available_{field_name}_transitions")()
    return sorted({t.name for t in transitions})


def _refusal(instance: Model, action: str, field_name: str) -> IllegalTransition:
    state = getattr(instance, field_name)
    # The person reading the 409 sees the state's Chinese label; details keep the code.
    label = dict(cast(Field, instance._meta.get_field(field_name)).flatchoices).get(state)
    return IllegalTransition(instance, action, allowed_transitions(instance, field_name), state,
                             state_label=str(label) if label is not None else None)


def fire(instance: Model, action: str, *args: Any, field_name: str = "state", **kwargs: Any) -> Any:
    """Run transition ``action`` on ``instance`` or raise IllegalTransition."""
    method = getattr(instance, action, None)
    if method is None or not hasattr(method, "_django_fsm") or not can_proceed(method):
        raise _refusal(instance, action, field_name)
    try:
        return method(*args, **kwargs)
    except TransitionNotAllowed:
        raise _refusal(instance, action, field_name) from None
