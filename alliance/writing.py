"""Helpers shared by the alliance's write modules (services, service_institutions)."""

from django.urls import reverse

from alliance import selectors
from boards.kernel.deadlines import cancel_deadline, meet_deadline
from boards.kernel.errors import DomainError
from boards.kernel.models import DeadlineState
from boards.kernel.notifications import notify


def locked(obj, *related):
    """``obj`` read again, its own row locked FOR UPDATE, with its board (and ``related``)."""
    return type(obj).objects.select_for_update(of=("self",)).select_related("board", *related).get(pk=obj.pk)


def required(value, message, code):
    """``value`` stripped; blank is a DomainError saying ``message``."""
    if not str(value or "").strip():
        raise DomainError(message, code=code)
    return str(value).strip()


def admin_url(obj):
    return reverse(f"admin:alliance_{obj._meta.model_name}_change", args=[obj.pk])


def notify_staff(board, obj, verb, title, body=""):
    notify(board, selectors.staff_users(board), verb, title, body, admin_url(obj))


def notify_institution(board, institution, verb, title, body=""):
    notify(board, selectors.institution_users(board, institution), verb, title, body)


def close_clock(deadline, met):
    """Meet (or cancel) ``deadline`` if it is still running."""
    if deadline is not None and deadline.state in (DeadlineState.OPEN, DeadlineState.PAUSED):
        (meet_deadline if met else cancel_deadline)(deadline)
