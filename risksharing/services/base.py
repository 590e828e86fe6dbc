"""Helpers shared by the risk-sharing services: locked reads, clocks, notices, evidence, letters."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.db import models

from boards.enterprises.tiers import format_yuan, tier_names
from boards.kernel import evidence
from boards.kernel.deadlines import cancel_deadline, meet_deadline, open_deadline
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.filings import create_filing
from boards.kernel.models import DayBasis, Deadline, DeadlineState, Filing
from boards.kernel.notifications import notify, notify_staff
from risksharing import money, selectors
from risksharing.actions import RiskAction
from risksharing.models import (
    FinancingCase,
    RequestState,
)

OPEN_CLOCK = (DeadlineState.OPEN, DeadlineState.PAUSED)


# What a funder request's writers read with its lock.
REQUEST_JOINS = ("case__board", "case__enterprise", "funder", "answer_deadline", "feedback_deadline")
OUTCOME_STATES = (RequestState.AGREED, RequestState.REFUSED, RequestState.LAPSED)

# An amount as typed or read (``money.yuan`` takes each).
Amount = Decimal | int | str


class ProfileFinancials(TypedDict):
    year: int
    revenue: str
    net_profit: str
    rd_expense: str


class EnterpriseProfile(TypedDict):
    """The enterprise data of a 融资推荐函 (its filing context)."""

    name: str
    credit_code: str
    prefecture: str
    industry: str
    tier: str
    main_business: str
    qualifications: list[str]
    financials: ProfileFinancials | None


# --- Helpers -----------------------------------------------------------------------------------


def _require_state(case: FinancingCase, states: Collection[str], action: str) -> None:
    if case.state not in states:
        raise Conflict(f"项目当前状态为「{case.get_state_display()}」，不能{action}。", code="wrong_state",
                       details={"state": case.state})


def _text(value: str | None, message: str, code: str = "required") -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code=code)
    return value


def _positive(value: Amount | None, label: str) -> Decimal:
    try:
        amount = money.yuan(value)
    except (TypeError, ArithmeticError):
        amount = None
    if amount is None or amount <= 0:
        raise DomainError(f"{label}必须是大于 0 的金额（元）。", code="invalid_amount")
    return amount


def _clock(case: FinancingCase, subject: models.Model, kind: str, title: str, days_key: str, *,
           assignee: User | None = None, role: str = "", url: str = "") -> Deadline:
    board = case.board
    return open_deadline(board, subject, f"risksharing.{kind}", f"{title}：{case.enterprise}",
                         board.setting(f"risksharing.{days_key}"), DayBasis.WORKING,
                         assignee=assignee, assignee_role=role, url=url)


def _stop(deadline: Deadline | None, *, met: bool = True) -> None:
    if deadline is not None and deadline.state in OPEN_CLOCK:
        (meet_deadline if met else cancel_deadline)(deadline)


def _first(users: Sequence[User]) -> User | None:
    return users[0] if users else None


def _notify_staff(case: FinancingCase, verb: str, title: str, body: str = "") -> None:
    notify_staff(case.board, case, f"risksharing.{verb}", f"{title}：{case.enterprise}", body)


def _notify_enterprise(case: FinancingCase, verb: str, title: str, body: str) -> None:
    notify(case.board, case.enterprise.users.filter(is_active=True), f"risksharing.{verb}", title, body,
           selectors.enterprise_url(case))


def _record(case: FinancingCase, action: RiskAction, actor: User | None, subject: models.Model | None = None,
            **payload: Any) -> None:
    evidence.record(case.board, action, actor=actor, subject=subject or case,
                    payload={"case": case.pk, **payload})


def _letter(case: FinancingCase, kind: str, subject: str, context: dict[str, Any],
            actor: User | None) -> Filing:
    board = case.board
    return create_filing(
        board, kind=f"risksharing.{kind}", addressee=board.setting("risksharing.filing_addressee"),
        subject=subject, template_name=f"risksharing/filings/{kind}.html", actor=actor, subject_obj=case,
        context={"case_id": case.pk, "enterprise": case.enterprise.name, "purpose": case.purpose,
                 "amount": format_yuan(case.amount_requested), "mode": selectors.mode_name(board, case.mode),
                 **context})


def _enterprise_profile(case: FinancingCase) -> EnterpriseProfile:
    """The enterprise data the 融资推荐函 carries (JSON-able)."""
    enterprise = case.enterprise
    latest = enterprise.financials.order_by("-year").first()
    return {
        "name": enterprise.name, "credit_code": enterprise.credit_code,
        "prefecture": enterprise.prefecture, "industry": enterprise.industry,
        "tier": tier_names(case.board).get(enterprise.tier, "未分层"),
        "main_business": enterprise.main_business,
        "qualifications": [q.get_kind_display() for q in enterprise.qualifications.order_by("kind")],
        "financials": {"year": latest.year, "revenue": format_yuan(latest.revenue),
                       "net_profit": format_yuan(latest.net_profit),
                       "rd_expense": format_yuan(latest.rd_expense)} if latest else None,
    }
