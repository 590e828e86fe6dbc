"""Every write of the reviews app: one function per use case, each in one transaction on rows
locked FOR UPDATE (the case before its seats), with its evidence entry; notifications, tasks
and signals once the transaction commits. Functions run inside the case's board scope.

Clocks: each seat's receipt clock runs from sending; its review clock (calendar days) from the
expert's confirmed receipt, paused while a supplement they asked for is awaited. In a meeting
review the meeting may not start before the last of those clocks ends.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from boards.enterprises.models import Enterprise, FinancingEvent, FinancingKind
from boards.enterprises.services import registry as board_services
from boards.kernel import evidence
from boards.kernel.deadlines import (
    cancel_deadline,
    meet_deadline,
    open_deadline,
    pause_deadline,
    resume_deadline,
)
from boards.kernel.errors import Conflict, DomainError, NotFound
from boards.kernel.files import store_upload
from boards.kernel.filings import create_filing
from boards.kernel.models import DayBasis, DeadlineState, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire
from reviews import draw as panel_draw
from reviews.config import review_type
from reviews.forms import ReviewForm
from reviews.models import (
    CaseMaterial,
    CaseState,
    Expert,
    Opinion,
    PanelDraw,
    PanelSeat,
    QualityChallenge,
    ReviewCase,
    ReviewKind,
    SeatState,
    SupplementRequest,
)
from reviews.selectors import (
    active_seats,
    board_members,
    enterprise_case_url,
    opinions_open,
    portal_seat_url,
    service_institution_ids,
)
from reviews.signals import quality_challenge_raised

MATERIAL_TYPES = ("pdf", "docx", "xlsx", "jpg", "png")
SIGNED_FORM_TYPES = ("pdf", "jpg", "png")
OPEN_CLOCK = (DeadlineState.OPEN, DeadlineState.PAUSED)


def _locked_case(case):
    return ReviewCase.objects.select_for_update(of=("self",)).select_related("board", "enterprise").get(
        pk=case.pk)


def _locked_seat(seat):
    return PanelSeat.objects.select_for_update(of=("self",)).select_related(
        "expert__user", "receipt_deadline", "review_deadline").get(pk=seat.pk)


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _admin_url(case):
    return reverse("admin:reviews_reviewcase_change", args=[case.pk])


def _notify_staff(case, verb, title, body):
    notify(case.board, board_members(case.board, Role.EXCHANGE_STAFF), verb, title, body, _admin_url(case))


def _close_clocks(seat):
    for deadline in (seat.receipt_deadline, seat.review_deadline):
        if deadline is not None and deadline.state in OPEN_CLOCK:
            cancel_deadline(deadline)


# --- Opening and drawing -------------------------------------------------------------------------


@transaction.atomic
def open_case(board, *, kind, enterprise, actor, opened_by_institution=None, panel_size=None, reason=""):
    """Open a review of ``enterprise``. An institution may open one only where the type allows
    it and only if it invested in the enterprise (an equity FinancingEvent on file)."""
    rules = review_type(board, kind)
    if enterprise.board_id != board.pk:
        raise NotFound("未找到该企业。")
    size = panel_size or rules["panel_min"]
    if not rules["panel_min"] <= size <= rules["panel_max"]:
        span = (str(rules["panel_min"]) if rules["panel_min"] == rules["panel_max"]
                else f"{rules['panel_min']}–{rules['panel_max']}")
        raise DomainError(f"{rules['name']}的评审组应为 {span} 人，不能是 {size} 人。",
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
    evidence.record(board, "reviews.case.opened", actor=actor, subject=case, payload={
        "kind": kind, "enterprise": enterprise.pk, "panel_size": size, "rules": rules,
        "opened_by_institution": getattr(opened_by_institution, "pk", None)})
    return case


def _draw(case, *, needed, actor, seed=None, replacing=None):
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
    evidence.record(case.board, "reviews.panel.replaced" if replacing else "reviews.panel.drawn",
                    actor=actor, subject=case, payload={
                        "draw": record.pk, "seed": seed, "needed": needed, "candidates": pool.candidates,
                        "exclusions": pool.exclusions, "kept": kept, "chosen": chosen,
                        "replacing": getattr(replacing, "pk", None)})
    return seats


@transaction.atomic
def draw_panel(case, *, actor, seed=None):
    """Draw the whole panel (``seed`` only to reproduce a draw; normally a fresh one)."""
    case = _locked_case(case)
    fire(case, "draw_panel")
    seats = _draw(case, needed=case.panel_size, actor=actor, seed=seed)
    case.save()
    return seats


def _send_seat(case, seat, now):
    fire(seat, "send", now)
    url = portal_seat_url(seat)
    seat.receipt_deadline = open_deadline(
        case.board, seat, "reviews.receipt", f"确认收悉评审材料：{case}",
        case.board.setting("reviews.receipt_days", 1), DayBasis.CALENDAR, starts_at=now,
        assignee=seat.expert.user, url=url)
    seat.save()
    notify(case.board, [seat.expert.user], "reviews.assigned", f"新的评审任务：{case}",
           "请登录专家评审平台下载材料并确认收悉；确认后开始计算评审期限。", url)


def _refill(case, *, actor, replacing=None):
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


def _try_refill(case, *, actor, replacing):
    """Replace a seat that just closed; a failed draw leaves the vacancy and tells staff."""
    try:
        with transaction.atomic():
            return _refill(case, actor=actor, replacing=replacing)
    except DomainError as exc:
        evidence.record(case.board, "reviews.panel.replacement_failed", actor=actor, subject=case,
                        payload={"seat": replacing.pk, "reason": exc.message})
        _notify_staff(case, "reviews.replacement_failed", f"补抽专家失败：{case}", exc.message)
        return []


@transaction.atomic
def fill_vacancies(case, *, actor):
    """Staff draw replacements for vacant seats (after a replacement draw had failed)."""
    case = _locked_case(case)
    if case.state not in (CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED):
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能补抽专家。", code="illegal_state")
    return _refill(case, actor=actor)


# --- Material --------------------------------------------------------------------------------------


@transaction.atomic
def add_material(case, *, title, uploaded_file, actor, supplement=None):
    case = _locked_case(case)
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
    evidence.record(case.board, "reviews.material.added", actor=actor, subject=case, payload={
        "material": material.pk, "title": title, "sha256": stored.sha256,
        "supplement": getattr(supplement, "pk", None)})
    if case.material_sent_at:
        for seat in active_seats(case).exclude(state=SeatState.DRAWN).select_related("expert__user", "board"):
            notify(case.board, [seat.expert.user], "reviews.material_added", f"评审材料已更新：{case}",
                   f"新增材料「{title}」。", portal_seat_url(seat))
    return material


@transaction.atomic
def send_material(case, *, actor):
    case = _locked_case(case)
    now = timezone.now()
    fire(case, "send_material", now)
    if not case.materials.exists():
        raise Conflict("请先上传评审材料，再送达专家。", code="no_material")
    case.save()
    seats = list(PanelSeat.objects.select_for_update(of=("self",)).select_related("expert__user", "board")
                 .filter(case=case, state=SeatState.DRAWN))
    for seat in seats:
        _send_seat(case, seat, now)
    evidence.record(case.board, "reviews.material.sent", actor=actor, subject=case, payload={
        "seats": [seat.pk for seat in seats],
        "materials": list(case.materials.values_list("file__sha256", flat=True))})
    return case


def record_download(seat, material, *, actor):
    """Log an expert's download of a case material."""
    evidence.record(seat.board, "reviews.material.downloaded", actor=actor, subject=material.case,
                    payload={"seat": seat.pk, "material": material.pk, "sha256": material.file.sha256})


# --- The expert's steps ----------------------------------------------------------------------------


@transaction.atomic
def confirm_receipt(seat, *, actor):
    """The expert confirms receipt: the receipt clock is met and their review clock starts."""
    case = _locked_case(seat.case)
    seat = _locked_seat(seat)
    now = timezone.now()
    fire(seat, "confirm_receipt", now)
    meet_deadline(seat.receipt_deadline, now)
    what = "会前审阅评审材料" if case.is_meeting else "提交评审意见"
    seat.review_deadline = open_deadline(
        case.board, seat, "reviews.review", f"{what}：{case}", case.rules["review_days"], DayBasis.CALENDAR,
        starts_at=now, assignee=seat.expert.user, url=portal_seat_url(seat))
    seat.save()
    evidence.record(case.board, "reviews.seat.received", actor=actor, subject=seat,
                    payload={"case": case.pk, "due_at": seat.review_deadline.due_at})
    return seat


@transaction.atomic
def request_supplement(seat, *, text, actor):
    """The expert asks for material; their clock pauses and the exchange asks the enterprise."""
    case = _locked_case(seat.case)
    seat = _locked_seat(seat)
    if case.state != CaseState.MATERIAL_SENT:
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能再申请补充材料。", code="illegal_state")
    fire(seat, "request_supplement")
    text = (text or "").strip()
    if not text:
        raise DomainError("请写明需要企业补充的材料。", code="invalid")
    seat.save()
    pause_deadline(seat.review_deadline)
    supplement = SupplementRequest.objects.create(board=case.board, seat=seat, text=text)
    _notify_staff(case, "reviews.supplement_requested", f"专家申请补充材料：{case.enterprise}",
                  f"{seat.expert.name}：{text}\n请联系企业补充，并在后台上传补充材料；在此期间该专家的评审期限暂停。")
    evidence.record(case.board, "reviews.supplement.requested", actor=actor, subject=seat,
                    payload={"case": case.pk, "supplement": supplement.pk, "text": text})
    return supplement


@transaction.atomic
def provide_supplement(supplement, *, actor, title="", uploaded_file=None):
    """Staff pass on what the enterprise supplied; the expert's clock resumes."""
    case = _locked_case(supplement.seat.case)
    seat = _locked_seat(supplement.seat)
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
        resume_deadline(seat.review_deadline, now)
        notify(case.board, [seat.expert.user], "reviews.supplement_provided", f"补充材料已送达：{case}",
               "您申请的补充材料已送达，评审期限恢复计时。", portal_seat_url(seat))
    evidence.record(case.board, "reviews.supplement.provided", actor=actor, subject=seat,
                    payload={"case": case.pk, "supplement": supplement.pk})
    return supplement


def _review_form(seat, data):
    form = ReviewForm(seat.case.rules["form"], data, institution_ids=service_institution_ids(seat.case))
    if not form.is_valid():
        raise DomainError("评审表填写有误，请按提示修改。", code="invalid_form",
                          details={key: [str(e) for e in errors] for key, errors in form.errors.items()})
    return form


@transaction.atomic
def save_opinion(seat, *, data, actor):
    """Save the filled form as a draft (for the Word download) without submitting it."""
    seat = _locked_seat(seat)
    if seat.state not in (SeatState.RECEIVED, SeatState.SUPPLEMENT_REQUESTED):
        raise Conflict("确认收悉材料后才能填写评审表。", code="illegal_state")
    form = _review_form(seat, data)
    opinion, _ = Opinion.objects.update_or_create(seat=seat, defaults={
        "board": seat.board, "form_data": form.form_data(), "total_score": form.cleaned_data["total_score"],
        "vote": form.cleaned_data["vote"]})
    evidence.record(seat.board, "reviews.opinion.saved", actor=actor, subject=seat, payload={
        "vote": opinion.vote, "total_score": opinion.total_score, "form_data": opinion.form_data})
    return opinion


@transaction.atomic
def submit_opinion(seat, *, data, signed_form, actor):
    """Submit the form with the signed scan. An optional quality challenge is recorded and
    announced; a remote case is decided once the whole panel has submitted."""
    case = _locked_case(seat.case)
    seat = _locked_seat(seat)
    if not opinions_open(case, seat):
        when = "评审会召开后由出席专家" if case.is_meeting else "评审期间"
        raise Conflict(f"案件处于「{case.get_state_display()}」，评审意见应在{when}提交。",
                       code="illegal_state")
    fire(seat, "submit_opinion")
    form = _review_form(seat, data)
    if signed_form is None:
        raise DomainError("请上传签字后的评审表扫描件或照片（PDF、JPG 或 PNG）。",
                          code="signed_form_required")
    stored = store_upload(case.board, signed_form, purpose="reviews.signed_form", user=actor,
                          allowed=SIGNED_FORM_TYPES)
    now = timezone.now()
    opinion, _ = Opinion.objects.update_or_create(seat=seat, defaults={
        "board": case.board, "form_data": form.form_data(), "total_score": form.cleaned_data["total_score"],
        "vote": form.cleaned_data["vote"], "signed_form": stored, "submitted_at": now})
    seat.save()
    if seat.review_deadline is not None and seat.review_deadline.state in OPEN_CLOCK:
        meet_deadline(seat.review_deadline, now)
    institution = form.cleaned_data["challenge_institution"]
    challenge = None
    if institution:
        challenge = QualityChallenge.objects.create(
            board=case.board, case=case, institution=institution, expert=seat.expert,
            text=form.cleaned_data["challenge_text"])
        ids = {"challenge_id": challenge.pk, "board_id": case.board_id, "case_id": case.pk,
               "institution_id": institution.pk, "expert_id": seat.expert_id}
        transaction.on_commit(lambda: quality_challenge_raised.send(sender=QualityChallenge, **ids))
    evidence.record(case.board, "reviews.opinion.submitted", actor=actor, subject=seat, payload={
        "case": case.pk, "vote": opinion.vote, "total_score": opinion.total_score,
        "form_data": opinion.form_data, "signed_form_sha256": stored.sha256,
        "quality_challenge": getattr(challenge, "pk", None)})
    if not case.is_meeting and _all_submitted(case):
        _decide(case, actor=None)
    return opinion


def _all_submitted(case):
    seats = list(active_seats(case).values_list("state", flat=True))
    return len(seats) == case.panel_size and all(state == SeatState.SUBMITTED for state in seats)


@transaction.atomic
def decline_seat(seat, *, reason, actor):
    """The expert declines (or staff record that they did); a replacement is drawn."""
    case = _locked_case(seat.case)
    seat = _locked_seat(seat)
    if case.state not in (CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED):
        raise Conflict(f"案件处于「{case.get_state_display()}」，不能再拒绝参加评审。", code="illegal_state")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明拒绝或回避的理由。", code="invalid")
    fire(seat, "decline", reason, timezone.now())
    seat.save()
    _close_clocks(seat)
    evidence.record(case.board, "reviews.seat.declined", actor=actor, subject=seat,
                    payload={"case": case.pk, "expert": seat.expert_id, "reason": reason})
    _try_refill(case, actor=actor, replacing=seat)
    return seat


@transaction.atomic
def replace_silent_seats(case, *, actor=None):
    """Replace every expert whose receipt clock ran out without a confirmation."""
    case = _locked_case(case)
    now = timezone.now()
    silent = list(PanelSeat.objects.select_for_update(of=("self",)).select_related("receipt_deadline")
                  .filter(case=case, state=SeatState.SENT, receipt_deadline__due_at__lt=now))
    for seat in silent:
        fire(seat, "replace_silent", now)
        seat.save()
        _close_clocks(seat)
        evidence.record(case.board, "reviews.seat.silent", actor=actor, subject=seat,
                        payload={"case": case.pk, "expert": seat.expert_id,
                                 "receipt_due_at": seat.receipt_deadline.due_at})
        _try_refill(case, actor=actor, replacing=seat)
    return silent


def _owes(case, seat):
    if seat.state == SeatState.SENT:
        return "确认收悉评审材料"
    if seat.state == SeatState.RECEIVED and opinions_open(case, seat):
        return "提交评审意见"
    return None


@transaction.atomic
def remind_late_experts(case, *, actor):
    """Remind every expert who still owes a receipt or an opinion. Returns how many."""
    case = _locked_case(case)
    reminded = []
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
    evidence.record(case.board, "reviews.experts.reminded", actor=actor, subject=case,
                    payload={"seats": reminded})
    return len(reminded)


# --- Meeting, decision, feedback, filing -------------------------------------------------------------


@transaction.atomic
def schedule_meeting(case, *, at, place, actor):
    """Schedule the on-site meeting: every expert has confirmed receipt, and ``at`` is no
    earlier than the end of the last review clock (last receipt + review_days, paused time
    not counted). The review clocks are then met: the meeting is the next date."""
    case = _locked_case(case)
    fire(case, "schedule_meeting", at, (place or "").strip())
    if not case.meeting_place:
        raise DomainError("请填写评审会地点。", code="invalid")
    seats = list(active_seats(case).select_related("expert__user", "review_deadline", "board"))
    if len(seats) < case.panel_size:
        raise Conflict("评审组尚有空缺，请先补抽专家。", code="vacancy")
    waiting = [seat.expert.name for seat in seats if seat.state != SeatState.RECEIVED]
    if waiting:
        raise Conflict(f"以下专家尚未确认收悉材料或正在等待补充材料：{'、'.join(waiting)}。"
                       "全部确认收悉后才能安排评审会。", code="receipts_pending")
    earliest = max(seat.review_deadline.due_at for seat in seats)
    if at < earliest:
        raise DomainError(
            f"评审会时间 {_local(at)} 过早：须在最后一位专家确认收悉材料 {case.rules['review_days']} 日后召开"
            f"（等待补充材料的时间不计入），最早可安排在 {_local(earliest)}。",
            code="meeting_too_early", details={"earliest": timezone.localtime(earliest).isoformat()})
    case.save()
    for seat in seats:
        meet_deadline(seat.review_deadline)
        notify(case.board, [seat.expert.user], "reviews.meeting", f"评审会通知：{case}",
               f"评审会定于 {_local(at)} 在 {case.meeting_place} 召开。", portal_seat_url(seat))
    evidence.record(case.board, "reviews.meeting.scheduled", actor=actor, subject=case,
                    payload={"at": at, "place": case.meeting_place, "earliest": earliest})
    return case


@transaction.atomic
def hold_meeting(case, *, attended, observers, answers, actor):
    """Record the meeting: which seats attended, the observers, the enterprise's answers."""
    case = _locked_case(case)
    observers = [name.strip() for name in observers if name.strip()]
    fire(case, "hold_meeting", observers, (answers or "").strip())
    if observers and not case.rules["observers"]:
        raise DomainError(f"{case.rules['name']}不设列席人员。", code="invalid")
    if not case.enterprise_answers:
        raise DomainError("请记录企业现场答辩情况。", code="invalid")
    seats = {seat.pk: seat for seat in active_seats(case).select_for_update(of=("self",))
             .select_related("expert__user", "board")}
    attended = {int(pk) for pk in attended}
    if not attended or not attended <= seats.keys():
        raise DomainError("请从本案评审组中勾选出席的专家。", code="invalid")
    case.save()
    for pk, seat in seats.items():
        seat.attended = pk in attended
        seat.save(update_fields=["attended"])
        if seat.attended:
            notify(case.board, [seat.expert.user], "reviews.opinion_due", f"请提交评审意见：{case}",
                   "评审会已召开，请填写并提交评审表。", portal_seat_url(seat))
    evidence.record(case.board, "reviews.meeting.held", actor=actor, subject=case, payload={
        "attended": sorted(attended), "observers": observers, "answers": case.enterprise_answers})
    return case


def _apply_effects(case, actor):
    """What a passed review changes on the enterprise, through the boards services."""
    source, enterprise, effects = f"reviews.case:{case.pk}", case.enterprise, []
    if case.kind == ReviewKind.INNOVATION:
        board_services.record_innovation_recognition(enterprise, source=source, actor=actor)
        effects.append("innovation_recognition")
    if case.kind == ReviewKind.LISTING_RESERVE:
        board_services.add_to_listing_reserve(enterprise, source=source, actor=actor)
        effects.append("listing_reserve")
    tier = case.rules.get("permit_tier")
    if tier and tier in {t.get("code") for t in case.board.setting("tiers.scheme", [])}:
        board_services.grant_tier_permit(enterprise, tier=tier, review_kind=case.kind, source=source,
                                         actor=actor)
        effects.append(f"tier_permit:{tier}")
    return effects


def _decide(case, *, actor):
    seats = list(active_seats(case).select_related("opinion", "expert"))
    votes = {"pass": 0, "fail": 0, "abstain": 0, "none": case.panel_size - len(seats),
             "panel": case.panel_size}
    for seat in seats:
        votes[seat.opinion.vote if seat.state == SeatState.SUBMITTED else "none"] += 1
    fire(case, "decide", votes, timezone.now(), actor)
    owing = [seat.expert.name for seat in seats
             if seat.state != SeatState.SUBMITTED and (not case.is_meeting or seat.attended)]
    if owing:
        raise Conflict(f"以下专家尚未提交评审意见：{'、'.join(owing)}，暂不能作出结论。",
                       code="opinions_pending")
    if not case.is_meeting and len(seats) < case.panel_size:
        raise Conflict("评审组尚有空缺，请先补抽专家。", code="vacancy")
    case.save()
    effects = _apply_effects(case, actor) if case.passed else []
    evidence.record(case.board, "reviews.case.decided", actor=actor, subject=case,
                    payload={"passed": case.passed, "votes": votes, "effects": effects})
    verdict = "通过" if case.passed else "未通过"
    _notify_staff(case, "reviews.decided", f"评审结论：{case} {verdict}",
                  f"同意 {votes['pass']} 票，不同意 {votes['fail']} 票，弃权 {votes['abstain']} 票，"
                  f"未表决 {votes['none']} 人（评审组 {votes['panel']} 人）。请向企业书面反馈。")
    return case


@transaction.atomic
def decide_case(case, *, actor):
    """Staff record the decision: a majority of the whole panel passes (see models.passes)."""
    return _decide(_locked_case(case), actor=actor)


@transaction.atomic
def send_feedback(case, *, text, actor):
    """Written feedback to the enterprise; its PDF letter is rendered after commit."""
    from reviews.tasks import render_feedback_letter

    case = _locked_case(case)
    fire(case, "send_feedback", (text or "").strip())
    if not case.feedback:
        raise DomainError("请填写给企业的书面反馈意见。", code="invalid")
    case.save()
    board_id, case_id = case.board_id, case.pk
    transaction.on_commit(lambda: render_feedback_letter.delay(board_id, case_id))
    notify(case.board, case.enterprise.users.filter(is_active=True), "reviews.feedback",
           f"评审结果反馈：{case.rules['name']}", case.feedback, enterprise_case_url(case))
    evidence.record(case.board, "reviews.feedback.sent", actor=actor, subject=case,
                    payload={"passed": case.passed, "feedback": case.feedback})
    return case


def filing_context(case):
    """What the feedback letter and the regulators' filing show (JSON-able)."""
    seats = active_seats(case).select_related("expert", "opinion").order_by("pk")
    votes = case.votes or {}
    return {
        "case_id": case.pk,
        "review_name": case.rules["name"],
        "form_title": case.rules["form"]["title"],
        "enterprise": {"name": case.enterprise.name, "credit_code": case.enterprise.credit_code,
                       "prefecture": case.enterprise.prefecture},
        "opened_at": _local(case.created_at),
        "opened_by_institution": str(case.opened_by_institution or ""),
        "meeting": {"at": _local(case.meeting_at), "place": case.meeting_place,
                    "observers": case.observers, "answers": case.enterprise_answers}
        if case.meeting_at else None,
        "panel": [{"name": seat.expert.name, "field": seat.expert.get_field_display(),
                   "vote": seat.opinion.get_vote_display() if seat.state == SeatState.SUBMITTED else "未表决",
                   "score": seat.opinion.total_score if seat.state == SeatState.SUBMITTED else ""}
                  for seat in seats],
        "votes": {"pass": votes.get("pass", 0), "fail": votes.get("fail", 0),
                  "abstain": votes.get("abstain", 0), "none": votes.get("none", 0),
                  "panel": votes.get("panel", case.panel_size)},
        "passed": case.passed,
        "decided_at": _local(case.decided_at) if case.decided_at else "",
        "feedback": case.feedback,
    }


def render_feedback_letter(case):
    """Render and attach the feedback letter PDF (the task's body); a second run keeps the first."""
    case = ReviewCase.objects.select_related("board", "enterprise").get(pk=case.pk)
    if case.feedback_letter_id:
        return case.feedback_letter
    # The letter shares the filings' layout; it goes to the enterprise, so it is not numbered
    # with them: the case number stands in the header.
    letter_head = {"number": f"{case.board.filing_prefix}-REV-{case.pk}", "created_at": timezone.now(),
                   "subject": f"{case.rules['name']}结果反馈函", "addressee_name": case.enterprise.name}
    html = render_to_string("reviews/filings/feedback.html", {
        **filing_context(case), "filing": letter_head, "board": case.board,
        "font_family": settings.FILING_FONT_FAMILY})
    pdf = HTML(string=html).write_pdf()
    with transaction.atomic():
        case = _locked_case(case)
        if case.feedback_letter_id:
            return case.feedback_letter
        letter = ContentFile(pdf, name=f"评审结果反馈函-{case.pk}.pdf")
        case.feedback_letter = store_upload(case.board, letter, purpose="reviews.feedback", user=None,
                                            allowed=("pdf",))
        case.save(update_fields=["feedback_letter"])
        evidence.record(case.board, "reviews.feedback.rendered", subject=case,
                        payload={"sha256": case.feedback_letter.sha256})
    return case.feedback_letter


@transaction.atomic
def file_case(case, *, actor):
    """File the result with every regulator the review type names (one numbered filing each)."""
    case = _locked_case(case)
    fire(case, "file_with_regulators")
    context = filing_context(case)
    filings = [
        create_filing(case.board, kind="reviews.result", addressee=code,
                      subject=f"{case.rules['name']}结果报备：{case.enterprise.name}",
                      template_name="reviews/filings/result.html", context=context, actor=actor,
                      subject_obj=case)
        for code in case.filed_with
    ]
    case.save()
    evidence.record(case.board, "reviews.case.filed", actor=actor, subject=case,
                    payload={"filings": [filing.number for filing in filings]})
    return filings


@transaction.atomic
def archive_case(case, *, actor):
    case = _locked_case(case)
    fire(case, "archive", timezone.now())
    case.save()
    evidence.record(case.board, "reviews.case.archived", actor=actor, subject=case, payload={})
    return case


