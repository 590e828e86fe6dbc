"""Typed readers for environment variables.

Every reader fails loudly: a malformed value raises ImproperlyConfigured naming the
variable and what was expected, instead of silently falling back to a default.
"""

import os
import re
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def _raw(name, default):
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return None
    return value


def env_str(name, default=_MISSING):
    value = _raw(name, default)
    return default if value is None else value


def env_bool(name, default=_MISSING):
    value = _raw(name, default)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no.")


def env_int(name, default=_MISSING, minimum=None):
    value = _raw(name, default)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    return number


def env_list(name, default=_MISSING, separator=","):
    value = _raw(name, default)
    if value is None:
        return list(default) if default is not None else None
    return [item.strip() for item in value.split(separator) if item.strip()]


def env_url(name, default=_MISSING, schemes=None):
    value = _raw(name, default)
    if value is None or value == "":
        return default if value is None else None
    parsed = urlparse(value)
    if not parsed.scheme or (schemes and parsed.scheme not in schemes):
        allowed = ", ".join(schemes or ["any scheme"])
        raise ImproperlyConfigured(f"{name}={value!r} is not a URL with scheme {allowed}.")
    return value


# A period multiplier of zero ("120/0m") is refused: the throttles could not count in a 0 s window.
_RATE = re.compile(r"^[1-9][0-9]*/(0*[1-9][0-9]*)?(s|sec|m|min|h|hour|d|day)$")


def env_rate(name, default=_MISSING):
    """A request rate such as ``120/m``, ``5/h`` or ``100/10m`` (count / period in s, m, h, d); DRF's
    spelling (``600/min``, ``100/hour``, ``1000/day``) is the same rate."""
    value = _raw(name, default)
    if value is None:
        return default
    value = value.strip()
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate like 120/m, 5/h or 100/10m.")
    return value
