"""The staff desk's queues (待初核, 待审批, 公示中, 逾期 …): what waits for the exchange staff,
counted on the admin index, each linking to its filtered list.

Apps register their queues in ``AppConfig.ready`` (``register_queue``) with the module they
belong to, so a board sees only the queues of the modules it enabled and the kernel names no
app. ``rows(board)`` is called inside the board's scope; ``params`` is the query string of the
admin list that shows the same rows (a filter of that list).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from boards.kernel.config import module_enabled

if TYPE_CHECKING:
    from boards.kernel.models import Board


@dataclass(frozen=True)
class Queue:
    label: str
    model: str  # "app_label.ModelName": the list the queue links to
    rows: Callable[[Any], Any]  # board -> QuerySet of the rows waiting
    params: str
    module: str | None
    order: int

    def url(self) -> str:
        model = apps.get_model(self.model)
        base = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        return f"{base}?{self.params}" if self.params else base


_QUEUES: list[Queue] = []


def register_queue(label: str, model: str, rows: Callable[[Any], Any], params: str = "", *,
                   module: str | None = None, order: int = 100) -> None:
    """A queue of the staff desk: ``rows(board)`` are the rows waiting, ``params`` filter the
    admin list of ``model`` to the same rows."""
    _QUEUES.append(Queue(label, model, rows, params, module, order))


def register_filter_queue(label: str, model: Any, *, module: str, order: int = 100, **lookup: Any) -> None:
    """A queue of the rows of ``model`` matching ``lookup`` (``state="x"``, ``state__in=[…]``,
    ``upheld__isnull=True``): the same lookup filters the rows counted and the admin list."""
    params = []
    for key, value in lookup.items():
        if isinstance(value, list | tuple):
            params.append(f"{key}={','.join(str(item) for item in value)}")
        else:
            params.append(f"{key if '__' in key else key + '__exact'}={value}")
    register_queue(label, model._meta.label, lambda board: model.objects.filter(board=board, **lookup),
                   "&".join(params), module=module, order=order)


def queues_for(board: "Board") -> list[dict[str, Any]]:
    """label, count and list URL of each queue of the board's enabled modules, in order."""
    result = []
    for queue in sorted(_QUEUES, key=lambda q: q.order):
        if queue.module is not None and not module_enabled(board, queue.module):
            continue
        try:
            url = queue.url()
        except NoReverseMatch:  # the model has no admin list here
            continue
        result.append({"label": queue.label, "count": queue.rows(board).count(), "url": url,
                       "module": queue.module})
    return result


def _overdue_deadlines(board: "Board") -> QuerySet[Any]:
    from boards.kernel.models import Deadline, DeadlineState

    return Deadline.objects.filter(board=board, state=DeadlineState.OPEN, due_at__lt=timezone.now())


register_queue("逾期", "boards.Deadline", _overdue_deadlines, "overdue=yes", order=1000)
