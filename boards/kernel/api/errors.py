"""The single exception handler: every API error is ``{"error": {code, message, details}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from django_scopes.exceptions import ScopeError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from boards.kernel.errors import DomainError


def error_body(code: str, message: object, details: Any = None) -> dict[str, dict[str, Any]]:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        details = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", "提交的数据有误，请按提示修改。", details), status=400)
    if isinstance(exc, (Http404, ScopeError)):
        return Response(error_body("not_found", "未找到该对象。"), status=404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", "提交的数据有误，请按提示修改。", response.data)
    else:
        code = getattr(exc, "default_code", "error")
        detail = response.data
        if isinstance(detail, dict):
            detail = detail.get("detail", detail)
        body = error_body(code, detail)
    response.data = body
    wait = getattr(exc, "wait", None)  # a Throttled's
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and wait:
        response.data["error"]["details"] = {"retry_after_seconds": int(wait)}
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404. Under /api/ (a path no route matches, an unknown board) the JSON error of
    every other API answer; elsewhere Django's page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body("not_found", "未找到该对象。"), status=404,
                            json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
