"""Housekeeping of API idempotency keys."""

import datetime as dt

from django.utils import timezone

from alliance.models import (
    IdempotencyKey,
)

# --- Housekeeping -------------------------------------------------------------------------------


def purge_idempotency_keys(board):
    """Forget keys older than ``alliance.idempotency_hours``."""
    cutoff = timezone.now() - dt.timedelta(hours=board.setting("alliance.idempotency_hours"))
    return IdempotencyKey.objects.filter(board=board, created_at__lt=cutoff).delete()[0]
