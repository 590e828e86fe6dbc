"""Reads of enterprise data for staff. ``access_*`` answer the same 404 for a missing
enterprise, another board's enterprise and a user without the staff role."""

from decimal import Decimal

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from boards.enterprises.models import (
    DataCategory,
    DataConsent,
    Disclosure,
    Enterprise,
    FinancingEvent,
    Grant,
    IncentivePlan,
    Participant,
    PlanState,
    Qualification,
    ServiceRecord,
    Shareholding,
    TierChange,
)
from boards.enterprises.scoring import score_enterprise
from boards.enterprises.services.consent import in_force_at
from boards.enterprises.tiers import suggest_tier, tier_names
from boards.kernel import datause
from boards.kernel.access import STAFF_ROLES, has_role, require_role, user_roles
from boards.kernel.models import Role


def acts_for_an_enterprise(user, board) -> bool:
    """Whether ``user`` acts for an enterprise of ``board``: the enterprise pages need one, while an
    account that only takes part in an incentive plan holds the enterprise role without one. Asked
    once per user and board for a request (the workbench asks it for each enterprise page)."""
    known = user.__dict__.setdefault("_acts_for_an_enterprise", {})
    if board.pk not in known:
        known[board.pk] = user.enterprises.filter(board=board).exists()
    return known[board.pk]


def enterprise_with_everything(board, pk):
    """One enterprise of ``board`` with every relation the profile shows, in a fixed number of
    queries whatever the amount of data."""
    queryset = (
        Enterprise.objects.filter(board=board)
        .select_related("board", "share_register")
        .prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.order_by("kind", "-issued_on")),
            "financials",
            "tier_permits",
            Prefetch("financings", queryset=FinancingEvent.objects.select_related("investor")),
            Prefetch("service_records",
                     queryset=ServiceRecord.objects.select_related("staff", "institution")),
            Prefetch("tier_changes", queryset=TierChange.objects.select_related("actor")),
            Prefetch("share_register__holdings", queryset=Shareholding.objects.order_by("-shares")),
            Prefetch("disclosures", queryset=Disclosure.objects.order_by("-published_at")),
            Prefetch("consents", queryset=DataConsent.objects.select_related("institution")
                     .order_by("-granted_at")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _custody(enterprise):
    register = getattr(enterprise, "share_register", None)
    if register is None:
        return None
    holdings = list(register.holdings.all())
    confirmed = sum((h.shares for h in holdings if h.confirmed), Decimal(0))
    pct = confirmed * 100 / register.total_shares if register.total_shares else Decimal(0)
    return {"register": register, "holdings": holdings, "confirmed": confirmed,
            "confirmed_pct": pct.quantize(Decimal("0.01"))}


def access_staff_enterprise_profile(user, board, pk):
    """Everything the staff profile page shows of enterprise ``pk``: the enterprise with its
    relations, the tier suggestion with every criterion, the score and the tier history."""
    require_role(user, board, *STAFF_ROLES)
    enterprise = enterprise_with_everything(board, pk)
    names = tier_names(board)
    labels = dict(DataCategory.choices)
    consents = [{"consent": c, "categories": "、".join(str(labels.get(k, k)) for k in c.categories)}
                for c in enterprise.consents.all()]
    history = [{"change": change, "from": names.get(change.from_tier, change.from_tier),
                "to": names.get(change.to_tier, change.to_tier)} for change in enterprise.tier_changes.all()]
    return {
        "enterprise": enterprise,
        "tier_name": names.get(enterprise.tier, enterprise.tier),
        "suggestion": suggest_tier(enterprise),
        "score": score_enterprise(enterprise),
        "history": history,
        "custody": _custody(enterprise),
        "consents": consents,
    }


def data_use_rows(enterprise, proven) -> list[dict]:
    """One row per proven data use of ``enterprise`` (boards.kernel.datause.prove): who, when, what,
    and the consents in force for that institution at that moment (the union of which allowed it)."""
    consents = list(enterprise.consents.select_related("institution"))
    labels = dict(DataCategory.choices)
    rows = []
    for item in proven:
        use, entry = item.use, item.use.entry
        under = [c for c in consents if c.institution_id in (use.institution_id, None)
                 and in_force_at(c, entry.created_at)]
        kind = datause.kind(entry.action)
        rows.append({
            "seq": use.seq, "when": entry.created_at, "institution": use.institution or "专板工作人员",
            "actor": entry.actor_label, "purpose": kind.label if kind else entry.action,
            "categories": [labels.get(c, c) for c in use.categories],
            "consents": [f"{c.institution or '全体联盟成员机构'} {c.granted_at:%Y-%m-%d} 至 "
                         f"{c.expires_at:%Y-%m-%d}（授权编号 {c.pk}）" for c in under],
            "verified": item.verified, "pending": item.pending,
            "leaf_hash": item.proof["leaf_hash"] if item.proof else "",
            "proof": item.proof,
        })
    return rows


# --- Equity incentives: directed disclosure (定向披露) ---------------------------------------------


def incentive_plans_for(user, board):
    """The plans ``user`` may read on ``board``: staff every one; an enterprise's users their
    enterprise's; a participant the disclosed plans they take part in (with or without a role on the
    board); anyone else on the board none; someone with neither a role here nor a part in a plan: 404."""
    if not user_roles(user, board) and not Participant.objects.filter(board=board, user=user).exists():
        raise Http404("未找到该页面。")
    plans = IncentivePlan.objects.filter(board=board).select_related("enterprise", "source")
    if has_role(user, board, *STAFF_ROLES):
        return plans
    own = Q(enterprise__users=user) if has_role(user, board, Role.ENTERPRISE_USER) else Q(pk__in=[])
    mine = Q(participants__user=user, state__in=[PlanState.DISCLOSED, PlanState.TERMINATED])
    return plans.filter(own | mine).distinct()


def access_incentive_plan(user, board, pk):
    """A plan ``user`` may read, and the grants they may see on it (a participant: their own)."""
    plan = get_object_or_404(incentive_plans_for(user, board), pk=pk)
    grants = Grant.objects.filter(plan=plan).select_related("participant", "plan").prefetch_related("events")
    # Every grant goes with the role that shows the plan (staff, the enterprise's user), as in
    # incentive_plans_for; a participant without it reads their own grant only.
    own = has_role(user, board, Role.ENTERPRISE_USER) and plan.enterprise.users.filter(pk=user.pk).exists()
    if not (has_role(user, board, *STAFF_ROLES) or own):
        grants = grants.filter(participant__user=user)
    return plan, list(grants)
