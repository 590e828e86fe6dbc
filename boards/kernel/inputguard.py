"""Input no handler can store or count, refused once for the admin, the pages and the API before
any view runs, with a 400 in Chinese that names the field:
- a NUL character: PostgreSQL text and jsonb cannot hold it, so one that reaches a query
  parameter or a row is a 500;
- a page number or a date part beyond any list or calendar (``?p=`` of the admin, ``?page=`` of
  the pages, the admin's ``?<field>__year=``/``__month``/``__day``): they overflow a C integer."""

import datetime as dt
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = "提交的内容含有不允许的空字符（NUL），请删除后重试。"
PAGE_MESSAGE = "页码或日期超出范围。"
PAGE_PARAMS = ("p", "page")
DATE_PARTS = ("__year", "__month", "__day")
MAX_COUNT_CHARS = 9
JSON_TYPES = ("application/json", "application/merge-patch+json")


def _nul_fields(request: HttpRequest) -> list[str]:
    """Names of the query or form fields (or "body" for JSON) that carry a NUL."""
    fields = [key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)]
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return fields
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += [key for key, values in request.POST.lists()
                   if "\x00" in key or any("\x00" in v for v in values)]
        fields += [key for key, upload in request.FILES.items()  # (a list only for a key with no file)
                   if not isinstance(upload, list) and "\x00" in (upload.name or "")]
    elif content_type in JSON_TYPES:
        body = request.body
        if b"\\u0000" in body or b"\x00" in body:
            fields.append("body")
    return fields


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = _nul_fields(request)
        if fields:
            return _refuse(request, MESSAGE, [name.replace("\x00", "\ufffd") for name in fields])
        pages = [name for name, value in request.GET.items()  # (a list only for a key with no value)
                 if isinstance(value, str) and len(value.strip()) > MAX_COUNT_CHARS
                 and (name in PAGE_PARAMS or name.endswith(DATE_PARTS))]
        if pages:
            return _refuse(request, PAGE_MESSAGE, pages)
        return self.get_response(request)


def _refuse(request: HttpRequest, message: str, names: Iterable[str]) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        details = {name: [message] for name in names}
        return JsonResponse({"error": {"code": "invalid", "message": message, "details": details}},
                            status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message, "fields": names}, status=400)


def plausible_datetime(value: dt.datetime | None, *, years: int = 5) -> None:
    """A date and time a person means: within ``years`` of now. A year 1 or 9999 value parses,
    then overflows the first time a deadline or a local time is computed from it."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    now = timezone.now()
    earliest, latest = now.replace(year=now.year - years), now.replace(year=now.year + years)
    if value is not None and not earliest <= value <= latest:
        raise ValidationError(f"时间须在当前前后 {years} 年之内。", code="out_of_range")
