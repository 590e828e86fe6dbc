"""Money and percentages, in Decimal only (yuan to the fen, shares to 0.01 %).

``split`` invariant: the parts sum exactly to the total. Each part is first rounded
ROUND_HALF_UP to the fen; the few fen by which that sum misses the total are then moved one
at a time to the parts rounding moved furthest the other way (ties: larger share first, then
the order given), so the result is deterministic and every part is within one fen of exact.
"""

from decimal import ROUND_HALF_UP, Decimal

from boards.kernel.errors import DomainError

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


def yuan(value):
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def percent(value):
    """A ratio in percent to two decimals for display; None stays None."""
    return None if value is None else Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def check_shares(shares):
    """``shares`` (labels to percent) must each be 0–100 with at most two decimals and sum to
    exactly 100; raises DomainError naming the sum otherwise."""
    for label, share in shares.items():
        if not 0 <= share <= HUNDRED or share.as_tuple().exponent < -2:
            raise DomainError(f"「{label}」的分担比例 {share}% 无效：应在 0–100 之间，至多两位小数。",
                              code="invalid_share")
    total = sum(shares.values(), Decimal(0))
    if total != HUNDRED:
        raise DomainError(f"各方分担比例合计为 {total}%，必须恰好等于 100%。", code="shares_not_100",
                          details={"total": str(total)})


def split(total, shares):
    """``total`` yuan split by ``shares`` (percentages summing to 100), as a list of fen amounts
    in the order of ``shares``; see the module docstring."""
    total = yuan(total)
    exact = [total * share / HUNDRED for share in shares]
    parts = [value.quantize(FEN, rounding=ROUND_HALF_UP) for value in exact]
    missing = int((total - sum(parts, Decimal(0))) / FEN)
    step = FEN if missing > 0 else -FEN
    # Who rounding moved furthest away from the direction we must now go gets the fen first.
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]) * step, -shares[i], i))
    for i in order[:abs(missing)]:
        parts[i] += step
    return parts
