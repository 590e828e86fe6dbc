"""统一社会信用代码 (GB 32100-2015): check character, validation, demo generation.

Layout of the 18 characters: 登记管理部门 (1) + 机构类别 (1) + 登记管理机关行政区划码 (6)
+ 主体标识码 / 组织机构代码 (9, itself ending in a GB 11714 check character) + check character (1).
"""

import random

from django.core.exceptions import ValidationError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 组织机构代码


def _first_illegal(chars: str) -> tuple[int, str] | None:
    """(1-based position, char) of the first character outside CHARSET, or None."""
    for position, char in enumerate(chars, 1):
        if char not in CHARSET:
            return position, char
    return None


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (uppercase, from CHARSET)."""
    if len(first17) != 17 or _first_illegal(first17):
        raise ValueError(f"need 17 characters from {CHARSET}, got {first17!r}")
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[-total % 31]


def validate_uscc(code: str | None) -> str:
    """Return the code normalised (stripped, uppercase); raise ValidationError naming what is wrong."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为 18 位，当前为 %(length)d 位。",
            code="uscc_length", params={"length": len(code)},
        )
    illegal = _first_illegal(code)
    if illegal:
        raise ValidationError(
            "统一社会信用代码第 %(position)d 位“%(char)s”不是合法字符"
            "（只用数字和除 I、O、S、V、Z 以外的大写字母）。",
            code="uscc_char", params={"position": illegal[0], "char": illegal[1]},
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "统一社会信用代码校验位错误：第 18 位应为“%(expected)s”，当前为“%(actual)s”，请核对前 17 位。",
            code="uscc_check", params={"expected": expected, "actual": code[17]},
        )
    return code


def _org_check_char(first8: str) -> str:
    total = sum(int(char, 36) * weight for char, weight in zip(first8, ORG_WEIGHTS, strict=True))
    value = -total % 11
    return "X" if value == 10 else str(value)


def make_uscc(rng: random.Random, region_code: str) -> str:
    """A valid code of an enterprise (9 市场监管 + 1 企业) registered in ``region_code``, a 6-digit
    administrative division. ``rng`` is a ``random.Random``, so a seeded one repeats its codes.
    Half the codes take the post-2015 "MA" form; the organisation code carries its own check."""
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = f"91{region_code}{body}{_org_check_char(body)}"
    return first17 + uscc_check_char(first17)
