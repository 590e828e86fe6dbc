"""The "risksharing" board configuration section.

- ``*_workdays``: the clocks of the flow, in working days (the enterprise's answer is bound to
  3–5 working days by the source, so the setting must stay within that range);
- ``npl_tolerance_pp``: how many percentage points a funder's NPL ratio on small and micro tech
  loans may exceed its overall ratio before it is flagged;
- ``filing_addressee``: the regulator the case letters are filed with (a copy; the letters
  themselves go to the enhancers, funders and the enterprise) and the quarterly report goes to;
- ``fund.low_balance_alert``: staff are told when a compensation fund falls below it (yuan);
- ``modes``: each mode's lead enhancer kind, whether co-guarantors may join, and the funder's
  share range in percent;
- ``party_bodies``: the alliance body (联合会) whose admitted members may act as each party:
  ``funder`` (投融资联合会), ``disposal`` (风险处置联合会), ``firm`` (专业服务联合会). Credit
  enhancers are not listed: the source names them by role (生产力促进中心, 再担保 and the
  co-guarantors), not by federation, so they are recognised by their board role.
"""


from boards.kernel.config import read_decimal
from boards.kernel.models import InstitutionKind
from boards.kernel.providers import FederationDirectory, provider

ENTERPRISE_ANSWER_RANGE = (3, 5)

DEFAULT = {
    "filing_addressee": "jrb",
    "enhancer_view_workdays": 5,
    "funder_answer_workdays": 5,
    "enterprise_answer_workdays": 5,
    "approval_workdays": 2,
    "npl_tolerance_pp": "3",
    "fund": {"low_balance_alert": "1000000.00"},
    "modes": {
        "1": {"name": "模式一：生产力促进中心增信", "lead_kind": InstitutionKind.PRODUCTIVITY_CENTRE.value,
              "co_guarantors": False, "funder_share_min": "0.01", "funder_share_max": "99.99"},
        "2": {"name": "模式二：再担保牵头联合担保", "lead_kind": InstitutionKind.REGUARANTEE.value,
              "co_guarantors": True, "funder_share_min": "0", "funder_share_max": "10"},
    },
    # Federation codes of the alliance (the kernel's FederationDirectory names them).
    "party_bodies": {"funder": "investment", "disposal": "risk_disposal", "firm": "professional"},
}
PARTY_NAMES = {"funder": "资金方", "disposal": "风险处置机构", "firm": "专业服务机构"}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _percent(value, where, errors):
    number = read_decimal(value) if isinstance(value, str) else None
    if number is None or not 0 <= number <= 100 or number.as_tuple().exponent < -2:
        errors.append(f"{where} 必须是 0–100 之间、至多两位小数的百分比字符串，当前为 {value!r}")
        return None
    return number


def _check_mode(key, mode, errors):
    where = f"modes.{key}"
    if not isinstance(mode, dict):
        errors.append(f"{where} 必须是对象")
        return
    if not isinstance(mode.get("name"), str) or not mode.get("name"):
        errors.append(f"{where}.name 必须是非空字符串")
    if mode.get("lead_kind") not in InstitutionKind.values:
        errors.append(f"{where}.lead_kind 必须是机构类型代码之一，当前为 {mode.get('lead_kind')!r}")
    if not isinstance(mode.get("co_guarantors"), bool):
        errors.append(f"{where}.co_guarantors 必须是 true 或 false")
    low = _percent(mode.get("funder_share_min"), f"{where}.funder_share_min", errors)
    high = _percent(mode.get("funder_share_max"), f"{where}.funder_share_max", errors)
    if low is not None and high is not None and low > high:
        errors.append(f"{where} 的 funder_share_min 不能大于 funder_share_max")


def _check_party_bodies(value, errors):
    if not isinstance(value, dict) or set(value) != set(PARTY_NAMES):
        parties = "、".join(f"{key}（{name}）" for key, name in PARTY_NAMES.items())
        errors.append(f"party_bodies 必须是恰好包含 {parties} 的对象，当前为 {value!r}")
        return
    bodies = provider(FederationDirectory).bodies()
    choices = "、".join(f"{code}（{name}）" for code, name in bodies.items())
    for key, body in value.items():
        if body not in bodies:
            errors.append(f"party_bodies.{key} 必须是联合会代码之一（{choices}），当前为 {body!r}")


def validate(value):
    if not isinstance(value, dict):
        return ["必须是键值对象"]
    errors = []
    unknown = sorted(set(value) - set(DEFAULT))
    if unknown:
        errors.append(f"未知配置项: {', '.join(unknown)}")
    for key in ("enhancer_view_workdays", "funder_answer_workdays", "approval_workdays"):
        if not _is_int(value.get(key)) or value[key] < 1:
            errors.append(f"{key} 必须是不小于 1 的整数，当前为 {value.get(key)!r}")
    low, high = ENTERPRISE_ANSWER_RANGE
    days = value.get("enterprise_answer_workdays")
    if not _is_int(days) or not low <= days <= high:
        errors.append(f"enterprise_answer_workdays 必须是 {low}–{high} 之间的整数（答复企业 3–5 个工作日），"
                      f"当前为 {days!r}")
    if not isinstance(value.get("filing_addressee"), str) or not value["filing_addressee"]:
        errors.append("filing_addressee 必须是报备监管机构代码，如 jrb")
    tolerance = value.get("npl_tolerance_pp")
    number = read_decimal(tolerance) if isinstance(tolerance, str) else None
    if number is None or number < 0:
        errors.append(f"npl_tolerance_pp 必须是不小于 0 的数字字符串，如 \"3\"，当前为 {tolerance!r}")
    fund = value.get("fund")
    alert = read_decimal(fund.get("low_balance_alert")) if isinstance(fund, dict) else None
    if alert is None or alert < 0:
        errors.append("fund.low_balance_alert 必须是不小于 0 的金额字符串（元）")
    modes = value.get("modes")
    if not isinstance(modes, dict) or not modes:
        errors.append("modes 必须是非空对象，如 {\"1\": {...}, \"2\": {...}}")
    else:
        for key, mode in modes.items():
            _check_mode(key, mode, errors)
    _check_party_bodies(value.get("party_bodies"), errors)
    return errors
