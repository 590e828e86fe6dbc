"""Equity custody (登记托管): the share register of an admitted enterprise.

Invariants:
- a register holds confirmed holdings plus one custody account (托管专户) with every unconfirmed
  share, under the register's responsible party; together they always make ``total_shares``;
- every change of a holding is a ShareChange written in the same transaction, so a holding's
  balance is the running sum of its changes (ShareChange itself refuses update and delete);
- confirmed shares only grow (transfers move confirmed shares between holders), so once they
  reach the tier's threshold the confirmation deadline is met for good;
- percentages are Decimal and compared exactly: 74.9 % fails a 75 % threshold.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    ShareChange,
    Shareholding,
    ShareRegister,
    TierChangeKind,
)
from boards.kernel import evidence
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import cancel_deadline, meet_deadline, open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import DayBasis, Deadline, DeadlineState, StoredFile
from boards.kernel.scoping import board_scope

DEADLINE_KIND = "boards.custody.confirmation"
DEFAULT_CONFIG = {"workdays": 60, "min_confirmed_pct": "75", "tier_min_confirmed_pct": {"cultivation": "80"}}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --- Configuration (section "custody") --------------------------------------------------------


def parse_pct(value: object) -> Decimal:
    """A percentage written as a string or an integer (a float is not exact), in (0, 100]."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(value)
    try:
        pct = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None
    if not pct.is_finite() or not 0 < pct <= HUNDRED:
        raise ValueError(value)
    return pct


def _pct_errors(name: str | None, value: object) -> list[str]:
    try:
        parse_pct(value)
    except ValueError:
        return [f'{name} 必须是 0 到 100 之间的百分比，写成字符串如 "75"，当前为 {value!r}']
    return []


def validate_config(value: object) -> list[str]:
    if not isinstance(value, dict):
        return ["必须是键值对象"]
    errors = [f"未知配置项 {key}；可用: {', '.join(DEFAULT_CONFIG)}"
              for key in value if key not in DEFAULT_CONFIG]
    workdays = value.get("workdays")
    if not isinstance(workdays, int) or isinstance(workdays, bool) or workdays < 1:
        errors.append(f"workdays 必须是正整数，当前为 {workdays!r}")
    errors += _pct_errors("min_confirmed_pct", value.get("min_confirmed_pct"))
    overrides = value.get("tier_min_confirmed_pct")
    if not isinstance(overrides, dict):
        return errors + ['tier_min_confirmed_pct 必须是 {"层级代码": "比例"} 对象']
    for tier, pct in overrides.items():
        errors += _pct_errors(f"tier_min_confirmed_pct.{tier}", pct)
    return errors


def required_pct(enterprise: Enterprise) -> Decimal:
    """The confirmed share the enterprise's tier must reach, in percent."""
    board = enterprise.board
    overrides = board.setting("custody.tier_min_confirmed_pct", {})
    return parse_pct(overrides.get(enterprise.tier, board.setting("custody.min_confirmed_pct")))


# --- Reads -----------------------------------------------------------------------------------


def confirmed_shares(register: ShareRegister) -> Decimal:
    return sum((h.shares for h in register.holdings.all() if h.confirmed), Decimal(0))


def confirmed_pct(register: ShareRegister) -> Decimal:
    return confirmed_shares(register) * HUNDRED / register.total_shares


def threshold_reached(register: ShareRegister) -> bool:
    # Multiplied out rather than divided, so the comparison is exact.
    return confirmed_shares(register) * HUNDRED >= required_pct(register.enterprise) * register.total_shares


def custody_account(register: ShareRegister) -> Shareholding:
    return register.holdings.get(in_custody_account=True)


def custody_deadline(register: ShareRegister) -> Deadline | None:
    """The register's confirmation deadline (any state), or None."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(ShareRegister), object_id=str(register.pk),
        kind=DEADLINE_KIND,
    ).first()


def overdue_registers(at: dt.datetime | None = None) -> QuerySet[ShareRegister]:
    """Registers whose confirmation deadline passed without the threshold being reached."""
    late = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(ShareRegister), kind=DEADLINE_KIND,
        state=DeadlineState.OPEN, due_at__lt=at or timezone.now(),
        object_id=Cast(OuterRef("pk"), models.CharField()),
    )
    return ShareRegister.objects.filter(Exists(late))


# --- Writes ----------------------------------------------------------------------------------


def _shares(value: Decimal | str | int) -> Decimal:
    try:
        shares = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"股数「{value}」不是有效数字。", code="invalid_shares") from None
    if not shares.is_finite() or shares <= 0 or shares != shares.quantize(CENT):
        raise DomainError(f"股数必须大于 0，最多两位小数，当前为 {value}。", code="invalid_shares")
    return shares.quantize(CENT)


def _move(holding: Shareholding, kind: str, delta: Decimal, *, actor: User | None, note: str = "",
          evidence_file: StoredFile | None = None) -> ShareChange:
    holding.shares += delta
    holding.save(update_fields=["shares", "confirmed", "confirmed_on"])
    return ShareChange.objects.create(
        board=holding.board, register_id=holding.register_id, holding=holding, kind=kind, delta=delta,
        balance_after=holding.shares, note=note, evidence=evidence_file, actor=actor,
    )


def _holder(register: ShareRegister, name: str | None, id_number: str | None) -> Shareholding:
    """The confirmed holding of a holder (created empty), locked."""
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写股东名称。", code="holder_required")
    holding, _ = Shareholding.objects.select_for_update().get_or_create(
        board=register.board, register=register, holder_name=name, holder_id_number=(id_number or "").strip(),
        in_custody_account=False, defaults={"shares": 0, "confirmed": True},
    )
    return holding


def holder(register: ShareRegister, name: str | None, id_number: str | None) -> Shareholding:
    """The confirmed holding of a holder on ``register`` (created empty), locked."""
    return _holder(register, name, id_number)


def move_between(source: Shareholding, target: Shareholding, shares: Decimal, *, out_kind: str, in_kind: str,
                 out_note: str, in_note: str, actor: User | None = None,
                 evidence_file: StoredFile | None = None) -> tuple[ShareChange, ShareChange]:
    """Move ``shares`` from ``source`` to ``target`` (both locked by the caller), each side journalled as
    a ShareChange; returns the (out, in) changes. The caller checks the balance and records evidence."""
    return (_move(source, out_kind, -shares, actor=actor, note=out_note, evidence_file=evidence_file),
            _move(target, in_kind, shares, actor=actor, note=in_note, evidence_file=evidence_file))


def _admitted_at(enterprise: Enterprise) -> dt.datetime:
    if enterprise.admitted_on is None:
        return timezone.now()
    return dt.datetime.combine(enterprise.admitted_on, dt.time.min, tzinfo=SHANGHAI)


@transaction.atomic
def open_register(enterprise: Enterprise, *, total_shares: Decimal | str | int, responsible_party: str | None,
                  actor: User | None = None) -> ShareRegister:
    """Open the register of an admitted enterprise: every share starts in the custody account,
    and the confirmation clock (``custody.workdays`` working days from admission) starts."""
    enterprise = Enterprise.objects.select_for_update().select_related("board").get(pk=enterprise.pk)
    if enterprise.status != EnterpriseStatus.ADMITTED:
        raise DomainError(f"「{enterprise}」尚未入板，不能建立股东名册。", code="not_admitted")
    if ShareRegister.objects.filter(enterprise=enterprise).exists():
        raise Conflict(f"「{enterprise}」已建立股东名册。", code="register_exists")
    total = _shares(total_shares)
    responsible_party = (responsible_party or "").strip()
    if not responsible_party:
        raise DomainError("请填写托管账户责任主体。", code="responsible_party_required")
    board = enterprise.board
    register = ShareRegister.objects.create(
        board=board, enterprise=enterprise, total_shares=total, custody_responsible_party=responsible_party,
        opened_on=timezone.localdate(),
    )
    account = Shareholding.objects.create(board=board, register=register, holder_name="托管专户",
                                          shares=0, in_custody_account=True)
    _move(account, "opening", total, actor=actor,
          note=f"建立名册，全部股份记入托管专户（责任主体：{responsible_party}）")
    workdays = board.setting("custody.workdays")
    deadline = open_deadline(
        board, register, DEADLINE_KIND, f"{enterprise.name} 股权确权达标", workdays, DayBasis.WORKING,
        starts_at=_admitted_at(enterprise),
        url=reverse("admin:boards_shareregister_change", args=[register.pk]),
    )
    evidence.record(board, EnterpriseAction.CUSTODY_REGISTER_OPENED, actor=actor, subject=register, payload={
        "enterprise": enterprise.pk, "total_shares": total, "responsible_party": responsible_party,
        "due_at": deadline.due_at, "required_pct": required_pct(enterprise),
    })
    return register


def _meet_if_reached(register: ShareRegister) -> bool:
    deadline = custody_deadline(register)
    reached = threshold_reached(register)
    if reached and deadline is not None and deadline.state == DeadlineState.OPEN:
        meet_deadline(deadline)
    return reached


@transaction.atomic
def confirm_shares(register: ShareRegister, *, holder_name: str, shares: Decimal | str | int,
                   holder_id_number: str = "", actor: User | None = None, note: str = "",
                   evidence_file: StoredFile | None = None) -> Shareholding:
    """Move ``shares`` out of the custody account to the holder who confirmed them (确权)."""
    register = locked(register, "enterprise")
    shares = _shares(shares)
    account = register.holdings.select_for_update().get(in_custody_account=True)
    if shares > account.shares:
        raise DomainError(f"托管专户中未确权股份仅剩 {account.shares}，不能确权 {shares}。",
                          code="exceeds_custody", details={"available": str(account.shares)})
    holder = _holder(register, holder_name, holder_id_number)
    holder.confirmed_on = timezone.localdate()
    _move(account, "custody", -shares, actor=actor, note=f"转出至已确权股东 {holder.holder_name}",
          evidence_file=evidence_file)
    _move(holder, "confirmation", shares, actor=actor, note=note, evidence_file=evidence_file)
    reached = _meet_if_reached(register)
    evidence.record(register.board, EnterpriseAction.CUSTODY_SHARES_CONFIRMED, actor=actor, subject=register,
                    payload={"holder": holder.holder_name, "holding": holder.pk, "shares": shares,
                             "confirmed_pct": confirmed_pct(register),
                             "required_pct": required_pct(register.enterprise), "threshold_reached": reached})
    return holder


@transaction.atomic
def transfer_shares(holding: Shareholding, *, to_holder_name: str, shares: Decimal | str | int,
                    to_holder_id_number: str = "", actor: User | None = None, note: str = "",
                    evidence_file: StoredFile | None = None) -> Shareholding:
    """Transfer confirmed shares from ``holding`` to another holder (created if new)."""
    source = Shareholding.objects.select_for_update().get(pk=holding.pk)
    register = locked(source.register, "enterprise")
    shares = _shares(shares)
    if source.in_custody_account:
        raise DomainError("托管专户中的股份须先确权，不能直接转让。", code="custody_not_transferable")
    if shares > source.shares:
        raise DomainError(f"{source.holder_name} 仅持有 {source.shares}，不能转出 {shares}。",
                          code="exceeds_holding", details={"available": str(source.shares)})
    target = _holder(register, to_holder_name, to_holder_id_number)
    if target.pk == source.pk:
        raise DomainError("转出方与受让方是同一股东。", code="same_holder")
    target.confirmed_on = target.confirmed_on or timezone.localdate()
    _move(source, "transfer_out", -shares, actor=actor, note=f"转让给 {target.holder_name}。{note}".strip(),
          evidence_file=evidence_file)
    _move(target, "transfer_in", shares, actor=actor, note=f"受让自 {source.holder_name}。{note}".strip(),
          evidence_file=evidence_file)
    evidence.record(register.board, EnterpriseAction.CUSTODY_SHARES_TRANSFERRED, actor=actor,
                    subject=register,
                    payload={"from": source.pk, "to": target.pk, "shares": shares})
    return target


def on_tier_changed(sender: object, *, enterprise_id: int, board_id: int, kind: str,
                    actor_id: int | None = None, **kwargs: Any) -> None:
    """Admission opens the register (total = registered capital, responsible party = the legal
    representative) on boards running custody; removal cancels a pending confirmation clock."""
    if kind not in (TierChangeKind.ADMISSION, TierChangeKind.REMOVAL):
        return
    with board_scope(board_id):
        enterprise = Enterprise.objects.select_related("board").get(pk=enterprise_id)
        if "custody" not in enterprise.board.setting("modules", []):
            return
        register = ShareRegister.objects.filter(enterprise=enterprise).first()
        if kind == TierChangeKind.REMOVAL:
            deadline = custody_deadline(register) if register else None
            if deadline is not None and deadline.state in (DeadlineState.OPEN, DeadlineState.PAUSED):
                cancel_deadline(deadline)
        elif register is None and enterprise.registered_capital:
            actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
            open_register(enterprise, total_shares=enterprise.registered_capital,
                          responsible_party=enterprise.legal_representative or enterprise.name, actor=actor)
