"""Demo data of the roadshows app (seed_demo): on each board running roadshows, one on-site
roadshow held a month ago — three enterprises signed up (two accepted, one declined), the
alliance's investors whose interests fit invited (one confirmed and came, one declined), an
outcome that opened a matchmaking where the board runs the alliance — and one on the national
roadshow platform three weeks ahead, taking sign-ups: one accepted, one waiting for staff, the
board's demo bank invited and yet to answer (its user confirms it on the invitations page).

Idempotent: a board with a roadshow is left alone.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from boards.enterprises.models import Enterprise
from boards.kernel.calendar import SHANGHAI
from boards.kernel.demo import demo_seeder
from roadshows import selectors
from roadshows.models import Roadshow, Venue
from roadshows.services import events, participants

PITCHES = [
    "主营产品国内市场占有率领先，拟融资扩建第二条生产线。",
    "拥有发明专利 12 项，拟引入战略投资者加快研发成果转化。",
    "订单饱满，拟通过股权融资补充流动资金并推进股份制改造。",
]


def _at(day, hour):
    return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=SHANGHAI)


def _enterprises(board):
    """Enterprises that may sign up, the demo enterprise user's first (it sees its own sign-ups)."""
    return list(
        Enterprise.objects.filter(board=board, status__in=selectors.signup_statuses(board))
        .annotate(own=Count("users", filter=Q(users__username=f"{board.slug}.enterprise")))
        .order_by("-own", "name")[:5]
    )


def _speaker(board, staff, *, enterprise=None, institution=None):
    """Who acts for ``enterprise`` or ``institution`` on ``board`` in the story: its own account
    (an enterprise's, or a user of the institution's membership), staff only where it has none."""
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    if enterprise is not None:
        users = users.filter(enterprises=enterprise)
    else:
        users = users.filter(board_memberships__board=board, board_memberships__institution=institution,
                             board_memberships__is_active=True)
    return users.first() or staff


@demo_seeder(order=75)
def seed_roadshows(board, stdout):
    if "roadshows" not in board.setting("modules", []) or Roadshow.objects.filter(board=board).exists():
        return
    staff = get_user_model().objects.filter(username=f"{board.slug}.staff").first()
    enterprises = _enterprises(board)
    if staff is None or len(enterprises) < 5:
        return
    today = timezone.localdate()
    held_on = events.workdays_before(today, 22)
    planned = _at(held_on - dt.timedelta(days=30), 9)
    past = events.plan_roadshow(
        board,
        title=f"{board.short_name}专精特新企业股权融资路演（第一期）",
        venue=Venue.ONSITE,
        location="交易中心路演厅",
        starts_at=_at(held_on, 14),
        actor=staff,
        now=planned,
        description="面向已入板企业，邀请联盟投资机构现场对接。",
    )
    signups = [
        participants.sign_up(
            past, enterprise=e, pitch=p, actor=_speaker(board, staff, enterprise=e), today=planned.date(),
            amount=(i + 1) * 5_000_000
        )
        for i, (e, p) in enumerate(zip(enterprises[:3], PITCHES, strict=True))
    ]
    for signup in signups[:2]:
        participants.accept_signup(signup, actor=staff)
    participants.decline_signup(signups[2], actor=staff, reason="本期路演聚焦新材料领域，建议报名下一期。")
    suggested = [institution for institution, _ in participants.suggestions(past).values()]
    fallback = list(participants.invitable(board)[:2])
    investors = (suggested + [i for i in fallback if i not in suggested])[:2]
    if investors:
        participants.invite(past, institutions=investors, actor=staff)
    events.close_signup(past, actor=staff)
    invitations = list(past.invitations.order_by("pk"))
    if invitations:
        participants.answer_invitation(invitations[0], action="confirm", note="投资总监出席",
                                       actor=_speaker(board, staff, institution=invitations[0].institution))
    for invitation in invitations[1:]:
        participants.answer_invitation(invitation, action="decline", note="当日另有投决会",
                                       actor=_speaker(board, staff, institution=invitation.institution))
    past = events.hold_roadshow(
        past,
        actor=staff,
        signups=signups[:2],
        invitations=invitations[:1],
        summary="两家企业完成路演并答问，投资机构现场交流，会后一家机构表示投资意向。",
    )
    if invitations:
        participants.record_outcome(
            past,
            signup=signups[0],
            invitation=invitations[0],
            actor=staff,
            note="拟跟进尽职调查，初步意向投资 1000 万元",
        )
    upcoming = events.plan_roadshow(
        board,
        title=f"{board.short_name}企业路演（深交所全国路演平台专场）",
        venue=Venue.PLATFORM,
        location="https://rs.p5w.net/（深交所全国路演平台直播间）",
        starts_at=_at(today + dt.timedelta(days=21), 14),
        actor=staff,
        description="线上路演，全国投资机构可在线观看并预约交流。",
    )
    first = participants.sign_up(
        upcoming, enterprise=enterprises[3], pitch=PITCHES[1], amount=8_000_000,
        actor=_speaker(board, staff, enterprise=enterprises[3])
    )
    participants.accept_signup(first, actor=staff)
    participants.sign_up(upcoming, enterprise=enterprises[4], pitch=PITCHES[2],
                         actor=_speaker(board, staff, enterprise=enterprises[4]))
    bank = (
        participants.invitable(board)
        .filter(
            pk__in=board.memberships.filter(user__username=f"{board.slug}.institution").values("institution")
        )
        .first()
    )
    if bank is not None:
        participants.invite(upcoming, institutions=[bank], actor=staff)
    stdout.write(f"{board.short_name}：路演 {Roadshow.objects.filter(board=board).count()} 场")
