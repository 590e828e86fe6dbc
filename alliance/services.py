"""Writes of the alliance: memberships, exit cases, meetings, products, financing needs,
interest profiles, pushes, matchmakings, recommendations.

Every function runs in the caller's board scope, inside one transaction, locks what it
changes, writes the evidence entry with the actor and notifies after the writes. Illegal
workflow steps raise IllegalTransition (409 with the allowed steps).
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from alliance import rules, selectors
from alliance.matching import profile_match
from alliance.models import (
    ACTIVE_MATCH,
    LIVE_MEMBERSHIP,
    STANDING_MEMBERSHIP,
    Attendance,
    Body,
    ExitCase,
    ExitState,
    FinancingNeed,
    IdempotencyKey,
    InterestProfile,
    Matchmaking,
    MatchState,
    Meeting,
    MeetingKind,
    MeetingState,
    Membership,
    MembershipState,
    NeedState,
    Product,
    ProductType,
    ReasonCategory,
    Recommendation,
)
from alliance.writing import close_clock, locked, notify_institution, notify_staff, required
from boards.enterprises.models import Enterprise, EnterpriseStatus, FinancingRound, QualificationKind
from boards.enterprises.services.consent import consent_map
from boards.enterprises.services.registry import create_enterprise
from boards.enterprises.tiers import tier_names
from boards.kernel import evidence
from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.files import store_upload
from boards.kernel.models import DayBasis, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire

# --- Membership ----------------------------------------------------------------------------------

CONTACT_FIELDS = ("executive_lead", "executive_title", "liaison_name", "liaison_phone", "liaison_email",
                  "declared_preference")


@transaction.atomic
def apply_for_membership(board, *, institution, body, actor, **contacts):
    """An institution applies to ``body``; it names an executive lead and a liaison."""
    if board.setting(f"alliance.bodies.{body}") is None:
        raise DomainError(f"本专板未设立「{Body(body).label if body in Body.values else body}」。",
                          code="unknown_body", details={"bodies": list(board.setting("alliance.bodies"))})
    unknown = set(contacts) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown membership fields {sorted(unknown)}")
    required(contacts.get("executive_lead"), "请填写高管负责人。", "executive_lead_required")
    required(contacts.get("liaison_name"), "请填写联络人。", "liaison_required")
    required(contacts.get("liaison_phone"), "请填写联络人电话。", "liaison_required")
    if Membership.objects.filter(board=board, institution=institution, body=body,
                                 state__in=LIVE_MEMBERSHIP).exists():
        raise Conflict(f"「{institution}」已是或正在申请加入{Body(body).label}。", code="already_member")
    membership = Membership.objects.create(board=board, institution=institution, body=body, **contacts)
    evidence.record(board, "alliance.membership.applied", actor=actor, subject=membership,
                    payload={"institution": institution.pk, "body": body, **contacts})
    notify_staff(board, membership, "alliance.membership.applied",
                 f"{institution} 申请加入{Body(body).label}")
    return membership


@transaction.atomic
def check_membership(membership, *, actor, on=None):
    """Evaluate the board's admission rules against the data on file and keep the result."""
    membership = locked(membership, "institution")
    fire(membership, "verify")
    membership.check_result = rules.admission_rows(membership, on or timezone.localdate())
    membership.checked_at = timezone.now()
    membership.save()
    evidence.record(membership.board, "alliance.membership.checked", actor=actor, subject=membership,
                    payload={"rows": membership.check_result})
    return membership


@transaction.atomic
def admit_membership(membership, *, actor, on=None):
    """Admit after re-checking the rules on the data as it is now; unmet rules are a 409 naming them."""
    membership = locked(membership, "institution")
    if membership.state == MembershipState.CHECKED:
        membership.check_result = rules.admission_rows(membership, on or timezone.localdate())
        unmet = [row["reason"] for row in membership.check_result if not row["met"]]
        if unmet:
            membership.save()
            raise Conflict("不满足准入条件，不能准予入会：" + "；".join(unmet) + "。",
                           code="admission_rules_unmet", details={"rows": membership.check_result})
    fire(membership, "admit")
    membership.admitted_on = timezone.localdate()
    membership.save()
    evidence.record(membership.board, "alliance.membership.admitted", actor=actor, subject=membership,
                    payload={"rows": membership.check_result})
    notify_institution(membership.board, membership.institution, "alliance.membership.admitted",
                       f"已准予加入{membership.get_body_display()}")
    return membership


# transition -> (evidence verb, ends the membership, needs a reason)
MEMBERSHIP_STEPS = {
    "refuse": ("refused", True, True),
    "suspend": ("suspended", False, True),
    "reinstate": ("reinstated", False, False),
    "revoke": ("revoked", True, True),
    "withdraw": ("withdrawn", True, True),
}


@transaction.atomic
def change_membership(membership, step, *, actor, reason=""):
    """Refuse (with reasons), suspend, reinstate, revoke or withdraw a membership."""
    verb, ends, needs_reason = MEMBERSHIP_STEPS[step]
    membership = locked(membership, "institution")
    if step == "refuse" and not reason.strip():
        reason = "；".join(row["reason"] for row in membership.check_result if not row["met"])
    if needs_reason:
        reason = required(reason, "请说明理由。", "reason_required")
    fire(membership, step)
    if reason:
        membership.reason = reason
    if ends:
        membership.ended_at = timezone.now()
    membership.save()
    evidence.record(membership.board, f"alliance.membership.{verb}", actor=actor, subject=membership,
                    payload={"reason": reason})
    notify_institution(membership.board, membership.institution, f"alliance.membership.{verb}",
                       f"{membership.get_body_display()}成员资格：{membership.get_state_display()}", reason)
    return membership


# --- Exit on poor quality ----------------------------------------------------------------------


def on_quality_challenge(sender, *, challenge_id, board_id, institution_id, **kwargs):
    """Receiver of reviews' ``quality_challenge_raised``: open the exit procedure."""
    from boards.kernel.scoping import board_scope
    from reviews.models import QualityChallenge

    with board_scope(board_id):
        challenge = QualityChallenge.objects.select_related("board", "institution").get(pk=challenge_id)
        open_exit_cases(challenge.board, institution=challenge.institution,
                        source=f"reviews.qualitychallenge:{challenge_id}", grounds=challenge.text)


@transaction.atomic
def open_exit_cases(board, *, institution, source, grounds, actor=None):
    """One exit case per standing membership of ``institution`` in the board's exit bodies;
    repeated calls with the same ``source`` open nothing new."""
    memberships = Membership.objects.select_for_update().filter(
        board=board, institution=institution, state__in=STANDING_MEMBERSHIP,
        body__in=board.setting("alliance.exit_bodies"))
    opened = []
    for membership in memberships:
        case, created = ExitCase.objects.get_or_create(board=board, membership=membership, source=source,
                                                       defaults={"grounds": grounds})
        if created:
            evidence.record(board, "alliance.exit_case.opened", actor=actor, subject=case,
                            payload={"membership": membership.pk, "source": source, "grounds": grounds})
            notify_staff(board, case, "alliance.exit_case.opened",
                         f"{institution} 的文件质量被专家质疑，已启动退出程序")
            opened.append(case)
    if not memberships:
        evidence.record(board, "alliance.exit_case.not_member", actor=actor,
                        payload={"institution": institution.pk, "source": source})
    return opened


@transaction.atomic
def notify_exit_case(case, *, notice, actor):
    """Send the notice; the institution has ``exit_answer_workdays`` working days to answer."""
    case = locked(case, "membership__institution")
    notice = required(notice, "请填写通知内容。", "notice_required")
    fire(case, "notify")
    board, institution = case.board, case.membership.institution
    users = selectors.institution_users(board, institution)
    case.notice, case.notified_at = notice, timezone.now()
    case.answer_deadline = open_deadline(board, case, "alliance.exit_answer",
                                         f"答复退出程序通知：{institution}",
                                         board.setting("alliance.exit_answer_workdays"), DayBasis.WORKING,
                                         assignee=users[0] if users else None,
                                         assignee_role="" if users else Role.EXCHANGE_STAFF)
    case.save()
    evidence.record(board, "alliance.exit_case.notified", actor=actor, subject=case,
                    payload={"notice": notice, "answer_due": case.answer_deadline.due_at})
    notify(board, users, "alliance.exit_case.notified", f"退出程序通知：{case.membership.get_body_display()}",
           notice)
    return case


@transaction.atomic
def answer_exit_case(case, *, answer, actor):
    case = locked(case, "membership__institution", "answer_deadline")
    answer = required(answer, "请填写答复内容。", "answer_required")
    fire(case, "reply")
    case.answer, case.answered_at, case.answered_by = answer, timezone.now(), actor
    case.save()
    close_clock(case.answer_deadline, met=True)
    evidence.record(case.board, "alliance.exit_case.answered", actor=actor, subject=case,
                    payload={"answer": answer})
    notify_staff(case.board, case, "alliance.exit_case.answered",
                 f"{case.membership.institution} 已答复退出程序通知")
    return case


@transaction.atomic
def decide_exit_case(case, *, revoke, reason, actor):
    """Revoke the membership or dismiss the case. Revoking an unanswered case waits for the
    end of the answer period."""
    case = locked(case, "membership__institution", "answer_deadline")
    reason = required(reason, "请说明决定理由。", "reason_required")
    if revoke and case.state == ExitState.NOTIFIED and case.answer_deadline.due_at > timezone.now():
        due = timezone.localtime(case.answer_deadline.due_at, SHANGHAI)
        raise Conflict(f"机构尚未答复，答复期限 {due:%Y-%m-%d %H:%M} 届满前不能作出除名决定。",
                       code="answer_period_running", details={"answer_due": due.isoformat()})
    fire(case, "revoke" if revoke else "dismiss")
    case.decision_reason, case.decided_at, case.decided_by = reason, timezone.now(), actor
    case.save()
    close_clock(case.answer_deadline, met=False)
    evidence.record(case.board, f"alliance.exit_case.{case.state}", actor=actor, subject=case,
                    payload={"reason": reason})
    if revoke:
        change_membership(case.membership, "revoke", actor=actor, reason=f"退出程序决定：{reason}")
    else:
        notify_institution(case.board, case.membership.institution, "alliance.exit_case.dismissed",
                           "退出程序：不予除名", reason)
    return case


# --- Meetings ---------------------------------------------------------------------------------


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue


def _open_reminder(board, meeting):
    """A calendar clock due when the meeting day starts; staff are reminded
    ``meeting_reminder_days`` before (0: the board's default reminder)."""
    today = timezone.localdate()
    remind = board.setting("alliance.meeting_reminder_days")
    return open_deadline(board, meeting, "alliance.meeting", f"召开{meeting.title}",
                         max((meeting.scheduled_on - today).days, 0), DayBasis.CALENDAR,
                         starts_at=dt.datetime.combine(today, dt.time.min, tzinfo=SHANGHAI),
                         assignee_role=Role.EXCHANGE_STAFF,
                         remind_before=dt.timedelta(days=remind) if remind else None)


def _create_meeting(board, *, body, kind, title, scheduled_on, actor, agenda="", location=""):
    meeting = Meeting.objects.create(board=board, body=body, kind=kind, title=title,
                                     scheduled_on=scheduled_on, agenda=agenda, location=location)
    meeting.reminder = _open_reminder(board, meeting)
    meeting.save(update_fields=["reminder"])
    evidence.record(board, "alliance.meeting.planned", actor=actor, subject=meeting, payload={
        "body": body, "kind": kind, "title": title, "scheduled_on": scheduled_on, "agenda": agenda})
    notify(board, [user for institution in selectors.body_members(board, body)
                   for user in selectors.institution_users(board, institution)],
           "alliance.meeting.planned", f"{title}定于 {scheduled_on:%Y年%m月%d日} 召开", agenda)
    return meeting


@transaction.atomic
def plan_next_meeting(board, body, *, actor=None):
    """Create ``body``'s next regular meeting by its cadence, unless one is planned or the body
    meets ad hoc only. It falls ``meeting_every_months`` after the last regular one (or today)."""
    months = board.setting(f"alliance.bodies.{body}.meeting_every_months")
    regular = Meeting.objects.select_for_update().filter(board=board, body=body, kind=MeetingKind.REGULAR)
    if not months or regular.filter(state=MeetingState.PLANNED).exists():
        return None
    last = regular.exclude(state=MeetingState.CANCELLED).order_by("-scheduled_on").first()
    today = timezone.localdate()
    scheduled_on = max(_add_months(last.scheduled_on if last else today, months), today)
    title = f"{Body(body).label}{scheduled_on.year}年{'上' if scheduled_on.month <= 6 else '下'}半年例会" \
        if months < 12 else f"{Body(body).label}{scheduled_on.year}年度例会"
    return _create_meeting(board, body=body, kind=MeetingKind.REGULAR, title=title, scheduled_on=scheduled_on,
                           actor=actor)


@transaction.atomic
def schedule_meeting(board, *, body, title, scheduled_on, actor, agenda="", location=""):
    """An ad hoc meeting."""
    if scheduled_on < timezone.localdate():
        raise DomainError(f"会议日期 {scheduled_on} 已过，请选择今天或以后的日期。", code="date_in_past")
    return _create_meeting(board, body=body, kind=MeetingKind.AD_HOC,
                           title=required(title, "请填写会议名称。", "title_required"),
                           scheduled_on=scheduled_on, actor=actor, agenda=agenda, location=location)


@transaction.atomic
def set_agenda(meeting, *, agenda, actor):
    meeting = locked(meeting)
    if meeting.state != MeetingState.PLANNED:
        raise Conflict(f"会议「{meeting}」{meeting.get_state_display()}，不能再修改议程。",
                       code="meeting_closed")
    meeting.agenda = required(agenda, "请填写议程。", "agenda_required")
    meeting.save(update_fields=["agenda"])
    evidence.record(meeting.board, "alliance.meeting.agenda_set", actor=actor, subject=meeting,
                    payload={"agenda": meeting.agenda})
    return meeting


@transaction.atomic
def record_meeting(meeting, *, minutes, attended, actor):
    """The meeting was held: minutes, and attendance of every admitted member of the body
    (``attended``: ids of the institutions present). A regular meeting plans the next one."""
    meeting = locked(meeting, "reminder")
    minutes = required(minutes, "请填写会议纪要。", "minutes_required")
    attended = {int(pk) for pk in attended}
    members = list(selectors.body_members(meeting.board, meeting.body))
    strangers = set(attended) - {m.pk for m in members}
    if strangers:
        raise DomainError("出席机构须为本联合会的在册成员。", code="not_a_member",
                          details={"institutions": sorted(strangers)})
    fire(meeting, "hold")
    meeting.minutes = minutes
    meeting.save()
    Attendance.objects.bulk_create([Attendance(board=meeting.board, meeting=meeting, institution=m,
                                               attended=m.pk in attended) for m in members])
    close_clock(meeting.reminder, met=True)
    evidence.record(
        meeting.board,
        "alliance.meeting.held",
        actor=actor,
        subject=meeting,
        payload={
            "minutes": minutes,
            "attended": sorted(attended),
            "absent": sorted({m.pk for m in members} - set(attended)),
        },
    )
    if meeting.kind == MeetingKind.REGULAR:
        plan_next_meeting(meeting.board, meeting.body, actor=actor)
    return meeting


@transaction.atomic
def cancel_meeting(meeting, *, reason, actor):
    meeting = locked(meeting, "reminder")
    reason = required(reason, "请说明取消理由。", "reason_required")
    fire(meeting, "cancel")
    meeting.save()
    close_clock(meeting.reminder, met=False)
    evidence.record(meeting.board, "alliance.meeting.cancelled", actor=actor, subject=meeting,
                    payload={"reason": reason})
    return meeting


# --- Products ------------------------------------------------------------------------------------

PRODUCT_FIELDS = ("name", "product_type", "description", "amount_min", "amount_max", "rate_min", "rate_max",
                  "term_min_months", "term_max_months", "approval_days", "target_tiers",
                  "required_qualifications", "for_tech_enterprises", "board_preference", "is_published")


def _product_errors(board, values):
    errors = {}
    if values["amount_min"] > values["amount_max"]:
        errors["amount_max"] = "最高额度不能低于最低额度。"
    if values["term_min_months"] > values["term_max_months"]:
        errors["term_max_months"] = "最长期限不能短于最短期限。"
    rates = values["rate_min"], values["rate_max"]
    if None not in rates and rates[0] > rates[1]:
        errors["rate_max"] = "最高利率/费率不能低于最低利率/费率。"
    tiers = tier_names(board)
    unknown = [t for t in values["target_tiers"] if t not in tiers]
    if unknown:
        errors["target_tiers"] = f"未知层级 {'、'.join(unknown)}；本专板层级：" + "、".join(
            f"{code}（{name}）" for code, name in tiers.items())
    unknown = [q for q in values["required_qualifications"] if q not in QualificationKind.values]
    if unknown:
        errors["required_qualifications"] = f"未知资质 {'、'.join(unknown)}"
    if values["product_type"] not in ProductType.values:
        errors["product_type"] = f"未知产品类型 {values['product_type']}"
    return errors


def _save_product(product, values, action, actor):
    errors = _product_errors(product.board, values)
    if errors:
        raise DomainError("产品信息有误，请按提示修改。", code="invalid", details=errors)
    for name, value in values.items():
        setattr(product, name, value)
    product.save()
    evidence.record(product.board, action, actor=actor, subject=product,
                    payload={"institution": product.institution_id, **values})
    return product


def _require_admitted(board, institution):
    if not selectors.is_member(board, institution, states=[MembershipState.ADMITTED]):
        raise Conflict(f"「{institution}」不是本专板在册（未暂停）的联盟成员，不能发布产品。",
                       code="not_admitted")


@transaction.atomic
def create_product(board, *, institution, data, actor):
    _require_admitted(board, institution)
    values = {name: data.get(name, Product._meta.get_field(name).get_default()) for name in PRODUCT_FIELDS}
    return _save_product(Product(board=board, institution=institution), values, "alliance.product.created",
                         actor)


@transaction.atomic
def update_product(product, *, data, actor):
    product = locked(product)
    _require_admitted(product.board, product.institution)
    values = {name: data.get(name, getattr(product, name)) for name in PRODUCT_FIELDS}
    return _save_product(product, values, "alliance.product.updated", actor)


@transaction.atomic
def delete_product(product, *, actor):
    product = locked(product)
    evidence.record(product.board, "alliance.product.deleted", actor=actor, subject=product,
                    payload={"institution": product.institution_id, "name": product.name})
    product.delete()


# --- Financing needs and the white list ----------------------------------------------------------


@transaction.atomic
def post_need(enterprise, *, amount, use, term_months, actor, product_types=()):
    if amount is None or amount <= 0:
        raise DomainError("融资金额必须大于 0。", code="invalid_amount")
    if not term_months or term_months <= 0:
        raise DomainError("期限必须至少 1 个月。", code="invalid_term")
    unknown = [t for t in product_types if t not in ProductType.values]
    if unknown:
        raise DomainError(f"未知融资方式 {'、'.join(unknown)}。", code="invalid_type")
    need = FinancingNeed.objects.create(board=enterprise.board, enterprise=enterprise, amount=amount,
                                        term_months=term_months,
                                        use=required(use, "请说明资金用途。", "use_required"),
                                        product_types=list(product_types), posted_by=actor)
    evidence.record(enterprise.board, "alliance.need.posted", actor=actor, subject=need, payload={
        "enterprise": enterprise.pk, "amount": amount, "use": need.use, "term_months": term_months,
        "product_types": need.product_types})
    notify_staff(enterprise.board, need, "alliance.need.posted", f"{enterprise} 提交了融资需求")
    return need


@transaction.atomic
def curate_need(need, *, whitelist, text, actor):
    """Put a need on the white list with ``text`` as the summary institutions see (no business
    or technical secrets), or decline it with ``text`` as the reason."""
    need = locked(need, "enterprise")
    text = required(text, "请填写白名单摘要。" if whitelist else "请说明未列入白名单的理由。",
                    "text_required")
    fire(need, "whitelist" if whitelist else "decline")
    if whitelist:
        need.summary = text
    else:
        need.note = text
    need.curated_by, need.curated_at = actor, timezone.now()
    need.save()
    evidence.record(need.board, f"alliance.need.{need.state}", actor=actor, subject=need,
                    payload={"text": text})
    notify(need.board, list(need.enterprise.users.filter(is_active=True)), f"alliance.need.{need.state}",
           f"融资需求（{need.amount} 元）：{need.get_state_display()}", text)
    return need


@transaction.atomic
def close_need(need, *, actor):
    need = locked(need)
    fire(need, "close")
    need.save()
    evidence.record(need.board, "alliance.need.closed", actor=actor, subject=need)
    return need


# --- Interest profiles and the push ---------------------------------------------------------------


@transaction.atomic
def save_interest_profile(board, *, institution, data, actor):
    """Create or replace ``institution``'s interest profile (``data``: industries, tiers, stages,
    amount_min, amount_max)."""
    values = {"industries": list(data.get("industries", [])), "tiers": list(data.get("tiers", [])),
              "stages": list(data.get("stages", [])), "amount_min": data.get("amount_min"),
              "amount_max": data.get("amount_max")}
    errors, tiers = {}, tier_names(board)
    if [t for t in values["tiers"] if t not in tiers]:
        errors["tiers"] = "本专板层级：" + "、".join(f"{code}（{name}）" for code, name in tiers.items())
    if [s for s in values["stages"] if s not in FinancingRound.values]:
        errors["stages"] = "融资阶段可选：" + "、".join(FinancingRound.values)
    low, high = values["amount_min"], values["amount_max"]
    if low is not None and high is not None and low > high:
        errors["amount_max"] = "金额上限不能低于下限。"
    if errors:
        raise DomainError("对接偏好有误，请按提示修改。", code="invalid", details=errors)
    profile, _ = InterestProfile.objects.select_for_update().update_or_create(
        board=board, institution=institution, defaults=values)
    evidence.record(board, "alliance.profile.saved", actor=actor, subject=profile,
                    payload={"institution": institution.pk, **values})
    return profile


def push_matches(board, *, actor=None):
    """Push to every admitted member of the push bodies with a profile the board's enterprises
    (not removed) that consent to it now and fit its profile. A member gets an enterprise
    once per white-listed need (once without one) and never while a matchmaking is active."""
    members = selectors.member_institutions(board, states=[MembershipState.ADMITTED],
                                            bodies=board.setting("alliance.push_bodies"))
    profiles = InterestProfile.objects.filter(board=board,
                                              institution__in=members).select_related("institution")
    names = tier_names(board)
    return [m for profile in profiles for m in _push_to(board, profile, names, actor)]


@transaction.atomic
def _push_to(board, profile, names, actor):
    profile = (
        InterestProfile.objects.select_for_update(of=("self",))
        .select_related("institution")
        .get(pk=profile.pk)
    )
    institution = profile.institution
    consents = consent_map(institution)
    mine = Matchmaking.objects.filter(board=board, institution=institution)
    seen = set(mine.values_list("enterprise_id", "need_id"))
    enterprises = (Enterprise.objects.filter(board=board, pk__in=list(consents))
                   .exclude(status=EnterpriseStatus.REMOVED)
                   .exclude(pk__in=mine.filter(state__in=ACTIVE_MATCH).values("enterprise_id"))
                   .prefetch_related("financings", "qualifications", Prefetch(
                       "financing_needs", FinancingNeed.objects.filter(state=NeedState.WHITELISTED)
                       .order_by("-posted_at", "-id"), to_attr="listed_needs")))
    pushed = []
    for enterprise in enterprises:
        matched, reasons, need = profile_match(profile, enterprise, needs=enterprise.listed_needs,
                                               categories=consents[enterprise.pk], tier_names=names)
        if not matched or (enterprise.pk, getattr(need, "pk", None)) in seen:
            continue
        matchmaking = Matchmaking.objects.create(board=board, institution=institution, enterprise=enterprise,
                                                 need=need, match_reasons=reasons)
        evidence.record(board, "alliance.matchmaking.pushed", actor=actor, subject=matchmaking, payload={
            "institution": institution.pk, "enterprise": enterprise.pk, "need": getattr(need, "pk", None),
            "reasons": reasons, "categories": sorted(consents[enterprise.pk])})
        pushed.append(matchmaking)
    if pushed:
        notify_institution(board, institution, "alliance.matchmaking.pushed",
                           f"交易中心向贵机构推送了 {len(pushed)} 家匹配企业",
                           "请在对接项目中查看并反馈意向。")
    return pushed


# --- Matchmaking -----------------------------------------------------------------------------------

REASON_STEPS = ("decline", "fail")


def _reason(category, text):
    if category not in ReasonCategory.values:
        raise DomainError("请选择原因类别。", code="reason_category_required",
                          details={"allowed": ReasonCategory.values})
    return category, required(text, "请填写原因说明。", "reason_text_required")


@transaction.atomic
def move_matchmaking(matchmaking, step, *, actor, reason_category="", reason_text="", amount=None,
                     instrument="", financed_on=None):
    """One step of the funnel: interest, decline (reason), engage, due_diligence,
    finance (amount, instrument, date) or fail (reason)."""
    matchmaking = locked(matchmaking, "enterprise")
    args = ()
    if step in REASON_STEPS:
        args = _reason(reason_category, reason_text)
    elif step == "finance":
        if amount is None or amount <= Decimal(0):
            raise DomainError("融资金额必须大于 0。", code="invalid_amount")
        if instrument not in ProductType.values:
            raise DomainError("请选择融资工具。", code="invalid_instrument",
                              details={"allowed": ProductType.values})
        if financed_on is None or financed_on > timezone.localdate():
            raise DomainError("请填写实际融资日期（不能晚于今天）。", code="invalid_date")
        args = (amount, instrument, financed_on, matchmaking.enterprise.tier)
    fire(matchmaking, step, *args)
    matchmaking.save()
    payload = {"reason_category": reason_category, "reason_text": reason_text} if step in REASON_STEPS else {}
    if step == "finance":
        payload = {"amount": amount, "instrument": instrument, "financed_on": financed_on,
                   "tier": matchmaking.financed_tier}
    evidence.record(matchmaking.board, f"alliance.matchmaking.{matchmaking.state}", actor=actor,
                    subject=matchmaking, payload={"step": step, **payload})
    if step in ("finance", "fail", "decline"):
        notify_staff(matchmaking.board, matchmaking, f"alliance.matchmaking.{matchmaking.state}",
                     f"{matchmaking}：{matchmaking.get_state_display()}", reason_text)
    return matchmaking


@transaction.atomic
def request_value_report(matchmaking, *, actor):
    """During deep engagement the member may ask the exchange for a preliminary value report."""
    matchmaking = locked(matchmaking)
    if matchmaking.state != MatchState.DEEP_ENGAGEMENT:
        raise Conflict(
            f"对接处于「{matchmaking.get_state_display()}」，只有深度对接阶段可以申请初步价值报告。",
            code="illegal_state",
            details={"state": matchmaking.state},
        )
    if matchmaking.value_report_requested_at is not None:
        return matchmaking
    matchmaking.value_report_requested_at = timezone.now()
    matchmaking.save()
    evidence.record(matchmaking.board, "alliance.matchmaking.value_report_requested", actor=actor,
                    subject=matchmaking)
    notify_staff(matchmaking.board, matchmaking, "alliance.matchmaking.value_report_requested",
                 f"{matchmaking} 申请初步价值报告")
    return matchmaking


@transaction.atomic
def deliver_value_report(matchmaking, *, upload, actor):
    matchmaking = locked(matchmaking, "institution")
    if matchmaking.value_report_requested_at is None:
        raise Conflict("该对接未申请初步价值报告。", code="not_requested")
    stored = store_upload(matchmaking.board, upload, purpose="alliance.value_report", user=actor,
                          allowed=("pdf", "docx"))
    matchmaking.value_report = stored
    matchmaking.save()
    evidence.record(matchmaking.board, "alliance.matchmaking.value_report_delivered", actor=actor,
                    subject=matchmaking, payload={"sha256": stored.sha256})
    notify_institution(matchmaking.board, matchmaking.institution,
                       "alliance.matchmaking.value_report_delivered",
                       f"初步价值报告已出具：{matchmaking.enterprise_id} 号企业")
    return matchmaking


@transaction.atomic
def mark_case(matchmaking, *, title, summary, actor):
    """A financed matchmaking joins the case collection."""
    matchmaking = locked(matchmaking)
    if matchmaking.state != MatchState.FINANCED:
        raise Conflict("只有已融资的对接可以列为案例。", code="not_financed",
                       details={"state": matchmaking.state})
    matchmaking.is_case = True
    matchmaking.case_title = required(title, "请填写案例标题。", "title_required")
    matchmaking.case_summary = required(summary, "请填写案例简介。", "summary_required")
    matchmaking.save()
    evidence.record(matchmaking.board, "alliance.matchmaking.case_marked", actor=actor, subject=matchmaking,
                    payload={"title": matchmaking.case_title, "summary": matchmaking.case_summary})
    return matchmaking


# --- Recommendations --------------------------------------------------------------------------------

LEAD_FIELDS = ("name", "credit_code", "prefecture", "industry")


@transaction.atomic
def recommend_enterprise(board, *, institution, data, reason, actor, invested=False):
    """A member recommends an enterprise: the board's enterprise with that credit code, or a
    new one as an admission lead (status prospect)."""
    reason = required(reason, "请填写推荐理由。", "reason_required")
    lead = {name: str(data.get(name, "")).strip() for name in LEAD_FIELDS}
    enterprise = Enterprise.objects.filter(board=board, credit_code=lead["credit_code"].upper()).first()
    if enterprise is None:
        try:
            with transaction.atomic():
                enterprise = create_enterprise(board, data=lead, actor=actor)
        except IntegrityError:  # registered concurrently
            enterprise = Enterprise.objects.get(board=board, credit_code=lead["credit_code"].upper())
    recommendation = Recommendation.objects.create(board=board, institution=institution,
                                                   enterprise=enterprise, reason=reason, invested=invested,
                                                   created_by=actor)
    evidence.record(board, "alliance.recommendation.created", actor=actor, subject=recommendation, payload={
        "institution": institution.pk, "enterprise": enterprise.pk, "reason": reason, "invested": invested})
    notify_staff(board, recommendation, "alliance.recommendation.created",
                 f"{institution} 推荐企业 {enterprise}", reason)
    return recommendation


# --- Housekeeping -------------------------------------------------------------------------------


def purge_idempotency_keys(board):
    """Forget keys older than ``alliance.idempotency_hours``."""
    cutoff = timezone.now() - dt.timedelta(hours=board.setting("alliance.idempotency_hours"))
    return IdempotencyKey.objects.filter(board=board, created_at__lt=cutoff).delete()[0]

