"""The panel: a fair draw without conflicts, vacancies refilled, silent experts replaced."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.deadlines import (
    open_deadline,
)
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import DayBasis
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.workflow import fire
from reviews import draw as panel_draw
from reviews.actions import ReviewAction
from reviews.models import (
    CaseState,
    Expert,
    PanelDraw,
    PanelSeat,
    ReviewCase,
    SeatState,
)
from reviews.selectors import (
    active_seats,
    opinions_open,
    portal_seat_url,
)
from reviews.services.base import OPEN_CLOCK, _close_clocks, _local


def _draw(case: ReviewCase, *, needed: int, actor: User | None, seed: int | None = None,
          replacing: PanelSeat | None = None) -> list[PanelSeat]:
    """Draw ``needed`` experts onto the case; records the PanelDraw and its evidence."""
    pool = panel_draw.build_pool(case)
    kept = [{"id": seat.expert_id, "field": seat.expert.field}
            for seat in active_seats(case).select_related("expert").order_by("expert_id")]
    seed = panel_draw.new_seed() if seed is None else seed
    chosen = panel_draw.pick(seed, pool.candidates, needed, case.rules["field_mix"], kept,
                             excluded=len(pool.exclusions))
    record = PanelDraw.objects.create(
        board=case.board, case=case, seed=seed, needed=needed, field_mix=case.rules["field_mix"],
        candidates=pool.candidates, exclusions=pool.exclusions, kept=kept, chosen=chosen,
        replacing=replacing, drawn_by=actor)
    experts = Expert.objects.select_related("user").in_bulk(chosen)
    seats = [PanelSeat.objects.create(board=case.board, case=case, expert=experts[pk], draw=record)
             for pk in chosen]
    evidence.record(case.board, ReviewAction.PANEL_REPLACED if replacing else ReviewAction.PANEL_DRAWN,
                    actor=actor, subject=case, payload={
                        "draw": record.pk, "seed": seed, "needed": needed, "candidates": pool.candidates,
                        "exclusions": pool.exclusions, "kept": kept, "chosen": chosen,
                        "replacing": getattr(replacing, "pk", None)})
    return seats


@transaction.atomic
def draw_panel(case: ReviewCase, *, actor: User, seed: int | None = None) -> list[PanelSeat]:
    """Draw the whole panel (``seed`` only to reproduce a draw; normally a fresh one)."""
    case = locked(case, "enterprise")
    fire(case, "draw_panel")
    seats = _draw(case, needed=case.panel_size, actor=actor, seed=seed)
    case.save()
    return seats


def _send_seat(case: ReviewCase, seat: PanelSeat, now: dt.datetime) -> None:
    fire(seat, "send", now)
    url = portal_seat_url(seat)
    seat.receipt_deadline = open_deadline(
        case.board, seat, "reviews.receipt", f"确认收悉评审材料：{case}",
        case.board.setting("reviews.receipt_days", 1), DayBasis.CALENDAR, starts_at=now,
        assignee=seat.expert.user, url=url)
    seat.save()
    notify(case.board, [seat.expert.user], "reviews.assigned", f"新的评审任务：{case}",
           "请登录专家评审平台下载材料并确认收悉；确认后开始计算评审期限。", url)


def _refill(case: ReviewCase, *, actor: User | None, replacing: PanelSeat | None = None) -> list[PanelSeat]:
    """Draw replacements for every vacant seat; send them the material if it went out."""
    vacancies = case.panel_size - active_seats(case).count()
    if vacancies <= 0:
        raise Conflict("评审组没有空缺，无需补抽。", code="no_vacancy")
    seats = _draw(case, needed=vacancies, actor=actor, replacing=replacing)
    if case.state in (CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED):
        now = timezone.now()
        for seat in seats:
            _send_seat(case, seat, now)
    return seats


def _try_refill(case: ReviewCase, *, actor: User | None, replacing: PanelSeat) -> list[PanelSeat]:
    """Replace a seat that just closed; a failed draw leaves the vacancy and tells staff."""
    try:
        with transaction.atomic():
            return _refill(case, actor=actor, replacing=replacing)
    except DomainError as exc:
        evidence.record(case.board, ReviewAction.PANEL_REPLACEMENT_FAILED, actor=actor, subject=case,
                        payload={"seat": replacing.pk, "reason": exc.message})
        notify_staff(case.board, case, "reviews.replacement_failed", f"补抽专家失败：{case}", exc.message)
        return []


@transaction.atomic
def fill_vacancies(case: ReviewCase, *, actor: User) -> list[PanelSeat]:
    """Staff draw replacements for vacant seats (after a replacement draw had failed)."""
    case = locked(case, "enterprise")
    if case.state not in (CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED):
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能补抽专家。", code="illegal_state")
    return _refill(case, actor=actor)


@transaction.atomic
def decline_seat(seat: PanelSeat, *, reason: str, actor: User) -> PanelSeat:
    """The expert declines (or staff record that they did); a replacement is drawn."""
    case = locked(seat.case, "enterprise")
    seat = locked(seat, "expert__user", "receipt_deadline", "review_deadline")
    if case.state not in (CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED):
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能再拒绝参加评审。", code="illegal_state")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明拒绝或回避的理由。", code="invalid")
    fire(seat, "decline", reason, timezone.now())
    seat.save()
    _close_clocks(seat)
    evidence.record(case.board, ReviewAction.SEAT_DECLINED, actor=actor, subject=seat,
                    payload={"case": case.pk, "expert": seat.expert_id, "reason": reason})
    _try_refill(case, actor=actor, replacing=seat)
    return seat


@transaction.atomic
def replace_silent_seats(case: ReviewCase, *, actor: User | None = None) -> list[PanelSeat]:
    """Replace every expert whose receipt clock ran out without a confirmation."""
    case = locked(case, "enterprise")
    now = timezone.now()
    silent = list(PanelSeat.objects.select_for_update(of=("self",)).select_related("receipt_deadline")
                  .filter(case=case, state=SeatState.SENT, receipt_deadline__due_at__lt=now))
    for seat in silent:
        fire(seat, "replace_silent", now)
        seat.save()
        _close_clocks(seat)
        evidence.record(case.board, ReviewAction.SEAT_SILENT, actor=actor, subject=seat,
                        payload={"case": case.pk, "expert": seat.expert_id,
                                 "receipt_due_at": seat.receipt_deadline.due_at})
        _try_refill(case, actor=actor, replacing=seat)
    return silent


def _owes(case: ReviewCase, seat: PanelSeat) -> str | None:
    if seat.state == SeatState.SENT:
        return "确认收悉评审材料"
    if seat.state == SeatState.RECEIVED and opinions_open(case, seat):
        return "提交评审意见"
    return None


@transaction.atomic
def remind_late_experts(case: ReviewCase, *, actor: User) -> int:
    """Remind every expert who still owes a receipt or an opinion. Returns how many."""
    case = locked(case, "enterprise")
    reminded: list[int] = []
    for seat in active_seats(case).select_related("expert__user", "board", "receipt_deadline",
                                                  "review_deadline"):
        what = _owes(case, seat)
        if what is None:
            continue
        deadline = seat.receipt_deadline if seat.state == SeatState.SENT else seat.review_deadline
        due = f"，期限 {_local(deadline.due_at)}" if deadline and deadline.state in OPEN_CLOCK else ""
        notify(case.board, [seat.expert.user], "reviews.reminder", f"请尽快{what}：{case}",
               f"交易中心提醒您尽快{what}{due}。", portal_seat_url(seat))
        reminded.append(seat.pk)
    evidence.record(case.board, ReviewAction.EXPERTS_REMINDED, actor=actor, subject=case,
                    payload={"seats": reminded})
    return len(reminded)
