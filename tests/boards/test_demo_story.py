"""The demo tells a coherent story (issue 13 item 8), checked by queries over what seed_demo
wrote, not by values written down here: every company is listed in the prefecture its name and its
统一社会信用代码 say; an enterprise account acts for one enterprise (only a board's 集团 account for a
few); applications are filed while their campaign is open and a closed campaign's plan approved
before its publicity; a review case moves opened → drawn → sent → received → meeting → decided →
filed; a financing case past its 立项会 had it after being opened and before its loan; monthly forms
are reported for months that have ended, with figures that vary; nothing done lies in the future."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Min, Q
from django.utils import timezone

from alliance.models import Meeting, MeetingState, PerformanceForm
from boards.enterprises.models import Application, Enterprise
from boards.kernel import demo
from boards.kernel.models import Board, BoardMembership, Filing, Role
from boards.kernel.scoping import board_scope
from reviews.models import CaseState, Opinion, ReviewCase
from risksharing.models import CaseState as FinancingState
from risksharing.models import FinancingCase

GROUP_LIMIT = 8  # the 集团 account's companies: "a few"
NOT_MET = (CaseState.CREATED, CaseState.PANEL_DRAWN, CaseState.MATERIAL_SENT, CaseState.MEETING_SCHEDULED)
WAITING = (FinancingState.PRESCREENING, FinancingState.RECOMMENDED, FinancingState.CLOSED)


def _prefectures():
    """Every company in the prefecture its name's place and its code's division name."""
    places = {data["slug"]: data["places"] for data in demo.BOARDS}
    return [f"{e.board.slug} {e.name} {e.credit_code} listed in {e.prefecture}"
            for e in Enterprise.objects.select_related("board")
            if not any(e.prefecture == prefecture and e.name.startswith(prefix)
                       and e.credit_code[2:8] == division
                       for prefecture, prefix, division in places.get(e.board.slug, []))]


def _accounts():
    """One enterprise account per enterprise; at most one (the 集团 account) on a few."""
    problems = []
    for data in demo.BOARDS:
        slug = data["slug"]
        firms = Count("user__enterprises", filter=Q(user__enterprises__board__slug=slug))
        accounts = (BoardMembership.objects.filter(board__slug=slug, role=Role.ENTERPRISE_USER)
                    .annotate(firms=firms).values_list("user__username", "firms"))
        several = {name: count for name, count in accounts if count > 1}
        if len(several) > 1 or any(count > GROUP_LIMIT for count in several.values()):
            problems.append(f"{slug}: accounts acting for several enterprises: {several}")
    return problems


def _review_chain(case):
    received = [at for at in case.seats.values_list("received_at", flat=True) if at]
    filed = Filing.objects.filter(subject_type="reviews.reviewcase", subject_id=str(case.pk))
    chain = [("opened", case.created_at), ("drawn", case.drawn), ("sent", case.sent),
             ("received", max(received, default=None))]
    if case.meeting_at and case.state not in NOT_MET:
        chain.append(("meeting", case.meeting_at))
    chain += [("decided", case.decided_at),
              ("filed", min(filed.values_list("created_at", flat=True), default=None)),
              ("archived", case.archived_at)]
    return [(name, at) for name, at in chain if at is not None]


def _reviews(now):
    """Opened → drawn → sent → received → meeting → decided → filed, none of it ahead of now."""
    problems = []
    for case in ReviewCase.objects.annotate(drawn=Min("draws__drawn_at"), sent=Min("seats__sent_at")):
        steps = _review_chain(case)
        for (first, a), (then, b) in zip(steps, steps[1:], strict=False):
            if b < a - dt.timedelta(seconds=1):
                problems.append(f"review case {case.pk} ({case.get_state_display()}): "
                                f"{then} {b} before {first} {a}")
        if steps and steps[-1][1] > now:
            problems.append(f"review case {case.pk}: {steps[-1][0]} in the future")
    problems += [f"an opinion submitted in the future ({at})" for at in
                 Opinion.objects.filter(submitted_at__gt=now).values_list("submitted_at", flat=True)]
    return problems


def _financing(now, today):
    """A case past its 立项会 had it after being opened and before its loan, all in the past."""
    problems = []
    past_meeting = FinancingCase.objects.exclude(state__in=WAITING).exclude(meeting_at=None)
    for case in past_meeting:
        if case.meeting_at > now or case.created_at > case.meeting_at:
            problems.append(f"financing case {case.pk} ({case.get_state_display()}): "
                            f"opened {case.created_at}, 立项会 {case.meeting_at}")
        loan = [on for on in (case.disbursed_on, case.defaulted_on, case.repaid_on, case.npl_transferred_on)
                if on]
        if loan and (min(loan) < timezone.localtime(case.meeting_at).date() or max(loan) > today):
            problems.append(f"financing case {case.pk}: loan dates {loan}, 立项会 {case.meeting_at}")
    return problems


def _monthly_and_meetings(now, today):
    """Monthly forms only for months that have ended, submitted after, with figures that vary;
    no alliance meeting held in the future."""
    problems = []
    for form in PerformanceForm.objects.exclude(submitted_at=None):
        month_end = (form.month + dt.timedelta(days=32)).replace(day=1)
        if timezone.localtime(form.submitted_at).date() < month_end or form.submitted_at > now:
            problems.append(f"performance form {form.month:%Y-%m} submitted {form.submitted_at}")
    figures = Counter(PerformanceForm.objects.values_list("appointment", "enterprises_served",
                                                         "financing_amount"))
    problems += [f"the same monthly figures {key} {n} times" for key, n in figures.items() if n > 2]
    problems += [f"alliance meeting held in the future: {meeting}" for meeting in
                 Meeting.objects.filter(state=MeetingState.HELD, scheduled_on__gt=today)]
    return problems


def _admission():
    """Applications filed while their campaign was open; a closed campaign's forwarded by the
    bureaus' deadline and its plans approved before their publicity."""
    problems = []
    filed = Application.objects.exclude(submitted_at=None).select_related("campaign", "plan")
    for application in filed:
        campaign, submitted = application.campaign, timezone.localtime(application.submitted_at).date()
        late = not campaign.is_open and submitted > campaign.bureau_deadline
        if submitted < campaign.opens_on or late:
            problems.append(f"application {application.pk} submitted {submitted}, "
                            f"campaign {campaign.opens_on}–{campaign.bureau_deadline}")
        plan = application.plan
        if plan and plan.approved_at and plan.publicity_starts_on and \
                timezone.localtime(plan.approved_at).date() > plan.publicity_starts_on:
            problems.append(f"plan {plan.pk} approved {plan.approved_at}, "
                            f"publicity {plan.publicity_starts_on}")
    return problems


def story_violations():
    """What in the seeded demo breaks its story, as sentences (empty when coherent)."""
    now, today = timezone.now(), timezone.localdate()
    return [*_prefectures(), *_accounts(), *_admission(), *_reviews(now), *_financing(now, today),
            *_monthly_and_meetings(now, today)]


@pytest.mark.django_db
@pytest.mark.timeout(900)  # the whole demo seed: slow on a loaded machine
def test_the_seeded_demo_tells_a_coherent_story(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    with board_scope(list(Board.objects.all())):  # the story spans the four boards (scope and RLS)
        # what the story is told with is there to be checked
        assert Enterprise.objects.values("board").distinct().count() == len(demo.BOARDS)
        assert ReviewCase.objects.filter(meeting_at__isnull=False).exists()
        assert FinancingCase.objects.filter(disbursed_on__isnull=False).exists()
        assert PerformanceForm.objects.exists() and Application.objects.exists()
        assert story_violations() == []
