"""A database outage answers 503 with a clear message, never a 500.

Django turns an exception into a response inside each middleware layer, so an outer middleware
never sees it: the ``got_request_exception`` signal marks the request when the exception is a
lost or refused database connection, and this middleware (first in MIDDLEWARE) replaces the
500 with a 503. The 503 renders without the database (no template context, no user lookup).
"""

import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

RETRY_AFTER_SECONDS = 5
MESSAGE = "数据库暂时不可用，请稍后重试。"
PAGE = ("<!doctype html><html lang=\"zh-hans\"><meta charset=\"utf-8\"><title>服务暂时不可用</title>"
        f"<h1>服务暂时不可用</h1><p>{MESSAGE}如果持续出现，请联系交易中心。</p></html>")


def _mark(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        request.database_unavailable = True  # type: ignore[attr-defined]  # read back by the middleware


got_request_exception.connect(_mark, dispatch_uid="boards.outage")


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "database_unavailable", False):
            return response
        unavailable: HttpResponse
        if request.path_info.startswith("/api/") or request.path_info.startswith("/healthz/"):
            unavailable = JsonResponse(
                {"error": {"code": "database_unavailable", "message": MESSAGE, "details": {}}}, status=503,
                json_dumps_params={"ensure_ascii": False})
        else:
            unavailable = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
        unavailable["Retry-After"] = str(RETRY_AFTER_SECONDS)
        unavailable["Cache-Control"] = "no-store"
        return unavailable
