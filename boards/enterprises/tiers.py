"""The tier engine. A board's tiers and their criteria are configuration (section ``tiers``);
this module only evaluates them.

Invariants:
- a tier is met when any of its criteria is met (a tier without criteria needs only its permit)
  and, if it ``requires_permit``, the enterprise holds a TierEntryPermit for it of that review kind;
- the fallback tier (at most one) is also met when no higher tier is;
- an enterprise that fails ``entry_requires_any`` gets no tier ('');
- every criterion of every tier is reported, met or not, with a Chinese reason and its figures;
- money and ratios are Decimal; a ratio meets ``min_pct`` exactly (49.99 % < 50 %).
Reads go through ``enterprise.<relation>.all()`` so prefetched data costs no queries.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from boards.enterprises.listing_standards import PERCENT_METRICS, measure
from boards.enterprises.models import ROUND_ORDER, FinancingKind, FinancingRound, QualificationKind
from boards.kernel.config import read_decimal

CRITERION_TYPES = ("qualification", "financing_round_at_least", "listing_standards", "listing_reserve",
                   "ipo_tutoring", "neeq_delisted")
# Criterion types that are a qualification of a fixed kind.
QUALIFICATION_CRITERIA = {
    "listing_reserve": QualificationKind.LISTING_RESERVE,
    "ipo_tutoring": QualificationKind.IPO_TUTORING,
    "neeq_delisted": QualificationKind.NEEQ_DELISTED_IPO,
}
# Qualifications that record a PE/VC or government-fund investment with its round.
INVESTMENT_KINDS = (QualificationKind.PEVC_INVESTMENT, QualificationKind.GOV_FUND_INVESTMENT)

def _cultivation_criteria(*leading):
    """培育层 of the national guideline (证监办函〔2022〕840号 三(五)3), after ``leading``."""
    return [
        *leading,
        {"type": "listing_reserve"},
        # Financial indicators at 50 % of any one listing standard (ListingStandard rows).
        {"type": "listing_standards", "min_pct": 50},
        {"type": "ipo_tutoring"},
        {"type": "neeq_delisted"},
    ]


def guideline_scheme(min_round, incubation_kinds=()):
    """孵化层/规范层/培育层 of the national guideline; Xinjiang differs only in its arguments."""
    incubation = [{"type": "qualification", "kinds": list(incubation_kinds)}] if incubation_kinds else []
    return [
        {"code": "incubation", "name": "孵化层", "rank": 1, "fallback": True, "requires_permit": "",
         "criteria": incubation},
        {"code": "standard", "name": "规范层", "rank": 2, "fallback": False, "requires_permit": "",
         "criteria": [{"type": "qualification", "kinds": [QualificationKind.SPECIALIZED_SME.value]},
                      {"type": "financing_round_at_least", "round": min_round}]},
        {"code": "cultivation", "name": "培育层", "rank": 3, "fallback": False, "requires_permit": "",
         "criteria": _cultivation_criteria(
             {"type": "qualification", "kinds": [QualificationKind.LITTLE_GIANT.value]})},
    ]


# Annual re-tiering after the audited annual reports are out (end of April).
DEFAULT_RETIER_MONTH = 5

DEFAULT_TIERS = {
    "scheme": guideline_scheme("B"),
    "entry_requires_any": [],
    "retier_month": DEFAULT_RETIER_MONTH,
}

# Ready-made ``tiers`` config of the demo tenants.
TIER_SCHEMES = {
    # 附件2: 孵化层 names 自治区创新型中小企业; 规范层 PE financing of round A or later.
    "xj-zjtx": {**DEFAULT_TIERS, "scheme": guideline_scheme("A", [QualificationKind.INNOVATIVE_SME.value])},
    # 科技型 = 科技型中小企业, 高新技术企业 and 科技标杆企业 (recognitions of tech enterprises held as
    # qualifications); 创新型 = the committee's innovation recognition (DOMAIN §2, §3).
    "nmg-kcb": {
        **DEFAULT_TIERS,
        "scheme": [
            {"code": "basic", "name": "基础层", "rank": 1, "fallback": True, "requires_permit": "",
             "criteria": []},
            {"code": "premium", "name": "优选层", "rank": 2, "fallback": False, "requires_permit": "premium",
             "permit_name": "优选层专家评审", "criteria": []},
            {"code": "listing", "name": "上市层", "rank": 3, "fallback": False,
             "requires_permit": "listing_reserve", "permit_name": "自治区上市企业后备库专家评审",
             "criteria": []},
        ],
        "entry_requires_any": [QualificationKind.TECH_SME.value, QualificationKind.HIGH_TECH.value,
                               QualificationKind.TECH_BENCHMARK.value,
                               QualificationKind.INNOVATIVE_ENTERPRISE.value],
    },
    # The two programmes keep the guideline scheme but run no annual re-tiering.
    "ordos": {**DEFAULT_TIERS, "retier_month": None},
    "jinzhong": {**DEFAULT_TIERS, "retier_month": None},
}


# --- Validation of the config section ---------------------------------------------------------


def _criterion_errors(where, criterion):
    kinds = set(QualificationKind.values)
    if not isinstance(criterion, dict) or criterion.get("type") not in CRITERION_TYPES:
        return [f"{where} 的 type 必须是 {', '.join(CRITERION_TYPES)} 之一"]
    kind = criterion["type"]
    if kind == "qualification":
        given = criterion.get("kinds")
        if not isinstance(given, list) or not given or not set(given) <= kinds:
            return [f"{where} 的 kinds 必须是非空的资质类型列表，可选: {', '.join(sorted(kinds))}"]
    elif kind == "financing_round_at_least" and criterion.get("round") not in ROUND_ORDER:
        return [f"{where} 的 round 必须是 {', '.join(ROUND_ORDER)} 之一"]
    elif kind == "listing_standards":
        pct = read_decimal(criterion.get("min_pct"))
        if pct is None or pct <= 0 or pct > 100:
            return [f"{where} 的 min_pct 必须是 0 到 100 之间的正数"]
    return []


def validate_tiers(value):
    """Validator of the ``tiers`` config section: a list of error messages."""
    if not isinstance(value, dict):
        return ["必须是键值对象"]
    errors = []
    if "listing_references" in value:
        errors.append("listing_references 已改为「上市标准」数据（后台 上市标准 菜单），请从配置中删除")
    scheme = value.get("scheme")
    if not isinstance(scheme, list) or not scheme:
        return errors + ["scheme 必须是非空的层级列表"]
    codes, ranks, fallbacks = set(), set(), 0
    for index, tier in enumerate(scheme):
        where = f"scheme[{index}]"
        if not isinstance(tier, dict) or not tier.get("code") or not tier.get("name"):
            errors.append(f"{where} 需要 code 和 name")
            continue
        if tier["code"] in codes:
            errors.append(f"层级代码 {tier['code']} 重复")
        codes.add(tier["code"])
        rank = tier.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank in ranks:
            errors.append(f"{where} 的 rank 必须是不重复的整数")
        ranks.add(rank)
        fallbacks += bool(tier.get("fallback"))
        if not isinstance(tier.get("requires_permit", ""), str):
            errors.append(f"{where} 的 requires_permit 必须是评审类型代码或空字符串")
        criteria = tier.get("criteria", [])
        if not isinstance(criteria, list):
            errors.append(f"{where} 的 criteria 必须是列表")
            continue
        if not criteria and not tier.get("fallback") and not tier.get("requires_permit"):
            errors.append(f"{where}（{tier['name']}）没有条件、评审要求，也不是兜底层级，无法判断")
        for position, criterion in enumerate(criteria):
            errors += _criterion_errors(f"{where}.criteria[{position}]", criterion)
    if fallbacks > 1:
        errors.append("最多只能有一个兜底层级（fallback）")
    entry = value.get("entry_requires_any")
    if not isinstance(entry, list) or not set(entry) <= set(QualificationKind.values):
        errors.append("entry_requires_any 必须是资质类型列表")
    month = value.get("retier_month")
    if month is not None and (not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12):
        errors.append("retier_month 必须是 1–12 的整数，或 null 表示不做年度复核")
    return errors


# --- Reading the scheme -----------------------------------------------------------------------


def scheme(board):
    """The board's tiers, lowest rank first."""
    return sorted(board.setting("tiers.scheme", []), key=lambda tier: tier["rank"])


def tier_names(board):
    return {tier["code"]: tier["name"] for tier in scheme(board)}


def tier_rank(board, code):
    """Rank of tier ``code``; 0 for no tier or an unknown one."""
    return next((tier["rank"] for tier in scheme(board) if tier["code"] == code), 0)


# --- Formatting -------------------------------------------------------------------------------


def plain(number, places="0.0001"):
    """A Decimal without trailing zeros or exponent, truncated to ``places``."""
    return format(number.quantize(Decimal(places), rounding=ROUND_DOWN).normalize(), "f")


def format_yuan(amount):
    amount = Decimal(amount)
    for unit, size in (("亿元", Decimal(10) ** 8), ("万元", Decimal(10) ** 4)):
        if abs(amount) >= size:
            return f"{plain(amount / size)} {unit}"
    return f"{plain(amount)} 元"


def _kind_label(kind):
    return str(QualificationKind(kind).label)


def _round_label(code):
    return str(FinancingRound(code).label)


# --- Criteria -----------------------------------------------------------------------------------


def _qualification(enterprise, on, kinds):
    labels = "、".join(_kind_label(kind) for kind in kinds)
    held = [q for q in enterprise.qualifications.all() if q.kind in kinds]
    valid = [q for q in held if q.is_valid_on(on)]
    if valid:
        q = valid[0]
        until = f"有效期至 {q.valid_until}" if q.valid_until else "长期有效"
        issuer = f"，{q.issuer}认定" if q.issuer else ""
        return True, f"{_kind_label(q.kind)}{issuer}，{until}"
    if held:
        details = "；".join(
            f"{_kind_label(q.kind)}已于 {q.valid_until} 到期" if q.valid_until and q.valid_until < on
            else f"{_kind_label(q.kind)}自 {q.issued_on} 起生效" for q in held)
        return False, f"{details}，{on} 时无有效的{labels}"
    return False, f"无{labels}记录"


def _financing_round(enterprise, on, minimum):
    rounds = [(f.financing_round, f"{f.occurred_on} {f.investor_name}") for f in enterprise.financings.all()
              if f.kind == FinancingKind.EQUITY and f.financing_round and f.occurred_on <= on]
    rounds += [(q.financing_round, f"{q.issued_on or ''} {q.issuer}".strip())
               for q in enterprise.qualifications.all()
               if q.kind in INVESTMENT_KINDS and q.financing_round and q.is_valid_on(on)]
    wanted = f"要求{_round_label(minimum)}及以后"
    if not rounds:
        return False, f"无私募股权融资轮次记录，{wanted}"
    best, where = max(rounds, key=lambda item: ROUND_ORDER.index(item[0]))
    met = ROUND_ORDER.index(best) >= ROUND_ORDER.index(minimum)
    return met, f"已获{_round_label(best)}私募股权融资（{where}），{wanted}"


def _listing_standards(enterprise, on, criterion):
    """培育层's financial test: every indicator of any one standard in force at ``min_pct`` % or
    more (see boards/enterprises/listing_standards.py), and the qualitative conditions."""
    min_pct = Decimal(str(criterion["min_pct"]))
    years = sorted((f for f in enterprise.financials.all() if f.year <= on.year), key=lambda f: -f.year)
    standards = [s for s in board_standards(enterprise.board) if s.in_force_on(on)]
    results = [_standard(standard, years, min_pct) for standard in standards]
    met_standard = next((text for ok, text, _ in results if ok), None)
    # Unmet: the nearest standards first (by their weakest indicator), at most three shown.
    nearest = sorted(results, key=lambda result: -result[2])[:NEAREST_SHOWN]
    rest = f"；另有 {len(results) - len(nearest)} 项标准差距更大" if len(results) > len(nearest) else ""
    if not years:
        parts, met = ["无年度财务数据"], False
    elif not standards:
        parts, met = ["本专板未设置有效的上市标准"], False
    elif met_standard:
        parts, met = [f"{years[0].year} 年度起：达到{met_standard}"], True
    else:
        parts, met = [f"{years[0].year} 年度起：未达到任一标准的 {min_pct}%（最接近的："
                      + "；".join(text for _, text, _ in nearest) + rest + "）"], False
    for ok, yes, no in (
        (bool(enterprise.main_business.strip()), "主营业务明确", "主营业务未填写"),
        (enterprise.going_concern, "具有持续经营能力", "不具备持续经营能力"),
        (enterprise.listing_plan, "具备上市潜力或明确上市规划", "无上市潜力或上市规划"),
    ):
        met &= ok
        parts.append(yes if ok else no)
    return met, "；".join(parts)


def board_standards(board):
    """The board's listing standards, read once per board object."""
    from boards.enterprises.models import ListingStandard

    if "_listing_standards" not in board.__dict__:
        board.__dict__["_listing_standards"] = list(ListingStandard.objects.filter(board=board))
    return board.__dict__["_listing_standards"]


NEAREST_SHOWN = 3


def _standard(standard, years, min_pct):
    """(met, text, weakest share in percent) of one standard."""
    parts, met, weakest = [], True, None
    for indicator in standard.indicators:
        value, label = measure(indicator, years)
        threshold = Decimal(str(indicator.get("threshold") or 0))
        percent = indicator["metric"] in PERCENT_METRICS

        def shown(x, percent=percent):
            return f"{plain(x, '0.01')}%" if percent else format_yuan(x)

        if value is None:
            met, weakest = False, Decimal(0)
            parts.append(f"{label}：财务数据不足")
            continue
        if indicator.get("positive"):  # "净利润为正": half of positive is still positive
            ok = value > 0
            met &= ok
            weakest = weakest if ok else Decimal(0)
            parts.append(f"{label} {shown(value)}（须为正，{'满足' if ok else '不满足'}）")
            continue
        share = value * 100 / threshold
        ok = share >= min_pct
        met &= ok
        weakest = share if weakest is None else min(weakest, share)
        parts.append(f"{label} {shown(value)}，为标准（{shown(threshold)}）的 {plain(share, '0.01')}%"
                     f"（{'≥' if ok else '＜'} {min_pct}%）")
    return met, f"「{standard.name}」：" + "，".join(parts), weakest if weakest is not None else Decimal(0)


def _describe(criterion):
    kind = criterion["type"]
    if kind == "qualification":
        return "、".join(_kind_label(k) for k in criterion["kinds"])
    if kind in QUALIFICATION_CRITERIA:
        return _kind_label(QUALIFICATION_CRITERIA[kind])
    if kind == "financing_round_at_least":
        return f"获得{_round_label(criterion['round'])}及以后私募股权融资"
    return (f"营业收入、净利润等财务指标达到任一上市标准（沪深北交易所或新三板创新层）相应指标的 "
            f"{criterion['min_pct']}% 以上，主营业务明确、持续经营、具备上市潜力或规划")


def _evaluate(enterprise, on, criterion):
    kind = criterion["type"]
    if kind == "qualification":
        return _qualification(enterprise, on, criterion["kinds"])
    if kind in QUALIFICATION_CRITERIA:
        return _qualification(enterprise, on, [QUALIFICATION_CRITERIA[kind]])
    if kind == "financing_round_at_least":
        return _financing_round(enterprise, on, criterion["round"])
    return _listing_standards(enterprise, on, criterion)


def _permit(enterprise, tier):
    name = tier.get("permit_name") or tier["requires_permit"]
    permit = next((p for p in enterprise.tier_permits.all()
                   if p.tier == tier["code"] and p.review_kind == tier["requires_permit"]), None)
    if permit:
        return True, f"已通过{name}（{permit.source}，{timezone.localdate(permit.granted_at)}）"
    return False, f"尚未通过{name}"


def _row(tier, criterion, met, reason):
    return {"tier": tier["code"], "tier_name": tier["name"], "criterion": criterion, "met": met,
            "reason": reason}


@dataclass(frozen=True)
class TierSuggestion:
    tier: str  # '' when no tier is met or the entry requirement fails
    name: str
    criteria: list  # [{tier, tier_name, criterion, met, reason}], JSON-serialisable
    # The verdict in words, naming the cause when there is no tier: an enterprise whose tier
    # rows are met but that fails the board's entry requirement is told so, not "no tier met".
    verdict: str = ""


def check_entry(enterprise, on=None):
    """The board's entry requirement (``entry_requires_any``) as one criterion row.

    The row's ``tier`` is '' and ``met`` is True when the board requires nothing."""
    on = on or timezone.localdate()
    kinds = enterprise.board.setting("tiers.entry_requires_any", [])
    entry = {"code": "", "name": "入板条件"}
    if not kinds:
        return _row(entry, "本专板入板不要求特定资质", True, "无特定资质要求")
    met, reason = _qualification(enterprise, on, kinds)
    return _row(entry, f"具备以下资质之一：{'、'.join(_kind_label(k) for k in kinds)}", met, reason)


def suggest_tier(enterprise, on=None):
    """The highest tier ``enterprise`` meets on ``on`` (default today), with every criterion."""
    on = on or timezone.localdate()
    board = enterprise.board
    entry = check_entry(enterprise, on) if board.setting("tiers.entry_requires_any") else None
    rows, met_tiers = [entry] if entry else [], []
    for tier in reversed(scheme(board)):
        results = []
        for criterion in tier.get("criteria", []):
            met, reason = _evaluate(enterprise, on, criterion)
            results.append(_row(tier, _describe(criterion), met, reason))
        if tier.get("fallback"):
            higher = "、".join(t["name"] for t in met_tiers)
            results.append(_row(tier, "尚未达到更高层级标准的专板企业", not met_tiers,
                                f"已符合{higher}条件" if met_tiers else "未达到更高层级标准"))
        ok = not results or any(r["met"] for r in results)
        if tier.get("requires_permit"):
            permitted, reason = _permit(enterprise, tier)
            results.append(_row(tier, f"须通过{tier.get('permit_name') or tier['requires_permit']}",
                                permitted, reason))
            ok = ok and permitted
        rows += results
        if ok:
            met_tiers.append(tier)
    if entry and not entry["met"]:
        conditionally = f"（按分层条件可归入{met_tiers[0]['name']}）" if met_tiers else ""
        return TierSuggestion("", "", rows, f"不满足本专板入板条件：{entry['reason']}{conditionally}，"
                                            "建议清退或不予入板")
    if not met_tiers:
        return TierSuggestion("", "", rows, "不符合任何层级（建议清退或不予入板）")
    return TierSuggestion(met_tiers[0]["code"], met_tiers[0]["name"], rows, met_tiers[0]["name"])
