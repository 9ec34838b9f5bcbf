"""Norwegian identifiers as the registers and documents carry them.

Org numbers use the Brreg mod-11 rule (domain/07_identifiers.md) so that
samples are valid unless a scenario breaks them on purpose.
"""
from __future__ import annotations

import random

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_check_digit(first8: str) -> int | None:
    """The ninth digit for eight digits, or None when no valid number exists."""
    k = 11 - sum(int(d) * w for d, w in zip(first8, ORGNR_WEIGHTS)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def orgnr_valid(orgnr: str) -> bool:
    if len(orgnr) != 9 or not orgnr.isdigit():
        return False
    return orgnr_check_digit(orgnr[:8]) == int(orgnr[8])


def make_orgnr(rng: random.Random) -> str:
    """A valid municipal-looking org number (starts with 9)."""
    while True:
        first8 = "9" + "".join(str(rng.randrange(10)) for _ in range(7))
        check = orgnr_check_digit(first8)
        if check is not None:
            return first8 + str(check)


def break_orgnr(orgnr: str) -> str:
    """The same number with a wrong check digit, as a typo would make it."""
    wrong = (int(orgnr[8]) + 1) % 10
    if orgnr_check_digit(orgnr[:8]) == wrong:
        wrong = (wrong + 1) % 10
    return orgnr[:8] + str(wrong)


def make_hpr(rng: random.Random, taken: set[str]) -> str:
    """A 7- or 8-digit HPR number not used before in this run."""
    while True:
        digits = 7 if rng.random() < 0.8 else 8
        hpr = str(rng.randrange(10 ** (digits - 1), 10 ** digits))
        if hpr not in taken:
            taken.add(hpr)
            return hpr
