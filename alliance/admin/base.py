"""Bases of the alliance admin: step forms and the step admin, read-only inlines, evidenced data."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html_join

from boards.kernel import evidence
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin
from boards.kernel.errors import DomainError
from boards.kernel.workflow import allowed_transitions


def _rows(rows):
    """Criteria rows ({met, reason}) as a list with ✓/✗."""
    marked = (("✓" if row["met"] else "✗", row["reason"]) for row in rows or [])
    return format_html_join("", "<div>{} {}</div>", marked) or "—"


# --- Step forms ----------------------------------------------------------------------------------


class StepForm(forms.Form):
    def __init__(self, *args, obj=None, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)


def text_form(label, name="text", initial=None):
    field = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 5, "cols": 70}))

    class TextForm(StepForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if initial:
                self.fields[name].initial = initial(self.obj)

    TextForm.base_fields = {name: field}
    return TextForm


class Step:
    """A labelled step offered when ``when(obj)``: ``service(obj, actor=user, **fixed, **form data)``
    (the form's field names are the service's keywords)."""

    def __init__(self, label, service, when, form=StepForm, **fixed):
        self.label, self.service, self.when, self.form, self.fixed = label, service, when, form, fixed

    def run(self, obj, user, data):
        return self.service(obj, actor=user, **self.fixed, **data)


def transition(name):
    return lambda obj: name in allowed_transitions(obj)


class StepAdmin(ReadOnlyBoardAdmin):
    """Read-only rows changed by ``steps``."""
    module = "alliance"

    steps = {}

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_step"
        view = self.admin_site.admin_view(self.step_view)
        return [path("<path:object_id>/act/<str:step>/", view, name=name), *super().get_urls()]

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    @admin.display(description="办理")
    def step_links(self, obj):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_step"
        links = [(reverse(name, args=[obj.pk, key]), step.label)
                 for key, step in self.steps.items() if step.when(obj)]
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', links) or "—"

    def step_view(self, request, object_id, step):
        obj = self.get_object(request, object_id)
        spec = self.steps.get(step)
        if spec is None or not self.has_view_permission(request, obj):
            return redirect(self._change_url(obj))
        status, error = 200, None
        posted = request.method == "POST"
        form = spec.form(request.POST if posted else None, request.FILES if posted else None, obj=obj)
        if posted and form.is_valid():
            try:
                spec.run(obj, request.user, form.cleaned_data)
            except DomainError as exc:
                status, error = exc.status, exc
            else:
                messages.success(request, f"已办理：{spec.label}。")
                return redirect(self._change_url(obj))
        elif form.errors:
            status = 400
        return render(request, "alliance/admin/step.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "original": obj, "form": form,
            "step": spec, "error": error, "title": f"{spec.label}：{obj}"}, status=status)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidencedDataAdmin(BoardScopedAdmin):
    """Data on file that staff enter directly; each save is evidenced."""
    module = "alliance"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        evidence.record(request.board, f"alliance.{self.opts.model_name}.saved", actor=request.user,
                        subject=obj,
                        payload={name: form.cleaned_data[name] for name in form.changed_data
                                 if name not in ("board", "evidence")})
