"""Default, loss allocation by the agreed shares, the compensation fund, NPL transfer, closing
and the funders' quarterly NPL report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TypedDict

from django.contrib.auth.models import User
from django.db import transaction

from boards.enterprises.tiers import format_yuan
from boards.kernel import evidence
from boards.kernel.errors import DomainError
from boards.kernel.filings import create_filing
from boards.kernel.locking import locked
from boards.kernel.models import Board, Filing, Institution
from boards.kernel.workflow import fire
from risksharing import money, selectors
from risksharing.actions import RiskAction
from risksharing.models import (
    CaseState,
    CompensationFund,
    EntryKind,
    FinancingCase,
    FundEntry,
    LossAllocation,
    LossPart,
)
from risksharing.services.base import (
    Amount,
    _notify_enterprise,
    _notify_staff,
    _positive,
    _record,
    _require_state,
    _stop,
    _text,
)
from risksharing.services.terms import _check, _open_approval, _pending, _withdraw_open_requests


@transaction.atomic
def declare_default(case: FinancingCase, *, on: dt.date, actor: User | None) -> FinancingCase:
    case = locked(case, "enterprise", "contract")
    fire(case, "declare_default", on)
    case.save()
    _notify_staff(case, "defaulted", "贷款违约",
                  f"未偿本金 {format_yuan(case.outstanding)}，请录入损失分担。")
    _record(case, RiskAction.LOAN_DEFAULTED, actor, on=on, outstanding=case.outstanding)
    return case


@transaction.atomic
def propose_loss_allocation(case: FinancingCase, *, loss: Amount | None,
                            actor: User | None) -> LossAllocation:
    """The maker enters the loss; it is split by the contract's shares to the fen."""
    case = locked(case, "enterprise", "contract")
    _require_state(case, [CaseState.DEFAULTED], "录入损失分担")
    _pending(case.allocations, "损失分担")
    loss = _positive(loss, "损失金额")
    if loss > case.outstanding:
        raise DomainError(f"损失金额 {loss} 元超过违约时未偿本金 {case.outstanding} 元。",
                          code="loss_too_large")
    assert case.contract is not None, "a defaulted case was disbursed under its contract"
    shares = list(case.contract.shares.select_related("institution"))
    funds = {f.institution_id: f for f in CompensationFund.objects.filter(
        board=case.board, institution__in=[s.institution_id for s in shares])}
    allocation = LossAllocation.objects.create(board=case.board, case=case, loss=loss, entered_by=actor)
    amounts = money.split(loss, [s.share for s in shares])
    parts = LossPart.objects.bulk_create([
        LossPart(board=case.board, allocation=allocation, institution=s.institution, party=s.party,
                 share=s.share, amount=amount, fund=funds.get(s.institution_id))
        for s, amount in zip(shares, amounts, strict=True)])
    _open_approval(case, allocation, "损失分担")
    _record(case, RiskAction.LOSS_PROPOSED, actor, subject=allocation, loss=loss, parts=[
        {"institution": p.institution.code, "party": p.party, "share": p.share, "amount": p.amount}
        for p in parts])
    return allocation


def _pay_from_fund(case: FinancingCase, part: LossPart, actor: User | None) -> None:
    """Debit the part from its fund under the fund's lock, never below zero; what the fund
    cannot pay is the part's recorded and reported shortfall."""
    assert part.fund_id is not None, "only a fund-backed part is paid from a fund"
    fund = CompensationFund.objects.select_for_update().get(pk=part.fund_id)
    part.fund_paid = min(fund.balance, part.amount)
    part.unfunded = part.amount - part.fund_paid
    part.save(update_fields=["fund_paid", "unfunded"])
    if part.fund_paid:
        fund.balance -= part.fund_paid
        fund.save(update_fields=["balance"])
        FundEntry.objects.create(board=case.board, fund=fund, kind=EntryKind.PAYOUT, amount=part.fund_paid,
                                 balance_after=fund.balance, loss_part=part, actor=actor,
                                 note=f"代偿：{case.enterprise.name}（项目 {case.pk}）")
        evidence.record(case.board, RiskAction.FUND_PAID, actor=actor, subject=fund, payload={
            "case": case.pk, "part": part.pk, "amount": part.fund_paid, "balance": fund.balance})
    if part.unfunded:
        evidence.record(case.board, RiskAction.FUND_SHORTFALL, actor=actor, subject=fund, payload={
            "case": case.pk, "part": part.pk, "due": part.amount, "paid": part.fund_paid,
            "unfunded": part.unfunded})
        _notify_staff(case, "fund_shortfall", f"风险补偿资金池余额不足（{fund}）",
                      f"应付 {part.amount} 元，已付 {part.fund_paid} 元，缺口 {part.unfunded} 元。")
    elif fund.balance < Decimal(case.board.setting("risksharing.fund.low_balance_alert")):
        _notify_staff(case, "fund_low", f"风险补偿资金池余额偏低（{fund}）", f"当前余额 {fund.balance} 元。")


@transaction.atomic
def approve_loss_allocation(allocation: LossAllocation, *, actor: User | None) -> LossAllocation:
    """The checker approves the split: fund-backed parts are paid from their funds (locked in id
    order), shortfalls recorded; the case's loss is allocated."""
    case, allocation = _check(LossAllocation, allocation, actor, "approve")
    parts = list(allocation.parts.select_related("institution").order_by("pk"))
    for part in sorted((p for p in parts if p.fund_id), key=lambda p: (p.fund_id, p.pk)):
        _pay_from_fund(case, part, actor)
    fire(case, "allocate_loss", allocation)
    case.save()
    _record(case, RiskAction.LOSS_ALLOCATED, actor, subject=allocation, maker=allocation.entered_by_id,
            loss=allocation.loss, parts=[
                {"institution": p.institution.code, "party": p.party, "amount": p.amount,
                 "fund_paid": p.fund_paid, "unfunded": p.unfunded} for p in parts])
    return allocation


@transaction.atomic
def reject_loss_allocation(allocation: LossAllocation, *, reason: str, actor: User | None) -> LossAllocation:
    case, allocation = _check(LossAllocation, allocation, actor, "reject", _text(reason, "请填写退回理由。"))
    _record(case, RiskAction.LOSS_REJECTED, actor, subject=allocation, reason=allocation.rejection_reason)
    return allocation


@transaction.atomic
def transfer_npl(case: FinancingCase, *, transferee: Institution, on: dt.date, actor: User | None,
                 price: Amount | None = None) -> FinancingCase:
    """The non-performing asset goes to a risk-disposal federation member."""
    case = locked(case, "enterprise", "contract")
    fire(case, "transfer_npl", transferee, on, None if price is None else money.yuan(price))
    selectors.require_party(case.board, transferee, "disposal")
    if case.npl_price is not None and case.npl_price < 0:
        raise DomainError("转让价款不能为负数。", code="invalid_amount")
    case.save()
    _record(case, RiskAction.NPL_TRANSFERRED, actor, transferee=transferee.code, on=on, price=case.npl_price)
    return case


@transaction.atomic
def close_case(case: FinancingCase, *, reason: str, actor: User | None) -> FinancingCase:
    """End a case before a contract: open requests are withdrawn, open clocks cancelled."""
    case = locked(case, "enterprise", "contract")
    fire(case, "close", _text(reason, "请填写终止原因。"))
    case.save()
    withdrawn = _withdraw_open_requests(case)
    for view in case.enhancer_views.select_related("deadline"):
        _stop(view.deadline, met=False)
    _stop(case.advice_deadline, met=False)
    _notify_enterprise(case, "closed", "融资项目已终止", case.closed_reason)
    _record(case, RiskAction.CASE_CLOSED, actor, reason=case.closed_reason, withdrawn=withdrawn)
    return case


# --- Compensation fund and reports -------------------------------------------------------------


@transaction.atomic
def deposit_to_fund(fund: CompensationFund, *, amount: Amount | None, actor: User | None,
                    note: str = "") -> CompensationFund:
    fund = CompensationFund.objects.select_for_update(of=("self",)).select_related("board").get(pk=fund.pk)
    amount = _positive(amount, "注资金额")
    fund.balance += amount
    fund.save(update_fields=["balance"])
    FundEntry.objects.create(board=fund.board, fund=fund, kind=EntryKind.DEPOSIT, amount=amount,
                             balance_after=fund.balance, actor=actor, note=note)
    evidence.record(fund.board, RiskAction.FUND_DEPOSITED, actor=actor, subject=fund,
                    payload={"amount": amount, "balance": fund.balance, "note": note})
    return fund


class BucketRow(TypedDict):
    """One group's figures in the quarterly report (selectors.Bucket as the filing shows it)."""

    label: str
    loans: int
    volume: Decimal
    outstanding: Decimal
    defaults: int
    losses: Decimal
    unfunded: Decimal
    fund_balance: Decimal | None


def _bucket_rows(buckets: Iterable[selectors.Bucket]) -> list[BucketRow]:
    return [{"label": b.label, "loans": b.loans, "volume": b.volume, "outstanding": b.outstanding,
             "defaults": b.defaults, "losses": b.losses, "unfunded": b.unfunded,
             "fund_balance": b.fund_balance} for b in buckets]


def file_quarterly_report(board: Board, *, year: int, quarter: int, actor: User | None) -> Filing:
    """The quarterly risk-sharing report to the configured regulator (金融办): the quarter's
    activity and the portfolio, shortfalls and NPL tolerance flags as they stand when filed."""
    if quarter not in (1, 2, 3, 4):
        raise DomainError("季度必须是 1–4。", code="invalid_quarter")
    book = selectors.portfolio(board)
    context = {
        "year": year, "quarter": quarter, "activity": selectors.quarter_activity(board, year, quarter),
        "total": _bucket_rows([book.total])[0],
        "by_mode": _bucket_rows(book.by_mode), "by_enhancer": _bucket_rows(book.by_enhancer),
        "by_funder": _bucket_rows(book.by_funder), "by_tier": _bucket_rows(book.by_tier),
        "funds": [{"name": f.name, "balance": f.balance} for f in book.funds],
        "tolerance": book.tolerance,
        "npl": [{"funder": r.funder.name, "tech_ratio": money.percent(r.tech_ratio),
                 "overall_ratio": r.overall_ratio, "period": r.period, "gap": money.percent(r.gap),
                 "flagged": r.flagged} for r in book.npl],
    }
    return create_filing(
        board, kind="risksharing.quarterly_report", addressee=board.setting("risksharing.filing_addressee"),
        subject=f"{board.short_name or board.name_zh}{year}年第{quarter}季度风险分担情况报告",
        template_name="risksharing/filings/quarterly_report.html", context=context, actor=actor)
