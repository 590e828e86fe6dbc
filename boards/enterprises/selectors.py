"""Reads of enterprise data for staff. ``access_*`` answer the same 404 for a missing
enterprise, another board's enterprise and a user without the staff role."""

from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from boards.enterprises.models import (
    DataCategory,
    DataConsent,
    Disclosure,
    Enterprise,
    FinancingEvent,
    Qualification,
    ServiceRecord,
    Shareholding,
    TierChange,
)
from boards.enterprises.scoring import score_enterprise
from boards.enterprises.services.consent import in_force_at
from boards.enterprises.tiers import suggest_tier, tier_names
from boards.kernel import datause
from boards.kernel.access import STAFF_ROLES, require_role


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
