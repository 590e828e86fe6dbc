"""Bases of the alliance admin: the step admin and evidenced data."""

from django.utils.html import format_html_join

from alliance.actions import AllianceAction
from boards.kernel import evidence
from boards.kernel.admin.base import BoardScopedAdmin, ReadOnlyBoardAdmin
from boards.kernel.steps.admin import StepAdminMixin


def _rows(rows):
    """Criteria rows ({met, reason}) as a list with ✓/✗."""
    marked = (("✓" if row["met"] else "✗", row["reason"]) for row in rows or [])
    return format_html_join("", "<div>{} {}</div>", marked) or "—"


class StepAdmin(StepAdminMixin, ReadOnlyBoardAdmin):
    """Read-only rows changed by ``steps`` (boards.kernel.steps)."""
    module = "alliance"


class EvidencedDataAdmin(BoardScopedAdmin):
    """Data on file that staff enter directly; each save is evidenced as ``saved_action``."""
    module = "alliance"
    saved_action: AllianceAction

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        evidence.record(request.board, self.saved_action, actor=request.user,
                        subject=obj,
                        payload={name: form.cleaned_data[name] for name in form.changed_data
                                 if name not in ("board", "evidence")})
