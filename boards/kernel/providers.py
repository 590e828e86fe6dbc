"""Interfaces one domain app offers the others, registered by the providing app in its
``AppConfig.ready``. The kernel names the interface (a Protocol), never the app behind it; a
missing provider fails loudly instead of silently answering nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class FederationDirectory(Protocol):
    """The alliance's federations (联合会) and their members, as other apps need them."""

    def bodies(self) -> dict[str, str]:
        """Every federation code with its Chinese name."""

    def admitted_members(self, board: Any, body: str) -> QuerySet:
        """Institutions admitted (入会获准) to ``body`` on ``board``."""

    def membership_refusal(self, board: Any, institution: Any, body: str) -> str | None:
        """Why ``institution`` is not an admitted member of ``body`` on ``board`` and what to do
        about it, in Chinese; None when it is one."""


@dataclass(frozen=True)
class InvestorInterest:
    """An investor whose stated interests fit some of the given enterprises: which, and why."""

    institution: Any
    enterprise_ids: tuple[int, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OpenedMatchmaking:
    """The matchmaking opened (or already running) for an investor and an enterprise; ``pk`` None
    when none could be opened, ``text`` says which, in Chinese."""

    pk: int | None
    text: str


class InvestorDirectory(Protocol):
    """The alliance's investors as other apps need them (a roadshow inviting investors and turning
    the interest they show into matchmakings)."""

    def interested_investors(self, board: Any, enterprises: list) -> list[InvestorInterest]:
        """The admitted members the board pushes enterprises to whose stated interests (对接偏好)
        fit at least one of ``enterprises``; none on a board without the alliance."""

    def open_matchmaking(self, board: Any, *, institution: Any, enterprise: Any, actor: Any, source: str,
                         note: str) -> OpenedMatchmaking:
        """Open a matchmaking (对接项目) of ``institution`` with ``enterprise`` showing interest, in
        the caller's transaction; the one already active when there is one."""


T = TypeVar("T")
_PROVIDERS: dict[Any, Any] = {}

# ``interface`` is a Protocol class. It is typed as a callable returning T because mypy refuses a
# Protocol where ``type[T]`` is expected (python/mypy#4717); the callable form infers T the same.


def register_provider(interface: Callable[..., T], implementation: T) -> None:
    _PROVIDERS[interface] = implementation


def provider(interface: Callable[..., T]) -> T:
    try:
        return cast(T, _PROVIDERS[interface])
    except KeyError:
        name = getattr(interface, "__name__", repr(interface))
        raise ImproperlyConfigured(f"no app provides {name}") from None
