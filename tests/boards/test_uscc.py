import random

import pytest
from django.core.exceptions import ValidationError

from boards.kernel.uscc import make_uscc, uscc_check_char, validate_uscc

# Published codes of real organisations.
REAL_CODES = [
    "91350100M000100Y43",
    "91110000600037341L",
    "914403001922038216",
    "91440300708461136T",
    "9144030071526726XG",
    "91310000MA1FL4B24G",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert validate_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


def test_lowercase_and_spaces_are_normalised():
    assert validate_uscc("  91350100m000100y43 ") == "91350100M000100Y43"
    assert validate_uscc("9144030071526726xg") == "9144030071526726XG"


def test_wrong_check_character_names_the_right_one():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91110000600037341M")
    message = caught.value.messages[0]
    assert "校验位" in message and "应为“L”" in message and "当前为“M”" in message
    assert caught.value.code == "uscc_check"


def test_one_changed_body_character_is_caught():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91350100M000200Y43")
    assert caught.value.code == "uscc_check"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_charset_are_refused_with_position(letter):
    code = "91350100M000100Y43"
    bad = code[:9] + letter + code[10:]
    with pytest.raises(ValidationError) as caught:
        validate_uscc(bad)
    assert caught.value.code == "uscc_char"
    assert f"第 10 位“{letter}”" in caught.value.messages[0]


@pytest.mark.parametrize("code, length", [("9135010", 7), ("91350100M000100Y431", 19), ("", 0), (None, 0)])
def test_wrong_length_says_so(code, length):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert caught.value.code == "uscc_length"
    assert f"当前为 {length} 位" in caught.value.messages[0]


def test_check_char_refuses_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100Y")  # 16 characters
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100YO")


def _org_code_ok(org):
    """GB 11714: the 9th character of the organisation code checks the first 8."""
    total = sum(int(c, 36) * w for c, w in zip(org[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    return org[8] == {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_have_valid_organisation_codes(code):
    assert _org_code_ok(code[8:17])


def test_generated_codes_are_valid_and_repeatable():
    first = [make_uscc(random.Random(7), "150105") for _ in range(3)]
    assert len(set(first)) == 1
    rng = random.Random(42)
    codes = [make_uscc(rng, "650104") for _ in range(500)]
    assert len(set(codes)) == 500
    for code in codes:
        assert validate_uscc(code) == code
        assert code.startswith("91650104")
        assert _org_code_ok(code[8:17])
    assert any(code[8:10] == "MA" for code in codes)
    assert any(code[8:16].isdigit() for code in codes)


def test_make_uscc_refuses_a_bad_region():
    with pytest.raises(ValueError):
        make_uscc(random.Random(1), "1501")
