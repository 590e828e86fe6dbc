"""The "roadshows" board configuration section.

- ``investor_kinds``: institution kinds a roadshow may invite (the alliance's investors whose stated
  interests fit are suggested first; staff may invite any institution of these kinds taking part in
  the board);
- ``signup_statuses``: the enterprise statuses that may sign up (a board admits its enterprises:
  ``admitted``; a programme without admission registers them: ``prospect`` too);
- ``signup_close_workdays``: enterprises sign up until this many working days before the event;
- ``remind_workdays``: the reminder goes to the presenting enterprises and the invited investors
  when this many working days (or fewer) remain before the event.
"""

from boards.enterprises.models import EnterpriseStatus
from boards.kernel.models import InstitutionKind

DEFAULT = {
    "investor_kinds": ["fund", "bank", "securities", "microloan", "guarantee", "leasing"],
    "signup_statuses": ["admitted"],
    "signup_close_workdays": 3,
    "remind_workdays": 2,
}


def _workdays(value, name, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return [f"{name} 必须是 {low} 到 {high} 之间的整数，当前为 {value!r}"]
    return []


def validate(value):
    if not isinstance(value, dict):
        return ["roadshows 必须是键值对象"]
    errors = [f"未知配置项 {key}" for key in sorted(set(value) - set(DEFAULT))]
    kinds = value.get("investor_kinds")
    if not isinstance(kinds, list) or not kinds or any(k not in InstitutionKind.values for k in kinds):
        errors.append(
            f"investor_kinds 必须是机构类型代码的非空列表（{'、'.join(InstitutionKind.values)}），"
            f"当前为 {kinds!r}"
        )
    statuses = value.get("signup_statuses")
    allowed = [EnterpriseStatus.PROSPECT, EnterpriseStatus.APPLYING, EnterpriseStatus.ADMITTED]
    if not isinstance(statuses, list) or not statuses or any(s not in allowed for s in statuses):
        codes = "、".join(allowed)
        errors.append(f"signup_statuses 必须是企业状态代码的非空列表（{codes}），当前为 {statuses!r}")
    errors += _workdays(value.get("signup_close_workdays"), "signup_close_workdays", 0, 30)
    errors += _workdays(value.get("remind_workdays"), "remind_workdays", 1, 10)
    return errors
