"""Helpers shared by the alliance's write modules (services, service_institutions)."""

from alliance import selectors
from boards.kernel.deadlines import cancel_deadline, meet_deadline
from boards.kernel.errors import DomainError
from boards.kernel.models import DeadlineState
from boards.kernel.notifications import notify


def required(value, message, code):
    """``value`` stripped; blank is a DomainError saying ``message``."""
    if not str(value or "").strip():
        raise DomainError(message, code=code)
    return str(value).strip()


def notify_institution(board, institution, verb, title, body=""):
    notify(board, selectors.institution_users(board, institution), verb, title, body)


def close_clock(deadline, met):
    """Meet (or cancel) ``deadline`` if it is still running."""
    if deadline is not None and deadline.state in (DeadlineState.OPEN, DeadlineState.PAUSED):
        (meet_deadline if met else cancel_deadline)(deadline)
