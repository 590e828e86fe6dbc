"""Board configuration of the alliance (section ``alliance``) and of the Jinzhong
service-institution programme (section ``service_institutions``), registered in AllianceConfig.ready.

``alliance.bodies`` lists the federations a board runs, each with the institution kinds it takes,
its admission rules and its meeting cadence (months; null: ad hoc only). Rule types:
- ``qualification``: holds a valid InstitutionQualification ``qualification``; with
  ``institution_kinds`` it applies to institutions of those kinds only;
- ``tech_product_or_preference``: a published product designed for tech enterprises, or a declared
  preference for board enterprises in approval or cost (on the membership or on a product).
"""

from decimal import Decimal, InvalidOperation

from alliance.models import Body, InstitutionQualificationKind
from boards.kernel.models import InstitutionKind

RULE_TYPES = ("qualification", "tech_product_or_preference")

DEFAULT_ALLIANCE = {
    "bodies": {
        Body.INVESTMENT.value: {
            "kinds": [
                "bank",
                "microloan",
                "guarantee",
                "reguarantee",
                "insurance",
                "productivity_centre",
                "fund",
                "supply_chain",
                "leasing",
                "exchange",
            ],
            "rules": [{"type": "tech_product_or_preference"}],
            "meeting_every_months": 6,
        },
        Body.PROFESSIONAL.value: {
            "kinds": ["securities", "accounting", "law", "valuation", "consulting"],
            "rules": [
                {"type": "qualification", "qualification": "exchange_membership"},
                {
                    "type": "qualification",
                    "qualification": "high_tech_audit",
                    "institution_kinds": ["accounting"],
                },
                {
                    "type": "qualification",
                    "qualification": "intangible_valuation",
                    "institution_kinds": ["valuation"],
                },
            ],
            "meeting_every_months": 6,
        },
        Body.RISK_DISPOSAL.value: {
            "kinds": ["amc", "arbitration", "court"],
            "rules": [],
            "meeting_every_months": 12,
        },
        Body.EXPERT_COMMITTEE.value: {
            "kinds": ["securities", "fund", "bank", "government", "productivity_centre", "exchange"],
            "rules": [],
            "meeting_every_months": None,
        },
    },
    # Bodies whose members a review's quality challenge puts on the exit procedure.
    "exit_bodies": [Body.PROFESSIONAL.value],
    "exit_answer_workdays": 10,
    "meeting_reminder_days": 7,
    # Bodies whose admitted members receive pushed enterprises.
    "push_bodies": [Body.INVESTMENT.value],
    # Regulator codes the semi-annual report is filed with; null: every regulator of the board.
    "report_addressees": None,
}

METRICS = (
    ("enterprises_served", "服务企业数"),
    ("matchmaking_sessions", "银企对接场次"),
    ("policy_sessions", "政策宣讲场次"),
    ("partner_banks", "合作银行数"),
    ("financing_amount", "帮助企业融资金额（元）"),
    ("jcg_startups_served", "服务晋创谷初创企业数"),
)

DEFAULT_SERVICE_INSTITUTIONS = {
    "min_years_established": 3,
    "publicity_workdays": 5,
    "filing_addressee": "kjt",
    "min_expert_scores": 3,
    # The month's form is due on this day of the next month; the half-year's report this many days after.
    "form_due_day": 10,
    "progress_due_days": 15,
    "fee_attestation_required": True,
    "fee_statement": "本机构承诺：不以晋中市科技行政管理部门名义开展任何营利性活动，"
                     "不就所开展的科技金融服务事项向服务对象收取任何费用。",
    # Yearly figures at or above every threshold of a grade earn it (the seed gives no numbers).
    "grades": {
        "excellent": {"enterprises_served": 30, "matchmaking_sessions": 12, "policy_sessions": 6,
                      "partner_banks": 5, "financing_amount": "50000000", "jcg_startups_served": 10},
        "qualified": {"enterprises_served": 10, "matchmaking_sessions": 4, "policy_sessions": 2,
                      "partner_banks": 2, "financing_amount": "10000000", "jcg_startups_served": 3},
    },
}


def _int(value, name, minimum=0, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
            maximum is not None and value > maximum):
        upper = f"、不大于 {maximum}" if maximum is not None else ""
        return [f"{name} 必须是不小于 {minimum}{upper} 的整数，当前为 {value!r}"]
    return []


def _bodies_errors(bodies):
    if not isinstance(bodies, dict):
        return ["bodies 必须是对象"]
    errors = [f"未知联合会 {key}；可选: {', '.join(Body.values)}" for key in bodies if key not in Body.values]
    for key, spec in bodies.items():
        if not isinstance(spec, dict):
            errors.append(f"bodies.{key} 必须是对象")
            continue
        kinds = spec.get("kinds", [])
        if not isinstance(kinds, list) or not set(kinds) <= set(InstitutionKind.values):
            errors.append(f"bodies.{key}.kinds 必须是机构类型列表，可选: {', '.join(InstitutionKind.values)}")
        months = spec.get("meeting_every_months")
        if months is not None:
            errors += _int(months, f"bodies.{key}.meeting_every_months", 1, 24)
        rules = spec.get("rules", [])
        if not isinstance(rules, list):
            errors.append(f"bodies.{key}.rules 必须是列表")
            continue
        for i, rule in enumerate(rules):
            where = f"bodies.{key}.rules[{i}]"
            if not isinstance(rule, dict) or rule.get("type") not in RULE_TYPES:
                errors.append(f"{where}.type 必须是 {', '.join(RULE_TYPES)} 之一")
            elif (
                rule["type"] == "qualification"
                and rule.get("qualification") not in InstitutionQualificationKind.values
            ):
                errors.append(
                    f"{where}.qualification 必须是 {', '.join(InstitutionQualificationKind.values)} 之一"
                )
            elif not set(rule.get("institution_kinds", [])) <= set(InstitutionKind.values):
                errors.append(f"{where}.institution_kinds 含未知机构类型")
    return errors


def validate_alliance(value):
    errors = _bodies_errors(value.get("bodies"))
    for name in ("exit_bodies", "push_bodies"):
        if not isinstance(value.get(name), list) or not set(value[name]) <= set(Body.values):
            errors.append(f"{name} 必须是联合会列表，可选: {', '.join(Body.values)}")
    for name, minimum in (("exit_answer_workdays", 1), ("meeting_reminder_days", 0)):
        errors += _int(value.get(name), name, minimum)
    addressees = value.get("report_addressees")
    if addressees is not None and (
        not isinstance(addressees, list) or not all(isinstance(a, str) for a in addressees)
    ):
        errors.append("report_addressees 必须是监管机构代码列表或 null")
    return errors


def _amount(value):
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def validate_service_institutions(value):
    errors = []
    for name, minimum, maximum in (("min_years_established", 0, None), ("publicity_workdays", 1, None),
                                   ("min_expert_scores", 1, None), ("form_due_day", 1, 28),
                                   ("progress_due_days", 1, None)):
        errors += _int(value.get(name), name, minimum, maximum)
    for name in ("filing_addressee", "fee_statement"):
        if not isinstance(value.get(name), str) or not value[name]:
            errors.append(f"{name} 必须是非空字符串")
    grades = value.get("grades")
    if not isinstance(grades, dict) or set(grades) != {"excellent", "qualified"}:
        return [*errors, "grades 必须恰好包含 excellent 与 qualified 两个等次的门槛"]
    for grade, thresholds in grades.items():
        if not isinstance(thresholds, dict) or set(thresholds) != {key for key, _ in METRICS}:
            errors.append(f"grades.{grade} 必须包含全部指标: {', '.join(key for key, _ in METRICS)}")
            continue
        for key, number in thresholds.items():
            amount = _amount(number)
            if isinstance(number, bool) or amount is None or amount < 0 or (
                    key != "financing_amount" and not isinstance(number, int)):
                errors.append(f"grades.{grade}.{key} 必须是非负数，当前为 {number!r}")
    if not errors:
        lower = [key for key, _ in METRICS
                 if _amount(grades["excellent"][key]) < _amount(grades["qualified"][key])]
        errors += [f"优秀门槛 {key} 不能低于合格门槛" for key in lower]
    return errors
