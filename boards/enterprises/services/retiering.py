"""Annual re-tiering (每年调整层次，清退不符合条件的企业).

A run holds one proposal per admitted enterprise (``suggest_tier``; '' proposes removal).
Staff decide each proposal, keeping or changing the proposed tier (a change needs a reason);
confirming the run applies every decision through ``services.move_tier``, so each enterprise
gets a TierChange (promotion, demotion, removal or confirmed) and evidence entries.
"""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import Enterprise, EnterpriseStatus, RetierProposal, RetierRun, TierChangeKind
from boards.enterprises.services.registry import move_tier
from boards.enterprises.tiers import scheme, suggest_tier, tier_names, tier_rank
from boards.kernel import evidence
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.models import Board


@transaction.atomic
def start_retier_run(board: Board, year: int, actor: User | None = None) -> RetierRun:
    """Create ``year``'s run with a proposal per admitted enterprise; Conflict if it exists."""
    try:
        with transaction.atomic():
            run = RetierRun.objects.create(board=board, year=year)
    except IntegrityError:
        raise Conflict(f"{year} 年度分层复核已生成，请在现有复核批次中处理。") from None
    enterprises = (Enterprise.objects.filter(board=board, status=EnterpriseStatus.ADMITTED)
                   .select_related("board")
                   .prefetch_related("qualifications", "financials", "financings", "tier_permits"))
    proposals = []
    for enterprise in enterprises:
        suggestion = suggest_tier(enterprise)
        proposals.append(RetierProposal(board=board, run=run, enterprise=enterprise,
                                        current_tier=enterprise.tier, proposed_tier=suggestion.tier,
                                        criteria=suggestion.criteria))
    RetierProposal.objects.bulk_create(proposals)
    evidence.record(board, EnterpriseAction.RETIER_RUN_STARTED, actor=actor, subject=run,
                    payload={"year": year, "proposals": len(proposals),
                             "removals": sum(1 for p in proposals if not p.proposed_tier)})
    return run


@transaction.atomic
def decide_proposal(proposal: RetierProposal, final_tier: str, reason: str | None,
                    actor: User) -> RetierProposal:
    """Staff keep (``final_tier`` == proposed) or change a proposal; '' removes the enterprise.

    A change from the proposal needs a reason; a confirmed run cannot be changed."""
    proposal = (RetierProposal.objects.select_for_update(of=("self",))
                .select_related("run", "board", "enterprise").get(pk=proposal.pk))
    if proposal.run.confirmed_at:
        raise Conflict(f"{proposal.run.year} 年度分层复核已确认，不能再修改。")
    names = tier_names(proposal.board)
    if final_tier and final_tier not in names:
        raise DomainError(f"层级「{final_tier}」不在本专板的分层方案中；可选：{'、'.join(names.values())}，"
                          "或留空表示清退。", details={"allowed": list(names)})
    reason = (reason or "").strip()
    if final_tier != proposal.proposed_tier and not reason:
        proposed = names.get(proposal.proposed_tier, "清退")
        raise DomainError(f"确认层级与建议层级（{proposed}）不同，须填写调整理由。",
                          code="reason_required")
    proposal.final_tier, proposal.decision_reason = final_tier, reason
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["final_tier", "decision_reason", "decided_by", "decided_at"])
    payload = {"run": proposal.run_id, "proposed": proposal.proposed_tier, "final": final_tier,
               "reason": reason}
    evidence.record(proposal.board, EnterpriseAction.RETIER_PROPOSAL_DECIDED, actor=actor,
                    subject=proposal.enterprise, payload=payload)
    return proposal


def change_kind(board: Board, from_tier: str, to_tier: str) -> TierChangeKind:
    if not to_tier:
        return TierChangeKind.REMOVAL
    if to_tier == from_tier:
        return TierChangeKind.CONFIRMED
    if tier_rank(board, to_tier) > tier_rank(board, from_tier):
        return TierChangeKind.PROMOTION
    return TierChangeKind.DEMOTION


def _reason(proposal: RetierProposal, names: dict[str, str]) -> str:
    """The TierChange reason: the staff's reason, else the met criteria of the final tier."""
    prefix = f"{proposal.run.year} 年度分层复核"
    if proposal.decision_reason:
        return f"{prefix}：{proposal.decision_reason}"
    if not proposal.final_tier:
        failed = [row["reason"] for row in proposal.criteria if row["tier"] == "" and not row["met"]]
        return f"{prefix}：不再符合入板条件或任何层级条件。{'；'.join(failed)}"
    met = [row["reason"] for row in proposal.criteria if row["tier"] == proposal.final_tier and row["met"]]
    return f"{prefix}，按建议定为{names[proposal.final_tier]}：{'；'.join(met)}"


@transaction.atomic
def confirm_run(run: RetierRun, actor: User) -> dict[str, int]:
    """Apply every decision of ``run``; refused while any proposal is undecided."""
    run = RetierRun.objects.select_for_update(of=("self",)).select_related("board").get(pk=run.pk)
    if run.confirmed_at:
        confirmed = timezone.localtime(run.confirmed_at)
        raise Conflict(f"{run.year} 年度分层复核已于 {confirmed:%Y-%m-%d %H:%M} 确认。")
    proposals = list(run.proposals.select_related("enterprise", "run").order_by("id"))
    undecided = [p for p in proposals if p.decided_at is None]
    if undecided:
        names = "、".join(p.enterprise.name for p in undecided[:5])
        raise Conflict(f"还有 {len(undecided)} 条建议未确认（{names}{' 等' if len(undecided) > 5 else ''}），"
                       "请逐条确认或调整后再提交。", details={"undecided": [p.pk for p in undecided]})
    names = tier_names(run.board)
    counts: dict[str, int] = {}
    for proposal in proposals:
        kind = change_kind(run.board, proposal.enterprise.tier, proposal.final_tier)
        move_tier(proposal.enterprise, to_tier=proposal.final_tier, kind=kind,
                  reason=_reason(proposal, names), actor=actor)
        counts[kind] = counts.get(kind, 0) + 1
    run.confirmed_at = timezone.now()
    run.save(update_fields=["confirmed_at"])
    evidence.record(run.board, EnterpriseAction.RETIER_RUN_CONFIRMED, actor=actor, subject=run,
                    payload={"year": run.year, "changes": counts})
    return counts


def proposal_tier_choices(board: Board) -> list[tuple[str, str]]:
    """Choices for a proposal's final tier: the board's tiers and removal."""
    return [(tier["code"], tier["name"]) for tier in reversed(scheme(board))] + [("", "清退")]
