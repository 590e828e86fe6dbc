"""Matching, pure reads: which catalogue products an enterprise qualifies for, and whether an
enterprise fits a member's interest profile. Every criterion gives a row
``{"criterion", "met", "reason"}``; reads use ``.all()`` so prefetched relations cost nothing."""

from dataclasses import dataclass, field

from boards.enterprises.models import ROUND_ORDER, DataCategory, FinancingRound, QualificationKind


@dataclass
class ProductMatch:
    product: object
    eligible: bool
    reasons: list = field(default_factory=list)


def _row(criterion, met, reason):
    return {"criterion": criterion, "met": bool(met), "reason": reason}


def _labels(values, choices):
    names = dict(choices)
    return "、".join(str(names.get(v, v)) for v in values)


def _yuan(amount):
    return f"{amount:,.2f} 元"


def row(criterion, met, reason):
    """One criterion's row, as the push writes it into a matchmaking's reasons."""
    return _row(criterion, met, reason)


def interest_fit(profile, enterprise, tier_names):
    """The rows of ``profile``'s industry and tier interests against ``enterprise``: what an
    enterprise shows by presenting at a roadshow (no consent-bound data is read)."""
    rows = []
    if profile.industries:
        met = enterprise.industry in profile.industries
        rows.append(_row("industry", met, f"企业行业「{enterprise.industry}」" + ("属于" if met else "不属于")
                         + f"关注行业（{'、'.join(profile.industries)}）"))
    if profile.tiers:
        rows.append(_tier_row(enterprise, profile.tiers, tier_names))
    return rows


def enterprise_stage(enterprise):
    """The latest financing round on file, '' when none."""
    rounds = [f.financing_round for f in enterprise.financings.all() if f.financing_round]
    rounds += [q.financing_round for q in enterprise.qualifications.all() if q.financing_round]
    return max(rounds, key=ROUND_ORDER.index, default="")


def _tier_row(enterprise, tiers, tier_names):
    if not tiers:
        return _row("tier", True, "不限层级")
    current = tier_names.get(enterprise.tier, enterprise.tier) or "未入层"
    met = enterprise.tier in tiers
    return _row("tier", met, f"面向{'、'.join(tier_names.get(t, t) for t in tiers)}；企业所在层级为{current}")


def _range_row(criterion, label, value, low, high, unit):
    met = low <= value <= high
    return _row(criterion, met, f"{label} {unit(value)}" + ("在" if met else "不在")
                + f"产品范围 {unit(low)}—{unit(high)} 内")


def match_product(enterprise, product, *, tier_names, on, need=None):
    """Whether ``enterprise`` (and its ``need``, when given) fits ``product``, with the reasons."""
    rows = [_tier_row(enterprise, product.target_tiers, tier_names)]
    wanted = product.required_qualifications
    if wanted:
        held = [q.kind for q in enterprise.qualifications.all() if q.kind in wanted and q.is_valid_on(on)]
        rows.append(_row("qualification", held, f"持有{_labels(held, QualificationKind.choices)}" if held
                         else f"需持有{_labels(wanted, QualificationKind.choices)}之一，企业未登记有效资质"))
    else:
        rows.append(_row("qualification", True, "无资质要求"))
    if need is not None:
        rows.append(
            _range_row("amount", "需求金额", need.amount, product.amount_min, product.amount_max, _yuan)
        )
        rows.append(_range_row("term", "需求期限", need.term_months, product.term_min_months,
                               product.term_max_months, lambda months: f"{months} 个月"))
    return ProductMatch(product, all(row["met"] for row in rows), rows)


def products_for(enterprise, products, *, tier_names, on, need=None):
    """Every product matched against ``enterprise``: those it qualifies for first."""
    matches = [match_product(enterprise, p, tier_names=tier_names, on=on, need=need) for p in products]
    return sorted(matches, key=lambda m: not m.eligible)


def profile_match(profile, enterprise, *, needs, categories, tier_names):
    """``(matched, rows, need)``: whether ``enterprise`` fits ``profile``, judged only on data the
    enterprise consented to (``categories``) and its white-listed ``needs`` (newest first).
    ``need`` is the need the push is about, None when none applies."""
    rows = interest_fit(profile, enterprise, tier_names)
    if profile.stages:
        if DataCategory.FINANCING not in categories:
            rows.append(_row("stage", False, "企业未授权融资记录，无法判断融资阶段"))
        else:
            stage = enterprise_stage(enterprise)
            met = stage in profile.stages
            current = FinancingRound(stage).label if stage else "无融资记录"
            rows.append(_row("stage", met, f"企业融资阶段为{current}；关注"
                             + _labels(profile.stages, FinancingRound.choices)))
    need = needs[0] if needs else None
    if profile.amount_min is not None or profile.amount_max is not None:
        low, high = profile.amount_min, profile.amount_max
        fitting = [
            n for n in needs if (low is None or n.amount >= low) and (high is None or n.amount <= high)
        ]
        need = fitting[0] if fitting else None
        span = f"{_yuan(low) if low is not None else '不限'}—{_yuan(high) if high is not None else '不限'}"
        rows.append(
            _row(
                "amount",
                fitting,
                f"白名单融资需求 {_yuan(need.amount)} 在关注金额 {span} 内"
                if fitting
                else f"没有金额在关注范围 {span} 内的白名单融资需求",
            )
        )
    return all(row["met"] for row in rows), rows, need
