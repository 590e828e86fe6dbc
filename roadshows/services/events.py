"""Writes of a roadshow as an event: planning it, closing its sign-up, recording it held (who
attended, into the enterprise database), cancelling it, and the reminder before it.

证监办函〔2022〕840号 (十) 1：“根据企业融资需求以及私募基金管理人投资需求，有针对性地组织路演、推送优质
企业”；附件2 (二)「企业通过股交中心投融资需求发布平台，现场路演以及深交所全国路演平台，针对投融资双方的
偏好与需求，实现精准对接。」

Invariants:
- a roadshow is planned in the future; enterprises sign up until ``roadshows.signup_close_workdays``
  working days before its day (kernel calendar);
- its list is closed only with at least one accepted enterprise and none waiting for a decision;
- it is recorded held only once it has begun, with who attended: each enterprise that presented
  gets a 服务 record in the enterprise database (840号 (八)), which also asks it to rate the service;
- the reminder goes once, when ``roadshows.remind_workdays`` working days or fewer remain: the
  claim is a conditional UPDATE, so a repeated or retried sweep sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import ServiceRecordKind
from boards.enterprises.services.registry import record_service
from boards.kernel import calendar, evidence
from boards.kernel.access import role_users
from boards.kernel.errors import DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Board, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire
from roadshows.actions import RoadshowAction
from roadshows.models import Invitation, InvitationState, Roadshow, RoadshowState, Signup, SignupState, Venue

CREATED, CLOSED = RoadshowAction.ROADSHOW_CREATED, RoadshowAction.ROADSHOW_CLOSED
HELD = RoadshowAction.ROADSHOW_HELD
CANCELLED, REMINDED = RoadshowAction.ROADSHOW_CANCELLED, RoadshowAction.ROADSHOW_REMINDED


def workdays_before(day: dt.date, n: int) -> dt.date:
    """The n-th working day before ``day`` (``day`` itself for n=0)."""
    while n:
        day -= calendar.ONE_DAY
        n -= calendar.is_workday(day)
    return day


def signup_closes_on(board: Board, starts_at: dt.datetime) -> dt.date:
    return workdays_before(
        calendar.local_date(starts_at), board.setting("roadshows.signup_close_workdays", 3)
    )


def close_refusal(roadshow: Roadshow) -> str | None:
    """Why the list cannot be closed yet, in Chinese; None when it can."""
    states = [s.state for s in roadshow.signups.all()]
    if SignupState.APPLIED in states:
        return f"尚有 {states.count(SignupState.APPLIED)} 家企业报名待审核，请先接受或不予接受。"
    if SignupState.ACCEPTED not in states:
        return "尚无已接受报名的企业，不能确定名单。"
    return None


def hold_refusal(roadshow: Roadshow) -> str | None:
    if timezone.now() < roadshow.starts_at:
        return (
            f"路演定于 {timezone.localtime(roadshow.starts_at):%Y-%m-%d %H:%M} 举行，开始后方可登记举办情况。"
        )
    return None


def _users(roadshow: Roadshow) -> list[User]:
    """The presenting enterprises' users and the invited investors' users who did not decline."""
    users = {
        u
        for s in roadshow.signups.filter(state=SignupState.ACCEPTED).prefetch_related("enterprise__users")
        for u in s.enterprise.users.all()
    }
    institutions = roadshow.invitations.exclude(state=InvitationState.DECLINED).values("institution_id")
    users |= {
        m.user
        for m in roadshow.board.memberships.filter(
            institution_id__in=institutions, role=Role.INSTITUTION_USER, is_active=True
        ).select_related("user")
    }
    return sorted(users, key=lambda u: u.pk)


@transaction.atomic
def plan_roadshow(board: Board, *, title: str, venue: str, location: str, starts_at: dt.datetime, actor: User,
                  description: str = "", now: dt.datetime | None = None) -> Roadshow:
    """Plan a roadshow; its sign-up closes ``roadshows.signup_close_workdays`` working days before.
    ``now``: when it was planned (the present by default; the demo seeds past roadshows)."""
    now = now or timezone.now()
    title, location = (title or "").strip(), (location or "").strip()
    if venue not in Venue.values:
        raise DomainError("请选择路演方式。", code="invalid_venue", details={"field": "venue"})
    if not title:
        raise DomainError("请填写路演名称。", code="title_required", details={"field": "title"})
    if not location:
        raise DomainError(
            "请填写路演地点或平台链接。", code="location_required", details={"field": "location"}
        )
    if starts_at <= now:
        raise DomainError(
            f"路演时间 {timezone.localtime(starts_at):%Y-%m-%d %H:%M} 已过，请填写今后的时间。",
            code="invalid_time",
            details={"field": "starts_at"},
        )
    closes = signup_closes_on(board, starts_at)
    if closes < timezone.localdate(now):
        raise DomainError(
            f"报名须在路演前 {board.setting('roadshows.signup_close_workdays', 3)} 个工作日截止"
            f"（{closes:%Y-%m-%d}），该日已过，请把路演时间往后安排。",
            code="too_soon",
            details={"field": "starts_at"},
        )
    roadshow = Roadshow.objects.create(
        board=board,
        title=title,
        venue=venue,
        location=location,
        starts_at=starts_at,
        signup_closes_on=closes,
        description=(description or "").strip(),
        created_by=actor,
    )
    evidence.record(
        board,
        CREATED,
        actor=actor,
        subject=roadshow,
        payload={
            "title": title,
            "venue": venue,
            "location": location,
            "starts_at": starts_at,
            "signup_closes_on": closes,
        },
    )
    return roadshow


@transaction.atomic
def close_signup(roadshow: Roadshow, *, actor: User) -> Roadshow:
    roadshow = locked(roadshow)
    refusal = close_refusal(roadshow)
    if refusal:
        raise DomainError(refusal, code="not_ready")
    fire(roadshow, "close")
    roadshow.save()
    accepted = list(
        roadshow.signups.filter(state=SignupState.ACCEPTED).values_list("enterprise_id", flat=True)
    )
    evidence.record(roadshow.board, CLOSED, actor=actor, subject=roadshow, payload={"enterprises": accepted})
    return roadshow


def _summary(roadshow: Roadshow, investors: int) -> str:
    return (
        f"【路演】参加{roadshow.get_venue_display()}「{roadshow.title}」"
        f"（{timezone.localtime(roadshow.starts_at):%Y-%m-%d}），出席投资机构 {investors} 家。"
    )


@transaction.atomic
def hold_roadshow(roadshow: Roadshow, *, actor: User, summary: str, signups: Iterable[Signup] = (),
                  invitations: Iterable[Invitation] = ()) -> Roadshow:
    """Record the roadshow held: ``signups`` and ``invitations`` attended, the others did not."""
    roadshow = locked(roadshow)
    refusal = hold_refusal(roadshow)
    if refusal:
        raise DomainError(refusal, code="not_started")
    summary = (summary or "").strip()
    if not summary:
        raise DomainError("请填写举办情况。", code="summary_required", details={"field": "summary"})
    present = {s.pk for s in signups}
    accepted = list(roadshow.signups.filter(state=SignupState.ACCEPTED).select_related("enterprise"))
    if present - {s.pk for s in accepted}:
        raise DomainError(
            "出席企业须是已接受报名的企业。", code="foreign_signup", details={"field": "signups"}
        )
    came = {i.pk for i in invitations}
    invited = list(roadshow.invitations.exclude(state=InvitationState.DECLINED))
    if came - {i.pk for i in invited}:
        raise DomainError(
            "出席机构须是已邀请且未谢绝的机构。", code="foreign_invitation", details={"field": "invitations"}
        )
    fire(roadshow, "hold", summary)
    roadshow.save()
    held_on = calendar.local_date(roadshow.starts_at)
    for invitation in invited:
        invitation.attended = invitation.pk in came
        invitation.save(update_fields=["attended"])
    for signup in accepted:
        signup.attended = signup.pk in present
        if signup.attended:  # into the enterprise database (840号 (八)), and asked to rate it
            signup.service_record = record_service(
                signup.enterprise,
                kind=ServiceRecordKind.SERVICE,
                occurred_on=held_on,
                summary=_summary(roadshow, len(came)),
                actor=actor,
            )
        signup.save(update_fields=["attended", "service_record"])
    evidence.record(
        roadshow.board,
        HELD,
        actor=actor,
        subject=roadshow,
        payload={
            "summary": summary,
            "enterprises": sorted(s.enterprise_id for s in accepted if s.pk in present),
            "institutions": sorted(i.institution_id for i in invited if i.pk in came),
        },
    )
    return roadshow


@transaction.atomic
def cancel_roadshow(roadshow: Roadshow, *, actor: User, reason: str) -> Roadshow:
    roadshow = locked(roadshow)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明取消原因。", code="reason_required", details={"field": "reason"})
    fire(roadshow, "cancel", reason)
    roadshow.save()
    evidence.record(roadshow.board, CANCELLED, actor=actor, subject=roadshow, payload={"reason": reason})
    notify(
        roadshow.board,
        _users(roadshow),
        "roadshows.cancelled",
        f"路演取消：{roadshow.title}",
        f"原定 {timezone.localtime(roadshow.starts_at):%Y-%m-%d %H:%M} 的路演已取消。原因：{reason}",
    )
    return roadshow


def due_for_reminder(board: Board, today: dt.date) -> list[Roadshow]:
    """Roadshows still to come whose reminder is due today and not yet sent."""
    days = board.setting("roadshows.remind_workdays", 2)
    upcoming = Roadshow.objects.filter(
        board=board,
        reminded_at__isnull=True,
        starts_at__gt=timezone.now(),
        state__in=[RoadshowState.OPEN, RoadshowState.CLOSED],
    )
    return [r for r in upcoming if calendar.workdays_between(today, calendar.local_date(r.starts_at)) <= days]


@transaction.atomic
def remind(roadshow: Roadshow, *, today: dt.date) -> bool:
    """Send the reminder of ``roadshow`` once; False when another run claimed it first."""
    if not Roadshow.objects.filter(pk=roadshow.pk, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    ):
        return False
    roadshow = Roadshow.objects.select_related("board").get(pk=roadshow.pk)
    users = _users(roadshow)
    left = calendar.workdays_between(today, calendar.local_date(roadshow.starts_at))
    when = f"{timezone.localtime(roadshow.starts_at):%Y-%m-%d %H:%M}"
    notify(
        roadshow.board,
        users,
        "roadshows.reminder",
        f"路演提醒：{roadshow.title}",
        f"{roadshow.get_venue_display()}将于 {when} 举行（还有 {left} 个工作日），"
        f"地点：{roadshow.location}。",
    )
    notify(
        roadshow.board,
        role_users(roadshow.board, Role.EXCHANGE_STAFF),
        "roadshows.reminder",
        f"路演提醒：{roadshow.title}",
        f"将于 {when} 举行，已接受报名企业和受邀机构已收到提醒。",
        reverse("admin:roadshows_roadshow_change", args=[roadshow.pk]),
    )
    evidence.record(
        roadshow.board,
        REMINDED,
        subject=roadshow,
        payload={"on": today, "workdays_left": left, "users": [u.pk for u in users]},
    )
    return True
