"""The explainable enterprise score (画像/信用评价).

Invariants: components and weights are board configuration (section ``scoring``), weights add
up to 100; each component measures one figure, turns it into a rate of 0–100 % and earns
``weight × rate`` points (rounded to 0.01); the total is the sum of the shown points, so the
parts always add up. Reads use ``enterprise.<relation>.all()`` (prefetch-friendly).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from boards.enterprises.models import ROUND_ORDER, FinancingKind, FinancingRound, QualificationKind
from boards.enterprises.tiers import plain

HUNDRED = Decimal(100)
COMPONENT_TYPES = {
    "qualifications": "持有资质的最高分值",
    "revenue_growth": "最近两年营业收入增长率",
    "net_margin": "最近一年净利润率",
    "rd_intensity": "最近一年研发费用占营业收入比例",
    "financing_round": "已获最高股权融资轮次",
    "service_records": "近期走访/服务次数",
}

DEFAULT_SCORING = {
    "components": [
        {"code": "qualifications", "name": "资质认定", "type": "qualifications", "weight": 30,
         "points": {"little_giant": 100, "listing_reserve": 100, "specialized_sme": 80, "high_tech": 70,
                    "tech_benchmark": 70, "innovative_enterprise": 60, "innovative_sme": 50,
                    "tech_sme": 50}},
        {"code": "growth", "name": "成长性", "type": "revenue_growth", "weight": 20, "full_at_pct": 30},
        {"code": "profitability", "name": "盈利能力", "type": "net_margin", "weight": 15, "full_at_pct": 15},
        {"code": "innovation", "name": "研发投入", "type": "rd_intensity", "weight": 15, "full_at_pct": 5},
        {"code": "financing", "name": "股权融资", "type": "financing_round", "weight": 10,
         "full_at_round": "B"},
        {"code": "engagement", "name": "走访服务", "type": "service_records", "weight": 10,
         "full_at_count": 4, "days": 365},
    ]
}


def _positive(value):
    try:
        return Decimal(str(value)) > 0
    except ArithmeticError:
        return False


def validate_scoring(value):
    """Validator of the ``scoring`` config section."""
    components = value.get("components") if isinstance(value, dict) else None
    if not isinstance(components, list) or not components:
        return ["components 必须是非空列表"]
    errors, total, codes = [], 0, set()
    for index, component in enumerate(components):
        where = f"components[{index}]"
        if not isinstance(component, dict) or component.get("type") not in COMPONENT_TYPES:
            errors.append(f"{where} 的 type 必须是 {', '.join(COMPONENT_TYPES)} 之一")
            continue
        if not component.get("code") or component["code"] in codes or not component.get("name"):
            errors.append(f"{where} 需要不重复的 code 和 name")
        codes.add(component.get("code"))
        weight = component.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            errors.append(f"{where} 的 weight 必须是非负整数")
            continue
        total += weight
        kind = component["type"]
        if kind == "qualifications":
            points = component.get("points")
            if not isinstance(points, dict) or not set(points) <= set(QualificationKind.values) or not all(
                    isinstance(p, int) and 0 <= p <= 100 for p in points.values()):
                errors.append(f"{where} 的 points 必须是 资质类型 → 0–100 分 的对象")
        elif kind == "financing_round" and component.get("full_at_round") not in ROUND_ORDER:
            errors.append(f"{where} 的 full_at_round 必须是 {', '.join(ROUND_ORDER)} 之一")
        elif kind == "service_records" and not all(
                isinstance(component.get(key), int) and component[key] > 0
                for key in ("full_at_count", "days")):
            errors.append(f"{where} 需要正整数 full_at_count 和 days")
        elif kind in ("revenue_growth", "net_margin", "rd_intensity") and not _positive(
                component.get("full_at_pct")):
            errors.append(f"{where} 的 full_at_pct 必须是正数")
    if not errors and total != 100:
        errors.append(f"各项权重之和必须为 100，当前为 {total}")
    return errors


@dataclass(frozen=True)
class ScoreComponent:
    code: str
    name: str
    weight: int
    value: str  # the measured figure, in words
    rate: Decimal  # 0–100 (%)
    points: Decimal
    rule: str  # how the figure becomes the rate


@dataclass(frozen=True)
class Score:
    total: Decimal
    components: list


def _pct(part, whole):
    return part * HUNDRED / whole


def _capped_rate(measured, full):
    return min(max(measured * HUNDRED / full, Decimal(0)), HUNDRED)


def _latest_years(enterprise, on, count):
    years = sorted((f for f in enterprise.financials.all() if f.year <= on.year), key=lambda f: -f.year)
    return years[:count]


def _ratio_component(enterprise, on, component):
    """revenue_growth / net_margin / rd_intensity: a percentage against ``full_at_pct``."""
    kind, full = component["type"], Decimal(str(component["full_at_pct"]))
    years = _latest_years(enterprise, on, 2 if kind == "revenue_growth" else 1)
    if kind == "revenue_growth":
        if len(years) < 2 or years[1].revenue <= 0:
            return "缺少连续两年营业收入", Decimal(0)
        measured = _pct(years[0].revenue - years[1].revenue, years[1].revenue)
        label = f"{years[1].year}→{years[0].year} 年营业收入增长 {plain(measured, '0.01')}%"
    else:
        if not years or years[0].revenue <= 0:
            return "缺少营业收入数据", Decimal(0)
        part = years[0].net_profit if kind == "net_margin" else years[0].rd_expense
        measured = _pct(part, years[0].revenue)
        what = "净利润率" if kind == "net_margin" else "研发费用占营业收入"
        label = f"{years[0].year} 年{what} {plain(measured, '0.01')}%"
    return label, _capped_rate(measured, full)


def _measure(enterprise, on, component):
    kind = component["type"]
    if kind == "qualifications":
        points = component["points"]
        held = [(points[q.kind], q) for q in enterprise.qualifications.all()
                if q.kind in points and q.is_valid_on(on)]
        if not held:
            return "无计分资质", Decimal(0)
        best, q = max(held, key=lambda item: item[0])
        return f"{q.get_kind_display()}（{best} 分）", Decimal(best)
    if kind == "financing_round":
        rounds = [f.financing_round for f in enterprise.financings.all()
                  if f.kind == FinancingKind.EQUITY and f.financing_round and f.occurred_on <= on]
        if not rounds:
            return "无股权融资", Decimal(0)
        best = max(rounds, key=ROUND_ORDER.index)
        steps = Decimal(ROUND_ORDER.index(best) + 1)
        return str(FinancingRound(best).label), _capped_rate(steps, Decimal(ROUND_ORDER.index(
            component["full_at_round"]) + 1))
    if kind == "service_records":
        since = on - datetime.timedelta(days=component["days"])
        count = sum(1 for r in enterprise.service_records.all() if since < r.occurred_on <= on)
        return f"{since} 之后 {count} 次", _capped_rate(Decimal(count), Decimal(component["full_at_count"]))
    return _ratio_component(enterprise, on, component)


def _rule(component):
    kind = component["type"]
    if kind == "qualifications":
        return "取持有的有效资质中分值最高者"
    if kind == "financing_round":
        return f"达到{FinancingRound(component['full_at_round']).label}得满分，之前各轮按轮次折算"
    if kind == "service_records":
        return f"近 {component['days']} 天内 {component['full_at_count']} 次及以上得满分，按次数折算"
    return f"{COMPONENT_TYPES[kind]}达到 {component['full_at_pct']}% 得满分，按比例折算，负数为 0"


def score_enterprise(enterprise, on=None):
    """The enterprise's score on ``on`` (default today) by the board's ``scoring`` config."""
    on = on or timezone.localdate()
    components = []
    for component in enterprise.board.setting("scoring.components", []):
        value, rate = _measure(enterprise, on, component)
        points = (Decimal(component["weight"]) * rate / HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)
        components.append(ScoreComponent(component["code"], component["name"], component["weight"], value,
                                         rate.quantize(Decimal("0.01"), ROUND_HALF_UP), points,
                                         _rule(component)))
    return Score(sum((c.points for c in components), Decimal("0.00")), components)
