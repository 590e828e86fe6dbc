"""Contract terms and risk shares under maker-checker approval, disbursement and repayment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Manager
from django.utils import timezone

from boards.enterprises.tiers import format_yuan
from boards.kernel.access import role_users
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.locking import locked
from boards.kernel.models import Institution, Role
from boards.kernel.notifications import notify
from boards.kernel.workflow import fire
from risksharing import money, selectors
from risksharing.actions import RiskAction
from risksharing.models import (
    ApprovalState,
    CaseState,
    ContractTerms,
    FinancingCase,
    LossAllocation,
    MakerChecked,
    Party,
    RequestState,
    RiskShare,
    ZeroShareAdvantage,
)
from risksharing.services.base import (
    Amount,
    _clock,
    _positive,
    _record,
    _require_state,
    _stop,
    _text,
)

# --- Maker-checker -----------------------------------------------------------------------------


def _open_approval(case: FinancingCase, item: MakerChecked, what: str) -> None:
    item.deadline = _clock(case, item, "approval", f"复核{what}", "approval_workdays",
                           role=Role.EXCHANGE_STAFF, url=selectors.admin_url(item))
    item.save(update_fields=["deadline"])
    checkers = [u for u in role_users(case.board, Role.EXCHANGE_STAFF) if u.pk != item.entered_by_id]
    notify(case.board, checkers, "risksharing.approval",
           f"待复核{what}：{case.enterprise}", "请由录入人以外的工作人员复核。", selectors.admin_url(item))


# What a checker approves or sends back.
_Checked = TypeVar("_Checked", ContractTerms, LossAllocation)


def _check(model: type[_Checked], item: _Checked, actor: User | None, action: str,
           *args: object) -> tuple[FinancingCase, _Checked]:
    """Lock the case, then the item, and fire ``action``: the checker must not be the maker."""
    case = locked(item.case, "enterprise", "contract")
    item = model.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=item.pk)
    fire(item, action, actor, timezone.now(), *args)
    if actor is None or actor.pk == item.entered_by_id:
        raise DomainError("录入人与复核人不能是同一人：请由另一位工作人员复核。", code="same_maker_checker")
    item.save()
    _stop(item.deadline)
    return case, item


def _pending(queryset: Manager[ContractTerms] | Manager[LossAllocation], what: str) -> None:
    pending = queryset.filter(state=ApprovalState.PROPOSED).first()
    if pending is not None:
        raise Conflict(f"已有待复核的{what}（编号 {pending.pk}），请先复核或退回。", code="pending_approval")


def _shares(case: FinancingCase, rules: dict[str, Any], funder: Institution,
            shares: Mapping[Institution, Decimal]) -> list[tuple[Institution, str, Decimal]]:
    """Validate ``shares`` ({institution: percent}) against the mode and the 立项会; returns
    [(institution, party, share)] with the funder last."""
    if funder not in shares:
        raise DomainError(f"请填写资金方「{funder}」的分担比例（可为 0）。", code="funder_share_missing")
    intending = {v.institution_id for v in case.enhancer_views.filter(intent=True)}
    rows: list[tuple[Institution, str, Decimal]] = []
    for institution, share in shares.items():
        if institution == funder:
            continue
        if institution.pk not in intending:
            raise DomainError(f"「{institution}」未在立项会上出具担保推荐函，不能作为担保方。",
                              code="not_guarantor")
        if share <= 0:
            raise DomainError(f"担保方「{institution}」的分担比例必须大于 0。", code="invalid_share")
        lead = institution.kind == rules["lead_kind"] and not any(p == Party.LEAD for _, p, _ in rows)
        rows.append((institution, Party.LEAD if lead else Party.CO_GUARANTOR, share))
    if not any(party == Party.LEAD for _, party, _ in rows):
        raise DomainError(f"{rules['name']}须由{selectors.K(rules['lead_kind']).label}牵头担保。",
                          code="no_lead")
    if not rules["co_guarantors"] and len(rows) > 1:
        raise DomainError(f"{rules['name']}只能有一家增信机构。", code="no_co_guarantors")
    money.check_shares({str(i): s for i, _, s in rows} | {str(funder): shares[funder]})
    low, high = Decimal(rules["funder_share_min"]), Decimal(rules["funder_share_max"])
    if not low <= shares[funder] <= high:
        raise DomainError(f"{rules['name']}中资金方的分担比例应在 {low}%–{high}% 之间，"
                          f"当前为 {shares[funder]}%。", code="funder_share_out_of_range")
    return [*rows, (funder, Party.FUNDER, shares[funder])]


@transaction.atomic
def propose_terms(case: FinancingCase, *, funder: Institution, amount: Amount | None,
                  annual_rate: Decimal | None, term_months: int | None, shares: Mapping[Institution, Decimal],
                  actor: User | None, advantage: str = "", advantage_note: str = "") -> ContractTerms:
    """The maker enters the contract: amount, rate, term and each party's share (percent, summing
    to exactly 100). A funder share of 0 needs a stated advantage in funding cost or approval time."""
    case = locked(case, "enterprise", "contract")
    _require_state(case, [CaseState.WITH_FUNDERS], "录入合同条款")
    _pending(case.terms, "合同条款")
    if not case.funder_requests.filter(funder=funder, state=RequestState.AGREED).exists():
        raise DomainError(f"「{funder}」未出具融资意向函，不能作为合同资金方。", code="funder_not_agreed")
    if annual_rate is None or not 0 < annual_rate < 100:
        raise DomainError("年利率（%）必须大于 0 且小于 100。", code="invalid_rate")
    if not term_months or term_months < 1:
        raise DomainError("期限（月）必须至少 1 个月。", code="invalid_term")
    rows = _shares(case, selectors.mode_rules(case.board, case.mode), funder, shares)
    if shares[funder] == 0:
        if advantage not in ZeroShareAdvantage.values or not (advantage_note or "").strip():
            raise DomainError("资金方分担比例为 0 时，须说明其在融资成本或审批时效上的优势"
                              "（选择优势类型并填写说明）。", code="zero_share_unjustified")
    else:
        advantage, advantage_note = "", ""
    terms = ContractTerms.objects.create(
        board=case.board, case=case, funder=funder, amount=_positive(amount, "合同金额"),
        annual_rate=annual_rate, term_months=term_months, advantage=advantage,
        advantage_note=(advantage_note or "").strip(), entered_by=actor)
    RiskShare.objects.bulk_create([RiskShare(board=case.board, terms=terms, institution=i, party=p, share=s)
                                   for i, p, s in rows])
    _open_approval(case, terms, "合同条款")
    _record(case, RiskAction.TERMS_PROPOSED, actor, subject=terms, funder=funder.code, amount=terms.amount,
            annual_rate=annual_rate, term_months=term_months, advantage=advantage,
            advantage_note=terms.advantage_note,
            shares=[{"institution": i.code, "party": p, "share": s} for i, p, s in rows])
    return terms


@transaction.atomic
def approve_terms(terms: ContractTerms, *, actor: User | None) -> ContractTerms:
    """The checker approves the contract: the case is signed on these terms."""
    case, terms = _check(ContractTerms, terms, actor, "approve")
    fire(case, "sign", terms)
    case.save()
    withdrawn = _withdraw_open_requests(case)
    notify(case.board, selectors.institution_users(case.board, terms.funder, Role.INSTITUTION_USER),
           "risksharing.signed", f"合同条款已确认：{case.enterprise}",
           f"合同金额 {format_yuan(terms.amount)}。", selectors.api_case_url(case))
    _record(case, RiskAction.TERMS_APPROVED, actor, subject=terms, maker=terms.entered_by_id,
            withdrawn=withdrawn)
    return terms


@transaction.atomic
def reject_terms(terms: ContractTerms, *, reason: str, actor: User | None) -> ContractTerms:
    case, terms = _check(ContractTerms, terms, actor, "reject", _text(reason, "请填写退回理由。"))
    _record(case, RiskAction.TERMS_REJECTED, actor, subject=terms, reason=terms.rejection_reason)
    return terms


def _withdraw_open_requests(case: FinancingCase) -> list[str]:
    """Withdraw the requests still unanswered; returns their funders' codes."""
    requests = case.funder_requests.select_for_update(of=("self",)).select_related(
        "answer_deadline", "funder")
    withdrawn = []
    for request in requests.filter(state=RequestState.SENT):
        fire(request, "withdraw")
        request.save()
        _stop(request.answer_deadline, met=False)
        withdrawn.append(request.funder.code)
    return withdrawn


# --- The loan ----------------------------------------------------------------------------------


@transaction.atomic
def disburse(case: FinancingCase, *, on: dt.date, actor: User | None) -> FinancingCase:
    case = locked(case, "enterprise", "contract")
    fire(case, "disburse", on)
    case.save()
    _record(case, RiskAction.LOAN_DISBURSED, actor, on=on, amount=case.outstanding)
    return case


@transaction.atomic
def record_repayment(case: FinancingCase, *, amount: Amount | None, on: dt.date,
                     actor: User | None) -> FinancingCase:
    """Principal repaid; the loan is repaid when nothing is outstanding."""
    case = locked(case, "enterprise", "contract")
    _require_state(case, [CaseState.DISBURSED], "登记还款")
    amount = _positive(amount, "还款金额")
    if amount > case.outstanding:
        raise DomainError(f"还款金额 {amount} 元超过未偿本金 {case.outstanding} 元。", code="overpaid")
    case.outstanding -= amount
    if not case.outstanding:
        fire(case, "repay", on)
    case.save()
    _record(case, RiskAction.LOAN_REPAID, actor, on=on, amount=amount, outstanding=case.outstanding)
    return case
