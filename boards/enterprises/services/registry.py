"""Writes on the enterprise registry and tiers. Every function runs in the caller's board
scope, inside one transaction, locks what it changes and writes the evidence entry."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    FinancialYear,
    FinancingEvent,
    Qualification,
    QualificationKind,
    ServiceRecord,
    TierChange,
    TierChangeKind,
    TierEntryPermit,
)
from boards.enterprises.signals import tier_changed
from boards.kernel import evidence
from boards.kernel.locking import locked
from boards.kernel.models import Board, Institution, StoredFile
from boards.kernel.signals import service_delivered

TIER_CHANGE_ACTIONS: dict[str, EnterpriseAction] = {
    TierChangeKind.ADMISSION: EnterpriseAction.ENTERPRISE_TIER_ADMISSION,
    TierChangeKind.PROMOTION: EnterpriseAction.ENTERPRISE_TIER_PROMOTION,
    TierChangeKind.DEMOTION: EnterpriseAction.ENTERPRISE_TIER_DEMOTION,
    TierChangeKind.REMOVAL: EnterpriseAction.ENTERPRISE_TIER_REMOVAL,
    TierChangeKind.CONFIRMED: EnterpriseAction.ENTERPRISE_TIER_CONFIRMED,
}


@transaction.atomic
def record_innovation_recognition(enterprise: Enterprise, *, source: str,
                                  actor: User | None = None) -> Qualification:
    """A passed innovation-recognition review makes the enterprise 创新型 (called by reviews)."""
    enterprise = locked(enterprise)
    qualification, created = Qualification.objects.get_or_create(
        board=enterprise.board, enterprise=enterprise, kind=QualificationKind.INNOVATIVE_ENTERPRISE,
        source=source, defaults={"issuer": "专家委员会"},
    )
    evidence.record(enterprise.board, EnterpriseAction.ENTERPRISE_RECOGNISED_INNOVATIVE, actor=actor,
                    subject=enterprise, payload={"source": source, "qualification": qualification.pk})
    return qualification


@transaction.atomic
def grant_tier_permit(enterprise: Enterprise, *, tier: str, review_kind: str, source: str,
                      actor: User | None = None) -> TierEntryPermit:
    """A passed review allows entry to ``tier`` where the board's tier scheme requires one."""
    enterprise = locked(enterprise)
    permit, _ = TierEntryPermit.objects.get_or_create(
        board=enterprise.board, enterprise=enterprise, tier=tier, review_kind=review_kind,
        defaults={"source": source},
    )
    evidence.record(enterprise.board, EnterpriseAction.ENTERPRISE_TIER_PERMIT_GRANTED, actor=actor,
                    subject=enterprise, payload={"tier": tier, "review_kind": review_kind, "source": source})
    return permit


@transaction.atomic
def add_to_listing_reserve(enterprise: Enterprise, *, source: str,
                           actor: User | None = None) -> Qualification:
    """A passed listing-reserve review adds the enterprise to the 上市后备企业资源库."""
    enterprise = locked(enterprise)
    qualification, _ = Qualification.objects.get_or_create(
        board=enterprise.board, enterprise=enterprise, kind=QualificationKind.LISTING_RESERVE,
        source=source, defaults={"issuer": "专家委员会"},
    )
    evidence.record(enterprise.board, EnterpriseAction.ENTERPRISE_LISTING_RESERVE_ADDED, actor=actor,
                    subject=enterprise, payload={"source": source})
    return qualification


@transaction.atomic
def move_tier(enterprise: Enterprise, *, to_tier: str, kind: str, reason: str,
              actor: User | None = None) -> TierChange:
    """Move an enterprise to ``to_tier`` ('' with kind REMOVAL to remove it), with history.

    Sends ``tier_changed`` once the transaction commits.
    """
    enterprise = locked(enterprise)
    from_tier = enterprise.tier
    enterprise.tier = to_tier
    if kind == TierChangeKind.REMOVAL:
        enterprise.status = EnterpriseStatus.REMOVED
    elif kind == TierChangeKind.ADMISSION:
        enterprise.status = EnterpriseStatus.ADMITTED
    enterprise.save(update_fields=["tier", "status"])
    change = TierChange.objects.create(board=enterprise.board, enterprise=enterprise, kind=kind,
                                       from_tier=from_tier, to_tier=to_tier, reason=reason, actor=actor)
    evidence.record(enterprise.board, TIER_CHANGE_ACTIONS[kind], actor=actor, subject=enterprise,
                    payload={"from": from_tier, "to": to_tier, "reason": reason})
    board_id, enterprise_id = enterprise.board_id, enterprise.pk
    transaction.on_commit(lambda: tier_changed.send(
        sender=Enterprise, enterprise_id=enterprise_id, board_id=board_id, from_tier=from_tier,
        to_tier=to_tier, kind=kind, actor_id=getattr(actor, "pk", None)))
    return change


# --- Enterprise registry ----------------------------------------------------------------------

ENTERPRISE_FIELDS = ("name", "credit_code", "prefecture", "industry", "founded_on", "registered_capital",
                     "legal_representative", "contact_name", "contact_phone", "contact_email",
                     "main_business", "going_concern", "listing_plan")


def _registry_data(data: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = sorted(set(data) - set(ENTERPRISE_FIELDS))
    if unknown:
        raise ValidationError(f"这些字段不能在企业登记中修改：{', '.join(unknown)}（层级、状态另有专门操作）")
    return data


# An enterprise's record that _save_new inserts.
_Record = TypeVar("_Record", Qualification, FinancingEvent, ServiceRecord)


def _values(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def _save_new(obj: _Record, action: EnterpriseAction, actor: User | None, fields: Iterable[str]) -> _Record:
    """Validate and insert ``obj`` (an enterprise's record) and log it on the enterprise."""
    obj.full_clean()
    obj.save()
    evidence.record(obj.board, action, actor=actor, subject=obj.enterprise,
                    payload={"id": obj.pk, **_values(obj, fields)})
    return obj


@transaction.atomic
def create_enterprise(board: Board, *, data: Mapping[str, Any], actor: User | None = None) -> Enterprise:
    """Register an enterprise from ``data`` (keys of ENTERPRISE_FIELDS); the USCC is checked."""
    enterprise = Enterprise(board=board, **_registry_data(data))
    enterprise.full_clean()
    enterprise.save()
    evidence.record(board, EnterpriseAction.ENTERPRISE_CREATED, actor=actor, subject=enterprise,
                    payload=_values(enterprise, data))
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, data: Mapping[str, Any],
                      actor: User | None = None) -> Enterprise:
    """Change registry fields; the evidence entry holds each changed field's old and new value."""
    enterprise = locked(enterprise)
    before = _values(enterprise, _registry_data(data))
    for field, value in data.items():
        setattr(enterprise, field, value)
    enterprise.full_clean()
    enterprise.save(update_fields=list(data))
    changes = {field: [before[field], getattr(enterprise, field)] for field in data
               if before[field] != getattr(enterprise, field)}
    evidence.record(enterprise.board, EnterpriseAction.ENTERPRISE_UPDATED, actor=actor, subject=enterprise,
                    payload={"changes": changes})
    return enterprise


@transaction.atomic
def add_qualification(enterprise: Enterprise, *, kind: str, issuer: str = "",
                      issued_on: dt.date | None = None, valid_until: dt.date | None = None,
                      financing_round: str = "", evidence_file: StoredFile | None = None, source: str = "",
                      actor: User | None = None) -> Qualification:
    enterprise = locked(enterprise)
    if issued_on and valid_until and valid_until < issued_on:
        raise ValidationError({"valid_until": f"有效期至 {valid_until} 早于取得日期 {issued_on}"})
    qualification = Qualification(
        board=enterprise.board, enterprise=enterprise, kind=kind, issuer=issuer, issued_on=issued_on,
        valid_until=valid_until, financing_round=financing_round, evidence=evidence_file, source=source)
    return _save_new(qualification, EnterpriseAction.ENTERPRISE_QUALIFICATION_ADDED, actor,
                     ("kind", "issuer", "issued_on", "valid_until", "financing_round", "evidence_id",
                      "source"))


@transaction.atomic
def record_financials(enterprise: Enterprise, *, year: int, revenue: Decimal, net_profit: Decimal,
                      rd_expense: Decimal | int = 0, total_assets: Decimal | int = 0,
                      actor: User | None = None) -> FinancialYear:
    """Record or correct one year's figures (one row per enterprise and year)."""
    enterprise = locked(enterprise)
    figures = {"revenue": revenue, "net_profit": net_profit, "rd_expense": rd_expense,
               "total_assets": total_assets}
    row = FinancialYear.objects.filter(enterprise=enterprise, year=year).first() or FinancialYear(
        board=enterprise.board, enterprise=enterprise, year=year)
    before = _values(row, figures) if row.pk else None
    for field, value in figures.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    row.refresh_from_db(fields=list(figures))  # the evidence shows the stored figures
    evidence.record(enterprise.board, EnterpriseAction.ENTERPRISE_FINANCIALS_RECORDED, actor=actor,
                    subject=enterprise, payload={"year": row.year, "before": before,
                                                 "after": _values(row, figures)})
    return row


@transaction.atomic
def record_financing(enterprise: Enterprise, *, kind: str, amount: Decimal, investor_name: str,
                     occurred_on: dt.date, financing_round: str = "", investor: Institution | None = None,
                     actor: User | None = None) -> FinancingEvent:
    enterprise = locked(enterprise)
    event = FinancingEvent(board=enterprise.board, enterprise=enterprise, kind=kind, amount=amount,
                           investor_name=investor_name, investor=investor, financing_round=financing_round,
                           occurred_on=occurred_on)
    return _save_new(event, EnterpriseAction.ENTERPRISE_FINANCING_RECORDED, actor,
                     ("kind", "amount", "investor_name", "investor_id", "financing_round", "occurred_on"))


@transaction.atomic
def record_service(enterprise: Enterprise, *, kind: str, occurred_on: dt.date, summary: str, actor: User,
                   institution: Institution | None = None) -> ServiceRecord:
    """A visit or service by staff ``actor`` (optionally provided by a serving institution)."""
    enterprise = locked(enterprise)
    record = ServiceRecord(board=enterprise.board, enterprise=enterprise, kind=kind, occurred_on=occurred_on,
                           summary=summary, staff=actor, institution=institution)
    record = _save_new(record, EnterpriseAction.ENTERPRISE_SERVICE_RECORDED, actor,
                       ("kind", "occurred_on", "summary", "institution_id"))
    # The enterprise may be asked to rate it (satisfaction): whoever listens, after commit.
    transaction.on_commit(lambda: service_delivered.send(
        sender=ServiceRecord, board_id=record.board_id, enterprise_id=record.enterprise_id,
        source=f"boards.servicerecord:{record.pk}", label=f"{record.get_kind_display()}：{summary[:60]}",
        institution_id=record.institution_id, occurred_on=occurred_on))
    return record
