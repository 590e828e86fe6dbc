"""Policy matching (政策匹配), pure reads: which policies an enterprise qualifies for, with the
reasons, and which it nearly qualifies for, with what is missing.

A policy's eligibility is a list of conditions (data, validated by ``condition_errors``):
- ``{"type": "qualification", "kinds": [...]}``: holds a valid qualification of one kind;
- ``{"type": "first_qualification", "kinds": [...], "within_years": n}``: first recognised as one
  of the kinds within the last n years (首次认定);
- ``{"type": "tier", "tiers": [...]}``: is now in one of the tiers;
- ``{"type": "tier_entry", "tiers": [...]}``: has entered one of the tiers (挂牌), now or before;
- ``{"type": "financial", "metric": m, "min": "amount"}``: the latest year's figure ≥ min;
- ``{"type": "manual", "label": "..."}``: a fact staff verify on the award (never met here);
- ``{"type": "any", "conditions": [...]}``: one of the listed conditions (not manual or any).

Invariants: every condition gives one Check, met or not, with a Chinese reason. "Qualified":
all met. "Nearly": all but one of two or more met, or every unmet one a financial within the
board's ``near_margin_pct`` of its threshold. Reads use ``.all()``, so prefetched relations cost nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from boards.enterprises.models import QualificationKind
from boards.enterprises.tiers import format_yuan
from boards.kernel.config import read_decimal

CONDITION_TYPES = ("qualification", "first_qualification", "tier", "tier_entry", "financial", "manual", "any")
METRICS = {"revenue": "营业收入", "net_profit": "净利润", "rd_expense": "研发费用", "total_assets": "总资产"}
QUALIFIED, NEARLY, NOT_ELIGIBLE = "qualified", "nearly", "not_eligible"
STATUS_LABELS = {QUALIFIED: "符合条件", NEARLY: "接近符合", NOT_ELIGIBLE: "不符合"}


def _kinds_label(kinds):
    names = dict(QualificationKind.choices)
    return "、".join(str(names.get(kind, kind)) for kind in kinds)


def _tiers_label(tiers, tier_names):
    return "、".join(tier_names.get(tier, tier) for tier in tiers)


def condition_errors(conditions, tier_codes, prefix="", types=CONDITION_TYPES):
    """Chinese messages for every malformed condition (empty when all are well formed)."""
    if not isinstance(conditions, list):
        return [f"{prefix}条件必须是列表"]
    errors, kinds = [], set(QualificationKind.values)
    for i, condition in enumerate(conditions, 1):
        where = f"{prefix}第 {i} 个条件"
        kind = condition.get("type") if isinstance(condition, dict) else None
        if kind not in types:
            errors.append(f"{where} 的 type 必须是 {', '.join(types)} 之一")
        elif kind == "any":
            given = condition.get("conditions")
            errors += condition_errors(given, tier_codes, f"{where}中", types[:-2]) if given else \
                [f"{where} 需要非空的 conditions 列表"]
        elif kind in ("qualification", "first_qualification"):
            given = condition.get("kinds")
            if not isinstance(given, list) or not given or not set(given) <= kinds:
                errors.append(f"{where} 的 kinds 必须是非空的资质类型列表，可选：{', '.join(sorted(kinds))}")
            years = condition.get("within_years", 1)
            if kind == "first_qualification" and (not isinstance(years, int) or years < 1):
                errors.append(f"{where} 的 within_years 必须是正整数")
        elif kind in ("tier", "tier_entry"):
            given = condition.get("tiers")
            if not isinstance(given, list) or not given or not set(given) <= set(tier_codes):
                errors.append(f"{where} 的 tiers 必须是本专板层级代码的非空列表，"
                              f"可选：{', '.join(tier_codes)}")
        elif kind == "financial":
            if condition.get("metric") not in METRICS:
                errors.append(f"{where} 的 metric 必须是 {', '.join(METRICS)} 之一")
            if read_decimal(condition.get("min"), floats=False) is None:
                errors.append(f"{where} 的 min 必须是金额字符串（元），如 \"5000000\"")
        elif not str(condition.get("label", "")).strip():
            errors.append(f"{where} 需要 label（核验事项）")
    return errors


def formula_is_valid(formula):
    """A formula benefit: ``{"metric": <METRICS key>, "rate": "<decimal>"}``."""
    return (isinstance(formula, dict) and formula.get("metric") in METRICS
            and read_decimal(formula.get("rate"), floats=False) is not None)


def describe(condition, tier_names):
    """The condition in words, as the catalogue shows it."""
    kind = condition["type"]
    if kind == "qualification":
        return f"持有{_kinds_label(condition['kinds'])}资质"
    if kind == "first_qualification":
        return f"近 {condition.get('within_years', 1)} 年内首次认定为{_kinds_label(condition['kinds'])}"
    if kind == "tier":
        return f"现处于{_tiers_label(condition['tiers'], tier_names)}"
    if kind == "tier_entry":
        return f"在{_tiers_label(condition['tiers'], tier_names)}挂牌"
    if kind == "financial":
        return f"最近年度{METRICS[condition['metric']]}不低于 {format_yuan(Decimal(condition['min']))}"
    if kind == "any":
        return "满足其一：" + "；".join(describe(sub, tier_names) for sub in condition["conditions"])
    return f"经核验：{condition['label']}"


@dataclass
class Check:
    condition: str
    met: bool
    reason: str
    near: bool = False  # a financial short of its threshold by no more than the margin
    manual: bool = False  # verified by staff on the award


@dataclass
class PolicyMatch:
    policy: object
    status: str
    checks: list = field(default_factory=list)
    award: object = None  # the enterprise's live award of this policy (this period), if any

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def missing(self):
        return [check.reason for check in self.checks if not check.met]

    @property
    def may_apply(self):
        """A monetary policy ("none" is BenefitKind.NONE) whose conditions are all met except
        those staff verify on the award, with no live award."""
        return (self.policy.benefit_kind != "none" and self.award is None
                and all(check.met or check.manual for check in self.checks))


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_qualification(enterprise, condition, on, text):
    held = [q for q in enterprise.qualifications.all() if q.kind in condition["kinds"] and q.is_valid_on(on)]
    if held:
        return Check(text, True, f"持有{_kinds_label(sorted({q.kind for q in held}))}（有效）")
    return Check(text, False, f"未登记有效的{_kinds_label(condition['kinds'])}资质")


def _check_first_qualification(enterprise, condition, on, text):
    years = condition.get("within_years", 1)
    dates = [q.issued_on for q in enterprise.qualifications.all()
             if q.kind in condition["kinds"] and q.issued_on is not None]
    if not dates:
        return Check(text, False, f"未登记{_kinds_label(condition['kinds'])}认定（含认定日期）")
    first = min(dates)
    if _years_before(on, years) < first <= on:
        return Check(text, True, f"{first:%Y-%m-%d} 首次认定，在近 {years} 年内")
    return Check(text, False, f"首次认定于 {first:%Y-%m-%d}，不属于近 {years} 年内首次认定")


def _check_tier(enterprise, condition, tier_names, text):
    current = tier_names.get(enterprise.tier, enterprise.tier) or "未入层"
    met = enterprise.tier in condition["tiers"]
    return Check(text, met, f"现处于{current}" if met else
                 f"现处于{current}，不在{_tiers_label(condition['tiers'], tier_names)}")


def _check_tier_entry(enterprise, condition, tier_names, text):
    tiers = condition["tiers"]
    entries = sorted(change.changed_at for change in enterprise.tier_changes.all() if change.to_tier in tiers)
    if entries:
        return Check(text, True, f"{entries[0]:%Y-%m-%d} 进入{_tiers_label(tiers, tier_names)}")
    if enterprise.tier in tiers:
        return Check(text, True, f"现处于{tier_names.get(enterprise.tier, enterprise.tier)}")
    return Check(text, False, f"尚未进入{_tiers_label(tiers, tier_names)}")


def _check_financial(enterprise, condition, margin_pct, text):
    label, minimum = METRICS[condition["metric"]], Decimal(condition["min"])
    years = list(enterprise.financials.all())
    if not years:
        return Check(text, False, f"未登记年度财务数据，无法判断{label}")
    latest = max(years, key=lambda row: row.year)
    value = getattr(latest, condition["metric"])
    if value >= minimum:
        return Check(text, True, f"{latest.year}年{label} {format_yuan(value)}，"
                                 f"不低于 {format_yuan(minimum)}")
    near = value >= minimum * (100 - margin_pct) / 100
    reason = (f"{latest.year}年{label} {format_yuan(value)}，低于 {format_yuan(minimum)}，"
              f"差 {format_yuan(minimum - value)}")
    return Check(text, False, reason + (f"（在 {margin_pct}% 容差内）" if near else ""), near=near)


def _check(enterprise, condition, on, margin_pct, tier_names):
    text, kind = describe(condition, tier_names), condition["type"]
    if kind == "qualification":
        return _check_qualification(enterprise, condition, on, text)
    if kind == "first_qualification":
        return _check_first_qualification(enterprise, condition, on, text)
    if kind == "tier":
        return _check_tier(enterprise, condition, tier_names, text)
    if kind == "tier_entry":
        return _check_tier_entry(enterprise, condition, tier_names, text)
    if kind == "financial":
        return _check_financial(enterprise, condition, margin_pct, text)
    if kind == "any":
        subs = [_check(enterprise, sub, on, margin_pct, tier_names) for sub in condition["conditions"]]
        met = [sub.reason for sub in subs if sub.met]
        return Check(text, bool(met), met[0] if met else "均不满足：" + "；".join(sub.reason for sub in subs))
    return Check(text, False, f"需提交材料，由工作人员核验：{condition['label']}", manual=True)


def evaluate(enterprise, policy, *, on, margin_pct, tier_names, award=None):
    """One policy against one enterprise: every condition checked, and the status."""
    checks = [_check(enterprise, condition, on, margin_pct, tier_names) for condition in policy.conditions]
    unmet = [check for check in checks if not check.met]
    if not unmet:
        status = QUALIFIED
    elif (len(unmet) == 1 and len(checks) > 1) or all(check.near for check in unmet):
        status = NEARLY
    else:
        status = NOT_ELIGIBLE
    return PolicyMatch(policy, status, checks, award)


def match_policies(enterprise, policies, *, on, margin_pct, tier_names, awards=None):
    """``(qualified, nearly)`` lists of PolicyMatch; ``awards`` maps policy id to the live award."""
    awards = awards or {}
    matches = [evaluate(enterprise, policy, on=on, margin_pct=margin_pct, tier_names=tier_names,
                        award=awards.get(policy.pk)) for policy in policies]
    return ([m for m in matches if m.status == QUALIFIED], [m for m in matches if m.status == NEARLY])
