"""The "policies" board configuration section (flat keys, so a board may override one alone).

- ``near_margin_pct``: a financial condition missed by at most this percentage of its threshold
  counts as "nearly met" in policy matching;
- ``risk_compensation_rate`` / ``premium_subsidy_rate``: rates applied to a guarantee firm's new
  tech-SME guarantee amount (decimal strings, e.g. "0.01" = 1 %);
- ``guarantee_cap_scope``: what the policy's per-firm yearly cap covers: ``risk_compensation``
  (内党金办发〔2025〕15号 (四): 每家每年风险补偿上限不超500万元) or ``total`` (both parts);
- ``report_workdays``: working days after a quarter ends within which each lead unit reports
  its part of the Ordos ledger (鄂金办发〔2022〕53号: 每季度结束之日起5个工作日);
- ``ledger_addressee``: regulator code the consolidated ledger is filed with;
- ``ledger_last_year``: the programme's last year (鄂金办发〔2022〕53号 runs 2022–2025): no ledger
  reports are opened for quarters after it; ``None`` for a programme without an end.
"""

from decimal import Decimal, InvalidOperation

CAP_SCOPES = {"risk_compensation": "风险补偿", "total": "风险补偿与保费补助合计"}

DEFAULT = {
    "near_margin_pct": 10,
    "risk_compensation_rate": "0.01",
    "premium_subsidy_rate": "0.005",
    "guarantee_cap_scope": "risk_compensation",
    "report_workdays": 5,
    "ledger_addressee": "jrb",
    "ledger_last_year": None,
}


def rate(board, key):
    return Decimal(board.setting(f"policies.{key}", DEFAULT[key]))


def _rate_error(key, value):
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if isinstance(value, (float, bool)) or number is None or not (0 <= number <= 1):
        return [f"{key} 必须是 0 到 1 之间的小数字符串（如 \"0.01\"），当前为 {value!r}"]
    return []


def _int_error(key, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return [f"{key} 必须是 {low} 到 {high} 之间的整数，当前为 {value!r}"]
    return []


def validate(value):
    if not isinstance(value, dict):
        return ["policies 必须是键值对象"]
    errors = [f"未知配置项 {key}" for key in sorted(set(value) - set(DEFAULT))]
    errors += _int_error("near_margin_pct", value["near_margin_pct"], 0, 100)
    errors += _int_error("report_workdays", value["report_workdays"], 0, 60)
    errors += _rate_error("risk_compensation_rate", value["risk_compensation_rate"])
    errors += _rate_error("premium_subsidy_rate", value["premium_subsidy_rate"])
    if value["guarantee_cap_scope"] not in CAP_SCOPES:
        errors.append(f"guarantee_cap_scope 必须是 {', '.join(CAP_SCOPES)} 之一")
    last = value["ledger_last_year"]
    if last is not None and (isinstance(last, bool) or not isinstance(last, int) or not 2000 <= last <= 2100):
        errors.append(f"ledger_last_year 必须是年份（2000 到 2100 之间的整数）或 null，当前为 {last!r}")
    if not isinstance(value["ledger_addressee"], str):
        errors.append("ledger_addressee 必须是监管机构代码")
    return errors
