"""Amounts of an application that belong to no doctor, so tables per doctor still add up."""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from pipeline.result import Result

ZERO = Decimal("0")
OTHER_LABEL = "Kommunens tilrettelegging og øvrige poster"


class Other(NamedTuple):
    requested: Decimal
    recommended: Decimal


def other_amounts(result: Result) -> Other | None:
    """The part of the totals not shown per doctor (regime B's facilitation), when there is one.

    None when the doctors add up to the totals, or when a total is below the doctors' sum
    (a form amount that disagrees is a finding, not a line of its own).
    """
    requested = (result.requested_total_nok or ZERO) - sum((d.requested_nok for d in result.doctors), ZERO)
    recommended = (result.recommended_total_nok or ZERO) - sum((d.recommended_nok for d in result.doctors), ZERO)
    if result.status == "manual_review":
        recommended = ZERO
    if requested < 0 or recommended < 0 or (requested == 0 and recommended == 0):
        return None
    return Other(requested, recommended)
