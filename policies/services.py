"""Writes of the policy catalogue, awards and guarantee subsidies. Each runs in the caller's
board scope, in one transaction, locks what it changes and writes the evidence entry.

Invariants:
- an award exists only for an enterprise-facing monetary policy in force, for an enterprise
  meeting every condition except those staff verify; the database refuses a second live
  award of the same policy and period (uniq_award_once), which answers Conflict (409);
- a tier-entry award is proposed automatically on the enterprise's first entry to the
  policy's tiers only, never on a later move;
- money is Decimal yuan rounded half-up to the fen; a guarantee claim never takes the firm's
  year past the policy's cap: the firm-year row is locked, an over-cap claim is cut to the
  remainder and the cut is written down with its figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import Enterprise, TierChange
from boards.enterprises.tiers import tier_names
from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.filings import create_filing
from boards.kernel.locking import locked
from boards.kernel.models import Board, Filing, Institution, InstitutionKind
from boards.kernel.notifications import notify
from boards.kernel.scoping import board_scope
from boards.kernel.workflow import fire
from policies import config, selectors
from policies.actions import PolicyAction
from policies.matching import evaluate
from policies.models import (
    Award,
    AwardState,
    Beneficiary,
    BenefitKind,
    GuaranteeClaim,
    GuaranteeYear,
    Policy,
    Recurrence,
)

logger = logging.getLogger(__name__)
FEN = Decimal("0.01")
GUARANTEE_KINDS = (InstitutionKind.GUARANTEE, InstitutionKind.REGUARANTEE)


def fen(amount: Decimal | int | str) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f} 元"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@transaction.atomic
def save_policy(policy: Policy, *, actor: User) -> Policy:
    """Validate and save a catalogue entry (new or changed)."""
    policy.full_clean()
    policy.save()
    evidence.record(policy.board, PolicyAction.POLICY_SAVED, actor=actor, subject=policy, payload={
        "code": policy.code, "conditions": policy.conditions, "benefit_kind": policy.benefit_kind,
        "amount": policy.amount, "cap": policy.cap, "valid_from": policy.valid_from,
        "valid_until": policy.valid_until, "is_active": policy.is_active})
    return policy


# --- Awards ------------------------------------------------------------------------------------


def _award_amount(policy: Policy, enterprise: Enterprise) -> Decimal | None:
    """The award a policy gives the enterprise; None when the paying body sets it (staff enter
    it on verification)."""
    if policy.benefit_kind == BenefitKind.FIXED:
        assert policy.amount is not None, "a fixed benefit states its amount (Policy.clean)"
        return fen(policy.amount)
    if policy.benefit_kind == BenefitKind.FORMULA:
        years = list(enterprise.financials.all())
        if not years:
            raise DomainError(f"「{policy}」按年度财务数据计算，企业尚未登记财务数据。", code="no_financials")
        base = getattr(max(years, key=lambda row: row.year), policy.formula["metric"])
        amount = fen(base * Decimal(policy.formula["rate"]))
        return min(amount, policy.cap) if policy.cap is not None else amount
    return None


def _period(policy: Policy, on: dt.date) -> str:
    return "" if policy.recurrence == Recurrence.ONE_TIME else str(on.year)


@transaction.atomic
def apply_for_award(enterprise: Enterprise, policy: Policy, *, actor: User | None = None,
                    proposed: bool = False, source: str = "") -> Award:
    """Open an award of ``policy`` for ``enterprise`` (state applied) with the condition checks
    as its reasons. ``proposed`` marks the system's own proposal (actor may be None)."""
    board, on = enterprise.board, timezone.localdate()
    if policy.beneficiary != Beneficiary.ENTERPRISE or policy.benefit_kind == BenefitKind.NONE:
        raise DomainError(f"「{policy}」不是面向企业的资金类政策，无需申请。", code="not_applicable")
    if not (policy.is_active and policy.is_valid_on(on)):
        raise DomainError(f"「{policy}」不在有效期内，不能申请。", code="policy_not_in_force")
    enterprise = selectors.enterprise_for_matching(board, enterprise.pk)
    match = evaluate(enterprise, policy, on=on, margin_pct=selectors.near_margin(board),
                     tier_names=tier_names(board))
    unmet = [check.reason for check in match.checks if not (check.met or check.manual)]
    if unmet:
        raise DomainError(f"尚不符合「{policy}」的申请条件：{'；'.join(unmet)}。", code="not_eligible",
                          details={"missing": unmet})
    award = Award(board=board, policy=policy, enterprise=enterprise, period=_period(policy, on),
                  amount=_award_amount(policy, enterprise),
                  reasons=[dataclasses.asdict(check) for check in match.checks],
                  proposed_automatically=proposed, source=source, applied_by=actor, applied_at=timezone.now())
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError:
        period = f"（{award.period}年度）" if award.period else ""
        raise Conflict(f"{enterprise}已有「{policy}」{period}的奖补申请或记录，不能重复申请。",
                       code="award_exists") from None
    evidence.record(board, PolicyAction.AWARD_PROPOSED if proposed else PolicyAction.AWARD_APPLIED,
                    actor=actor,
                    subject=award, payload={"policy": policy.code, "enterprise": enterprise.pk,
                                            "period": award.period, "amount": award.amount, "source": source})
    if proposed:
        notify(board, selectors.staff_users(board), "policies.award_proposed", f"奖补待核验：{enterprise}",
               f"{enterprise}符合「{policy}」，系统已自动提出申请"
               + (f"（{yuan(award.amount)}）" if award.amount is not None else "") + "，请核验。",
               reverse("policies-awards", kwargs={"board": board.slug}))
    return award


def _award_step(award: Award, action: str, evidenced: PolicyAction, actor: User | None, *args: object,
                **payload: Any) -> Award:
    award = locked(award, "policy", "enterprise")
    fire(award, action, timezone.now(), *args)
    award.save()
    evidence.record(award.board, evidenced, actor=actor, subject=award,
                    payload={"policy": award.policy.code, "enterprise": award.enterprise_id, **payload})
    return award


@transaction.atomic
def verify_award(award: Award, *, actor: User, amount: Decimal | None = None) -> Award:
    """Staff checked the application; where the paying body sets the amount it is given here."""
    unspecified = award.policy.benefit_kind == BenefitKind.UNSPECIFIED
    if unspecified and (amount is None or amount <= 0 or fen(amount) != amount):
        raise DomainError("该政策金额由主管部门核定：请填写核定金额（元，大于 0，精确到分）。",
                          code="amount_required")
    if not unspecified and amount is not None:
        raise DomainError("该政策金额按政策规定计算，不能另行填写。", code="amount_fixed")
    return _award_step(award, "verify", PolicyAction.AWARD_VERIFIED, actor,
                       amount if unspecified else award.amount,
                       amount=amount)


@transaction.atomic
def approve_award(award: Award, *, actor: User) -> Award:
    return _award_step(award, "approve", PolicyAction.AWARD_APPROVED, actor, timezone.localdate().year)


@transaction.atomic
def disburse_award(award: Award, *, actor: User, reference: str) -> Award:
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("请填写拨付凭证号。", code="reference_required")
    return _award_step(award, "disburse", PolicyAction.AWARD_DISBURSED, actor, reference, reference=reference)


@transaction.atomic
def reject_award(award: Award, *, actor: User, reason: str) -> Award:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("驳回需要写明理由。", code="reason_required")
    return _award_step(award, "reject", PolicyAction.AWARD_REJECTED, actor, reason, reason=reason)


def on_tier_changed(sender: object, *, board_id: int, enterprise_id: int, to_tier: str,
                    actor_id: int | None = None, **kwargs: Any) -> None:
    """boards.enterprises.signals.tier_changed receiver: runs after the move committed, so it opens the
    board's scope itself."""
    with board_scope(board_id):
        propose_tier_awards(enterprise_id, to_tier, actor_id)


def propose_tier_awards(enterprise_id: int, to_tier: str, actor_id: int | None = None) -> list[Award]:
    """Propose every auto-proposed policy whose tier-entry condition ``to_tier`` now meets, if
    this is the enterprise's first entry to that policy's tiers. Returns the awards opened."""
    enterprise = Enterprise.objects.select_related("board").get(pk=enterprise_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    proposed: list[Award] = []
    for policy in Policy.objects.filter(board=enterprise.board, auto_propose=True, is_active=True):
        tiers = {tier for c in policy.conditions if c["type"] == "tier_entry" for tier in c["tiers"]}
        if to_tier not in tiers:
            continue
        entries = list(TierChange.objects.filter(enterprise=enterprise, to_tier__in=tiers).order_by("pk")[:2])
        if len(entries) != 1:  # a later entry to these tiers: the first one was the occasion
            continue
        try:
            proposed.append(apply_for_award(enterprise, policy, actor=actor, proposed=True,
                                            source=f"boards.tierchange:{entries[0].pk}"))
        except DomainError as exc:  # not (yet) eligible, or an award is live: nothing to propose
            logger.info("no %s award proposed for enterprise %s: %s", policy.code, enterprise_id, exc.message)
    return proposed


@transaction.atomic
def file_awards(board: Board, *, year: int, actor: User) -> list[Filing]:
    """File the year's approved and disbursed awards with their paying bodies: one PDF per payer."""
    awards = list(Award.objects.filter(board=board, year=year, state__in=[AwardState.APPROVED,
                                                                          AwardState.DISBURSED])
                  .select_related("policy", "enterprise").order_by("policy__code", "enterprise__name"))
    if not awards:
        raise DomainError(f"{year}年度没有已批准或已拨付的奖补，无需报送。", code="nothing_to_file")
    filings: list[Filing] = []
    for payer in sorted({award.policy.payer for award in awards}):
        rows = [award for award in awards if award.policy.payer == payer]
        context = {"year": year, "count": len(rows), "total": sum((a.amount or 0 for a in rows), Decimal(0)),
                   "rows": [{"enterprise": a.enterprise.name, "credit_code": a.enterprise.credit_code,
                             "policy": a.policy.title,
                             "source": f"{a.policy.document_number} {a.policy.source_clause}",
                             "amount": a.amount, "state": a.get_state_display(),
                             "reference": a.payment_reference} for a in rows]}
        filing = create_filing(board, kind="policies.awards", addressee=payer, actor=actor,
                               subject=f"{board.short_name or board.name_zh}{year}年度政策奖补汇总",
                               template_name="policies/filings/awards.html", context=context)
        Award.objects.filter(pk__in=[a.pk for a in rows]).update(filing=filing)
        filings.append(filing)
    evidence.record(board, PolicyAction.AWARD_FILED, actor=actor, payload={
        "year": year, "filings": [f.number for f in filings], "awards": [a.pk for a in awards]})
    return filings


# --- Guarantee subsidies -----------------------------------------------------------------------


def _explain(claim: GuaranteeClaim, scope_label: str, capped: Decimal, remaining: Decimal) -> str:
    amount = yuan(claim.guarantee_amount)
    head = (f"新增科技型小微企业融资担保额 {amount}：风险补偿 = {amount} × {percent(claim.risk_rate)} = "
            f"{yuan(claim.risk_compensation)}；保费补助 = {amount} × {percent(claim.premium_rate)} = "
            f"{yuan(claim.premium_subsidy)}。{claim.year}年度每家{scope_label}上限 {yuan(claim.cap)}，"
            f"此前已计入 {yuan(claim.cap_used_before)}，剩余 {yuan(remaining)}。")
    if claim.cut:
        middle = (f"本次{scope_label} {yuan(capped)} 超出剩余额度，核减 {yuan(claim.cut)}，"
                  f"计入上限 {yuan(claim.capped_granted)}。")
    else:
        middle = f"本次{scope_label} {yuan(capped)} 未超出剩余额度，全额核定。"
    return (head + middle + f"核定风险补偿 {yuan(claim.granted_risk_compensation)}，保费补助 "
            f"{yuan(claim.granted_premium_subsidy)}，合计 {yuan(claim.granted_total)}。")


@transaction.atomic
def declare_guarantee_business(board: Board, *, institution: Institution, year: int, period_label: str,
                               guarantee_amount: Decimal | int | str, enterprise_count: int,
                               actor: User) -> GuaranteeClaim:
    """A guarantee firm declares new tech-SME guarantee business; the subsidy is computed and cut
    to what is left of the firm's yearly cap (the firm-year row is locked meanwhile)."""
    if institution.kind not in GUARANTEE_KINDS:
        raise DomainError(f"{institution}不是融资担保（再担保）机构，不能申报担保补助。",
                          code="not_guarantor")
    guarantee_amount = Decimal(guarantee_amount)
    if guarantee_amount <= 0 or fen(guarantee_amount) != guarantee_amount:
        raise DomainError("新增担保额必须大于 0 且精确到分。", code="invalid_amount")
    if enterprise_count < 1 or not period_label.strip():
        raise DomainError("请填写业务期间和服务企业户数（至少 1 户）。", code="invalid_declaration")
    if year > timezone.localdate().year:
        raise DomainError(f"不能申报未来年度（{year}年）的业务。", code="invalid_year")
    policy = selectors.guarantee_policy(board, year)
    if policy is None:
        raise DomainError(f"本专板{year}年度没有有效的融资担保风险补偿和保费补助政策。", code="no_policy")
    risk_rate = config.rate(board, "risk_compensation_rate")
    premium_rate = config.rate(board, "premium_subsidy_rate")
    scope = board.setting("policies.guarantee_cap_scope", config.DEFAULT["guarantee_cap_scope"])
    risk, premium = fen(guarantee_amount * risk_rate), fen(guarantee_amount * premium_rate)

    row = evidence.locked_row(GuaranteeYear, board=board, institution=institution, year=year)
    capped = risk + (premium if scope == "total" else 0)
    remaining = max(policy.cap - row.capped_total, Decimal(0))
    allowed = min(capped, remaining)
    cut = capped - allowed
    cut_from_risk = min(cut, risk)  # the cut comes off risk compensation first
    claim = GuaranteeClaim(
        board=board, policy=policy, institution=institution, year=year, period_label=period_label.strip(),
        guarantee_amount=guarantee_amount, enterprise_count=enterprise_count, risk_rate=risk_rate,
        premium_rate=premium_rate, risk_compensation=risk, premium_subsidy=premium, cap=policy.cap,
        cap_used_before=row.capped_total, cut=cut, capped_granted=allowed,
        granted_risk_compensation=risk - cut_from_risk,
        granted_premium_subsidy=premium - (cut - cut_from_risk),
        declared_by=actor, declared_at=timezone.now())
    claim.explanation = _explain(claim, config.CAP_SCOPES[scope], capped, remaining)
    claim.save()
    row.capped_total += allowed
    row.save(update_fields=["capped_total"])
    evidence.record(board, PolicyAction.GUARANTEE_CLAIM_DECLARED, actor=actor, subject=claim, payload={
        "institution": institution.code, "year": year, "guarantee_amount": guarantee_amount,
        "risk_compensation": risk, "premium_subsidy": premium, "cut": cut,
        "granted": claim.granted_total, "cap_used_after": row.capped_total})
    return claim


def _claim_step(claim: GuaranteeClaim, action: str, evidenced: PolicyAction, actor: User, *args: object,
                release: bool = False, **payload: Any) -> GuaranteeClaim:
    # Lock order: the firm-year row, then the claim (as declarations do).
    row = GuaranteeYear.objects.select_for_update().get(
        board=claim.board_id, institution=claim.institution_id, year=claim.year)
    claim = GuaranteeClaim.objects.select_for_update(of=("self",)).select_related("board", "institution") \
        .get(pk=claim.pk)
    fire(claim, action, timezone.now(), *args)
    claim.save()
    if release:
        row.capped_total -= claim.capped_granted
        row.save(update_fields=["capped_total"])
    evidence.record(claim.board, evidenced, actor=actor, subject=claim,
                    payload={"institution": claim.institution.code, "granted": claim.granted_total,
                             "cap_used_after": row.capped_total, **payload})
    return claim


@transaction.atomic
def approve_guarantee_claim(claim: GuaranteeClaim, *, actor: User) -> GuaranteeClaim:
    return _claim_step(claim, "approve", PolicyAction.GUARANTEE_CLAIM_APPROVED, actor)


@transaction.atomic
def disburse_guarantee_claim(claim: GuaranteeClaim, *, actor: User) -> GuaranteeClaim:
    return _claim_step(claim, "disburse", PolicyAction.GUARANTEE_CLAIM_DISBURSED, actor)


@transaction.atomic
def reject_guarantee_claim(claim: GuaranteeClaim, *, actor: User, reason: str) -> GuaranteeClaim:
    """Reject a declared claim; what it counted against the cap is released."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("驳回需要写明理由。", code="reason_required")
    return _claim_step(claim, "reject", PolicyAction.GUARANTEE_CLAIM_REJECTED, actor, reason, release=True,
                       reason=reason)
