"""API keys: ``Authorization: Api-Key <prefix>.<secret>``. Only SHA-256 of the secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.models import ApiKey, BoardMembership

if TYPE_CHECKING:
    from django.contrib.auth.models import User

KEYWORD = "Api-Key"
# last_used_at is refreshed at most this often: no database write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key() -> tuple[str, str, str]:
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{prefix}.{secret}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate_header(self, request: Request) -> str:
        return KEYWORD

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, token = header.partition(" ")
        if keyword != KEYWORD:
            return None
        prefix, _, secret = token.strip().partition(".")
        if not prefix or not secret:
            raise exceptions.AuthenticationFailed("API 密钥格式应为 <前缀>.<密钥>。")
        # The roles the key's user holds on the key's board come with the key (one query, not two):
        # a key acts with the institution roles only (boards.kernel.api.permissions.caller_roles).
        holds = {f"holds_{role}": Exists(BoardMembership.objects.filter(
            user=OuterRef("user"), board=OuterRef("board"), is_active=True, role=role))
            for role in INSTITUTION_ROLES}
        key = ApiKey.objects.select_related("institution", "user", "board").annotate(**holds).filter(
            prefix=prefix, revoked_at=None).first()
        if key is None or not hmac.compare_digest(key.key_hash, hash_secret(secret)):
            raise exceptions.AuthenticationFailed("API 密钥无效或已吊销。")
        board = getattr(request._request, "board", None)
        if board is not None and board.pk != key.board_id:
            # A key is valid only on its own board; elsewhere the board does not exist for it.
            raise exceptions.NotFound("未找到该专板。")
        if not key.user.is_active:
            raise exceptions.AuthenticationFailed("该 API 密钥所代表的用户已停用。")
        key.roles = frozenset(role for role in INSTITUTION_ROLES if getattr(key, f"holds_{role}"))
        self._touch(key)
        return key.user, key

    @staticmethod
    def _touch(key: ApiKey) -> None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now

