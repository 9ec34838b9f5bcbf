"""Scenario plans: a target outcome, and doctors, dates and amounts that lead to it.

Parameters mirror docs/rules.md for every grant year: 2019, 2020 and 2021 (regime A),
2023 and 2024 (regime B). The generator is a test instrument, so it states its own
copy of the few numbers it needs to aim at an outcome; the pipeline's parameter
files stay the authority.
"""
from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from samples.generator import variation
from samples.generator.identifiers import break_orgnr, make_hpr
from samples.generator.people import person_name
from samples.generator.plan import COST_COLUMNS, Claim, Doctor, Submission
from samples.generator.registers import Kommune, Registers

CAP = Decimal(240000)
DISTRICT_PER_YEAR = Decimal(200000)


@dataclass(frozen=True)
class GrantYear:
    """What a scenario needs to know of a year's rules (docs/rules.md §2)."""

    deadline: date
    positions: tuple[str, ...]  # eligible positions
    period: tuple[date, date] | None = None  # regime B
    max_rates: tuple[Decimal, Decimal] = (Decimal(0), Decimal(0))  # regime B: absence, supervision per hour
    backdating_floor: date | None = None  # 2023: agreements signed on or after it may start from it
    vikar_min_months: int = 0  # 2021: a vikariat must last beyond a year

    @property
    def regime(self) -> str:
        return "A" if self.period is None else "B"


_POSITIONS_B = ("naeringsdrivende", "kommunalt_ansatt", "vikar", "introduksjonslege", "annen")
YEARS: dict[int, GrantYear] = {
    2019: GrantYear(date(2019, 11, 25), ("naeringsdrivende",)),
    2020: GrantYear(date(2020, 6, 1), ("naeringsdrivende",)),
    2021: GrantYear(date(2021, 11, 16), ("naeringsdrivende", "kommunalt_ansatt", "vikar"), vikar_min_months=12),
    2023: GrantYear(date(2023, 9, 1), _POSITIONS_B, (date(2022, 10, 1), date(2023, 8, 31)),
                    (Decimal("969.00"), Decimal("1311.00")), backdating_floor=date(2022, 10, 1)),
    2024: GrantYear(date(2024, 9, 1), _POSITIONS_B, (date(2023, 9, 1), date(2024, 8, 31)),
                    (Decimal("1032.75"), Decimal("1397.25"))),
}
# Rates a municipality may claim in regime B: the maximum, or less; above the maximum, a common mistake.
BASE_RATES = {2023: (("969.00", "969.00", "912.00", "950.00"), ("1311.00", "1311.00", "1254.00")),
              2024: (("1032.75", "1032.75", "969.00", "1000.00"), ("1397.25", "1397.25", "1311.00"))}
HIGH_RATES = {2023: (("1032.75", "1100.00", "1050.00"), ("1397.25", "1450.00", "1350.00")),
              2024: (("1100.00", "1215.00", "1050.00"), ("1450.00", "1500.00", "1600.00"))}

_REVIEW_A = ("agreement-missing", "unsigned", "orgnr-invalid", "budget-missing", "plan-missing", "scanned-agreement")
_REVIEW_B = ("agreement-missing", "unsigned", "orgnr-invalid", "budget-missing", "scanned-agreement")
_PARTIAL_B = ("absence-rate", "supervision-rate", "month-before-signing", "month-outside-period", "facilitation",
              "district-not-eligible")
_REJECT_B = ("after-deadline", "not-enterprise", "via-agency", "vikar-too-short", "max-years")
VARIANTS: dict[tuple[int, str], tuple[str, ...]] = {
    **{(year, status): variants for year in (2019, 2020) for status, variants in (
        ("approve", ("clean",)),
        ("partial", ("cap", "cofunding", "vest-nord-one")),
        ("reject", ("after-deadline", "not-enterprise", "position-kommunalt-ansatt")),
        ("manual_review", _REVIEW_A))},
    (2021, "approve"): ("clean",),
    (2021, "partial"): ("cap", "cofunding", "vest-nord-one", "vikar-too-short-one"),
    (2021, "reject"): ("after-deadline", "not-enterprise", "vikar-too-short", "position-annen"),
    (2021, "manual_review"): _REVIEW_A,
    (2023, "approve"): ("clean", "backdated"),
    (2023, "partial"): _PARTIAL_B,
    (2023, "reject"): _REJECT_B,
    (2023, "manual_review"): _REVIEW_B,
    (2024, "approve"): ("clean",),
    (2024, "partial"): _PARTIAL_B,
    (2024, "reject"): _REJECT_B,
    (2024, "manual_review"): _REVIEW_B,
}
DECISIVE_RULE = {
    "cap": "amount.cap-per-alis", "cofunding": "amount.cofunding-below-minimum",
    "vest-nord-one": "elig.alis-vest-nord", "after-deadline": "elig.after-deadline",
    "not-enterprise": "elig.not-education-enterprise", "position-kommunalt-ansatt": "elig.position-not-eligible",
    "agreement-missing": "doc.agreement-missing", "unsigned": "doc.agreement-unsigned",
    "orgnr-invalid": "id.orgnr-invalid", "budget-missing": "doc.budget-missing",
    "plan-missing": "doc.training-plan-missing", "absence-rate": "amount.absence-rate-above-max",
    "supervision-rate": "amount.supervision-rate-above-max", "month-before-signing": "elig.month-before-signing",
    "month-outside-period": "elig.month-outside-period", "facilitation": "amount.facilitation-above-max",
    "district-not-eligible": "amount.district-supplement-not-eligible", "via-agency": "elig.via-agency",
    "vikar-too-short": "elig.vikar-too-short", "max-years": "elig.max-years",
    "scanned-agreement": "doc.no-text-layer", "vikar-too-short-one": "elig.vikar-too-short",
    "position-annen": "elig.position-not-eligible",
}
STATUS_WEIGHTS = (("approve", 35), ("partial", 25), ("reject", 20), ("manual_review", 20))


@dataclass
class Context:
    """Run-wide state so that a batch never claims one doctor twice by accident."""

    registers: Registers
    taken_hprs: set[str]
    used_register_hprs: set[str]

    @classmethod
    def for_registers(cls, registers: Registers) -> Context:
        """Fresh doctors never collide with a register entry (that is for scenarios to choose)."""
        return cls(registers, set(registers.history_hprs) | set(registers.vest_nord_hprs), set())

    def fresh_hpr(self, rng: random.Random) -> str:
        return make_hpr(rng, self.taken_hprs)

    def register_hpr(self, rng: random.Random, pool: tuple[str, ...]) -> str | None:
        free = [h for h in pool if h not in self.used_register_hprs]
        if not free:
            return None
        hpr = rng.choice(free)
        self.used_register_hprs.add(hpr)
        return hpr


def pick_status(rng: random.Random) -> str:
    statuses, weights = zip(*STATUS_WEIGHTS)
    return rng.choices(statuses, weights)[0]


def _floor_thousand(amount: Decimal) -> Decimal:
    return (amount / 1000).to_integral_value(ROUND_DOWN) * 1000


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _first_full_month(start: date) -> tuple[int, int]:
    """The first month in which coverage from `start` is more than 21 days."""
    if (_month_end(start.year, start.month) - start).days + 1 >= 22:
        return start.year, start.month
    return _next_month(start.year, start.month)


def _submitted_at(rng: random.Random, year: int, late: bool) -> str:
    """On time, on the deadline day, or late; a regime B claim is sent at the end of its period."""
    deadline = YEARS[year].deadline
    if late and rng.random() < 0.25:  # deadline day in UTC, the day after in Oslo
        return f"{deadline.isoformat()}T23:{rng.randint(10, 59):02d}:00Z"
    if late:
        day = deadline + timedelta(days=rng.randint(1, 20))
    elif rng.random() < 0.1:
        day = deadline
    else:
        day = deadline - timedelta(days=rng.randint(1, 80 if year < 2023 else 16))
    return f"{day.isoformat()}T{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}:00+02:00"


def _kommune(rng: random.Random, ctx: Context, variant: str) -> Kommune:
    if variant == "not-enterprise":
        return rng.choice(ctx.registers.non_enterprises())
    if variant == "district-not-eligible":
        return rng.choice(ctx.registers.enterprises(central=True))
    return rng.choice(ctx.registers.enterprises())


def _doctor_a(rng: random.Random, ctx: Context, year: int, position: str) -> Doctor:
    """A doctor in a regime A budget; a vikar (2021) has a vikariat of more than a year."""
    start = _day_between(rng, date(year - 3, 1, 1), date(year, 3, 1))
    if position == "vikar":
        start = _day_between(rng, date(year - 1, 1, 1), date(year, 3, 1))
    signed = _day_between(rng, max(start - timedelta(days=60), date(year - 4, 11, 1)), start)
    costs = {
        "veiledning": Decimal(rng.randrange(30, 80) * 1000),
        "vikar ved fravær": Decimal(rng.randrange(40, 150) * 1000),
        "kurs": Decimal(rng.randrange(8, 40) * 1000 + rng.choice([0, 0, 500, 750])),
        "nettverkssamlinger": Decimal(rng.randrange(4, 20) * 1000),
        "kompensasjon for kortere liste": Decimal(rng.choice([0, 0, rng.randrange(20, 100) * 1000])),
        "andre tiltak": Decimal(rng.choice([0, 0, rng.randrange(2, 20) * 1000])),
    }
    assert tuple(costs) == COST_COLUMNS
    doctor = Doctor(
        name=person_name(rng), hpr=ctx.fresh_hpr(rng), position=position,
        position_label=variation.position_text(rng, position), percent=rng.choice([100, 100, 100, 80, 60]),
        employment_start=start, employment_end=None, signed_municipality=signed,
        signed_doctor=signed - timedelta(days=rng.choice([0, 0, 1, 3, 7])),
        supervisor=person_name(rng),
        specialisation_start=_day_between(rng, max(start, date(year - 1, 3, 1)), date(year, 4, 1)),
        costs=costs, shows_orgnr=rng.random() < 0.5,
    )
    if position == "vikar":
        doctor.employment_end = _add_months(start, YEARS[year].vikar_min_months + rng.randint(1, 24))
    limit = min(CAP, _floor_thousand(doctor.total_cost * Decimal("0.8")))
    doctor.requested = limit - Decimal(rng.choice([0, 0, 1000, 5000, 12000]))
    return doctor


def _claims(rng: random.Random, first: tuple[int, int], last: tuple[int, int], rates: tuple[Decimal, Decimal],
            ) -> list[Claim]:
    claims, (y, m) = [], first
    while (y, m) <= last:
        claims.append(Claim(
            year=y, month=m,
            absence_hours=Decimal(rng.choice([0, 7.5, 15, 22.5, 30, 37.5])).quantize(Decimal("0.1")),
            absence_rate=rates[0],
            supervision_hours=Decimal(rng.choice([3, 4, 4, 5, 6])),
            supervision_rate=rates[1],
            learning_costs=Decimal(rng.choice([0, 0, 0, 2500, 4900, 12000])),
        ))
        y, m = _next_month(y, m)
    return claims


def _doctor_b(rng: random.Random, ctx: Context, year: int, position: str, rates: tuple[Decimal, Decimal]) -> Doctor:
    period_start, period_end = YEARS[year].period
    start = _day_between(rng, _add_months(period_start, -27), _add_months(period_start, 5))
    signed = _day_between(rng, max(start, _add_months(period_start, -3)), _add_months(period_start, 6))
    signed_doctor = signed - timedelta(days=rng.choice([0, 0, 2, 6]))
    effective = signed
    doctor = Doctor(
        name=person_name(rng), hpr=ctx.fresh_hpr(rng), position=position,
        position_label=variation.position_text(rng, position), percent=rng.choice([100, 100, 80, 60, 50]),
        employment_start=start, employment_end=None, signed_municipality=signed, signed_doctor=signed_doctor,
        supervisor=person_name(rng), specialisation_start=_day_between(rng, start, start + timedelta(days=200)),
        agency_statement=rng.choice([None, None, False]), shows_orgnr=rng.random() < 0.5,
    )
    if rng.random() < 0.3:
        effective = doctor.effective_from = rng.choice([signed, date(*_next_month(signed.year, signed.month), 1)])
    coverage_start = max(start, effective, period_start)
    first = _first_full_month(coverage_start)
    last = (period_end.year, rng.choice([6, 7, 8, 8, 8]))
    if position == "vikar":
        doctor.employment_end = _month_end(*last) + timedelta(days=rng.choice([0, 31, 120]))
        if doctor.employment_end < start + timedelta(days=200):
            doctor.employment_end = start + timedelta(days=200)
    doctor.claims = _claims(rng, first, last, rates)
    return doctor


def _eligible_position(rng: random.Random, year: int) -> str:
    """One of the year's eligible positions, næringsdrivende the most common."""
    return rng.choice(["naeringsdrivende", *YEARS[year].positions])


def _backdate(rng: random.Random, d: Doctor, floor: date) -> None:
    """2023: signed after 30.09.2022 and stating an earlier start, no earlier than the floor; claims from it."""
    d.signed_municipality = _day_between(rng, floor + timedelta(days=10), _add_months(floor, 4))
    d.signed_doctor = d.signed_municipality - timedelta(days=rng.choice([0, 0, 2, 6]))
    d.effective_from = floor
    d.employment_start = min(d.employment_start, floor - timedelta(days=rng.randint(0, 300)))
    rates = (d.claims[0].absence_rate, d.claims[0].supervision_rate)
    last = d.claims[-1]
    d.claims = _claims(rng, (floor.year, floor.month), (last.year, last.month), rates)


def _make_vikar(rng: random.Random, d: Doctor, start: date, months: int) -> None:
    """A vikariat of about `months` months from `start` (shorter than the rule asks when the scenario wants)."""
    d.position, d.position_label = "vikar", variation.position_text(rng, "vikar")
    d.employment_start = start
    d.employment_end = start + timedelta(days=months * 30 + rng.randint(-12, 12))


def _apply_variant_a(rng: random.Random, ctx: Context, sub: Submission, variant: str) -> None:
    doctors = sub.doctors
    if variant == "cap":
        d = rng.choice(doctors)
        d.costs["vikar ved fravær"] += Decimal(280000)
        d.requested = CAP + Decimal(rng.choice([10000, 20000, 30000]))
    elif variant == "cofunding":
        d = rng.choice(doctors)
        d.costs["kompensasjon for kortere liste"] = d.costs["andre tiltak"] = Decimal(0)
        d.costs["vikar ved fravær"] = min(d.costs["vikar ved fravær"], Decimal(100000))
        d.requested = _floor_thousand(d.total_cost * Decimal("0.88"))
    elif variant == "vest-nord-one":
        hpr = ctx.register_hpr(rng, ctx.registers.vest_nord_hprs)
        if len(doctors) < 2 or hpr is None:
            raise _Retry
        doctors[0].hpr = hpr
    elif variant in ("position-kommunalt-ansatt", "position-annen"):
        position = variant.removeprefix("position-").replace("-", "_")
        for d in doctors:
            d.position, d.position_label = position, variation.position_text(rng, position)
    elif variant in ("vikar-too-short", "vikar-too-short-one"):
        if variant.endswith("-one") and len(doctors) < 2:
            raise _Retry
        for d in doctors[:1] if variant.endswith("-one") else doctors:
            _make_vikar(rng, d, _day_between(rng, date(sub.grant_year - 1, 6, 1), date(sub.grant_year, 3, 1)),
                        rng.randint(5, 11))
            d.signed_municipality = d.signed_doctor = d.employment_start - timedelta(days=rng.randint(3, 20))
    _apply_common_variant(rng, sub, variant)


def _apply_variant_b(rng: random.Random, ctx: Context, sub: Submission, variant: str) -> None:
    d = rng.choice(sub.doctors)
    rules = YEARS[sub.grant_year]
    period_start = rules.period[0]
    if variant == "absence-rate":
        for c in d.claims:
            c.absence_rate = Decimal(rng.choice(HIGH_RATES[sub.grant_year][0]))
            c.absence_hours = max(c.absence_hours, Decimal("7.5"))
    elif variant == "supervision-rate":
        for c in d.claims:
            c.supervision_rate = Decimal(rng.choice(HIGH_RATES[sub.grant_year][1]))
    elif variant == "backdated":
        _backdate(rng, d, rules.backdating_floor)
    elif variant == "month-before-signing":
        if (d.claims[0].year, d.claims[0].month) == (period_start.year, period_start.month):
            d.claims = d.claims[1:]
        first = d.claims[0]
        signed = date(first.year, first.month, rng.randint(1, 6))
        prev = (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
        _claim_earlier_month(rng, d, signed, prev)
    elif variant == "month-outside-period":
        d.claims = _claims(rng, (period_start.year, period_start.month), (d.claims[-1].year, d.claims[-1].month),
                           (d.claims[0].absence_rate, d.claims[0].supervision_rate))
        before = _add_months(period_start, -1)
        _claim_earlier_month(rng, d, _add_months(period_start, -2).replace(day=rng.randint(1, 20)),
                             (before.year, before.month))
    elif variant == "via-agency":
        for doc in sub.doctors:
            doc.position, doc.position_label = "vikar", variation.position_text(rng, "vikar")
            doc.agency_statement = True
            doc.employment_end = doc.employment_end or rules.period[1]
    elif variant == "vikar-too-short":
        for doc in sub.doctors:
            doc.position, doc.position_label = "vikar", variation.position_text(rng, "vikar")
            start = _add_months(period_start, rng.randint(1, 3))
            doc.employment_start = start
            doc.employment_end = start + timedelta(days=rng.randint(45, 80))
            doc.signed_municipality = doc.signed_doctor = start - timedelta(days=rng.randint(3, 20))
            doc.effective_from = None
            months = [(start.year, start.month), _next_month(start.year, start.month)]
            doc.claims = [c for ym in months for c in _claims(rng, ym, ym, rules.max_rates)]
    elif variant == "max-years":
        for doc in sub.doctors:
            hpr = ctx.register_hpr(rng, ctx.registers.veteran_hprs)
            if hpr is None:
                raise _Retry
            doc.hpr = hpr
    _apply_common_variant(rng, sub, variant)


def _claim_earlier_month(rng: random.Random, d: Doctor, signed: date, month: tuple[int, int]) -> None:
    """Signs on `signed` and also claims `month`, which the agreement does not cover."""
    d.signed_municipality, d.signed_doctor, d.effective_from = signed, signed, None
    d.employment_start = min(d.employment_start, date(*month, 1) - timedelta(days=rng.randint(0, 300)))
    rates = (d.claims[0].absence_rate, d.claims[0].supervision_rate)
    d.claims = _claims(rng, month, month, rates) + d.claims


def _apply_common_variant(rng: random.Random, sub: Submission, variant: str) -> None:
    if variant == "agreement-missing":
        rng.choice(sub.doctors).has_agreement = False
    elif variant == "scanned-agreement":
        rng.choice(sub.doctors).scan = "faint"
    elif variant == "plan-missing":
        rng.choice(sub.doctors).has_plan = False
    elif variant == "unsigned":
        d = rng.choice(sub.doctors)
        if rng.random() < 0.5:
            d.signed_doctor = None
        else:
            d.signed_municipality = None
    elif variant == "orgnr-invalid":
        sub.form_org_number = break_orgnr(sub.kommune.org_number)
    elif variant == "budget-missing":
        sub.has_budget = False


class _Retry(Exception):
    """The registers cannot serve this variant any more; another one is chosen."""


def _district_supplements(sub: Submission, variant: str) -> None:
    if sub.kommune.klass != 6 and variant != "district-not-eligible":
        return
    for d in sub.doctors:
        months = len(d.claims) if variant == "district-not-eligible" else len(_eligible_claims(sub, d))
        d.district_supplement = (DISTRICT_PER_YEAR * months / 12).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _facilitation(rng: random.Random, sub: Submission, variant: str) -> None:
    doctors_sum = sum((c.total for d in sub.doctors for c in d.claims), Decimal(0)) + sum(
        (d.district_supplement or Decimal(0) for d in sub.doctors), Decimal(0))
    share = Decimal("0.08") if variant == "facilitation" else Decimal(rng.choice(["0", "0.02", "0.04", "0.05"]))
    sub.facilitation = (doctors_sum * share).quantize(Decimal(1), rounding=ROUND_DOWN)


def _in_effect(d: Doctor, rules: GrantYear) -> date:
    """When the agreement took effect (docs/rules.md §3): at signing, at a later stated start, or, where
    the year allows backdating, at an earlier stated start no earlier than the floor."""
    signing = max(x for x in (d.signed_municipality, d.signed_doctor) if x)
    stated = d.effective_from
    if stated is None:
        return signing
    if stated >= signing:
        return stated
    floor = rules.backdating_floor
    return max(stated, floor) if floor and signing >= floor else signing


def _eligible_claims(sub: Submission, d: Doctor) -> list[Claim]:
    """Claims in months covered more than 21 days (docs/rules.md §3), for the expected amount."""
    rules = YEARS[sub.grant_year]
    start = max(d.employment_start, _in_effect(d, rules))
    out = []
    for c in d.claims:
        first, last = date(c.year, c.month, 1), _month_end(c.year, c.month)
        if first < rules.period[0] or last > rules.period[1]:
            continue
        end = min(last, d.employment_end or last)
        if (end - max(first, start)).days + 1 >= 22:
            out.append(c)
    return out


def _expected_total(sub: Submission, rejected: set[str]) -> Decimal:
    total = Decimal(0)
    if sub.regime == "A":
        for d in sub.doctors:
            if d.hpr not in rejected:
                total += min(d.requested, CAP, d.total_cost * Decimal("0.8"))
        return total.quantize(Decimal("0.01"), ROUND_HALF_UP)
    max_absence, max_supervision = YEARS[sub.grant_year].max_rates
    for d in sub.doctors:
        if d.hpr in rejected:
            continue
        total += sum((c.absence_hours * min(c.absence_rate, max_absence)
                      + c.supervision_hours * min(c.supervision_rate, max_supervision)
                      + c.learning_costs for c in _eligible_claims(sub, d)), Decimal(0))
        if sub.kommune.klass == 6:
            total += d.district_supplement or Decimal(0)
    total += min(sub.facilitation, total * Decimal("0.05"))
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)


def build(rng: random.Random, ctx: Context, submission_id: str, year: int, status: str,
          variant: str | None = None) -> Submission:
    """A plan aiming at `status` (and `variant`, or one drawn from VARIANTS)."""
    variants = list(VARIANTS[(year, status)])
    variant = variant or rng.choice(variants)
    while True:
        try:
            return _build(rng, ctx, submission_id, year, status, variant)
        except _Retry:
            variants.remove(variant)
            variant = rng.choice(variants)


def _build(rng: random.Random, ctx: Context, submission_id: str, year: int, status: str, variant: str,
           ) -> Submission:
    kommune = _kommune(rng, ctx, variant)
    n = rng.choice([1, 1, 2, 2, 3]) if variant != "vest-nord-one" else rng.choice([2, 3])
    if YEARS[year].regime == "A":
        doctors = [_doctor_a(rng, ctx, year, _eligible_position(rng, year) if year == 2021 else "naeringsdrivende")
                   for _ in range(n)]
    else:
        absence, supervision = BASE_RATES[year]
        rates = (Decimal(rng.choice(absence)), Decimal(rng.choice(supervision)))
        doctors = [_doctor_b(rng, ctx, year, _eligible_position(rng, year), rates) for _ in range(n)]
    sub = Submission(
        submission_id=submission_id, grant_year=year, scenario=f"{status}:{variant}", expected_status=status,
        decisive_rules=[DECISIVE_RULE[variant]] if variant in DECISIVE_RULE else [],
        kommune=kommune, form_org_number=kommune.org_number,
        submitted_at=_submitted_at(rng, year, late=variant == "after-deadline"),
        contact=person_name(rng), doctors=doctors, cover_letter=rng.random() < 0.3,
        zipped=rng.random() < 0.2,
    )
    if YEARS[year].regime == "A":
        if status == "approve" and rng.random() < 0.15:
            sub.unused_funds = Decimal(rng.randrange(5, 40) * 1000)
        _apply_variant_a(rng, ctx, sub, variant)
    else:
        _apply_variant_b(rng, ctx, sub, variant)
        _district_supplements(sub, variant)
        _facilitation(rng, sub, variant)
    rejected = _rejected_doctors(sub, variant)
    if status == "reject":
        sub.expected_recommended_total = Decimal("0.00")
    elif status != "manual_review":
        sub.expected_recommended_total = _expected_total(sub, rejected)
    return sub


def _rejected_doctors(sub: Submission, variant: str) -> set[str]:
    if variant in ("vest-nord-one", "vikar-too-short-one"):
        return {sub.doctors[0].hpr}
    return set()
