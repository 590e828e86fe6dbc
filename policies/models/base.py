"""Shared field helpers of the policy models."""

from boards.kernel.digits import MONEY, DecimalDigits

__all__ = ["MONEY", "RATE"]

RATE: DecimalDigits = {"max_digits": 8, "decimal_places": 6}
