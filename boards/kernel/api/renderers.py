"""The API's JSON renderer: orjson instead of the standard library encoder (a 200-row page is
serialised several times faster), with the same bytes DRF's renderer writes: compact UTF-8,
datetimes, dates, decimals and lazy strings the way DRF's encoder writes them, U+2028/U+2029
escaped. A pretty-printing request (``Accept: application/json; indent=4``) goes to DRF's renderer."""

import datetime
from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_ENCODER = JSONEncoder()
# Datetimes go through DRF's encoder (ISO with microseconds, "Z" for UTC), not orjson's own format.
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _default(value: object) -> Any:
    if isinstance(value, datetime.time) and value.tzinfo is None:
        return value.isoformat()
    return _ENCODER.default(value)


def dumps(data: Any) -> bytes:
    """``data`` as the API's JSON bytes."""
    out = orjson.dumps(data, default=_default, option=_OPTIONS)
    if b"\xe2\x80\xa8" in out or b"\xe2\x80\xa9" in out:
        out = out.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
    return out


class FastJSONRenderer(JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        return dumps(data)
