"""Regime B amounts: eligible months at capped rates, district supplement, facilitation ≤ 5 %."""
from __future__ import annotations

from decimal import Decimal

from checks.dates import month_labels
from checks.doctors import DoctorDocs
from checks.findings import finding
from checks.models import Finding
from checks.money import ZERO, format_number, kr, percent, to_ore
from checks.parameters import YearParameters
from extractors.models import ClaimRow, Extracted


def value_or_zero(value: Extracted[Decimal]) -> Decimal:
    return value.value if value.value is not None else ZERO


def _amount(claim: ClaimRow, absence_rate: Decimal, supervision_rate: Decimal) -> Decimal:
    return (value_or_zero(claim.absence_hours) * absence_rate
            + value_or_zero(claim.supervision_hours) * supervision_rate
            + value_or_zero(claim.learning_costs))


def claimed(claim: ClaimRow) -> Decimal:
    """What the row asks for, recomputed from hours and rates (the sheet's own sum is not trusted)."""
    return _amount(claim, value_or_zero(claim.absence_rate), value_or_zero(claim.supervision_rate))


def allowed(claim: ClaimRow, params: YearParameters) -> Decimal:
    """The row at rates capped to the year's maximum."""
    return _amount(claim, min(value_or_zero(claim.absence_rate), params.max_absence_rate),
                   min(value_or_zero(claim.supervision_rate), params.max_supervision_rate))


def requested(doctor: DoctorDocs) -> Decimal:
    supplement = value_or_zero(doctor.supplement) if doctor.supplement is not None else ZERO
    return sum((claimed(c) for c in doctor.claims), ZERO) + supplement


def rate_findings(doctor: DoctorDocs, eligible: list[ClaimRow], params: YearParameters) -> list[Finding]:
    findings = []
    checks = (
        ("amount.absence-rate-above-max", "Fraværssatsen", lambda c: c.absence_rate, lambda c: c.absence_hours,
         params.max_absence_rate, params.max_absence_factor),
        ("amount.supervision-rate-above-max", "Veiledningssatsen", lambda c: c.supervision_rate,
         lambda c: c.supervision_hours, params.max_supervision_rate, params.max_supervision_factor),
    )
    for rule, label, rate_of, hours_of, maximum, factor in checks:
        over = [c for c in eligible if value_or_zero(hours_of(c)) > 0 and value_or_zero(rate_of(c)) > maximum]
        if not over:
            continue
        highest = max(value_or_zero(rate_of(c)) for c in over)
        months = month_labels([c.month.value for c in over])
        findings.append(finding(
            rule,
            f"{label} {kr(highest)} per time ({months}) er over maksimum {kr(maximum)} per time "
            f"({format_number(factor.value)} × salærsats {kr(params.salaersats.value)}). "
            f"Maksimumssatsen er brukt.",
            hpr=doctor.hpr, evidence=rate_of(over[0]).evidence, source=factor.source))
    return findings


def district_supplement(doctor: DoctorDocs, eligible_months: int, klasse: int | None,
                        params: YearParameters) -> tuple[Decimal, list[Finding]]:
    """Pro rata per eligible month in sentraliseringsklasse 6, never more than claimed."""
    asked = value_or_zero(doctor.supplement) if doctor.supplement is not None else ZERO
    if asked <= 0:
        return ZERO, []
    in_class = klasse == params.district_class.value
    entitled = (params.district_supplement_per_year.value * eligible_months / 12) if in_class else ZERO
    if asked <= to_ore(entitled):
        return asked, []
    if in_class:
        message = (f"Distriktstillegget {kr(asked)} er over {kr(entitled)} "
                   f"({kr(params.district_supplement_per_year.value)} per år for {eligible_months} godkjente måneder).")
    else:
        message = (f"Distriktstillegget {kr(asked)} gis bare kommuner i sentraliseringsklasse "
                   f"{params.district_class.value}; kommunen er i klasse {klasse if klasse is not None else 'ukjent'}.")
    return entitled, [finding("amount.district-supplement-not-eligible", message, hpr=doctor.hpr,
                              evidence=doctor.supplement.evidence,
                              source=params.district_supplement_per_year.source)]


def doctor_amount(doctor: DoctorDocs, eligible: list[ClaimRow], klasse: int | None,
                  params: YearParameters) -> tuple[Decimal, list[Finding]]:
    months = len({c.month.value for c in eligible})
    supplement, findings = district_supplement(doctor, months, klasse, params)
    total = sum((allowed(c, params) for c in eligible), ZERO) + supplement
    return max(ZERO, total), [*rate_findings(doctor, eligible, params), *findings]


def facilitation(asked: Extracted[Decimal], doctors_total: Decimal,
                 params: YearParameters) -> tuple[Decimal, list[Finding]]:
    """min(requested, 5 % × Σ doctors); exactly 5 % is no finding."""
    amount = value_or_zero(asked)
    if amount <= 0:
        return ZERO, []
    maximum = params.facilitation_max.value * doctors_total
    if amount <= maximum:
        return amount, []
    return maximum, [finding("amount.facilitation-above-max",
                             f"Tilretteleggingsbeløpet {kr(amount)} er over {percent(params.facilitation_max.value)} "
                             f"av tilskuddet til legene ({kr(doctors_total)}); høyst {kr(maximum)} kan gis.",
                             evidence=asked.evidence, source=params.facilitation_max.source)]
