"""Opening a case, its materials, their delivery to the panel, and supplements."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from boards.enterprises.models import Enterprise, FinancingEvent, FinancingKind
from boards.kernel import evidence
from boards.kernel.deadlines import (
    meet_deadline,
    open_deadline,
    pause_deadline,
    resume_deadline,
)
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.files import store_upload
from boards.kernel.locking import locked
from boards.kernel.models import Board, DayBasis, Institution
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.workflow import fire
from reviews.actions import ReviewAction
from reviews.config import panel_rule, panel_size_allowed, review_type
from reviews.models import (
    CaseMaterial,
    CaseState,
    PanelSeat,
    ReviewCase,
    SeatState,
    SupplementRequest,
)
from reviews.selectors import (
    active_seats,
    portal_seat_url,
)
from reviews.services.base import MATERIAL_TYPES
from reviews.services.panels import _send_seat

# --- Opening and drawing -------------------------------------------------------------------------


@transaction.atomic
def open_case(board: Board, *, kind: str, enterprise: Enterprise, actor: User,
              opened_by_institution: Institution | None = None, panel_size: int | None = None,
              reason: str = "") -> ReviewCase:
    """Open a review of ``enterprise``. An institution may open one only where the type allows
    it and only if it invested in the enterprise (an equity FinancingEvent on file)."""
    rules = review_type(board, kind)
    if enterprise.board_id != board.pk:
        raise NotFound("未找到该企业。")
    size = panel_size or rules["panel_min"]
    if not panel_size_allowed(rules, size):
        raise DomainError(f"{rules['name']}的评审组{panel_rule(rules)}，不能是 {size} 人。",
                          code="invalid_panel_size")
    codes = {regulator.get("code") for regulator in board.regulators}
    missing = [code for code in rules["filed_with"] if code not in codes]
    if missing:
        raise DomainError(f"{rules['name']}配置的报备单位 {'、'.join(missing)} 不是本专板的报备监管机构，"
                          "请先修正专板配置。", code="invalid_config")
    if opened_by_institution is not None:
        if not rules["investor_may_open"]:
            raise DomainError(f"{rules['name']}只能由交易中心发起。", code="not_openable")
        invested = FinancingEvent.objects.filter(enterprise=enterprise, investor=opened_by_institution,
                                                 kind=FinancingKind.EQUITY).exists()
        if not invested:
            raise DomainError(f"没有「{opened_by_institution}」投资「{enterprise}」的记录：只有已投资该企业的"
                              f"投融资联合会成员才能发起{rules['name']}。", code="not_investor")
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)  # one opening at a time
    running = ReviewCase.objects.filter(board=board, enterprise=enterprise, kind=kind).exclude(
        state=CaseState.ARCHIVED).first()
    if running:
        raise Conflict(f"「{enterprise}」已有未归档的{rules['name']}（案件 {running.pk}，"
                       f"{running.get_state_display()}），不能重复发起。", code="case_exists",
                       details={"case": running.pk})
    case = ReviewCase.objects.create(
        board=board, kind=kind, enterprise=enterprise, opened_by_institution=opened_by_institution,
        opened_by=actor, reason=reason, rules=rules, panel_size=size)
    evidence.record(board, ReviewAction.CASE_OPENED, actor=actor, subject=case, payload={
        "kind": kind, "enterprise": enterprise.pk, "panel_size": size, "rules": rules,
        "opened_by_institution": getattr(opened_by_institution, "pk", None)})
    return case


# --- Material --------------------------------------------------------------------------------------


@transaction.atomic
def add_material(case: ReviewCase, *, title: str, uploaded_file: File, actor: User,
                 supplement: SupplementRequest | None = None) -> CaseMaterial:
    case = locked(case, "enterprise")
    if case.state not in (CaseState.CREATED, CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT,
                          CaseState.MEETING_SCHEDULED):
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能再添加评审材料。", code="illegal_state")
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写材料名称。", code="invalid")
    stored = store_upload(case.board, uploaded_file, purpose="reviews.material", user=actor,
                          allowed=MATERIAL_TYPES)
    material = CaseMaterial.objects.create(board=case.board, case=case, title=title, file=stored,
                                           supplement=supplement)
    evidence.record(case.board, ReviewAction.MATERIAL_ADDED, actor=actor, subject=case, payload={
        "material": material.pk, "title": title, "sha256": stored.sha256,
        "supplement": getattr(supplement, "pk", None)})
    if case.material_sent_at:
        for seat in active_seats(case).exclude(state=SeatState.DRAWN).select_related("expert__user", "board"):
            notify(case.board, [seat.expert.user], "reviews.material_added", f"评审材料已更新：{case}",
                   f"新增材料「{title}」。", portal_seat_url(seat))
    return material


@transaction.atomic
def send_material(case: ReviewCase, *, actor: User) -> ReviewCase:
    case = locked(case, "enterprise")
    now = timezone.now()
    fire(case, "send_material", now)
    if not case.materials.exists():
        raise Conflict("请先上传评审材料，再送达专家。", code="no_material")
    case.save()
    seats = list(PanelSeat.objects.select_for_update(of=("self",)).select_related("expert__user", "board")
                 .filter(case=case, state=SeatState.DRAWN))
    for seat in seats:
        _send_seat(case, seat, now)
    evidence.record(case.board, ReviewAction.MATERIAL_SENT, actor=actor, subject=case, payload={
        "seats": [seat.pk for seat in seats],
        "materials": list(case.materials.values_list("file__sha256", flat=True))})
    return case


def record_download(seat: PanelSeat, material: CaseMaterial, *, actor: User) -> None:
    """Log an expert's download of a case material."""
    evidence.record(seat.board, ReviewAction.MATERIAL_DOWNLOADED, actor=actor, subject=material.case,
                    payload={"seat": seat.pk, "material": material.pk, "sha256": material.file.sha256})


# --- The expert's steps ----------------------------------------------------------------------------


@transaction.atomic
def confirm_receipt(seat: PanelSeat, *, actor: User) -> PanelSeat:
    """The expert confirms receipt: the receipt clock is met and their review clock starts."""
    case = locked(seat.case, "enterprise")
    seat = locked(seat, "expert__user", "receipt_deadline", "review_deadline")
    now = timezone.now()
    fire(seat, "confirm_receipt", now)
    assert seat.receipt_deadline is not None, "a seat sent the material has its receipt clock"
    meet_deadline(seat.receipt_deadline, now)
    what = "会前审阅评审材料" if case.is_meeting else "提交评审意见"
    seat.review_deadline = open_deadline(
        case.board, seat, "reviews.review", f"{what}：{case}", case.rules["review_days"], DayBasis.CALENDAR,
        starts_at=now, assignee=seat.expert.user, url=portal_seat_url(seat))
    seat.save()
    evidence.record(case.board, ReviewAction.SEAT_RECEIVED, actor=actor, subject=seat,
                    payload={"case": case.pk, "due_at": seat.review_deadline.due_at})
    return seat


@transaction.atomic
def request_supplement(seat: PanelSeat, *, text: str, actor: User) -> SupplementRequest:
    """The expert asks for material; their clock pauses and the exchange asks the enterprise."""
    case = locked(seat.case, "enterprise")
    seat = locked(seat, "expert__user", "receipt_deadline", "review_deadline")
    if case.state != CaseState.MATERIAL_SENT:
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能再申请补充材料。", code="illegal_state")
    fire(seat, "request_supplement")
    text = (text or "").strip()
    if not text:
        raise DomainError("请写明需要企业补充的材料。", code="invalid")
    seat.save()
    assert seat.review_deadline is not None, "a seat that received the material has its review clock"
    pause_deadline(seat.review_deadline)
    supplement = SupplementRequest.objects.create(board=case.board, seat=seat, text=text)
    notify_staff(case.board, case, "reviews.supplement_requested", f"专家申请补充材料：{case.enterprise}",
                  f"{seat.expert.name}：{text}\n请联系企业补充，并在后台上传补充材料；在此期间该专家的评审期限暂停。")
    evidence.record(case.board, ReviewAction.SUPPLEMENT_REQUESTED, actor=actor, subject=seat,
                    payload={"case": case.pk, "supplement": supplement.pk, "text": text})
    return supplement


@transaction.atomic
def provide_supplement(supplement: SupplementRequest, *, actor: User, title: str = "",
                       uploaded_file: File | None = None) -> SupplementRequest:
    """Staff pass on what the enterprise supplied; the expert's clock resumes."""
    case = locked(supplement.seat.case, "enterprise")
    seat = locked(supplement.seat, "expert__user", "receipt_deadline", "review_deadline")
    supplement = SupplementRequest.objects.select_for_update().get(pk=supplement.pk)
    if supplement.provided_at:
        raise Conflict("该补充材料要求已经处理过了。", code="already_provided")
    now = timezone.now()
    if uploaded_file is not None:
        add_material(case, title=title or f"补充材料：{supplement.text[:40]}", uploaded_file=uploaded_file,
                     actor=actor, supplement=supplement)
    supplement.provided_at, supplement.provided_by = now, actor
    supplement.save(update_fields=["provided_at", "provided_by"])
    if seat.state == SeatState.SUPPLEMENT_REQUESTED:  # the expert may have declined meanwhile
        fire(seat, "receive_supplement")
        seat.save()
        assert seat.review_deadline is not None, "a seat waiting for a supplement has its review clock"
        resume_deadline(seat.review_deadline, now)
        notify(case.board, [seat.expert.user], "reviews.supplement_provided", f"补充材料已送达：{case}",
               "您申请的补充材料已送达，评审期限恢复计时。", portal_seat_url(seat))
    evidence.record(case.board, ReviewAction.SUPPLEMENT_PROVIDED, actor=actor, subject=seat,
                    payload={"case": case.pk, "supplement": supplement.pk})
    return supplement
