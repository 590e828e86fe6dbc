"""Login lockout (django-axes) that also stops password spraying.

axes counts failures per (username, address) — AXES_FAILURE_LIMIT, a person mistyping — and
this handler adds the address alone over every username — AXES_ADDRESS_FAILURE_LIMIT, one
password tried on many accounts from one place. Either limit locks for AXES_COOLOFF_TIME. The
address limit is the higher one: the staff of a whole office share one address behind NAT.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AddressAwareHandler(AxesDatabaseHandler):
    def address_failures(self, request: Any) -> int:  # axes' request: it carries axes_ip_address
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """axes compares this with AXES_FAILURE_LIMIT, here and when a failure is recorded. The
        address count is shifted by the difference of the two limits, so that this one comparison
        says: the pair reached its limit, or the address reached its own."""
        pair = super().get_failures(request, credentials)
        shift = settings.AXES_ADDRESS_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT
        return max(pair, self.address_failures(request) - shift)
