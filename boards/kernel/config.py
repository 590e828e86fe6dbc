"""Board configuration: validated sections of ``Board.config``.

Each app registers the sections it owns (name, defaults, validator) in its AppConfig.ready;
``validate_board_config`` fills defaults, refuses unknown sections and names every error.
Code reads configuration, never the board's identity.
"""

import copy
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

_SECTIONS: dict[str, tuple[Any, Callable[[Any], list[str]] | None]] = {}
# Modules a board can run (config ``modules``), each registered by the app that brings it.
_MODULES: dict[str, str] = {}


def register_module(name: str, label: str) -> None:
    """Declare a module a board can enable in its ``modules`` configuration (``label`` in Chinese)."""
    _MODULES[name] = label


def registered_modules() -> dict[str, str]:
    """Every registered module name with its label, in registration order."""
    return dict(_MODULES)


def module_enabled(board: Any, name: str) -> bool:
    return name in board.setting("modules", [])


def read_decimal(value: Any, *, floats: bool = True) -> Decimal | None:
    """A finite Decimal from a configuration value (a number or a numeric string), else None.
    ``floats=False`` refuses JSON floats, whose binary fractions must not become money."""
    if isinstance(value, float) and not floats:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def register_config_section(name: str, default: Any,
                            validator: Callable[[Any], list[str]] | None = None) -> None:
    """Register a configuration section. ``validator(value) -> list[str]`` of error messages.
    ``default`` may be a callable, evaluated when a board's configuration is completed."""
    _SECTIONS[name] = (default if callable(default) else copy.deepcopy(default), validator)


def _default(name: str) -> Any:
    default = _SECTIONS[name][0]
    return default() if callable(default) else copy.deepcopy(default)


def section_default(name: str) -> Any:
    return _default(name)


def _check_int_map(value: Any, minimum: int = 0) -> list[str]:
    errors = []
    if not isinstance(value, dict):
        return ["必须是键值对象"]
    for key, number in value.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < minimum:
            errors.append(f"{key} 必须是不小于 {minimum} 的整数，当前为 {number!r}")
    return errors


def _check_modules(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["modules 必须是列表"]
    unknown = [m for m in value if m not in _MODULES]
    return [f"未知模块: {', '.join(map(str, unknown))}；可选: {', '.join(_MODULES)}"] if unknown else []


# By default a board runs every registered module.
register_config_section("modules", lambda: list(_MODULES), _check_modules)
register_config_section(
    "deadlines",
    {"reminder_before_workdays": 1, "escalate_after_hours": 0},
    lambda v: _check_int_map(v),
)


def validate_board_config(config: Any) -> dict[str, Any]:
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
    for name, (_, validator) in _SECTIONS.items():
        default = _default(name)
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
