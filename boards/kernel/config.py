"""Board configuration: validated sections of ``Board.config``.

Each app registers the sections it owns (name, defaults, validator) in its AppConfig.ready;
``validate_board_config`` fills defaults, refuses unknown sections and names every error.
Code reads configuration, never the board's identity.
"""

import copy

from django.core.exceptions import ValidationError

MODULES = ("boards", "admission", "custody", "disclosure", "reviews", "alliance",
           "risksharing", "policies", "ordos_ledger", "service_institutions")

_SECTIONS = {}


def register_config_section(name, default, validator=None):
    """Register a configuration section. ``validator(value) -> list[str]`` of error messages."""
    _SECTIONS[name] = (copy.deepcopy(default), validator)


def section_default(name):
    return copy.deepcopy(_SECTIONS[name][0])


def _check_int_map(value, minimum=0):
    errors = []
    if not isinstance(value, dict):
        return ["必须是键值对象"]
    for key, number in value.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < minimum:
            errors.append(f"{key} 必须是不小于 {minimum} 的整数，当前为 {number!r}")
    return errors


def _check_modules(value):
    if not isinstance(value, list):
        return ["modules 必须是列表"]
    unknown = [m for m in value if m not in MODULES]
    return [f"未知模块: {', '.join(map(str, unknown))}；可选: {', '.join(MODULES)}"] if unknown else []


register_config_section("modules", list(MODULES), _check_modules)
register_config_section(
    "deadlines",
    {"reminder_before_workdays": 1, "escalate_after_hours": 0},
    lambda v: _check_int_map(v),
)


def validate_board_config(config):
    """Return a complete, validated configuration; raise ValidationError listing each problem."""
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ValidationError({"config": "配置必须是 JSON 对象"})
    errors = {}
    unknown = sorted(set(config) - set(_SECTIONS))
    if unknown:
        errors["config"] = f"未知配置项: {', '.join(unknown)}；可用: {', '.join(sorted(_SECTIONS))}"
    result = {}
    for name, (default, validator) in _SECTIONS.items():
        value = config.get(name, copy.deepcopy(default))
        if isinstance(default, dict) and isinstance(value, dict):
            merged = copy.deepcopy(default)
            merged.update(value)
            value = merged
        if validator:
            problems = validator(value)
            if problems:
                errors[f"config.{name}"] = "; ".join(problems)
        result[name] = value
    if errors:
        raise ValidationError(errors)
    return result
