"""The digits of a decimal field, spelled once for models, forms and serializers
(``models.DecimalField(_("金额"), **MONEY)``) and typed, so the checker sees each keyword."""

from decimal import Decimal
from typing import TypedDict


class DecimalDigits(TypedDict):
    max_digits: int
    decimal_places: int


class DecimalBounds(DecimalDigits, total=False):
    min_value: Decimal | int
    max_value: Decimal | int


# Yuan to the fen (元，精确到分).
MONEY: DecimalDigits = {"max_digits": 18, "decimal_places": 2}
