"""Helpers of the policies tests, shared with other folders (the fixtures stay in its conftest.py)."""

import datetime as dt
import io
from decimal import Decimal

from pypdf import PdfReader

from boards.enterprises.models import FinancialYear, Qualification, TierChange
from boards.kernel.calendar import SHANGHAI
from boards.kernel.models import Role
from boards.kernel.scoping import board_scope
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    PolicyFactory,
    UserFactory,
)

TECH_KINDS = ["tech_sme", "high_tech", "tech_benchmark", "innovative_enterprise"]


# An enterprise listed in 优选层 on 2026-03-02, recognised as 高新技术企业.
LISTED = {"tier": "premium", "kinds": ["high_tech"], "history": [("premium", dt.date(2026, 3, 2))]}
FIRST_LISTING = {"tier_entry": {"type": "tier_entry", "tiers": ["premium", "listing"]},
                 "tech": {"type": "qualification", "kinds": TECH_KINDS}}


def first_listing_policy(board, **fields):
    """The 300,000-yuan first-listing award of seed [001], proposed automatically."""
    with board_scope(board):
        return PolicyFactory(board=board, code="first-listing", title="优选层、上市层首次挂牌奖补",
                             auto_propose=True, conditions=list(FIRST_LISTING.values()), **fields)


def guarantee_policy(board, cap="5000000"):
    with board_scope(board):
        return PolicyFactory(board=board, code="guarantee", title="融资担保风险补偿和保费补助",
                             payer="jrb", beneficiary="guarantee_firm", benefit_kind="formula", amount=None,
                             cap=Decimal(cap), recurrence="yearly")


def enterprise(board, name, *, tier="", kinds=(), financials=None, history=(), issued_on=dt.date(2025, 6, 1)):
    """An admitted enterprise of ``board`` with qualifications of ``kinds``, ``financials``
    {year: {field: amount}} and tier ``history`` [(to_tier, date)] (its current tier is ``tier``)."""
    with board_scope(board):
        company = EnterpriseFactory(board=board, name=name, tier=tier)
        for kind in kinds:
            Qualification.objects.create(board=board, enterprise=company, kind=kind, issued_on=issued_on,
                                         issuer="测试认定机构")
        for year, figures in (financials or {}).items():
            figures = {"revenue": 0, "net_profit": 0, **figures}
            FinancialYear.objects.create(board=board, enterprise=company, year=year,
                                         **{key: Decimal(value) for key, value in figures.items()})
        for to_tier, day in history:
            at = dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)
            TierChange.objects.create(board=board, enterprise=company, kind="admission", to_tier=to_tier,
                                      reason="测试", changed_at=at)
    return company


def user_with_role(board, username, role, institution=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, board=board, role=role, institution=institution)
    return user


def owner_of(company, username):
    user = user_with_role(company.board, username, Role.ENTERPRISE_USER)
    with board_scope(company.board):
        company.users.add(user)
    return user


def pdf_text(filing):
    """The rendered PDF's text with the line breaks of table cells taken out."""
    filing.refresh_from_db()
    assert filing.state == "rendered", filing.error
    with filing.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")
