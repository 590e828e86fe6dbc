"""A module a board has not enabled does not exist for it.

Checked once, in ``BoardScopeMiddleware``, for every URL that names a board: pages and API
views are tagged with their module where their URLs are registered (``module_urls``), admin
models by their ModelAdmin's ``module`` attribute (which also hides them from the admin index).
Untagged URLs belong to the kernel and exist on every board.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.urls import ResolverMatch, URLPattern, URLResolver

from boards.kernel.config import module_enabled

if TYPE_CHECKING:
    from boards.kernel.models import Board

ATTR = "zb_module"


def module_urls(name: str, patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Tag every view of ``patterns`` (and of the resolvers they include) as part of module ``name``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module_urls(name, pattern.url_patterns)
            continue
        current = getattr(pattern.callback, ATTR, None)
        if current not in (None, name):
            raise ImproperlyConfigured(f"视图 {pattern.callback!r} 同时属于模块 {current} 和 {name}")
        setattr(pattern.callback, ATTR, name)
    return patterns


def admin_module(model_admin: object) -> str | None:
    return getattr(model_admin, "module", None)


def _admin_by_path() -> dict[tuple[str, str | None], admin.ModelAdmin[Any]]:
    return {(m._meta.app_label, m._meta.model_name): a for m, a in admin.site._registry.items()}


def module_of(match: ResolverMatch) -> str | None:
    """The module a resolved URL belongs to, or None for the kernel's."""
    name = getattr(match.func, ATTR, None)
    if name is None and match.namespace == "admin":
        # Every URL of a ModelAdmin, its own extra views included, sits under admin/<app>/<model>/.
        parts = match.route.split("/")
        if len(parts) > 3:
            name = admin_module(_admin_by_path().get((parts[1], parts[2])))
    return name


def module_closed(board: Board, match: ResolverMatch) -> bool:
    name = module_of(match)
    return name is not None and not module_enabled(board, name)
