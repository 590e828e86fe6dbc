"""API keys in the product: an institution's users create, name, list and revoke their keys on
their own page; staff revoke any key of their board in the admin; ``manage.py issue_api_key``
issues one from the command line. The full key is shown once, when it is created; only the
SHA-256 of its secret is stored (boards.kernel.api.authentication)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.access import INSTITUTION_ROLES, membership_institution
from boards.kernel.actions import KernelAction
from boards.kernel.api.authentication import KEYWORD, generate_key, hash_secret
from boards.kernel.errors import DomainError
from boards.kernel.locking import locked
from boards.kernel.models import ApiKey, Board, Institution

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MAX_ACTIVE_KEYS = 10  # per institution and board: a leaked-key clean-up stays small


def key_institution(user: User | AnonymousUser, board: Board) -> Institution:
    """The institution ``user`` represents on ``board`` (institution user or credit enhancer);
    anyone else gets the same 404 as for a board that does not exist."""
    institution = membership_institution(user, board, *INSTITUTION_ROLES)
    if institution is None:
        raise Http404("未找到该页面。")
    return institution


def keys_of(board: Board, institution: Institution) -> QuerySet[ApiKey]:
    """The institution's keys on the board, newest first (active ones before revoked ones)."""
    return (ApiKey.objects.filter(board=board, institution=institution).select_related("user")
            .order_by("revoked_at", "-created_at"))


def issue_key(board: Board, institution: Institution, user: User, *, label: str = "",
              actor: User | None = None) -> tuple[ApiKey, str]:
    """Create a key for ``user`` acting for ``institution`` on ``board``; returns the key and the
    full key text, which is never stored and cannot be shown again."""
    with transaction.atomic():
        active = ApiKey.objects.select_for_update().filter(board=board, institution=institution,
                                                           revoked_at=None)
        if len(active) >= MAX_ACTIVE_KEYS:
            raise DomainError(f"本机构在本专板已有 {MAX_ACTIVE_KEYS} 个有效密钥，请先吊销不用的密钥。",
                              code="too_many_keys")
        prefix, secret, full_key = generate_key()
        key = ApiKey.objects.create(board=board, institution=institution, user=user, label=label.strip(),
                                    prefix=prefix, key_hash=hash_secret(secret))
        evidence.record(board, KernelAction.API_KEY_CREATED, actor=actor or user, subject=key,
                        payload={"prefix": prefix, "institution": institution.code, "label": key.label})
    return key, full_key


def revoke_key(key: ApiKey, *, actor: User | None) -> ApiKey:
    """Revoke ``key`` now (a revoked key stays listed, with when it was revoked)."""
    with transaction.atomic():
        key = locked(key, "institution")
        if key.revoked_at is not None:
            when = f"{timezone.localtime(key.revoked_at):%Y-%m-%d %H:%M}"
            raise DomainError(f"密钥 {key.prefix}… 已于 {when} 吊销。", code="already_revoked")
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        evidence.record(key.board, KernelAction.API_KEY_REVOKED, actor=actor, subject=key,
                        payload={"prefix": key.prefix, "institution": key.institution.code})
    return key


def access_key(user: User | AnonymousUser, board: Board, pk: int) -> ApiKey:
    """One key of the institution ``user`` represents on ``board``; any other answers 404."""
    return get_object_or_404(keys_of(board, key_institution(user, board)), pk=pk)


def header_example(full_key: str) -> str:
    return f"Authorization: {KEYWORD} {full_key}"
