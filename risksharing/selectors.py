"""Reads of risk sharing, the parties' eligibility, and the access helpers: every ``access_*``
answers the same 404 for a missing object, another board's, and one the caller may not see.

A party is recognised by its institution kind plus:
- funders, disposal members and professional firms: an ADMITTED membership of the alliance body
  the board's ``risksharing.party_bodies`` names for that party (by default 投融资联合会, 风险处置联合会,
  专业服务联合会). A suspended member keeps reaching what it already has (an open request can still
  be answered) but is not chosen for anything new, as the alliance pushes only to admitted members;
- credit enhancers: an active board membership in the credit_enhancer role. The source names them
  by role (生产力促进中心 with its fund, 再担保 leading the co-guarantors), not by federation.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from boards.enterprises.tiers import tier_names
from boards.kernel.access import STAFF_ROLES, has_role, membership_institution, require_role
from boards.kernel.errors import DomainError
from boards.kernel.models import BoardMembership, Filing, Institution, InstitutionKind, Role
from boards.kernel.providers import FederationDirectory, provider
from risksharing.config import DEFAULT as CONFIG_DEFAULT
from risksharing.models import (
    NPL_STATES,
    ON_BOOK_STATES,
    CompensationFund,
    EnhancerView,
    FinancingCase,
    FirmInput,
    FundEntry,
    FunderNplReport,
    FunderRequest,
    LossPart,
    Party,
    RiskShare,
)

NOT_FOUND = "未找到该融资项目。"
K = InstitutionKind
ENHANCER_KINDS = (K.PRODUCTIVITY_CENTRE, K.REGUARANTEE, K.GUARANTEE, K.INSURANCE)
FUNDER_KINDS = (K.BANK, K.MICROLOAN, K.FUND, K.SUPPLY_CHAIN, K.LEASING)
DISPOSAL_KINDS = (K.AMC, K.ARBITRATION, K.COURT)
FIRM_KINDS = (K.SECURITIES, K.ACCOUNTING, K.LAW, K.VALUATION, K.CONSULTING)
# party: (kinds, what to call it in a message)
PARTIES = {
    "enhancer": (ENHANCER_KINDS, "增信机构"),
    "funder": (FUNDER_KINDS, "资金方"),
    "disposal": (DISPOSAL_KINDS, "风险处置机构"),
    "firm": (FIRM_KINDS, "专业服务机构"),
}
LETTER_KINDS = ("risksharing.recommendation", "risksharing.guarantee", "risksharing.feedback")
HUNDRED = Decimal(100)


# --- Parties and people ------------------------------------------------------------------------


def party_body(board, party):
    """The alliance body whose admitted members may act as ``party`` on ``board``; None for
    enhancers, who are recognised by their board role."""
    if party == "enhancer":
        return None
    # A board saved before the setting existed has no value yet: the default applies.
    return board.setting(f"risksharing.party_bodies.{party}") or CONFIG_DEFAULT["party_bodies"][party]


def parties(board, party):
    """Institutions that may act as ``party`` on ``board`` (see the module docstring)."""
    kinds = PARTIES[party][0]
    body = party_body(board, party)
    if body is None:
        members = BoardMembership.objects.filter(board=board, role=Role.CREDIT_ENHANCER, is_active=True)
        return Institution.objects.filter(kind__in=kinds, pk__in=members.values("institution_id"))
    return provider(FederationDirectory).admitted_members(board, body).filter(kind__in=kinds)


def _refusal(board, institution, party):
    """Why ``institution`` is not a ``party`` of ``board``, and what to do about it."""
    kinds, label = PARTIES[party]
    if institution.kind not in kinds:
        allowed = "、".join(str(K(kind).label) for kind in kinds)
        return f"{label}须为{allowed}，该机构类型为{institution.get_kind_display()}。"
    body = party_body(board, party)
    if body is None:
        return "该机构在本专板没有在岗的增信机构用户，请先为其开通增信机构账号。"
    return provider(FederationDirectory).membership_refusal(board, institution, body)


def require_party(board, institution, party):
    """Refuse ``institution`` as ``party`` of ``board`` with the reason and the way out."""
    if not parties(board, party).filter(pk=institution.pk).exists():
        reason = _refusal(board, institution, party)
        raise DomainError(f"「{institution}」不能作为本专板的{PARTIES[party][1]}：{reason}",
                          code="not_eligible",
                          details={"institution": institution.code, "party": party,
                                   "body": party_body(board, party)})


def institution_users(board, institution, role):
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role=role,
        board_memberships__institution=institution, board_memberships__is_active=True).distinct())


def board_members(board, role):
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role=role,
        board_memberships__is_active=True).distinct())


def mode_rules(board, key):
    modes = board.setting("risksharing.modes", {})
    if key not in modes:
        choices = "、".join(f"{k}（{m['name']}）" for k, m in modes.items()) or "无"
        raise DomainError(f"分担模式「{key}」未在本专板配置。可选：{choices}。", code="invalid_mode")
    return modes[key]


def mode_name(board, key):
    return board.setting("risksharing.modes", {}).get(key, {}).get("name", key)


def module_enabled(board):
    return "risksharing" in board.setting("modules", [])


# --- URLs --------------------------------------------------------------------------------------


def meeting_url(case):
    return reverse("risksharing:meeting", kwargs={"board": case.board.slug, "pk": case.pk})


def enterprise_url(case):
    return reverse("risksharing:my-cases", kwargs={"board": case.board.slug})


def api_case_url(case):
    return reverse("api-financing-case-detail", kwargs={"board": case.board.slug, "pk": case.pk})


def admin_url(obj):
    return reverse(f"admin:risksharing_{obj._meta.model_name}_change", args=[obj.pk])


# --- Surfaces ----------------------------------------------------------------------------------


def _require_module(board):
    if not module_enabled(board):
        raise Http404(NOT_FOUND)


def funder_cases(cases, board, institution):
    """Of the board's ``cases``, those sent to ``institution``, each with ``mine`` (its request)
    and ``guarantee_views`` (views whose 担保推荐函 went out with it) prefetched."""
    _require_module(board)
    if institution is None:
        return cases.none()
    return (cases.filter(funder_requests__funder=institution)
            .select_related("board", "enterprise__board", "recommendation_letter")
            .prefetch_related(
                Prefetch("funder_requests", FunderRequest.objects.filter(funder=institution)
                         .select_related("answer_deadline"), to_attr="mine"),
                Prefetch("enhancer_views", EnhancerView.objects.filter(intent=True)
                         .select_related("institution", "letter"), to_attr="guarantee_views"))
            .order_by("-created_at", "-pk"))


def enhancer_cases(user, board):
    """Cases whose 立项会 the user's enhancer institution sits in; 404 without the role."""
    require_role(user, board, Role.CREDIT_ENHANCER)
    _require_module(board)
    institution = membership_institution(user, board, Role.CREDIT_ENHANCER)
    if institution is None:
        raise Http404(NOT_FOUND)
    views = EnhancerView.objects.filter(institution=institution).select_related("deadline", "letter")
    return institution, (FinancingCase.objects.filter(board=board, enhancer_views__institution=institution)
                         .select_related("board", "enterprise", "recommendation_letter")
                         .prefetch_related(Prefetch("enhancer_views", views, to_attr="mine"))
                         .order_by("-created_at", "-pk"))


def access_meeting(user, board, pk):
    """(case, the user's institution's view) of a case in its 立项会, else 404."""
    institution, cases = enhancer_cases(user, board)
    firm_inputs = FirmInput.objects.select_related("institution")
    case = cases.prefetch_related(Prefetch("firm_inputs", firm_inputs)).filter(pk=pk).first()
    if case is None:
        raise Http404(NOT_FOUND)
    return case, case.mine[0]


def enterprise_cases(user, board):
    """The cases of the enterprises ``user`` acts for; 404 without the role."""
    require_role(user, board, Role.ENTERPRISE_USER)
    _require_module(board)
    return (FinancingCase.objects.filter(board=board, enterprise__users=user)
            .select_related("enterprise", "advice_letter")
            .prefetch_related(Prefetch("funder_requests", FunderRequest.objects.select_related(
                "funder", "feedback_letter").exclude(feedback_letter=None), to_attr="answered"))
            .order_by("-created_at", "-pk"))


def access_letter(user, board, pk):
    """A case letter ``user`` may read: an enhancer the 融资推荐函 of its cases and its own
    担保推荐函; the enterprise its feedback letters. Funders read theirs through the API."""
    filing = Filing.objects.filter(board=board, pk=pk, kind__in=LETTER_KINDS).first()
    if filing is None or not module_enabled(board):
        raise Http404(NOT_FOUND)
    cases = FinancingCase.objects.filter(board=board, pk=filing.subject_id)
    allowed = False
    if filing.kind == "risksharing.feedback" and cases.filter(enterprise__users=user).exists():
        allowed = has_role(user, board, Role.ENTERPRISE_USER)
    elif filing.kind != "risksharing.feedback" and has_role(user, board, Role.CREDIT_ENHANCER):
        institution = membership_institution(user, board, Role.CREDIT_ENHANCER)
        views = EnhancerView.objects.filter(case__in=cases, institution=institution)
        allowed = (views.filter(letter=filing).exists() if filing.kind == "risksharing.guarantee"
                   else cases.filter(recommendation_letter=filing).exists() and views.exists())
    if not allowed:
        raise Http404(NOT_FOUND)
    return filing


def funder_letter(case, pk):
    """One of the letters sent to the funder with ``case`` (from ``funder_cases``), else 404."""
    letters = [case.recommendation_letter, *(view.letter for view in case.guarantee_views)]
    letter = next((f for f in letters if f is not None and f.pk == pk), None)
    if letter is None:
        raise Http404(NOT_FOUND)
    return letter


def require_portfolio_reader(user, board):
    require_role(user, board, *STAFF_ROLES, Role.REGULATOR)
    _require_module(board)


# --- Portfolio ---------------------------------------------------------------------------------


@dataclass
class Bucket:
    """Figures of a group of contracted loans; ``losses`` is the group's part of the losses."""

    label: str
    loans: int = 0
    volume: Decimal = Decimal(0)
    outstanding: Decimal = Decimal(0)
    defaults: int = 0
    losses: Decimal = Decimal(0)
    fund_balance: Decimal | None = None
    unfunded: Decimal = Decimal(0)

    def add(self, case):
        self.loans += 1
        self.volume += case.contract.amount
        self.outstanding += case.outstanding if case.state in ON_BOOK_STATES else 0
        self.defaults += case.defaulted_on is not None


@dataclass
class NplRow:
    funder: Institution
    on_book: Decimal
    npl: Decimal
    tech_ratio: Decimal | None
    period: str = ""
    overall_ratio: Decimal | None = None
    gap: Decimal | None = None
    flagged: bool = False


@dataclass
class Portfolio:
    by_mode: list = field(default_factory=list)
    by_tier: list = field(default_factory=list)
    by_enhancer: list = field(default_factory=list)
    by_funder: list = field(default_factory=list)
    npl: list = field(default_factory=list)
    funds: list = field(default_factory=list)
    tolerance: Decimal = Decimal(0)
    total: Bucket | None = None


def npl_flag(tech_ratio, overall_ratio, tolerance):
    """Whether the small and micro tech NPL ratio exceeds the overall ratio by more than the
    tolerance (percentage points; exactly the tolerance is within it)."""
    if tech_ratio is None or overall_ratio is None:
        return False
    return tech_ratio - overall_ratio > tolerance


def _contracted_cases(board):
    """The board's cases with an approved contract, with shares and loss parts prefetched."""
    return list(
        FinancingCase.objects.filter(board=board).exclude(contract=None)
        .select_related("enterprise", "contract__funder", "allocation")
        .prefetch_related(
            Prefetch("contract__shares", RiskShare.objects.select_related("institution")),
            Prefetch("allocation__parts", LossPart.objects.all()))
        .order_by("pk"))


def _bucket(groups, key, label):
    if key not in groups:
        groups[key] = Bucket(label)
    return groups[key]


def portfolio(board):
    """Volume, outstanding, defaults and losses by mode, tier, enhancer and funder; fund
    balances; each funder's NPL ratio on these (small and micro tech) loans against its latest
    reported overall ratio. Every loan here is a small or micro tech loan: board enterprises are
    tech SMEs. A loan counts as non-performing from default until its asset is transferred."""
    cases = _contracted_cases(board)
    tiers = tier_names(board)
    funds = {f.institution_id: f for f in CompensationFund.objects.filter(board=board)
             .select_related("institution")}
    result = Portfolio(tolerance=Decimal(board.setting("risksharing.npl_tolerance_pp", "3")),
                       total=Bucket("合计"))
    modes, by_tier, enhancers, funders = {}, {}, {}, {}
    book = {}
    for case in cases:
        parts = {p.institution_id: p for p in case.allocation.parts.all()} if case.allocation else {}
        loss = case.allocation.loss if case.allocation else Decimal(0)
        for bucket in (result.total, _bucket(modes, case.mode, mode_name(board, case.mode)),
                       _bucket(by_tier, case.enterprise.tier, tiers.get(case.enterprise.tier, "未分层"))):
            bucket.add(case)
            bucket.losses += loss
        for share in case.contract.shares.all():
            groups = funders if share.party == Party.FUNDER else enhancers
            bucket = _bucket(groups, share.institution_id, share.institution.name)
            bucket.add(case)
            part = parts.get(share.institution_id)
            if part is not None:
                bucket.losses += part.amount
                bucket.unfunded += part.unfunded
        funder = case.contract.funder
        on_book, npl = book.get(funder, (Decimal(0), Decimal(0)))
        if case.state in ON_BOOK_STATES:
            on_book += case.outstanding
            npl += case.outstanding if case.state in NPL_STATES else 0
        book[funder] = (on_book, npl)
    for institution_id, bucket in enhancers.items():
        if institution_id in funds:
            bucket.fund_balance = funds[institution_id].balance
    result.by_mode = [modes[k] for k in sorted(modes)]
    result.by_tier = sorted(by_tier.values(), key=lambda b: b.label)
    result.by_enhancer = sorted(enhancers.values(), key=lambda b: b.label)
    result.by_funder = sorted(funders.values(), key=lambda b: b.label)
    result.funds = sorted(funds.values(), key=lambda f: f.name)
    result.npl = _npl_rows(board, book, result.tolerance)
    return result


def _npl_rows(board, book, tolerance):
    latest = {}
    for report in FunderNplReport.objects.filter(board=board).order_by("period"):
        latest[report.funder_id] = report
    rows = []
    for funder, (on_book, npl) in sorted(book.items(), key=lambda item: item[0].name):
        row = NplRow(funder, on_book, npl, npl * HUNDRED / on_book if on_book else None)
        report = latest.get(funder.pk)
        if report is not None:
            row.period, row.overall_ratio = report.period, report.overall_npl_ratio
            if row.tech_ratio is not None:
                row.gap = row.tech_ratio - row.overall_ratio
            row.flagged = npl_flag(row.tech_ratio, row.overall_ratio, tolerance)
        rows.append(row)
    return rows


def _quarter_bounds(year, quarter):
    """[start, end) local dates of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end


def quarter_activity(board, year, quarter):
    """What happened in the quarter: cases opened, contracts signed, loans disbursed, repaid
    and defaulted, losses allocated, and the funds' payouts and shortfalls."""
    start, end = _quarter_bounds(year, quarter)
    cases = FinancingCase.objects.filter(board=board)
    disbursed = cases.filter(disbursed_on__gte=start, disbursed_on__lt=end).select_related("contract")
    parts = LossPart.objects.filter(board=board, allocation__state="approved",
                                    allocation__checked_at__date__gte=start,
                                    allocation__checked_at__date__lt=end)
    payouts = FundEntry.objects.filter(board=board, kind="payout", created_at__date__gte=start,
                                       created_at__date__lt=end)
    return {
        "opened": cases.filter(created_at__date__gte=start, created_at__date__lt=end).count(),
        "signed": cases.filter(contract__checked_at__date__gte=start,
                               contract__checked_at__date__lt=end).count(),
        "disbursed": len(disbursed),
        "disbursed_amount": sum((c.contract.amount for c in disbursed), Decimal(0)),
        "repaid": cases.filter(repaid_on__gte=start, repaid_on__lt=end).count(),
        "defaulted": cases.filter(defaulted_on__gte=start, defaulted_on__lt=end).count(),
        "losses": sum((p.amount for p in parts), Decimal(0)),
        "fund_paid": sum((e.amount for e in payouts), Decimal(0)),
        "unfunded": sum((p.unfunded for p in parts), Decimal(0)),
    }

