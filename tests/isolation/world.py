"""The data the cross-tenant probes run against: a victim board rich in objects of every type the
URLs name, an attacker board with a user of every role, and the same-board outsiders (an
institution without consent, an expert on no case).

Every victim object carries the marker ``MARK`` in a name or title, so a response that shows
victim data can be recognised by the marker alone. Built once per module (see conftest.py).
"""

import contextlib
import datetime as dt
from decimal import Decimal as D
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from alliance.models import (
    AnnualAssessment,
    Appointment,
    BlacklistRecord,
    ExitCase,
    FeeAttestation,
    FinancingNeed,
    InstitutionQualification,
    InterestProfile,
    Matchmaking,
    Meeting,
    PerformanceForm,
    ProgressReport,
    Recommendation,
    ReportRun,
    SelectionRound,
    ServiceApplication,
)
from alliance.service_institutions import SELF_ASSESSMENT
from boards.enterprises.models import (
    FinancialYear,
    FinancingEvent,
    ImportJob,
    Objection,
    Qualification,
    RetierProposal,
    RetierRun,
    ServiceRecord,
    ShareChange,
    Shareholding,
    ShareRegister,
    TierChange,
    TierPlan,
)
from boards.enterprises.services import admission, disclosure
from boards.kernel.files import store_upload
from boards.kernel.models import ApiKey, BoardInvitation, BoardMembership, Filing, IdempotencyKey, Role
from boards.kernel.notifications import notify
from boards.kernel.scoping import board_scope
from policies.models import (
    Award,
    GuaranteeClaim,
    GuaranteeYear,
    LedgerTask,
    LedgerUnit,
    ProgrammeTarget,
    QuarterlyReport,
    TargetActual,
)
from reviews.models import QualityChallenge
from risksharing.models import CompensationFund, FunderNplReport, LossAllocation
from tests.factories import (
    AllianceMembershipFactory,
    EnterpriseFactory,
    ExpertFactory,
    InstitutionFactory,
    MembershipFactory,
    PolicyFactory,
    ProductFactory,
    UserFactory,
)
from tests.support.admission import at, pdf_upload
from tests.support.admission import world as admission_world
from tests.support.alliance import api_key, grant
from tests.support.reviews import Flow as ReviewFlow
from tests.support.reviews import committee
from tests.support.risksharing import Flow as RiskFlow
from tests.support.risksharing import Parties

MARK = "VMARKq7z"  # ASCII: survives JSON escaping, PDF metadata and xlsx XML alike
# In what even a public page of the victim board must not show (a directed disclosure, ...).
PRIVATE = MARK + "PRIVATE"
PDF = b"%PDF-1.4\n% " + MARK.encode() + b"\n%%EOF\n"


# The attacker board's users, one per role (attributes of the attacker namespace).
ATTACKER_ROLES = ("staff", "local_bureau", "enterprise_user", "institution_user", "regulator", "expert",
                  "credit_enhancer")


def _user(board, username, role, **membership):
    user = UserFactory(username=username, is_staff=role == Role.EXCHANGE_STAFF, password=None)
    MembershipFactory(user=user, board=board, role=role, **membership)
    return user


def _render(filing):
    """Stand in for the Celery render: a rendered filing with a small PDF holding the marker."""
    filing.file.save(f"probe-{filing.pk}.pdf", ContentFile(PDF), save=False)
    filing.state = "rendered"
    filing.save()
    return filing


def _attackers(w):
    """A user of every role on the attacker board, and its institution's API key."""
    board = w.board
    roles = SimpleNamespace(staff=w.staff, local_bureau=w.bureau, enterprise_user=w.enterprise_user,
                            institution_user=w.institution_user, regulator=next(iter(w.regulators.values())))
    slug = board.slug
    roles.expert = UserFactory(username=f"{slug}-expert", password=None)
    with board_scope(board):
        ExpertFactory(board=board, user=roles.expert, name="攻击方专家")  # adds the expert membership
    enhancer = InstitutionFactory(code=f"{slug}-guar", name="攻击方担保公司", kind="guarantee")
    roles.credit_enhancer = _user(board, f"{slug}-enhancer", Role.CREDIT_ENHANCER, institution=enhancer)
    with board_scope(board):
        AllianceMembershipFactory(board=board, institution=w.institution, body="investment")
    roles.api_key = api_key(board, w.institution, w.institution_user)
    return roles


def build():
    """Both boards and every object; returns a namespace (see the attributes set below)."""
    victim = admission_world("nmg-kcb")
    attacker = admission_world("xj-zjtx")
    # Every module on both boards, so no probe is refused merely because a module is off.
    for w in (victim, attacker):
        w.board.config = {**w.board.config, "modules": ["boards", "admission", "custody", "disclosure",
                                                        "reviews", "alliance", "risksharing", "policies",
                                                        "ordos_ledger", "service_institutions",
                                                        "listing_cultivation", "research_visits",
                                                        "operation_reports", "tracking_evaluation",
                                                        "roadshows", "equity_incentives"]}
        w.board.save()
    v, board = SimpleNamespace(board=victim.board), victim.board
    v.staff, v.enterprise_user, v.institution = victim.staff, victim.enterprise_user, victim.institution
    v.bureau = victim.bureau
    staff = victim.staff

    # Enterprise domain -------------------------------------------------------------------
    with board_scope(board):
        v.enterprise = victim.enterprise
        v.enterprise.name = f"{MARK}包头稀土科技有限公司"
        v.enterprise.save()
        # An admitted enterprise the institution API and alliance push can reach.
        v.listed = EnterpriseFactory(board=board, name=f"{MARK}呼和浩特软件有限公司", tier="standard",
                                     prefecture="呼和浩特市", industry="稀土功能材料")
        v.listed.users.add(v.enterprise_user)
        FinancialYear.objects.create(board=board, enterprise=v.listed, year=2025, revenue=D("1000"),
                                     net_profit=D("100"))
        FinancingEvent.objects.create(board=board, enterprise=v.listed, kind="equity", amount=D("1000000"),
                                      investor_name=f"{MARK}投资", occurred_on=dt.date(2025, 6, 1))
        ServiceRecord.objects.create(board=board, enterprise=v.listed, kind="service",
                                     occurred_on=dt.date(2025, 6, 1), staff=staff, summary=MARK)
        TierChange.objects.create(board=board, enterprise=v.listed, kind="admission", to_tier="standard",
                                  reason=MARK, changed_at=timezone.now())
        Qualification.objects.create(board=board, enterprise=v.listed, kind="specialized_sme",
                                     issuer=MARK, issued_on=dt.date(2025, 1, 1))
        run = RetierRun.objects.create(board=board, year=2025)
        RetierProposal.objects.create(board=board, run=run, enterprise=v.listed)
        register = ShareRegister.objects.create(board=board, enterprise=v.listed, total_shares=1000,
                                                opened_on=dt.date(2025, 1, 1))
        holding = Shareholding.objects.create(board=board, register=register, holder_name=MARK, shares=1000)
        change = ShareChange.objects.create(board=board, register=register, holding=holding,
                                            kind="opening", delta=D(1000), balance_after=D(1000))
        # An equity-incentive plan disclosed to a participant who is the victim's bank user.
        from boards.enterprises.models import Grant, IncentiveEvent, IncentivePlan, Participant

        v.incentive_plan = IncentivePlan.objects.create(
            board=board, enterprise=v.listed, register=register, source=holding, name=f"{MARK}激励计划",
            kind="option", pool_shares=D(100), exercise_price=D(1), vesting_years=1,
            approved_on=dt.date(2025, 1, 1), basis=MARK, summary=MARK, state="disclosed")
        participant = Participant.objects.create(board=board, plan=v.incentive_plan, name=MARK,
                                                 id_number=MARK, position=MARK, user=victim.institution_user)
        award = Grant.objects.create(board=board, plan=v.incentive_plan, participant=participant,
                                     shares=D(10), granted_on=dt.date(2025, 2, 1))
        IncentiveEvent.objects.create(board=board, grant=award, kind="grant", shares=D(10),
                                      occurred_on=dt.date(2025, 2, 1), note=MARK, share_change=change)
        v.disclosure = disclosure.publish_disclosure(
            v.listed, title=f"{PRIVATE}年度报告", audience="investors", actor=v.enterprise_user,
            file=store_upload(board, pdf_upload(text=PRIVATE), purpose="disclosure", user=v.enterprise_user))
        v.notification = notify(board, [v.enterprise_user], "probe", f"{PRIVATE}通知")[0]
        v.import_job = ImportJob.objects.create(board=board, kind="enterprises", file=v.disclosure.file,
                                                created_by=v.staff, message=f"{MARK}导入")

    # Alliance: a consenting institution (the victim's own) and one without consent ------------
    v.bank_user = victim.institution_user
    with board_scope(board):
        v.alliance = AllianceMembershipFactory(board=board, institution=v.institution, body="investment")
        v.product = ProductFactory(board=board, institution=v.institution, name=f"{MARK}科创贷")
    v.consent = grant(v.listed, v.institution)
    v.outsider_institution = InstitutionFactory(code="nmg-noconsent", name="未获授权银行", kind="bank")
    v.outsider = _user(board, "nmg-noconsent-user", Role.INSTITUTION_USER, institution=v.outsider_institution)
    v.outsider_key = api_key(board, v.outsider_institution, v.outsider)
    v.apikey = ApiKey.objects.get(institution=v.outsider_institution)
    api_key(board, v.institution, v.bank_user)  # the victim bank's own key, listed on its keys page
    v.bank_key = ApiKey.objects.filter(board=board, institution=v.institution).latest("pk")
    ApiKey.objects.filter(pk=v.bank_key.pk).update(label=f"{MARK}密钥")
    v.membership = BoardMembership.objects.filter(board=board, user=v.staff).first()
    v.invitation = BoardInvitation.objects.create(board=board, username=f"{MARK}invitee", role=Role.EXPERT,
                                                  invited_by=v.staff)
    with board_scope(board):
        AllianceMembershipFactory(board=board, institution=v.outsider_institution, body="investment")
        InterestProfile.objects.create(board=board, institution=v.institution, industries=["稀土功能材料"])
        InstitutionQualification.objects.create(board=board, institution=v.institution,
                                                kind="exchange_membership")
        v.need = FinancingNeed.objects.create(board=board, enterprise=v.listed, amount=D(1000000),
                                              use="扩产", term_months=12, state="whitelisted",
                                              summary="扩产资金需求")  # shown to every member by design
        v.matchmaking = Matchmaking.objects.create(board=board, institution=v.institution,
                                                   enterprise=v.listed)
        Recommendation.objects.create(board=board, institution=v.institution, enterprise=v.listed,
                                      reason=MARK)
        v.exit_case = ExitCase.objects.create(board=board, membership=v.alliance, source="probe",
                                              grounds=MARK, state="notified")
        Meeting.objects.create(board=board, body="investment", kind="regular", title=MARK,
                               scheduled_on=dt.date(2026, 3, 10))
        IdempotencyKey.objects.create(board=board, key="probe", caller="probe", request_hash="x" * 64,
                                      status_code=201)
        ReportRun.objects.create(board=board, period="2026Q1", starts_on=dt.date(2026, 1, 1),
                                 ends_on=dt.date(2026, 3, 31))
        BlacklistRecord.objects.create(board=board, institution=v.institution, source=MARK,
                                       listed_on=dt.date(2026, 1, 1))
        selection = SelectionRound.objects.create(
            board=board, title=MARK, notice=MARK, review_mode="meeting", opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31), state="open")
        application = ServiceApplication.objects.create(
            board=board, round=selection, institution=v.institution,
            self_assessment={key: MARK for key, _ in SELF_ASSESSMENT}, state="appointed")
        appointment = Appointment.objects.create(board=board, institution=v.institution,
                                                 application=application, appointed_on=dt.date(2025, 6, 10))
        v.form = PerformanceForm.objects.create(board=board, appointment=appointment,
                                                month=dt.date(2026, 2, 1))
        v.report = ProgressReport.objects.create(board=board, appointment=appointment, period="2025H2")
        FeeAttestation.objects.create(board=board, appointment=appointment, year=2025, statement=MARK)
        AnnualAssessment.objects.create(board=board, appointment=appointment, year=2025, figures={},
                                        criteria={}, proposed_grade="qualified")

    # Admission: an application with a material, a submitted plan -------------------------------
    with board_scope(board), at(2026, 9, 2, 10, 0):
        v.application = admission.create_application(victim.enterprise, victim.campaign,
                                                      actor=v.enterprise_user)
        v.material = admission.add_material(v.application, pdf_upload(text=MARK), title=f"{MARK}材料",
                                            actor=v.enterprise_user)
        Objection.objects.create(board=board, application=v.application, raised_by=MARK, text=MARK)
        v.plan = TierPlan.objects.create(board=board, campaign=victim.campaign, title=f"{MARK}分层方案",
                                         state="submitted")
    v.approver_body = next(iter(victim.regulators))

    # Reviews: a case sent to a panel, and an expert on no panel ---------------------------------
    rflow = ReviewFlow(board, staff)
    with board_scope(board):
        committee(board, 8)
    v.case = rflow.sent(v.listed)
    v.seat = rflow.seats(v.case)[0]
    with board_scope(board):
        v.case_material = v.case.materials.first()
        v.expert_user = v.seat.expert.user
        v.free_expert = UserFactory(username="nmg-free-expert", password=None)
        ExpertFactory(board=board, user=v.free_expert, name="不在案专家")
        QualityChallenge.objects.create(board=board, case=v.case, institution=v.institution,
                                        expert=v.seat.expert, text=MARK)

    # Risk sharing: a case sent to funders (its letters rendered), a fund ------------------------
    parties = Parties(board)
    checker = _user(board, "nmg-checker", Role.EXCHANGE_STAFF)
    fflow = RiskFlow(board, staff, checker, parties)
    v.financing_case = fflow.contracted(v.listed)
    with board_scope(board):
        for filing in Filing.objects.filter(board=board):
            _render(filing)
        v.letter = Filing.objects.filter(kind__startswith="risksharing.").order_by("pk").first()
        v.filing = Filing.objects.order_by("pk").first()
        v.enhancer_user = parties.users["NMPC"]
        CompensationFund.objects.create(board=board, institution=parties["NMPC"], name=f"{MARK}资金池")
        FunderNplReport.objects.create(board=board, funder=parties["IMB"], period="2026Q1",
                                       overall_npl_ratio=D("1.5"))
        LossAllocation.objects.create(board=board, case=v.financing_case, loss=D("100"))

    # Policies: an award, a guarantee claim, the Ordos ledger ------------------------------------
    with board_scope(board):
        policy = PolicyFactory(board=board, code="probe", title=f"{MARK}奖补")
        v.award = Award.objects.create(board=board, policy=policy, enterprise=v.listed,
                                       applied_at=timezone.now())
        GuaranteeYear.objects.create(board=board, institution=parties["NMGUAR"], year=2025)
        v.claim = GuaranteeClaim.objects.create(
            board=board, policy=policy, institution=parties["NMGUAR"], year=2025, period_label=MARK,
            guarantee_amount=D(1), enterprise_count=1, risk_rate=D(1), premium_rate=D(1),
            risk_compensation=D(1), premium_subsidy=D(1), cap=D(1), cap_used_before=D(0), cut=D(0),
            capped_granted=D(1), granted_risk_compensation=D(1), granted_premium_subsidy=D(0),
            explanation=MARK, declared_by=staff, declared_at=timezone.now())
        target = ProgrammeTarget.objects.create(board=board, code="probe", title=MARK, kind="yearly_min",
                                                threshold=1, unit="家", first_year=2025, last_year=2027,
                                                source=MARK)
        TargetActual.objects.create(board=board, target=target, year=2025, value=1)
        unit = LedgerUnit.objects.create(board=board, name=f"{MARK}单位", contact=v.bureau)
        LedgerTask.objects.create(board=board, number=1, area=MARK, title=MARK, measure=MARK,
                                  deadline_text=MARK)
        v.quarterly = QuarterlyReport.objects.create(board=board, unit=unit, year=2026, quarter=1)

    # Cultivation: a listing path the victim's institution serves, with a milestone ----------------
    with board_scope(board):
        from cultivation.models import ListingMilestone, ListingPath

        v.listing_path = ListingPath.objects.create(
            board=board, enterprise=v.listed, securities_firm=v.institution, target_market="bse",
            enrolled_on=dt.date(2025, 3, 1), created_by=staff)
        ListingMilestone.objects.create(board=board, path=v.listing_path, stage="cultivating",
                                        occurred_on=dt.date(2025, 3, 1), note=MARK, recorded_by=staff)
        from cultivation.models import FollowUpAction, ResearchVisit

        v.research_visit = ResearchVisit.objects.create(
            board=board, enterprise=v.listed, scheduled_on=dt.date(2025, 4, 1), purpose=MARK, lead=staff,
            institution=v.institution, findings=MARK, created_by=staff)
        FollowUpAction.objects.create(board=board, visit=v.research_visit, title=MARK, assignee=staff)
        from cultivation.models import OperationReport

        OperationReport.objects.create(board=board, period="2025Q1", starts_on=dt.date(2025, 1, 1),
                                       ends_on=dt.date(2025, 3, 31), filed_by=staff, figures={
                                           "tiers": {"total": 1, "rows": [{"name": MARK, "count": 1}]},
                                           "admitted_in_period": 0, "services": {"visits": 0, "services": 0},
                                           "financing": {"total": "0.00"}})  # the service's shape
        from cultivation.models import SatisfactionSurvey

        v.survey = SatisfactionSurvey.objects.create(board=board, enterprise=v.listed, source="probe:1",
                                                     label=f"{MARK}服务", delivered_on=dt.date(2025, 6, 1))

    # Roadshows: one the victim's enterprise presented at and the victim's bank attended, with an outcome.
    with board_scope(board):
        from roadshows.models import Invitation, Outcome, Roadshow, Signup

        v.roadshow = Roadshow.objects.create(
            board=board, title=f"{MARK}路演", venue="onsite", location=MARK, created_by=staff,
            starts_at=timezone.now() + dt.timedelta(days=30),
            signup_closes_on=timezone.localdate() + dt.timedelta(days=20))
        signup = Signup.objects.create(board=board, roadshow=v.roadshow, enterprise=v.listed, pitch=MARK,
                                       attended=True)
        v.roadshow_invitation = Invitation.objects.create(
            board=board, roadshow=v.roadshow, institution=v.institution, reasons=[MARK], attended=True)
        Outcome.objects.create(board=board, roadshow=v.roadshow, signup=signup,
                               invitation=v.roadshow_invitation, note=MARK, matchmaking_text=MARK)

    # The remaining tenant tables, one row each, so the raw-SQL probe finds victim rows everywhere.
    with board_scope(board):
        from alliance.models import Attendance, ExpertScore
        from boards.enterprises.models import PlanApproval, TierEntryPermit
        from policies.models import ReportEntry
        from reviews.models import (
            DeclaredConflict,
            ExpertEmployment,
            Opinion,
            SupplementRequest,
            Unavailability,
        )
        from risksharing.models import FundEntry, LossPart

        expert, other_seat = v.seat.expert, rflow.seats(v.case)[1]
        TierEntryPermit.objects.create(board=board, enterprise=v.listed, tier="premium",
                                       review_kind="innovation", source=MARK)
        PlanApproval.objects.create(board=board, plan=v.plan, body="other", approved=False, decided_by=staff)
        Attendance.objects.create(board=board, meeting=Meeting.objects.get(board=board),
                                  institution=v.institution, attended=True)
        ExpertScore.objects.create(board=board, application=application, expert_name=MARK, score=80)
        ExpertEmployment.objects.create(board=board, expert=expert, institution=v.institution,
                                        started_on=dt.date(2020, 1, 1))
        DeclaredConflict.objects.create(board=board, expert=expert, enterprise=v.enterprise, reason=MARK)
        Unavailability.objects.create(board=board, expert=expert, starts_on=dt.date(2027, 1, 1),
                                      ends_on=dt.date(2027, 1, 2))
        Opinion.objects.create(board=board, seat=other_seat)
        SupplementRequest.objects.create(board=board, seat=other_seat, text=MARK)
        part = LossPart.objects.create(board=board, allocation=LossAllocation.objects.get(board=board),
                                       institution=parties["NMPC"], party="enhancer", share=D(100),
                                       amount=D(100))
        FundEntry.objects.create(board=board, fund=CompensationFund.objects.get(board=board),
                                 kind="deposit", amount=D(100), balance_after=D(100), loss_part=part)
        ReportEntry.objects.create(board=board, report=v.quarterly, task=LedgerTask.objects.get(board=board))

    # A use of the victim's enterprise data (the receipts' index rows come with sequencing below).
    from boards.enterprises.services.consent import record_institution_read
    from boards.kernel import anchoring

    with board_scope(victim.board):
        record_institution_read(victim.board, institution=v.institution, actor=v.bank_user, view="detail",
                                consents={v.listed.pk: frozenset({"basic"})})

    for w in (victim, attacker):
        anchoring.sequence_and_anchor(w.board)

    a = _attackers(attacker)
    a.board = attacker.board
    return SimpleNamespace(victim=v, attacker=a)


@contextlib.contextmanager
def probe_world(django_db_blocker, tmp_path_factory):
    """The probe world for one test module: built inside one outer transaction, rolled back at the
    end, with its files in a media root of its own (the ``world`` fixtures of tests/isolation and
    tests/security)."""
    from django.conf import settings

    media = str(tmp_path_factory.mktemp("isolation-media"))
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                 "OPTIONS": {"location": media}}}
    with override_settings(MEDIA_ROOT=media, STORAGES=storages,
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build()
            world.sessions = _sessions(world)
            world.client = Client()
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _sessions(world):
    """A logged-in session per attacker, made once: each probe then only sends the cookie (a
    login per probe would double the suite's time). The attacker board's staff has its own board
    as the admin's current board."""
    from django.conf import settings

    from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY

    a, v = world.attacker, world.victim
    users = {f"other:{role}": getattr(a, role) for role in ATTACKER_ROLES}
    users.update({"same:noconsent": v.outsider, "same:free_expert": v.free_expert})
    sessions = {}
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        if key == "other:staff":
            session = client.session
            session[ADMIN_BOARD_SESSION_KEY] = a.board.pk
            session.save()
        sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions
