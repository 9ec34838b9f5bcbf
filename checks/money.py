"""Money arithmetic and Norwegian number formatting for the checks' messages.

Amounts stay exact Decimals through every rule and are rounded half up to øre
only once, when a doctor's or the application's amount is final.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

ORE = Decimal("0.01")
ZERO = Decimal("0")


def to_ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def format_number(value: Decimal) -> str:
    """"240 000" for whole numbers, "1 032,75" otherwise (bokmål, non-breaking spaces)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return format_decimal(value, format="#,##0", locale="nb_NO")
    return format_decimal(to_ore(value), format="#,##0.00", locale="nb_NO")


def kr(value: Decimal) -> str:
    return f"{format_number(value)} kr"


def percent(fraction: Decimal) -> str:
    return f"{format_number(fraction * 100)} %"
