"""The admin as the staff desk: the queues on the index (boards.kernel.queues), the overdue
filter behind its 逾期 queue, and technical models kept out of the staff menu."""

from typing import Any

from django.contrib import admin
from django.utils import timezone

from boards.kernel.access import has_role
from boards.kernel.models import Role


class OverdueDeadlineFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "已逾期未完成")]

    def queryset(self, request: Any, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(state="open", due_at__lt=timezone.now())
        return queryset


class TechnicalAdminMixin:
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
