"""``Idempotency-Key`` for every POST of the API (part of the kernel's API base: every
``BoardScopedViewMixin`` view's POST goes through it; see ``IdempotentPostMixin``).

The first successful answer to (board, caller, key) is stored with a SHA-256 of the request
(method, path, body, uploaded files' contents). The same key with the same request gets that
answer again, with header ``Idempotent-Replayed: true``, and nothing is written a second time;
the same key with a different request is refused with 422. A POST without the header runs as it
always did.

Invariants: the key row is inserted in the same transaction as the view's writes, so a request
that fails stores nothing and may be retried with the same key; a concurrent request with the
same key waits on the unique index until the first commits, then replays it (or gets 422).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from boards.kernel.errors import DomainError
from boards.kernel.models import ApiKey, Board, IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100
DESCRIPTION = ("幂等键（1—100 个字符，建议使用 UUID）。同一调用方以相同的键和相同的请求重试时"
               "返回首次成功的响应（响应头 Idempotent-Replayed: true），不会重复写入；"
               "相同的键配不同的请求返回 422。")
REUSED = "幂等键已用于另一个不同的请求"
# The requests being answered now: a view's post() calling its parent's post() answers once.
_ANSWERING: weakref.WeakSet[Request] = weakref.WeakSet()


class IdempotencyKeyReusedError(DomainError):
    status = 422
    code = "idempotency_key_reused"


def caller_id(request: Request) -> str:
    """Keys are per caller: per API key, or per user for session callers."""
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.prefix}"
    return f"user:{request.user.pk}"


def _file_digest(upload: Any) -> dict[str, Any]:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return {"name": upload.name, "size": upload.size, "sha256": sha.hexdigest()}


def request_hash(request: Request) -> str:
    """SHA-256 of the method, path and canonical body: JSON and form bodies that carry the same
    data hash alike whatever the key order; files count by content."""
    data = request.data
    if hasattr(data, "lists"):  # QueryDict of a form or multipart body
        body = {key: sorted(map(str, values)) for key, values in data.lists() if key not in request.FILES}
    else:
        body = data
    files = {key: [_file_digest(f) for f in request.FILES.getlist(key)] for key in sorted(request.FILES)}
    canonical = json.dumps([request.method, request.path, body, files], sort_keys=True, ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def answer_once(request: Request, handle: Callable[[], Response]) -> Response:
    """``handle()``'s answer, or the stored answer of the first request with the same key."""
    key = request.headers.get(HEADER)
    if key is None or request in _ANSWERING:  # no key, or a post() inside the one answering
        return handle()
    _ANSWERING.add(request)
    try:
        return _answer_once(request, key.strip(), handle)
    finally:
        _ANSWERING.discard(request)


def _answer_once(request: Request, key: str, handle: Callable[[], Response]) -> Response:
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise DomainError(f"请求头 {HEADER} 须为 1—{MAX_KEY_LENGTH} 个字符。", code="invalid_idempotency_key")
    board = getattr(request, "board", None)  # set by the board middleware on every board URL
    if not isinstance(board, Board):
        raise NotFound("未找到该对象。")
    lookup = {"board": board, "caller": caller_id(request), "key": key}
    fingerprint = request_hash(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(**lookup, request_hash=fingerprint, status_code=0)
        except IntegrityError:
            return _replay(IdempotencyKey.objects.get(**lookup), fingerprint)
        response = handle()
        if response.status_code >= 400:
            transaction.set_rollback(True)  # an answered error keeps nothing, the key included
            return response
        if not isinstance(response, Response):  # a file: nothing to replay, the key is not kept
            record.delete()
            return response
        record.status_code = response.status_code
        record.response = json.loads(JSONRenderer().render(response.data) or b"null")
        record.save(update_fields=["status_code", "response"])
    return response


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReusedError(
            f"幂等键「{record.key}」已用于另一个不同的请求。重试同一请求请原样发送；新的请求请使用新的幂等键。",
            details={"key": record.key})
    return Response(record.response, status=record.status_code, headers={"Idempotent-Replayed": "true"})


def _idempotent(post: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(post)
    def idempotent_post(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        return answer_once(request, lambda: post(self, request, *args, **kwargs))

    idempotent_post.idempotent = True  # type: ignore[attr-defined]  # a marker read by __init_subclass__
    return idempotent_post


class IdempotentPostMixin:
    """Makes a view's POST, wherever it is defined (the view itself or DRF's generic create),
    answer through ``answer_once``. A view without POST gets none."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        post = getattr(cls, "post", None)
        if post is not None and not getattr(post, "idempotent", False):
            cls.post = _idempotent(post)  # type: ignore[attr-defined]


def purge_keys(board: Board) -> int:
    """Forget ``board``'s keys older than ``settings.API_IDEMPOTENCY_HOURS``; returns how many."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    return IdempotencyKey.objects.filter(board=board, created_at__lt=cutoff).delete()[0]
