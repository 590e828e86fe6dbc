"""The "reviews" board configuration section: the review types, their panels, clocks, forms
and filings. A board may override a type partly ({"listing_reserve": {"permit_tier": ""}});
``review_type`` merges the override over the default type."""

import copy

from boards.kernel.errors import DomainError

KINDS = ("innovation", "premium", "listing_reserve")
MODES = ("remote", "meeting")
FIELD_TYPES = ("score", "text", "choice")
EXPERT_FIELDS = ("tech", "finance", "investment_banking", "government", "listing")


def _score(key, label, maximum):
    return {"key": key, "label": label, "type": "score", "max": maximum}


def _text(key, label):
    return {"key": key, "label": label, "type": "text", "required": True}


DEFAULT = {
    # Calendar days an expert has to confirm receipt before the seat counts as silent.
    "receipt_days": 1,
    # Past employment at an institution linked to the enterprise is a conflict this many years on.
    "conflict_window_years": 3,
    "innovation": {
        "name": "创新型企业认定",
        "investor_may_open": False,
        "mode": "remote",
        "panel_min": 5,
        "panel_max": 5,
        "field_mix": {},
        "review_days": 3,
        "observers": False,
        "filed_with": [],
        "permit_tier": "",
        "form": {
            "title": "《创新型企业认定专家评审表》",
            "pass_score": 60,
            "fields": [
                _score("innovation", "技术创新性", 30),
                _score("rd", "研发投入与团队", 20),
                _score("ip", "知识产权", 20),
                _score("growth", "成长性与市场前景", 20),
                _score("compliance", "规范经营", 10),
                _text("opinion", "综合意见"),
            ],
        },
    },
    "premium": {
        "name": "优选层评审",
        # An investment-federation member that invested in the enterprise may open it.
        "investor_may_open": True,
        "mode": "meeting",
        # "不少于5名专家": at least five, no upper limit unless a board sets one.
        "panel_min": 5,
        "panel_max": None,
        "field_mix": {},
        "review_days": 3,
        "observers": True,
        "filed_with": ["kjt"],
        "permit_tier": "premium",
        "form": {
            "title": "《优选层专家评审表》",
            "pass_score": 60,
            "fields": [
                _score("technology", "核心技术与创新能力", 25),
                _score("performance", "经营业绩与成长性", 25),
                _score("governance", "公司治理与规范运作", 20),
                _score("capital", "融资需求与资本运作规划", 15),
                _score("defence", "现场答辩", 15),
                _text("opinion", "评审意见"),
            ],
        },
    },
    "listing_reserve": {
        "name": "上市企业后备库评审",
        "investor_may_open": False,
        "mode": "meeting",
        # "不少于5名专家": at least five, no upper limit unless a board sets one.
        "panel_min": 5,
        "panel_max": None,
        "field_mix": {"listing": 1},
        "review_days": 3,
        "observers": True,
        "filed_with": ["jrb", "kjt"],
        "permit_tier": "listing",
        "form": {
            "title": "《自治区上市企业后备库专家评审表》",
            "pass_score": 60,
            "fields": [
                {"key": "target_market", "label": "拟上市板块", "type": "choice", "required": True,
                 "options": ["上交所主板", "科创板", "深交所主板", "创业板", "北交所"]},
                _score("business", "主营业务与行业地位", 20),
                _score("financials", "财务指标与目标板块标准契合度", 30),
                _score("compliance", "合规与规范运作", 20),
                _score("feasibility", "上市可行性与时间安排", 20),
                _score("intermediaries", "中介机构准备情况", 10),
                _text("opinion", "上市可能性评价"),
            ],
        },
    },
}


def _is_int(value, minimum=0):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _check_form(kind, form):
    if not isinstance(form, dict) or not isinstance(form.get("fields"), list) or not form["fields"]:
        return [f"{kind}.form 需要 title 和非空的 fields 列表"]
    errors, keys = [], set()
    for field in form["fields"]:
        key = field.get("key") if isinstance(field, dict) else None
        if not key or key in keys or field.get("type") not in FIELD_TYPES or not field.get("label"):
            errors.append(f"{kind}.form 字段 {field!r} 需要唯一的 key、label 和 type"
                          f"（{'/'.join(FIELD_TYPES)}）")
            continue
        keys.add(key)
        if field["type"] == "score" and not _is_int(field.get("max"), 1):
            errors.append(f"{kind}.form 评分项 {key} 的 max 必须是正整数")
        if field["type"] == "choice" and not (isinstance(field.get("options"), list) and field["options"]):
            errors.append(f"{kind}.form 选择项 {key} 需要 options 列表")
    if form.get("pass_score") is not None and not _is_int(form["pass_score"]):
        errors.append(f"{kind}.form.pass_score 必须是非负整数或 null")
    return errors


def panel_size_allowed(rules, size):
    """Within the type's panel: at least ``panel_min``; at most ``panel_max`` when one is set."""
    return size >= rules["panel_min"] and (rules["panel_max"] is None or size <= rules["panel_max"])


def panel_rule(rules):
    """The panel size rule in words: "应为 5 人", "应为 5–7 人" or "应不少于 5 人"."""
    low, high = rules["panel_min"], rules["panel_max"]
    if high is None:
        return f"应不少于 {low} 人"
    return f"应为 {low} 人" if low == high else f"应为 {low}–{high} 人"


def _check_type(kind, rules):
    errors = []
    if rules["mode"] not in MODES:
        errors.append(f"{kind}.mode 必须是 {'/'.join(MODES)} 之一")
    maximum = rules["panel_max"]
    if not (_is_int(rules["panel_min"], 1)
            and (maximum is None or (_is_int(maximum, 1) and rules["panel_min"] <= maximum))):
        errors.append(f"{kind}.panel_min 必须是正整数，panel_max 为 null（不设上限）"
                      "或不小于 panel_min 的正整数")
    mix = rules["field_mix"]
    if not isinstance(mix, dict) or any(f not in EXPERT_FIELDS or not _is_int(n) for f, n in mix.items()):
        errors.append(f"{kind}.field_mix 的键必须是 {'/'.join(EXPERT_FIELDS)}，值为非负整数")
    elif _is_int(rules["panel_min"], 1) and sum(mix.values()) > rules["panel_min"]:
        errors.append(f"{kind}.field_mix 要求的人数超过了 panel_min")
    if not _is_int(rules["review_days"], 1):
        errors.append(f"{kind}.review_days 必须是正整数")
    errors += [f"{kind}.{key} 必须是 true 或 false" for key in ("observers", "investor_may_open")
               if not isinstance(rules[key], bool)]
    if not isinstance(rules["filed_with"], list):
        errors.append(f"{kind}.filed_with 必须是监管机构代码列表")
    return errors + _check_form(kind, rules["form"])


def validate(section):
    errors = []
    for key in ("receipt_days", "conflict_window_years"):
        if not _is_int(section.get(key), 1 if key == "receipt_days" else 0):
            errors.append(f"{key} 必须是整数")
    for kind in KINDS:
        override = section.get(kind)
        if not isinstance(override, dict):
            errors.append(f"{kind} 必须是对象")
            continue
        unknown = set(override) - set(DEFAULT[kind])
        if unknown:
            errors.append(f"{kind} 有未知配置项: {', '.join(sorted(unknown))}")
            continue
        errors += _check_type(kind, {**DEFAULT[kind], **override})
    return errors


def review_type(board, kind):
    """The complete rules of review ``kind`` on ``board`` (default type merged with the board's)."""
    if kind not in KINDS:
        raise DomainError(f"未知的评审类型「{kind}」，可选: {'、'.join(KINDS)}。", code="invalid_kind")
    return {**copy.deepcopy(DEFAULT[kind]), **copy.deepcopy(board.setting(f"reviews.{kind}", {}))}
