"""What one synthetic submission is, before any file is drawn.

The renderers turn a plan into files; the truth is written from the plan, so
files and truth cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from samples.generator.registers import Kommune

COST_COLUMNS = ("veiledning", "vikar ved fravær", "kurs", "nettverkssamlinger",
                "kompensasjon for kortere liste", "andre tiltak")


@dataclass
class Claim:
    """One month on the regime B claim sheet."""

    year: int
    month: int
    absence_hours: Decimal
    absence_rate: Decimal
    supervision_hours: Decimal
    supervision_rate: Decimal
    learning_costs: Decimal

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def total(self) -> Decimal:
        return (self.absence_hours * self.absence_rate + self.supervision_hours * self.supervision_rate
                + self.learning_costs)


@dataclass
class Doctor:
    name: str
    hpr: str
    position: str  # extractors.models.Position
    position_label: str
    percent: int
    employment_start: date
    employment_end: date | None
    signed_municipality: date | None
    signed_doctor: date | None
    supervisor: str
    specialisation_start: date
    effective_from: date | None = None  # stated "Avtalen gjelder fra"
    agency_statement: bool | None = None  # None: the agreement says nothing
    has_agreement: bool = True
    scan: str = ""  # the agreement as a scan or photo: "legible" (read by OCR) or "faint" (no words left)
    scan_dpi: int | None = None  # a resolution every scan of the run keeps; None: drawn per scan
    shows_orgnr: bool = False  # the agreement states the kommune's org number
    has_plan: bool = True
    costs: dict[str, Decimal] = field(default_factory=dict)  # regime A
    requested: Decimal = Decimal(0)  # regime A
    claims: list[Claim] = field(default_factory=list)  # regime B
    district_supplement: Decimal | None = None  # regime B

    @property
    def total_cost(self) -> Decimal:
        return sum(self.costs.values(), Decimal(0))

    @property
    def cofunding(self) -> Decimal:
        return self.total_cost - self.requested

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def initial(self) -> str:
        return self.name.split()[-1][0]


@dataclass
class Submission:
    submission_id: str
    grant_year: int
    scenario: str
    expected_status: str
    decisive_rules: list[str]
    kommune: Kommune
    form_org_number: str
    submitted_at: str
    contact: str
    doctors: list[Doctor]
    facilitation: Decimal = Decimal(0)  # regime B
    unused_funds: Decimal = Decimal(0)  # regime A
    has_budget: bool = True
    cover_letter: bool = False
    zipped: bool = False
    expected_recommended_total: Decimal | None = None

    @property
    def expected_payout(self) -> Decimal | None:
        """docs/rules.md §3: regime A deducts unused funds from the payout, not from the recommendation."""
        if self.expected_recommended_total is None:
            return None
        return max(Decimal(0), self.expected_recommended_total - self.unused_funds)

    @property
    def regime(self) -> str:
        return "A" if self.grant_year < 2023 else "B"

    @property
    def total_requested(self) -> Decimal:
        return sum((d.requested for d in self.doctors), Decimal(0))

    @property
    def total_claimed(self) -> Decimal:
        claims = sum((c.total for d in self.doctors for c in d.claims), Decimal(0))
        supplements = sum((d.district_supplement or Decimal(0) for d in self.doctors), Decimal(0))
        return claims + supplements + self.facilitation

    @property
    def requested_amount(self) -> Decimal:
        return self.total_requested if self.regime == "A" else self.total_claimed
