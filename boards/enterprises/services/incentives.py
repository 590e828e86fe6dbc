"""Writes of equity incentives (股权激励 / 员工持股计划): registering a plan, disclosing it to its
participants, granting, vesting, exercising and transferring — each share that moves is a ShareChange
of the enterprise's register, written by custody's journal in the same transaction.

证监办函〔2022〕840号 (十二)：“区域性股权市场要为股权激励和员工持股计划相关的股份（股权）、期权提供登记托管、
转让、信息披露等相关服务。” (十六)：认可“依法合规实施并在区域性股权市场进行登记托管的股权激励和员工持股计划”.
附件2 (二)：“设计优化股份（股权）非公开发行业务流程，保证股份（股权）变动信息可追溯。”

Invariants:
- a plan's shares come from one confirmed holding of the enterprise's register (not the custody
  account), which holds the pool when the plan is registered; grants never exceed the pool;
- only a plan disclosed to its participants (定向披露) grants; a terminated plan grants nothing more;
- restricted stock and ESOP shares move from the source to the participant at grant; options move
  at exercise, only vested and not yet exercised ones, at the plan's price (行权缴款 = price × shares);
- tranche k of N vests on the k-th anniversary of the grant, N equal parts (the last takes the cents);
- only vested (unlocked) shares — for options, exercised ones — are transferred, through custody's
  transfer, so the register journals it like any transfer;
- every write is evidenced; its payload names the ShareChange rows it wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Enterprise,
    EventKind,
    Grant,
    IncentiveEvent,
    IncentivePlan,
    Participant,
    PlanKind,
    PlanState,
    ShareChange,
    Shareholding,
    ShareRegister,
)
from boards.enterprises.services import custody
from boards.kernel import evidence
from boards.kernel.errors import DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire

CENT = Decimal("0.01")
MOVES_AT_GRANT = (PlanKind.RESTRICTED, PlanKind.ESOP)


def _field(message: str, code: str, field: str) -> DomainError:
    return DomainError(message, code=code, details={"field": field})


def _positive(value: Decimal | None, field: str, label: str) -> Decimal:
    if value is None or value <= 0 or value != value.quantize(CENT):
        raise _field(f"{label}必须大于 0，最多两位小数。", "invalid_shares", field)
    return value


def plan_url(plan: IncentivePlan) -> str:
    return reverse("incentive-plan", args=[plan.board.slug, plan.pk])


# --- Plans --------------------------------------------------------------------------------------------


@transaction.atomic
def register_plan(
    enterprise: Enterprise,
    *,
    name: str,
    kind: str,
    source: Shareholding | None,
    pool_shares: Decimal | None,
    vesting_years: int | None,
    approved_on: dt.date,
    summary: str,
    basis: str,
    actor: User,
    exercise_price: Decimal | None = None,
) -> IncentivePlan:
    """Register a plan of ``enterprise`` whose shares come from ``source`` (a holding of its register)."""
    register = ShareRegister.objects.filter(enterprise=enterprise).first()
    if register is None:
        raise _field(f"{enterprise.name}尚未建立股东名册，请先办理登记托管。", "no_register", "source")
    source = (
        Shareholding.objects.select_for_update().filter(pk=source.pk, register=register).first()
        if source is not None
        else None
    )
    if source is None or source.in_custody_account or not source.confirmed:
        raise _field(
            "激励股份须来自该企业股东名册中已确权的股东（不能是托管专户）。", "invalid_source", "source"
        )
    pool_shares = _positive(pool_shares, "pool_shares", "激励股份总数")
    if pool_shares > source.shares:
        raise _field(
            f"{source.holder_name}仅持有 {source.shares:,.2f} 股，不足激励股份总数 {pool_shares:,.2f} 股。",
            "exceeds_source",
            "pool_shares",
        )
    if kind not in PlanKind.values:
        raise _field("请选择激励方式。", "invalid_kind", "kind")
    if kind == PlanKind.OPTION and (exercise_price is None or exercise_price <= 0):
        raise _field("股票期权须写明行权价格（元/股）。", "price_required", "exercise_price")
    vesting_years = vesting_years or 0
    if not 1 <= vesting_years <= 10:
        raise _field("归属期数须在 1 到 10 年之间。", "invalid_vesting", "vesting_years")
    if approved_on > timezone.localdate():
        raise _field("审议通过日期不能晚于今天。", "invalid_date", "approved_on")
    if not (summary or "").strip():
        raise _field("请填写计划要点。", "summary_required", "summary")
    plan = IncentivePlan.objects.create(
        board=enterprise.board,
        enterprise=enterprise,
        register=register,
        source=source,
        name=name.strip(),
        kind=kind,
        pool_shares=pool_shares,
        exercise_price=exercise_price if kind == PlanKind.OPTION else None,
        vesting_years=vesting_years,
        approved_on=approved_on,
        summary=summary.strip(),
        basis=basis.strip(),
        registered_by=actor,
    )
    evidence.record(
        plan.board,
        EnterpriseAction.INCENTIVE_PLAN_REGISTERED,
        actor=actor,
        subject=plan,
        payload={
            "enterprise": enterprise.pk,
            "name": plan.name,
            "kind": kind,
            "source": source.pk,
            "pool_shares": pool_shares,
            "exercise_price": plan.exercise_price,
            "vesting_years": vesting_years,
            "approved_on": approved_on,
        },
    )
    return plan


def _audience(plan: IncentivePlan) -> list[User]:
    """Who the plan is disclosed to: its participants with an account, and the enterprise's users."""
    users = {p.user for p in plan.participants.select_related("user") if p.user is not None}
    users |= set(plan.enterprise.users.filter(is_active=True))
    return sorted(users, key=lambda u: u.pk)


@transaction.atomic
def disclose_plan(plan: IncentivePlan, *, actor: User) -> IncentivePlan:
    """定向披露: the plan goes to its participants (and the enterprise), nobody else."""
    plan = locked(plan, "enterprise")
    fire(plan, "disclose", timezone.now())
    plan.save()
    audience = _audience(plan)
    notify(
        plan.board,
        audience,
        "boards.incentive.disclosed",
        f"股权激励计划定向披露：{plan}",
        "该计划仅向激励对象披露，请查阅计划要点及您的授予情况。",
        plan_url(plan),
    )
    evidence.record(
        plan.board,
        EnterpriseAction.INCENTIVE_PLAN_DISCLOSED,
        actor=actor,
        subject=plan,
        payload={"audience": [u.pk for u in audience]},
    )
    return plan


@transaction.atomic
def terminate_plan(plan: IncentivePlan, *, actor: User, reason: str) -> IncentivePlan:
    plan = locked(plan, "enterprise")
    reason = (reason or "").strip()
    if not reason:
        raise _field("请写明终止原因。", "reason_required", "reason")
    fire(plan, "terminate", reason)
    plan.save()
    evidence.record(
        plan.board,
        EnterpriseAction.INCENTIVE_PLAN_TERMINATED,
        actor=actor,
        subject=plan,
        payload={"reason": reason},
    )
    return plan


# --- Grants -------------------------------------------------------------------------------------------


def granted(plan: IncentivePlan) -> Decimal:
    return sum((g.shares for g in plan.grants.all()), Decimal(0))


def _change_ids(changes: Iterable[ShareChange]) -> list[int]:
    return [change.pk for change in changes]


@transaction.atomic
def _participant_account(board: Board, username: str) -> User | None:
    """The active account ``username`` if it may take part on ``board``: one with a membership here, or an
    account with none at all (an employee's own login). Another board's account answers like a missing
    one, so a board's staff can neither attach it nor learn that it exists."""
    accounts = get_user_model().objects.filter(username=username, is_active=True)
    return (accounts.filter(Q(board_memberships__board=board) | Q(board_memberships__isnull=True))
            .distinct().first())


def grant(plan: IncentivePlan, *, name: str, id_number: str, position: str, shares: Decimal,
          granted_on: dt.date, actor: User, username: str = "") -> Grant:
    """Grant ``shares`` to a participant (created on first grant); restricted and ESOP shares move
    from the plan's source to the participant's holding now."""
    plan = locked(plan, "enterprise", "source")
    if plan.state != PlanState.DISCLOSED:
        raise DomainError("计划须先向激励对象定向披露，方可授予。", code="not_disclosed")
    shares = _positive(shares, "shares", "授予数量")
    left = plan.pool_shares - granted(plan)
    if shares > left:
        raise _field(f"计划剩余可授予 {left:,.2f} 股，不能授予 {shares:,.2f} 股。", "exceeds_pool", "shares")
    if granted_on > timezone.localdate() or granted_on < plan.approved_on:
        raise _field("授予日须在计划审议通过之后，且不晚于今天。", "invalid_date", "granted_on")
    id_number, name = (id_number or "").strip(), (name or "").strip()
    if not id_number or not name:
        raise _field("请填写激励对象姓名和证件号码。", "participant_required", "name")
    user = None
    if username:
        user = _participant_account(plan.board, username.strip())
        if user is None:
            raise _field(f"没有登录账号「{username}」。", "unknown_user", "username")
    participant, created = Participant.objects.get_or_create(
        board=plan.board,
        plan=plan,
        id_number=id_number,
        defaults={"name": name, "position": (position or "").strip(), "user": user},
    )
    if not created:  # the same person (by ID number): what this grant says of them must agree
        _same_participant(participant, name, user)
    item = Grant.objects.create(
        board=plan.board, plan=plan, participant=participant, shares=shares, granted_on=granted_on
    )
    changes: tuple[ShareChange, ...] = ()
    if plan.kind in MOVES_AT_GRANT:
        changes = _to_participant(plan, item, shares, actor, f"股权激励授予（{plan.name}）")
    IncentiveEvent.objects.create(
        board=plan.board,
        grant=item,
        kind=EventKind.GRANT,
        shares=shares,
        occurred_on=granted_on,
        actor=actor,
        share_change=changes[1] if changes else None,
    )
    evidence.record(
        plan.board,
        EnterpriseAction.INCENTIVE_GRANTED,
        actor=actor,
        subject=item,
        payload={
            "plan": plan.pk,
            "participant": participant.pk,
            "shares": shares,
            "granted_on": granted_on,
            "share_changes": _change_ids(changes),
        },
    )
    if participant.user is not None:
        notify(
            plan.board,
            [participant.user],
            "boards.incentive.grant_notice",
            f"股权激励授予：{plan}",
            f"您获授 {shares:,.2f} 股（{plan.get_kind_display()}）。",
            plan_url(plan),
        )
    return item


def _same_participant(participant: Participant, name: str, user: User | None) -> None:
    """A later grant to ``participant``: a login given now is linked (so the plan is disclosed to
    them); another name or another login for the same ID number is refused, not dropped."""
    if name != participant.name:
        raise _field(f"证件号码 {participant.id_number} 已登记为激励对象{participant.name}，与所填姓名不符。",
                     "participant_mismatch", "name")
    if user is None or participant.user_id == user.pk:
        return
    if participant.user is not None:
        raise _field(f"激励对象{participant.name}已关联登录账号「{participant.user.username}」。",
                     "participant_account_mismatch", "username")
    participant.user = user
    participant.save(update_fields=["user"])


def _to_participant(plan: IncentivePlan, item: Grant, shares: Decimal, actor: User,
                    note: str) -> tuple[ShareChange, ShareChange]:
    """Move ``shares`` from the plan's source to the participant's holding (created on first move)."""
    source = Shareholding.objects.select_for_update().get(pk=plan.source_id)
    if shares > source.shares:
        raise _field(
            f"激励股份来源{source.holder_name}仅持有 {source.shares:,.2f} 股。", "exceeds_source", "shares"
        )
    target = custody.holder(plan.register, item.participant.name, item.participant.id_number)
    item.holding = target
    item.save(update_fields=["holding"])
    return custody.move_between(
        source,
        target,
        shares,
        out_kind="incentive_out",
        in_kind="incentive_in",
        out_note=f"{note}：转给激励对象 {item.participant.name}",
        in_note=f"{note}：受让自 {source.holder_name}",
        actor=actor,
    )


def next_vesting(item: Grant) -> tuple[dt.date, Decimal] | None:
    """The date and shares of the grant's next tranche, None when all have vested."""
    total = item.plan.vesting_years
    if item.vested_tranches >= total:
        return None
    k = item.vested_tranches + 1
    on = item.granted_on
    try:
        on = on.replace(year=on.year + k)
    except ValueError:  # 29 February
        on = on.replace(year=on.year + k, day=28)
    part = (item.shares / total).quantize(CENT, rounding=ROUND_DOWN)
    return on, (item.shares - item.vested_shares if k == total else part)


def vesting_refusal(item: Grant, on: dt.date | None = None) -> str | None:
    upcoming = next_vesting(item)
    if upcoming is None:
        return "全部归属期均已归属。"
    if item.plan.state == PlanState.TERMINATED:
        return "计划已终止，不再归属。"
    if (on or timezone.localdate()) < upcoming[0]:
        k = item.vested_tranches + 1
        return f"第 {k} 期定于 {upcoming[0]:%Y-%m-%d} 归属（授予满 {k} 年），尚未到期。"
    return None


@transaction.atomic
def vest(item: Grant, *, actor: User, on: dt.date | None = None) -> Grant:
    """The next tranche vests (restricted stock unlocks; options become exercisable)."""
    item = locked(item, "plan", "participant")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise _field("归属日期不能晚于今天。", "invalid_date", "on")
    refusal = vesting_refusal(item, on)
    if refusal:
        raise DomainError(refusal, code="not_due")
    upcoming = next_vesting(item)
    assert upcoming is not None, "vesting_refusal refuses a grant with every tranche vested"
    _, shares = upcoming
    item.vested_tranches += 1
    item.vested_shares += shares
    item.save(update_fields=["vested_tranches", "vested_shares"])
    IncentiveEvent.objects.create(
        board=item.board,
        grant=item,
        kind=EventKind.VEST,
        shares=shares,
        occurred_on=on,
        note=f"第 {item.vested_tranches} 期",
        actor=actor,
    )
    evidence.record(
        item.board,
        EnterpriseAction.INCENTIVE_VESTED,
        actor=actor,
        subject=item,
        payload={
            "tranche": item.vested_tranches,
            "shares": shares,
            "vested_shares": item.vested_shares,
            "on": on,
        },
    )
    return item


@transaction.atomic
def exercise(item: Grant, *, shares: Decimal, actor: User, on: dt.date | None = None) -> Grant:
    """Exercise vested options: the shares move from the source to the participant, at the plan's price."""
    item = locked(item, "plan", "participant")
    plan = IncentivePlan.objects.select_related("register", "source").get(pk=item.plan_id)
    if plan.kind != PlanKind.OPTION:
        raise DomainError("只有股票期权需要行权。", code="not_an_option")
    shares = _positive(shares, "shares", "行权数量")
    exercisable = item.vested_shares - item.exercised_shares
    if shares > exercisable:
        raise _field(
            f"可行权 {exercisable:,.2f} 股（已归属未行权），不能行权 {shares:,.2f} 股。",
            "exceeds_vested",
            "shares",
        )
    changes = _to_participant(plan, item, shares, actor, f"期权行权（{plan.name}）")
    item.exercised_shares += shares
    item.save(update_fields=["exercised_shares"])
    assert plan.exercise_price is not None, "an option plan is registered with its price"
    amount = (shares * plan.exercise_price).quantize(CENT)
    IncentiveEvent.objects.create(
        board=item.board,
        grant=item,
        kind=EventKind.EXERCISE,
        shares=shares,
        occurred_on=on or timezone.localdate(),
        amount=amount,
        share_change=changes[1],
        actor=actor,
    )
    evidence.record(
        item.board,
        EnterpriseAction.INCENTIVE_EXERCISED,
        actor=actor,
        subject=item,
        payload={
            "shares": shares,
            "price": plan.exercise_price,
            "amount": amount,
            "share_changes": _change_ids(changes),
        },
    )
    return item


def transferable(item: Grant) -> Decimal:
    held = item.exercised_shares if item.plan.kind == PlanKind.OPTION else item.vested_shares
    return held - item.transferred_shares


@transaction.atomic
def transfer(item: Grant, *, to_holder_name: str, to_holder_id_number: str, shares: Decimal, actor: User,
             note: str = "") -> Grant:
    """Transfer vested (unlocked) or exercised shares through custody's transfer (转让登记)."""
    item = locked(item, "plan", "participant", "holding")
    shares = _positive(shares, "shares", "转让数量")
    if shares > transferable(item):
        raise _field(
            f"可转让 {transferable(item):,.2f} 股（已解锁或已行权、未转让），不能转让 {shares:,.2f} 股。",
            "exceeds_transferable",
            "shares",
        )
    holding = item.holding
    assert holding is not None, "shares that can be transferred were moved to the participant's holding"
    before = set(holding.register.changes.values_list("pk", flat=True))
    custody.transfer_shares(
        holding,
        to_holder_name=to_holder_name,
        to_holder_id_number=to_holder_id_number,
        shares=shares,
        actor=actor,
        note=f"股权激励股份转让（{item.plan.name}）。{note}".strip(),
    )
    changes = list(holding.register.changes.exclude(pk__in=before).order_by("pk"))
    item.transferred_shares += shares
    item.save(update_fields=["transferred_shares"])
    IncentiveEvent.objects.create(
        board=item.board,
        grant=item,
        kind=EventKind.TRANSFER,
        shares=shares,
        occurred_on=timezone.localdate(),
        note=f"受让方：{to_holder_name}",
        share_change=changes[0] if changes else None,
        actor=actor,
    )
    evidence.record(
        item.board,
        EnterpriseAction.INCENTIVE_TRANSFERRED,
        actor=actor,
        subject=item,
        payload={"to": to_holder_name, "shares": shares, "share_changes": _change_ids(changes)},
    )
    return item
