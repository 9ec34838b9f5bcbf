"""Dividing a year's appropriation over the granted applications (docs/rules.md §5).

Pure arithmetic in Decimal: the caller says which amount of which application
counts against which appropriation and whether it is served first; this
module says how much each gets. An application served whole gets its
recommended amount as it is; one cut pro rata gets whole kroner, rounded down,
so that the sum never exceeds the appropriation.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from checks.models import Finding
from checks.parameters import YearParameters

ZERO = Decimal("0")
KRONE = Decimal("1")
PRIORITY_RULE = "elig.other-grant-priority"


@dataclass(frozen=True)
class Claim:
    """One application's recommended amount against one appropriation ("scheme")."""

    submission_id: str
    scheme: str
    amount: Decimal
    served_first: bool


@dataclass(frozen=True)
class SchemeOutcome:
    """How one appropriation was shared: what was asked of it, what it gave, and whether anyone was cut."""

    scheme: str
    appropriation: Decimal
    recommended: Decimal
    allocated: Decimal
    cut: bool
    factor_first: Decimal | None  # the pro rata factor of the first group, None when served whole
    factor_last: Decimal | None  # the same for the applications served last


@dataclass(frozen=True)
class Allocation:
    shares: dict[tuple[str, str], Decimal]  # (submission id, scheme) -> allocated kroner
    schemes: list[SchemeOutcome]

    def for_submission(self, submission_id: str) -> Decimal:
        return sum((v for (sid, _), v in self.shares.items() if sid == submission_id), ZERO)


def whole_kroner(amount: Decimal) -> Decimal:
    return max(ZERO, amount).quantize(KRONE, rounding=ROUND_DOWN)


def served_first(findings: list[Finding]) -> bool:
    """Applications that also got the recruitment grant that year are served last."""
    return not any(f.rule == PRIORITY_RULE for f in findings)


def _serve(group: list[Claim], remaining: Decimal) -> tuple[dict[tuple[str, str], Decimal], Decimal | None]:
    """Shares for one priority group from what is left, and the pro rata factor when it had to be cut."""
    wanted = sum((c.amount for c in group), ZERO)
    if wanted <= remaining:
        return {(c.submission_id, c.scheme): c.amount for c in group}, None
    factor = remaining / wanted if wanted > 0 else ZERO
    return {(c.submission_id, c.scheme): whole_kroner(c.amount * remaining / wanted) for c in group}, factor


def allocate_scheme(scheme: str, appropriation: Decimal, claims: list[Claim]) -> tuple[dict, SchemeOutcome]:
    """Served first in full if they fit, else pro rata; the others get what is left the same way.

    Once a group has been cut nothing is left for the group after it: the
    kroner lost to rounding down are not handed on.
    """
    remaining = appropriation
    shares: dict[tuple[str, str], Decimal] = {}
    factors: list[Decimal | None] = []
    for first in (True, False):
        group = [c for c in claims if c.scheme == scheme and c.served_first is first]
        got, factor = _serve(group, remaining)
        shares.update(got)
        factors.append(factor)
        remaining = ZERO if factor is not None else remaining - sum(got.values(), ZERO)
    recommended = sum((c.amount for c in claims if c.scheme == scheme), ZERO)
    outcome = SchemeOutcome(scheme=scheme, appropriation=appropriation, recommended=recommended,
                            allocated=sum(shares.values(), ZERO), cut=any(f is not None for f in factors),
                            factor_first=factors[0], factor_last=factors[1])
    return shares, outcome


def allocate(claims: list[Claim], appropriations: dict[str, Decimal]) -> Allocation:
    unknown = sorted({c.scheme for c in claims} - set(appropriations))
    if unknown:
        raise ValueError(f"no appropriation named {', '.join(unknown)}")
    shares: dict[tuple[str, str], Decimal] = {}
    outcomes = []
    for scheme, appropriation in appropriations.items():
        got, outcome = allocate_scheme(scheme, appropriation, claims)
        shares.update(got)
        outcomes.append(outcome)
    return Allocation(shares=shares, schemes=outcomes)


def claims_for(submission_id: str, total: Decimal, doctors: list[tuple[str | None, Decimal]],
               findings: list[Finding], params: YearParameters) -> list[Claim]:
    """An application's claims: its whole recommended total, or per doctor where the year has two schemes.

    `doctors` holds (position, recommended amount). In 2021 each doctor counts
    against the appropriation of the position (næringsdrift or ansatt); the
    øre the application's total was rounded to go to its largest share, so
    that the claims add up to the total.
    """
    first = served_first(findings)
    if params.appropriation_schemes is None:
        return [Claim(submission_id, "total", total, first)]
    by_scheme: dict[str, Decimal] = {}
    for position, amount in doctors:
        if amount > 0:
            scheme = params.appropriation_for(position)
            by_scheme[scheme] = by_scheme.get(scheme, ZERO) + amount
    if by_scheme:
        largest = max(sorted(by_scheme), key=lambda scheme: by_scheme[scheme])
        by_scheme[largest] = max(ZERO, by_scheme[largest] + total - sum(by_scheme.values(), ZERO))
    return [Claim(submission_id, scheme, amount, first) for scheme, amount in sorted(by_scheme.items())]
