"""The step page, for the admin and the portal alike: the preview of what confirming will do,
the form (errors next to the fields, input kept) and, when the step is not available now,
409 with the steps that are (availability is checked when the page is drawn and again, on the
locked row, when it is submitted)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from boards.kernel.errors import DomainError
from boards.kernel.steps.declaration import Steps, StepUnavailable, available, run

TEMPLATE = "kernel/step.html"


def step_page(request: HttpRequest, *, steps: Steps, name: str, obj: Any, done_url: str,
              step_url: Callable[[str], str], context: dict[str, Any],
              roles: AbstractSet[str] | None = None) -> HttpResponse:
    """Draw (GET) or run (POST) step ``name`` of ``obj``; ``context`` carries the base
    template (``base_template``) and what it needs."""
    step = steps[name]
    allowed = available(steps, obj, roles)
    error: DomainError | None = None
    status = 200
    form = None
    if name not in allowed:
        error, status = StepUnavailable(obj, name, steps, allowed), 409
    else:
        posted = request.method == "POST"
        form = step.form(request.POST if posted else None, request.FILES if posted else None, obj=obj)
        if posted and form.is_valid():
            try:
                result = run(steps, name, obj, request.user, form.service_kwargs(), roles)
            except DomainError as exc:
                error, status = exc, exc.status
                if isinstance(exc, StepUnavailable):
                    allowed, form = exc.details["allowed"], None
            else:
                messages.success(request, step.done_message(result))
                return redirect(done_url)
        elif form.errors:
            status = 400
    preview = step.preview(obj) if step.preview and form is not None else None
    return TemplateResponse(request, TEMPLATE, {
        **context, "step": step, "step_name": name, "original": obj, "form": form, "error": error,
        "preview": preview, "done_url": done_url, "title": context.get("title") or f"{step.label}：{obj}",
        "allowed": [(step_url(other), steps[other].label) for other in allowed if other != name],
    }, status=status)


def form_page(request: HttpRequest, *, title: str, form: Any, done_url: str, context: dict[str, Any],
              status: int | None = None) -> HttpResponse:
    """A page that is not a step of an existing row (opening a case, filing a report) drawn
    with the same template: the form, its errors next to the fields, the input kept."""
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, TEMPLATE, {
        **context, "step": {"label": title}, "form": form, "done_url": done_url, "title": title,
    }, status=status)
