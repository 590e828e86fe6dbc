"""Splitting a loss to the fen and checking shares, in Decimal."""

import pytest

from boards.kernel.errors import DomainError
from risksharing.money import check_shares, split
from tests.support.risksharing import D


@pytest.mark.parametrize("total, shares, parts", [
    # 400000.004 / 500000.005 / 100000.001: half-up rounding already sums to the total.
    ("1000000.01", ["40", "50", "10"], ["400000.00", "500000.01", "100000.00"]),
    # 33.33/33.33/33.34 of 100.00: exact already.
    ("100.00", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
    # Each rounds up to 0.01 (sum 0.03): the fen comes back from the part rounded up most, ties by order.
    ("0.02", ["33.33", "33.33", "33.34"], ["0.00", "0.01", "0.01"]),
    # 0.333.. each rounds down (sum 0.99): the remainder fen goes to the largest share.
    ("1.00", ["33.33", "33.33", "33.34"], ["0.33", "0.33", "0.34"]),
    ("1000000.01", ["70", "30"], ["700000.01", "300000.00"]),
    # Both round up (sum 0.06): a tie is settled by order, the first gives the fen back.
    ("0.05", ["50", "50"], ["0.02", "0.03"]),
    ("999.99", ["60", "30", "10"], ["599.99", "300.00", "100.00"]),
])
def test_split_to_the_fen(total, shares, parts):
    result = split(D(total), [D(s) for s in shares])
    assert result == [D(p) for p in parts]
    assert sum(result) == D(total)


def test_every_part_is_within_one_fen_of_exact():
    shares = [D("12.34"), D("56.78"), D("30.88")]
    for cents in range(1, 2000, 7):
        total = D(cents) / 100
        parts = split(total, shares)
        assert sum(parts) == total
        exact = [total * share / 100 for share in shares]
        assert all(abs(part - value) < D("0.01") for part, value in zip(parts, exact, strict=True))


def test_shares_must_add_up_to_exactly_100():
    check_shares({"甲": D("60"), "乙": D("30"), "丙": D("10")})
    with pytest.raises(DomainError, match="合计为 99.99%") as error:
        check_shares({"甲": D("60"), "乙": D("30"), "丙": D("9.99")})
    assert error.value.code == "shares_not_100"
    with pytest.raises(DomainError, match="合计为 100.01%"):
        check_shares({"甲": D("60.01"), "乙": D("40")})


def test_a_share_with_more_than_two_decimals_or_out_of_range_is_refused():
    with pytest.raises(DomainError, match="至多两位小数"):
        check_shares({"甲": D("33.333"), "乙": D("66.667")})
    with pytest.raises(DomainError, match="0–100"):
        check_shares({"甲": D("110"), "乙": D("-10")})
