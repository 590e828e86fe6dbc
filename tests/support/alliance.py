"""Helpers of the alliance tests, shared with other folders (the fixtures stay in its conftest.py)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from alliance import service_institutions as si
from alliance.models import (
    Appointment,
    ExitCase,
    FinancingNeed,
    InterestProfile,
    Matchmaking,
    MembershipState,
    PerformanceForm,
    ProgressReport,
    SelectionRound,
    ServiceApplication,
)
from alliance.service_institutions import SELF_ASSESSMENT
from boards.enterprises.services.consent import grant_consent
from boards.kernel.api.authentication import generate_key, hash_secret
from boards.kernel.models import ApiKey
from boards.kernel.scoping import board_scope
from tests.factories import (
    AllianceMembershipFactory,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)


def member(board, code, *, kind="bank", body="investment", role="institution_user",
           state=MembershipState.ADMITTED, name=None):
    """An institution with one user on ``board`` and (unless ``state`` is None) an alliance membership."""
    institution = InstitutionFactory(code=code, name=name or f"{code}机构", kind=kind)
    user = UserFactory(username=f"{code.lower()}-{board.slug}")
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    membership = None
    if state is not None:
        with board_scope(board):
            membership = AllianceMembershipFactory(board=board, institution=institution, body=body,
                                                   state=state)
    return SimpleNamespace(institution=institution, user=user, membership=membership)


def api_key(board, institution, user):
    prefix, secret, full = generate_key()
    ApiKey.objects.create(board=board, institution=institution, user=user, prefix=prefix,
                          key_hash=hash_secret(secret))
    return {"HTTP_AUTHORIZATION": f"Api-Key {full}"}


def owner(enterprise):
    return UserFactory(username=f"owner-{enterprise.board.slug}-{enterprise.pk}")


def grant(enterprise, institution, *categories, days=30):
    """A consent of ``enterprise`` to ``institution`` (None: every member): basic plus ``categories``."""
    with board_scope(enterprise.board):
        return grant_consent(enterprise, categories=["basic", *categories], institution=institution,
                             expires_at=timezone.now() + dt.timedelta(days=days), actor=owner(enterprise))


PRODUCT_BODY = {"name": "科创信用贷", "product_type": "credit_loan", "description": "纯信用",
                "amount_min": "100000",
                "amount_max": "5000000", "rate_min": "3.45", "rate_max": "4.35", "term_min_months": 6,
                "term_max_months": 36, "approval_days": 5, "target_tiers": ["standard"],
                "required_qualifications": ["high_tech"], "for_tech_enterprises": True,
                "board_preference": "利率下浮 20 个基点"}
SERVICE_ASSESSMENT = {key: f"{label}：具备" for key, label in si.SELF_ASSESSMENT}
BRIEF_ASSESSMENT = {key: "说明" for key, _ in SELF_ASSESSMENT}


def appointment_with_duties(board, institution, selection):
    with board_scope(board):
        application = ServiceApplication.objects.create(board=board, round=selection, institution=institution,
                                                        self_assessment=BRIEF_ASSESSMENT, state="appointed")
        appointment = Appointment.objects.create(board=board, institution=institution,
                                                 application=application, appointed_on=dt.date(2025, 6, 10))
        form = PerformanceForm.objects.create(board=board, appointment=appointment, month=dt.date(2026, 2, 1))
        report = ProgressReport.objects.create(board=board, appointment=appointment, period="2025H2")
    return appointment, form, report


def objects_of_both(board, mine, theirs, enterprise):
    """For each of ``mine`` and ``theirs``: a product, a matchmaking, an exit case, the Jinzhong duties."""
    with board_scope(board):
        selection = SelectionRound.objects.create(board=board, title="遴选", notice="通知",
                                                  review_mode="meeting", opens_on=dt.date(2026, 1, 1),
                                                  closes_on=dt.date(2026, 12, 31), state="open")
        FinancingNeed.objects.create(board=board, enterprise=enterprise, amount=Decimal(1000000), use="扩产",
                                     term_months=12, state="whitelisted", summary="扩产")
        InterestProfile.objects.create(board=board, institution=mine.institution, industries=["稀土功能材料"])
    result = {}
    for key, who in (("mine", mine), ("theirs", theirs)):
        grant(enterprise, who.institution)
        with board_scope(board):
            objects = SimpleNamespace(
                product=ProductFactory(board=board, institution=who.institution),
                matchmaking=Matchmaking.objects.create(
                    board=board, institution=who.institution, enterprise=enterprise
                ),
                exit_case=ExitCase.objects.create(
                    board=board,
                    membership=who.membership,
                    source=f"t:{key}",
                    grounds="质疑",
                    state="notified",
                ),
            )
        duties = appointment_with_duties(board, who.institution, selection)
        objects.appointment, objects.form, objects.report = duties
        result[key] = objects
    result["enterprise"], result["need"] = enterprise, FinancingNeed.objects.none()
    return result


def appoint_firm(board):
    firm = member(board, "JCKJ", kind="consulting", state=None)
    with board_scope(board):
        selection = SelectionRound.objects.create(board=board, title="遴选", notice="通知",
                                                  review_mode="meeting", opens_on=dt.date(2026, 3, 2),
                                                  closes_on=dt.date(2026, 3, 31), state="appointed")
        application = ServiceApplication.objects.create(board=board, round=selection,
                                                        institution=firm.institution,
                                                        self_assessment=SERVICE_ASSESSMENT, state="appointed")
        firm.appointment = Appointment.objects.create(board=board, institution=firm.institution,
                                                      application=application,
                                                      appointed_on=dt.date(2026, 5, 14))
    return firm
