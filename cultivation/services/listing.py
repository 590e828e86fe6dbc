"""Writes of a listing path (上市培育).

证监办函〔2022〕840号 (十一) 2–3 and 附件2 (三)「券商合作。联合券商和中介机构，帮助专板企业在上市前2-3年
改制为股份有限公司」「交易所对接……持续为专板企业提供规范运作、上市(挂牌)辅导……服务」.

Invariants:
- one path per enterprise and board (uniq_listing_path: a second enrolment answers 409);
- stages follow the path in order (the FSM); each milestone is dated no later than today and no
  earlier than the latest stage already reached; 辅导备案 needs a serving securities firm;
- the serving firm is a securities firm the board's configuration admits (cultivation.securities_body,
  through the kernel's FederationDirectory), checked when chosen;
- every write records a milestone and an evidence entry, and tells the firm's and the
  enterprise's users after commit (notify queues its mail on commit).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, Institution
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire
from cultivation import selectors
from cultivation.actions import CultivationAction
from cultivation.models import ListingMilestone, ListingPath, Stage

# Evidence actions, declared once.
ENROLLED = CultivationAction.LISTING_ENROLLED
ADVANCED = CultivationAction.LISTING_ADVANCED
FIRM_ASSIGNED = CultivationAction.LISTING_FIRM_ASSIGNED
WITHDRAWN = CultivationAction.LISTING_WITHDRAWN

# Transition → the stage it reaches.
ADVANCES = {"convert": Stage.JOINT_STOCK, "file_tutoring": Stage.TUTORING, "communicate": Stage.COMMUNICATION,
            "file_application": Stage.FILED, "list_shares": Stage.LISTED}


def date_refusal(path: ListingPath | None, on: dt.date) -> str | None:
    """Why a milestone cannot be dated ``on`` (for the form, next to the field), or None."""
    if on > timezone.localdate():
        return f"日期 {on:%Y-%m-%d} 晚于今天，只能登记已发生的节点。"
    if path is not None and on < path.last_date():
        return (f"日期 {on:%Y-%m-%d} 早于上一节点（{path.get_stage_display()}，"
                f"{path.last_date():%Y-%m-%d}），培育节点须按时间先后登记。")
    return None


def _firm_users(board: Board, firm: Institution | None) -> list[User]:
    if firm is None:
        return []
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__institution=firm,
        board_memberships__is_active=True).distinct())


def _tell(path: ListingPath, title: str, body: str = "") -> None:
    users = [*_firm_users(path.board, path.securities_firm), *path.enterprise.users.filter(is_active=True)]
    if users:
        notify(path.board, users, "cultivation.listing", title, body,
               reverse("cultivation-path", kwargs={"board": path.board.slug, "pk": path.pk}))


def _check_firm(board: Board, firm: Institution | None) -> None:
    if firm is not None:
        refusal = selectors.firm_refusal(board, firm)
        if refusal:
            raise DomainError(refusal, code="firm_not_eligible", details={"field": "securities_firm"})


def _milestone(path: ListingPath, stage: str, on: dt.date, actor: User, reference: str = "",
               note: str = "") -> ListingMilestone:
    return ListingMilestone.objects.create(board=path.board, path=path, stage=stage, occurred_on=on,
                                           reference=reference, note=note, recorded_by=actor,
                                           securities_firm=path.securities_firm)


@transaction.atomic
def enrol(board: Board, *, enterprise: Enterprise, target_market: str, enrolled_on: dt.date, actor: User,
          securities_firm: Institution | None = None, note: str = "") -> ListingPath:
    """Enter ``enterprise`` into listing cultivation (培育入库) on ``enrolled_on``."""
    if enterprise.board_id != board.pk:
        raise DomainError("该企业不在本专板。", code="foreign_enterprise")
    refusal = date_refusal(None, enrolled_on)
    if refusal:
        raise DomainError(refusal, code="invalid_date", details={"field": "enrolled_on"})
    _check_firm(board, securities_firm)
    try:
        with transaction.atomic():
            path = ListingPath.objects.create(board=board, enterprise=enterprise, target_market=target_market,
                                              enrolled_on=enrolled_on, securities_firm=securities_firm,
                                              created_by=actor)
    except IntegrityError:
        raise Conflict(f"{enterprise.name}已有上市培育档案，请在原档案上继续登记。",
                       code="already_enrolled") from None
    milestone = _milestone(path, Stage.CULTIVATING, enrolled_on, actor, note=note)
    evidence.record(board, ENROLLED, actor=actor, subject=path, payload={
        "enterprise": enterprise.pk, "credit_code": enterprise.credit_code, "target_market": target_market,
        "enrolled_on": enrolled_on, "securities_firm": securities_firm.code if securities_firm else None,
        "milestone": milestone.pk})
    _tell(path, f"{enterprise.name}已纳入上市培育", f"拟上市板块：{path.get_target_market_display()}。")
    return path


@transaction.atomic
def advance(path: ListingPath, *, actor: User, action: str, occurred_on: dt.date, reference: str = "",
            note: str = "") -> ListingPath:
    """Record the next stage of ``path`` (transition ``action``) reached on ``occurred_on``."""
    path = locked(path, "enterprise", "securities_firm")
    refusal = date_refusal(path, occurred_on)
    if refusal:
        raise DomainError(refusal, code="invalid_date", details={"field": "occurred_on"})
    if action == "file_tutoring" and path.securities_firm_id is None:
        raise DomainError("辅导备案须先确定服务券商。", code="firm_required")
    before = path.stage
    fire(path, action, occurred_on, field_name="stage")
    path.save()
    stage = ADVANCES[action]
    milestone = _milestone(path, stage, occurred_on, actor, reference, note)
    evidence.record(path.board, ADVANCED, actor=actor, subject=path, payload={
        "enterprise": path.enterprise_id, "from": before, "to": stage, "occurred_on": occurred_on,
        "reference": reference,
        "securities_firm": path.securities_firm.code if path.securities_firm else None,
        "milestone": milestone.pk})
    _tell(path, f"{path.enterprise.name}上市培育进入「{Stage(stage).label}」",
          f"日期：{occurred_on:%Y-%m-%d}。")
    return path


@transaction.atomic
def assign_firm(path: ListingPath, *, actor: User, securities_firm: Institution,
                note: str = "") -> ListingPath:
    """Name (or change) the securities firm serving ``path``."""
    path = locked(path, "enterprise", "securities_firm")
    if path.stage in (Stage.LISTED, Stage.WITHDRAWN):
        raise Conflict("培育已结束，不能更换服务券商。", code="path_closed")
    _check_firm(path.board, securities_firm)
    previous = path.securities_firm
    path.securities_firm = securities_firm
    path.save(update_fields=["securities_firm"])
    evidence.record(path.board, FIRM_ASSIGNED, actor=actor, subject=path, payload={
        "enterprise": path.enterprise_id, "from": previous.code if previous else None,
        "to": securities_firm.code, "note": note})
    _tell(path, f"{securities_firm.name}担任{path.enterprise.name}上市培育服务券商", note)
    return path


@transaction.atomic
def withdraw(path: ListingPath, *, actor: User, occurred_on: dt.date, reason: str) -> ListingPath:
    """End cultivation of ``path`` before listing, with the reason."""
    path = locked(path, "enterprise", "securities_firm")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("终止培育须写明原因。", code="reason_required", details={"field": "reason"})
    refusal = date_refusal(path, occurred_on)
    if refusal:
        raise DomainError(refusal, code="invalid_date", details={"field": "occurred_on"})
    before = path.stage
    fire(path, "withdraw", occurred_on, reason, field_name="stage")
    path.save()
    milestone = _milestone(path, Stage.WITHDRAWN, occurred_on, actor, note=reason)
    evidence.record(path.board, WITHDRAWN, actor=actor, subject=path, payload={
        "enterprise": path.enterprise_id, "from": before, "occurred_on": occurred_on, "reason": reason,
        "milestone": milestone.pk})
    return path
