from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from boards.kernel.models import ApiKey
from boards.kernel.ratelimits import ANONYMOUS_GROUP, over_limit

API_KEY_GROUP = "zb-api-key"


class ApiKeyThrottle(BaseThrottle):
    """Rate ``api_key`` per API key (by prefix), per user for session callers. Anonymous calls
    (the public endpoints) are not counted here. Counted like the anonymous throttles, in
    django-ratelimit's fixed-window counter (boards.kernel.ratelimits): one increment per request,
    where DRF's sliding log reads and rewrites every timestamp of the window on each request."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return True
        # DRF binds THROTTLE_RATES at import; reading the live settings honours overrides.
        rate: str = api_settings.DEFAULT_THROTTLE_RATES["api_key"]  # type: ignore[assignment]  # a rate string
        self._wait = over_limit(request._request, API_KEY_GROUP, rate, key=ident)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class AnonymousThrottle(BaseThrottle):
    """Callers with neither an API key nor a session (the public board list and catalogue, and
    every other endpoint before it refuses them): ``ANON_THROTTLE_RATE`` per client address, in
    the same counter as anonymous page requests (boards.kernel.ratelimits)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiKey) or (request.user and request.user.is_authenticated):
            return True
        if SESSION_KEY in request._request.session:  # logged in, on a view that authenticates no one
            return True
        self._wait = over_limit(request._request, ANONYMOUS_GROUP, settings.ANON_THROTTLE_RATE)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
