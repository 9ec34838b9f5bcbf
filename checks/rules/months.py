"""Regime B: which claimed months count (period, agreement in effect, more than 21 days covered)."""
from __future__ import annotations

from datetime import date

from checks.dates import covered_days, month_labels, parse_month
from checks.doctors import DoctorDocs
from checks.findings import finding
from checks.models import Finding
from checks.parameters import YearParameters
from extractors.models import AgreementRecord, ClaimRow


def effective_date(agreement: AgreementRecord | None, params: YearParameters) -> date | None:
    """When the agreement took effect: at signing, or at a stated later start.

    An earlier stated start counts only where the year allows backdating (2023:
    agreements signed after 30.09.2022, back to 01.10.2022 at the earliest).
    """
    if agreement is None or agreement.signing_date is None:
        return None
    signed = agreement.signing_date
    stated = agreement.effective_from.value
    if stated is None:
        return signed
    if stated >= signed:
        return stated
    floor = params.backdating_floor
    if floor is not None and signed >= floor.value:
        return max(stated, floor.value)
    return signed


def _month_verdict(month: str, doctor: DoctorDocs, effective: date | None, params: YearParameters) -> str | None:
    """None when eligible, else the rule id that takes the month away."""
    first, last = parse_month(month)
    if first < params.period_start.value or last > params.period_end.value:
        return "elig.month-outside-period"
    start, end = doctor.employment_start, doctor.employment_end
    minimum = params.min_covered_days.value
    covered = covered_days(first, last, max(filter(None, (start, effective)), default=None), end)
    if covered >= minimum:
        return None
    if effective is not None and covered_days(first, last, start, end) >= minimum:
        return "elig.month-before-signing"
    return "elig.month-under-three-weeks"


def eligible_claims(doctor: DoctorDocs, params: YearParameters) -> tuple[list[ClaimRow], list[Finding]]:
    """The claim rows whose month is eligible, and one finding per rule for the months that are not."""
    effective = effective_date(doctor.agreement, params)
    eligible: list[ClaimRow] = []
    refused: dict[str, list[ClaimRow]] = {}
    for claim in doctor.claims:
        if not claim.month.found:
            continue
        try:
            verdict = _month_verdict(claim.month.value, doctor, effective, params)
        except ValueError:
            verdict = "elig.month-outside-period"
        if verdict is None:
            eligible.append(claim)
        else:
            refused.setdefault(verdict, []).append(claim)
    return eligible, [_month_finding(rule, claims, doctor, effective, params) for rule, claims in refused.items()]


def _month_finding(rule: str, claims: list[ClaimRow], doctor: DoctorDocs, effective: date | None,
                   params: YearParameters) -> Finding:
    months = month_labels([c.month.value for c in claims])
    who = doctor.name or doctor.hpr
    if rule == "elig.month-outside-period":
        message = (f"Krav for {months} for {who} ligger utenfor tilskuddsperioden "
                   f"{params.period_start.value:%d.%m.%Y}–{params.period_end.value:%d.%m.%Y}.")
        source = params.period_start.source
    elif rule == "elig.month-before-signing":
        message = f"Krav for {months} for {who} er før avtalen trådte i kraft {effective:%d.%m.%Y}."
        source = None
    else:
        message = (f"{who} hadde avtale i {params.min_covered_days.value - 1} dager eller mindre av {months} "
                   f"(må være mer enn 3 kalenderuker).")
        source = params.min_covered_days.source
    return finding(rule, message, hpr=doctor.hpr, evidence=claims[0].month.evidence, source=source)
