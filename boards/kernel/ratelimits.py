"""Throttles for callers who are not logged in, counted per client address in the cache (Redis in
production) with django-ratelimit's counters.

- Every request of an anonymous caller counts against ``ANON_THROTTLE_RATE``: the public board
  list, the catalogue, the publicity page, the login and reset forms, ``/healthz/`` — every
  endpoint, including those added later. Pages are counted by ``AnonymousThrottleMiddleware``;
  the REST API by ``boards.api.throttling.AnonymousThrottle`` after DRF has authenticated the
  caller (a request carrying an API key is the key's, throttled per key instead).
- Every anonymous POST to a page (the objection form on the publicity page, the password reset
  form) also counts against the stricter ``ANON_POST_THROTTLE_RATE``. Login forms are left to
  django-axes (``boards.kernel.lockout``): a whole office behind one address logs in every morning.

A refused request answers 429 with ``Retry-After``. The address is ``client_ip`` below, the same
one the login lockout counts.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django_ratelimit.core import get_usage

ANONYMOUS_GROUP = "zb-anonymous"
ANONYMOUS_POST_GROUP = "zb-anonymous-post"
# Views whose POSTs are throttled by the login lockout instead (see the module docstring).
LOGIN_VIEWS = {"login", "admin:login"}


def client_ip(request: HttpRequest) -> str:
    """The caller's address. With ``TRUSTED_PROXY_COUNT`` = n > 0 the platform sits behind n
    reverse proxies that each append the address they received the request from to
    X-Forwarded-For (deploy/nginx.conf overwrites it with the client's), so the client is the
    n-th address from the right; a request that reached the platform around the proxies (no or a
    shorter header) is counted under its TCP peer. Never the left-most address: anyone can send
    an X-Forwarded-For header, only the part the trusted proxies wrote can be believed."""
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-count] if len(forwarded) >= count else peer


def _address_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def over_limit(request: HttpRequest, group: str, rate: str, key: str | None = None) -> int | None:
    """Count this request against ``rate`` for its address (or for ``key``, e.g. an API key); the
    seconds to wait when over it. One counter increment per request, whatever the rate."""
    usage = get_usage(request, group=group, key=_address_key if key is None else lambda group, request: key,
                      rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    html = render_to_string("429.html", {"wait": wait}, request=request)
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(wait)
    return response


class AnonymousThrottleMiddleware:
    """Throttles anonymous page requests before any other work (the API throttles its own, after
    authentication). Placed right after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wait = None
        if not request.path_info.startswith("/api/") and not request.user.is_authenticated:
            wait = over_limit(request, ANONYMOUS_GROUP, settings.ANON_THROTTLE_RATE)
            if wait is None and request.method == "POST" and _view_name(request) not in LOGIN_VIEWS:
                wait = over_limit(request, ANONYMOUS_POST_GROUP, settings.ANON_POST_THROTTLE_RATE)
        return self.get_response(request) if wait is None else too_many_requests(request, wait)


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
