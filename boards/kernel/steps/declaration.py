"""A workflow step, declared once: label, input, service, availability, roles and preview.

A workflow is a dict ``{name: Step}``. A step is available when the FSM allows its
``transition`` now (django_fsm), the object is in one of its ``states`` and its own ``guard``
names no reason against it (a guard answers why not, in Chinese, or None). ``run`` checks
availability again on the row locked for the service, so a step that became unavailable
between drawing the page and submitting it answers 409 with the steps that are available
now (``StepUnavailable``), in the admin, the pages and the API alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from boards.kernel.errors import IllegalTransition
from boards.kernel.locking import locked
from boards.kernel.steps.inputs import StepForm
from boards.kernel.workflow import allowed_transitions


@dataclass(frozen=True)
class Preview:
    """What confirming a step will do: a sentence, and optionally a table (the rule table
    behind a suggested tier, the votes so far)."""

    text: str
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()
    ok: bool = True  # False: confirming will be refused (shown as a warning)

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "headers": list(self.headers),
                "rows": [[str(cell) for cell in row] for row in self.rows], "ok": self.ok}


@dataclass(frozen=True)
class Step:
    """``service(obj, actor=user, **fixed, **form.service_kwargs())`` runs the step."""

    label: str
    service: Callable[..., Any]
    transition: str | None = None  # the FSM transition that must be allowed now
    states: tuple[str, ...] = ()  # or: the states the step is offered in
    when: Callable[[Any], Any] | None = None  # offered only while this holds
    guard: Callable[[Any], str | None] | None = None  # why not now (e.g. opinions missing), or None
    form: type[StepForm] = StepForm
    preview: Callable[[Any], Preview | None] | None = None
    success: str | Callable[[Any], str] = ""
    roles: tuple[str, ...] = ()  # empty: whoever the page or endpoint admits
    fixed: Mapping[str, Any] = field(default_factory=dict)
    field_name: str = "state"

    def is_available(self, obj: Any, transitions: Callable[[], set[str]]) -> bool:
        if self.transition is not None and self.transition not in transitions():
            return False
        if self.states and getattr(obj, self.field_name) not in self.states:
            return False
        if self.when is not None and not self.when(obj):
            return False
        return self.guard is None or not self.guard(obj)

    def done_message(self, result: Any) -> str:
        if callable(self.success):
            return self.success(result)
        return self.success or f"已办理：{self.label}。"


Steps = Mapping[str, Step]


def available(steps: Steps, obj: Any, roles: AbstractSet[str] | None = None) -> list[str]:
    """The names of the steps available on ``obj`` now, in declaration order (for ``roles``,
    when given, only the steps those roles may take)."""
    cache: dict[str, set[str]] = {}

    def transitions(name: str) -> set[str]:
        if name not in cache:
            cache[name] = set(allowed_transitions(obj, name))
        return cache[name]

    return [name for name, step in steps.items()
            if (roles is None or not step.roles or roles & set(step.roles))
            and step.is_available(obj, functools.partial(transitions, step.field_name))]


class StepUnavailable(IllegalTransition):
    """409: the step is not available now; ``details.allowed`` names those that are."""

    def __init__(self, obj: Any, name: str, steps: Steps, allowed: list[str]) -> None:
        state_field = next((s.field_name for s in steps.values()), "state")
        state = getattr(obj, state_field, "")
        label = None
        try:
            label = dict(obj._meta.get_field(state_field).flatchoices).get(state)
        except Exception:  # noqa: BLE001 - a workflow on a row without a state field
            state = ""
        super().__init__(obj, name, allowed, state if isinstance(state, str) else "",
                         state_label=str(label) if label is not None else None)
        step = steps.get(name)
        if not state:
            offered = f"可执行的操作: {', '.join(allowed)}。" if allowed else "当前没有可执行的操作。"
            self.message = f"当前不能执行「{name}」。{offered}"
        self.details["labels"] = {n: steps[n].label for n in allowed}
        if step is not None:
            self.details["label"] = step.label
            reason = step.guard(obj) if step.guard else None
            if reason:  # the FSM may allow it; the step's own condition does not
                self.message = f"{reason}{self.message}"
                self.details["reason"] = reason


def refuse_unless_available(steps: Steps, name: str, obj: Any, roles: AbstractSet[str] | None = None) -> None:
    allowed = available(steps, obj, roles)
    if name not in allowed:
        raise StepUnavailable(obj, name, steps, allowed)


def run(steps: Steps, name: str, obj: Any, actor: Any, data: Mapping[str, Any],
        roles: AbstractSet[str] | None = None) -> Any:
    """Run step ``name`` on ``obj``: availability is checked again on the locked row, then the
    service runs in the same transaction (it takes its own lock too; the first one holds)."""
    step = steps[name]
    with transaction.atomic():
        row = locked(obj)
        refuse_unless_available(steps, name, row, roles)
        return step.service(row, actor=actor, **step.fixed, **data)
