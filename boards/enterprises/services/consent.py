"""Data consent (数据授权): an enterprise shares data categories with one institution, or with
every alliance member of the board (``institution`` NULL), until an expiry; revocable at any time.

Invariants:
- a consent is in force at ``t`` when granted_at <= t < expires_at and it was not revoked by ``t``;
  what an institution may read of an enterprise is the union of the consents in force for it;
- every grant includes ``basic``: data an institution cannot attribute to an enterprise is of no
  use, and filtering or ordering on basic fields then reveals nothing that was not consented;
- grants and revocations write evidence entries; so does every read by an institution (API).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import DataCategory, DataConsent, Enterprise
from boards.kernel import datause, evidence
from boards.kernel.access import INSTITUTION_ROLES
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import Board, EvidenceEntry, Institution


def alliance_members(board: Board) -> QuerySet[Institution]:
    """Institutions whose users hold an institution role on ``board``."""
    return Institution.objects.filter(
        boardmembership__board=board, boardmembership__role__in=INSTITUTION_ROLES,
        boardmembership__is_active=True,
    ).distinct()


def in_force(at: dt.datetime | None = None) -> Q:
    """Q of the consents in force at ``at`` (now by default)."""
    at = at or timezone.now()
    return Q(granted_at__lte=at, expires_at__gt=at) & (Q(revoked_at=None) | Q(revoked_at__gt=at))


def in_force_at(consent: DataConsent, at: dt.datetime) -> bool:
    """The same test as ``in_force`` for one consent already loaded."""
    return (consent.granted_at <= at < consent.expires_at
            and (consent.revoked_at is None or consent.revoked_at > at))


def consent_map(institution: Institution, *, at: dt.datetime | None = None,
                enterprise: Enterprise | None = None,
                enterprises: Iterable[int] | None = None) -> dict[int, frozenset[str]]:
    """``{enterprise_id: frozenset(categories)}`` of what ``institution`` may read at ``at``
    (of ``enterprise`` or of the ids in ``enterprises`` only, when given)."""
    grants = DataConsent.objects.filter(in_force(at), Q(institution=institution) | Q(institution=None))
    if enterprise is not None:
        grants = grants.filter(enterprise=enterprise)
    if enterprises is not None:
        grants = grants.filter(enterprise_id__in=enterprises)
    result: dict[int, frozenset[str]] = {}
    for enterprise_id, categories in grants.values_list("enterprise_id", "categories"):
        result[enterprise_id] = result.get(enterprise_id, frozenset()) | frozenset(categories)
    return result


def consent_categories_subquery(institution: Institution, at: dt.datetime) -> Subquery | None:
    """On PostgreSQL, an expression for an Enterprise queryset: the category lists of every consent in
    force for ``institution`` (or for all members) of that enterprise, so that a page of
    enterprises and what each consents to come in one query (``merge_categories`` turns it into
    the categories). None elsewhere: use ``consent_map``."""
    if connection.vendor != "postgresql":
        return None
    from django.contrib.postgres.aggregates import JSONBAgg

    grants = DataConsent.objects.filter(in_force(at), Q(institution=institution) | Q(institution=None),
                                        enterprise=OuterRef("pk"))
    return Subquery(grants.values("enterprise").annotate(lists=JSONBAgg("categories")).values("lists"))


def merge_categories(lists: Iterable[Iterable[str]] | None) -> frozenset[str]:
    return frozenset(category for categories in lists or () for category in categories)


def consented_categories(enterprise: Enterprise, institution: Institution,
                         at: dt.datetime | None = None) -> set[str]:
    """The set of DataCategory values ``enterprise`` shares with ``institution`` at ``at``."""
    return set(consent_map(institution, at=at, enterprise=enterprise).get(enterprise.pk, ()))


def consenting_enterprises(institution: Institution, category: str | None = None,
                           at: dt.datetime | None = None) -> QuerySet[Enterprise]:
    """Enterprises that share ``category`` (any category when None) with ``institution``."""
    ids = [pk for pk, categories in consent_map(institution, at=at).items()
           if category is None or category in categories]
    return Enterprise.objects.filter(pk__in=ids)


def _clean_categories(categories: Iterable[str] | None) -> list[str]:
    categories = list(dict.fromkeys(categories or ()))
    unknown = [c for c in categories if c not in DataCategory.values]
    if unknown:
        raise DomainError(f"未知的数据类别：{'、'.join(map(str, unknown))}。", code="invalid_category",
                          details={"allowed": DataCategory.values})
    if not categories:
        raise DomainError("请至少选择一个授权的数据类别。", code="invalid_category")
    if DataCategory.BASIC not in categories:
        raise DomainError(f"授权任何数据类别都须同时授权「{DataCategory.BASIC.label}」，"
                          "否则机构无法识别数据所属的企业。", code="basic_required")
    return [c for c in DataCategory.values if c in categories]


@transaction.atomic
def grant_consent(enterprise: Enterprise, *, categories: Iterable[str], expires_at: dt.datetime, actor: User,
                  institution: Institution | None = None) -> DataConsent:
    """Share ``categories`` with ``institution`` (every alliance member when None) until
    ``expires_at``."""
    categories = _clean_categories(categories)
    now = timezone.now()
    if expires_at <= now:
        raise DomainError("授权到期时间必须晚于当前时间。", code="invalid_expiry")
    if institution is not None and not alliance_members(enterprise.board).filter(pk=institution.pk).exists():
        raise DomainError(f"「{institution}」不是本专板的联盟成员机构，不能向其授权。",
                          code="not_alliance_member")
    consent = DataConsent.objects.create(
        board=enterprise.board, enterprise=enterprise, institution=institution, categories=categories,
        granted_by=actor, granted_at=now, expires_at=expires_at,
    )
    evidence.record(enterprise.board, EnterpriseAction.CONSENT_GRANTED, actor=actor, subject=consent,
                    payload={
        "enterprise": enterprise.pk, "institution": getattr(institution, "pk", None),
        "categories": categories, "expires_at": expires_at,
    })
    return consent


@transaction.atomic
def revoke_consent(consent: DataConsent, *, actor: User) -> DataConsent:
    """End a consent now. Revoking one that is no longer in force is a 409."""
    consent = DataConsent.objects.select_for_update().select_related("board").get(pk=consent.pk)
    now = timezone.now()
    if consent.revoked_at is not None:
        raise Conflict(f"该授权已于 {timezone.localtime(consent.revoked_at):%Y-%m-%d %H:%M} 撤回。",
                       code="already_revoked")
    if consent.expires_at <= now:
        raise Conflict("该授权已过期，无需撤回。", code="expired")
    consent.revoked_at = now
    consent.save(update_fields=["revoked_at"])
    evidence.record(consent.board, EnterpriseAction.CONSENT_REVOKED, actor=actor, subject=consent, payload={
        "enterprise": consent.enterprise_id, "institution": consent.institution_id,
        "categories": consent.categories,
    })
    return consent


READ_ACTION = EnterpriseAction.ENTERPRISE_READ_BY_INSTITUTION


def uses_in_read(payload: dict) -> list[datause.Use]:
    """The data uses of one ``READ_ACTION`` entry: each enterprise read and its categories."""
    return [datause.Use(int(pk), payload.get("institution"), tuple(categories))
            for pk, categories in payload.get("categories", {}).items()]


def record_institution_read(board: Board, *, institution: Institution, actor: User,
                            consents: Mapping[int, Iterable[str]], view: str,
                            query: dict[str, Any] | None = None) -> EvidenceEntry:
    """Evidence of one read of enterprise data by ``institution``: the enterprises read (ids of
    ``consents``, a consent map restricted to them) and the categories returned for each."""
    return evidence.record(board, READ_ACTION, actor=actor, payload={
        "institution": institution.pk, "view": view,
        "enterprises": sorted(consents),
        "categories": {str(pk): sorted(categories) for pk, categories in sorted(consents.items())},
        "query": query or {},
    })
