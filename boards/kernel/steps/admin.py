"""The admin side of the step mechanism: a button per available step on the change page
(and ``step_links`` for lists), one step page at ``<pk>/act/<step>/`` and list actions that
run a step on each selected row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from boards.kernel.errors import DomainError
from boards.kernel.steps.declaration import Steps, available, run
from boards.kernel.steps.pages import form_page, step_page

if TYPE_CHECKING:  # only ever mixed into a ModelAdmin
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class StepAdminMixin(_ModelAdmin):
    """For a ModelAdmin whose rows change through ``steps`` (name → Step)."""

    steps: Steps = {}
    change_form_template = "admin/step_change_form.html"

    def _step_url(self, obj: Any, name: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_step", args=[obj.pk, name])

    def _change_url(self, obj: Any) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.step_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_step"
        return [path("<path:object_id>/act/<str:step>/", view, name=name), *super().get_urls()]

    def step_buttons(self, obj: Any) -> list[tuple[str, str]]:
        return [(self._step_url(obj, name), self.steps[name].label) for name in available(self.steps, obj)]

    @admin.display(description="办理")
    def step_links(self, obj: Any) -> str:
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', self.step_buttons(obj)) or "—"

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if getattr(request, "board", None) else None
        buttons = self.step_buttons(obj) if obj is not None else []
        extra_context = {"show_save": False, "show_save_and_continue": False,
                         "show_save_and_add_another": False, **(extra_context or {}), "step_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def _page_context(self, request: HttpRequest, *trail: tuple[str, str]) -> dict[str, Any]:
        opts = self.opts
        return {**self.admin_site.each_context(request), "opts": opts, "is_admin": True,
                "base_template": "admin/base_site.html",
                "breadcrumbs": [(reverse("admin:index"), "首页"),
                                (reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                                 opts.verbose_name_plural), *trail]}

    def form_page(self, request: HttpRequest, title: str, form: Any, done_url: str) -> HttpResponse:
        """Opening a row through a service (not a step of an existing one), same page."""
        return form_page(request, title=title, form=form, done_url=done_url,
                         context=self._page_context(request))

    def step_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id)) if getattr(request, "board", None) else None
        if obj is None or step not in self.steps or not self.has_view_permission(request, obj):
            raise Http404("未找到该对象。")
        return step_page(request, steps=self.steps, name=step, obj=obj, done_url=self._change_url(obj),
                         step_url=lambda name: self._step_url(obj, name),
                         context=self._page_context(request, (self._change_url(obj), str(obj))))


def step_action(name: str, steps: Steps, label: str | None = None) -> Any:
    """A list action running step ``name`` on each selected row, each in its own transaction;
    a row where it is refused is reported with the reason."""
    description = label or steps[name].label

    def action(model_admin: Any, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for obj in queryset:
            try:
                run(steps, name, obj, request.user, {})
            except DomainError as exc:
                messages.error(request, f"{obj}：{exc.message}")
            else:
                done += 1
        if done:
            messages.success(request, f"{description}：已办理 {done} 项。")

    action.__name__ = f"{name}_selected"
    return admin.action(description=description)(action)
