"""The "cultivation" board configuration section.

- ``securities_body``: the alliance federation (联合会, a code of the kernel's FederationDirectory)
  whose admitted securities firms may serve an enterprise's listing path ("联合券商和中介机构");
  empty: any securities firm taking part in the board (a board without the alliance);
- ``followup_workdays``: working days a research visit's follow-up action is due after the visit
  is recorded (the kernel deadline reminds before and escalates after);
- ``report_addressees``: regulator codes the operation report (专板运行情况) is filed with, one filing
  each; empty: every regulator the board files with (Xinjiang: 工信厅, 地方金融监管局, 新疆证监局);
- ``report_period`` (``quarter`` or ``half``) and ``report_workdays``: after each period the staff
  have that many working days to file (the source says only 定期, so the board decides).
"""

from boards.kernel.providers import FederationDirectory, provider

DEFAULT = {
    "securities_body": "professional",
    "followup_workdays": 10,
    "report_addressees": [],
    "report_period": "quarter",
    "report_workdays": 10,
}
PERIODS = {"quarter": "季度", "half": "半年"}


def validate(value):
    if not isinstance(value, dict):
        return ["cultivation 必须是键值对象"]
    errors = [f"未知配置项 {key}" for key in sorted(set(value) - set(DEFAULT))]
    body = value.get("securities_body")
    bodies = provider(FederationDirectory).bodies()
    if not isinstance(body, str) or (body and body not in bodies):
        choices = "、".join(f"{code}（{name}）" for code, name in bodies.items())
        errors.append(f"securities_body 必须为空或是联合会代码之一（{choices}），当前为 {body!r}")
    days = value.get("followup_workdays")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        errors.append(f"followup_workdays 必须是 1 到 60 之间的整数，当前为 {days!r}")
    if value.get("report_period") not in PERIODS:
        period = value.get("report_period")
        errors.append(f"report_period 必须是 {'、'.join(PERIODS)} 之一，当前为 {period!r}")
    days = value.get("report_workdays")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        errors.append(f"report_workdays 必须是 1 到 60 之间的整数，当前为 {days!r}")
    codes = value.get("report_addressees")
    if not isinstance(codes, list) or not all(isinstance(code, str) and code for code in codes):
        errors.append(f"report_addressees 必须是监管机构代码的列表（可为空），当前为 {codes!r}")
    return errors
