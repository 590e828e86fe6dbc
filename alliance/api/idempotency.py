"""``Idempotency-Key`` for POST (a reusable view mixin).

The first successful answer to (board, caller, key) is stored with a SHA-256 of the request
(method, path, body, uploaded files' contents). The same key with the same request gets that
answer again, with header ``Idempotent-Replayed: true``, and nothing is written a second time;
the same key with a different request is refused with 422.

Invariants: the key row is inserted in the same transaction as the view's writes, so a request
that fails stores nothing and may be retried with the same key; a concurrent request with the
same key waits on the unique index until the first commits, then replays it (or gets 422).
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from alliance.models import IdempotencyKey
from boards.kernel.errors import DomainError
from boards.kernel.models import ApiKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 100

PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="幂等键（1—100 个字符，建议使用 UUID）。同一调用方以相同的键和相同的请求重试时"
    "返回首次成功的响应（响应头 Idempotent-Replayed: true），不会重复写入；相同的键配不同的请求返回 422。",
)


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"


def caller_id(request):
    """Keys are per caller: per API key, or per user for session callers."""
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.prefix}"
    return f"user:{request.user.pk}"


def _file_digest(upload):
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return {"name": upload.name, "size": upload.size, "sha256": sha.hexdigest()}


def request_hash(request):
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


class IdempotentPostMixin:
    """Put before the view class: ``class V(IdempotentPostMixin, generics.CreateAPIView)``.
    A view with its own POST logic puts it in ``handle_post``, not ``post``."""

    def handle_post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return self.handle_post(request, *args, **kwargs)
        key = key.strip()
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise DomainError(f"请求头 {HEADER} 须为 1—{MAX_KEY_LENGTH} 个字符。",
                              code="invalid_idempotency_key")
        lookup = {"board": request.board, "caller": caller_id(request), "key": key}
        fingerprint = request_hash(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(**lookup, request_hash=fingerprint, status_code=0)
            except IntegrityError:
                return self._replay(IdempotencyKey.objects.get(**lookup), fingerprint)
            response = self.handle_post(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # an answered error keeps nothing, the key included
                return response
            record.status_code = response.status_code
            record.response = json.loads(JSONRenderer().render(response.data) or b"null")
            record.save(update_fields=["status_code", "response"])
        return response

    @staticmethod
    def _replay(record, fingerprint):
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                f"幂等键「{record.key}」已用于另一个不同的请求。重试同一请求请原样发送；新的请求请使用新的幂等键。",
                details={"key": record.key})
        return Response(record.response, status=record.status_code, headers={"Idempotent-Replayed": "true"})
