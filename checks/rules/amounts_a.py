"""Regime A amounts: min(requested, cap, (1 − cofunding) × total cost), then unused funds off the payout."""
from __future__ import annotations

from decimal import Decimal

from checks.doctors import DoctorDocs
from checks.findings import finding
from checks.models import Finding
from checks.money import ZERO, kr, percent
from checks.parameters import YearParameters


def requested(doctor: DoctorDocs) -> Decimal:
    return sum((row.requested.value or ZERO for row in doctor.rows), ZERO)


def doctor_amount(doctor: DoctorDocs, params: YearParameters) -> tuple[Decimal, list[Finding]]:
    """Every limit below the requested amount is its own finding; meeting a limit exactly is none."""
    row = doctor.rows[0]
    asked = requested(doctor)
    cap = params.cap_per_alis.value
    share = params.cofunding_min.value
    limits = [asked]
    findings = []
    if asked > cap:
        limits.append(cap)
        findings.append(finding("amount.cap-per-alis",
                                f"Søknadsbeløpet {kr(asked)} er over maksimum {kr(cap)} per ALIS per år.",
                                hpr=doctor.hpr, evidence=row.requested.evidence, source=params.cap_per_alis.source))
    if row.total_cost.found:
        total = row.total_cost.value
        state_max = (1 - share) * total
        if asked > state_max:
            limits.append(state_max)
            findings.append(finding(
                "amount.cofunding-below-minimum",
                f"Kommunens andel er {kr(total - asked)} av totalkostnaden {kr(total)}, under "
                f"{percent(share)}. Tilskuddet kan høyst være {kr(state_max)}.",
                hpr=doctor.hpr, evidence=row.total_cost.evidence, source=params.cofunding_min.source))
    return max(ZERO, min(limits)), findings


def unused_funds(unused: Decimal | None, total: Decimal) -> tuple[Decimal, list[Finding]]:
    """payout = max(0, Σ recommended − unused funds) (seed 000: unused funds are part of the amount)."""
    if not unused or unused <= 0:
        return total, []
    payout = max(ZERO, total - unused)
    return payout, [finding("amount.unused-funds-deducted",
                            f"Ubrukte midler {kr(unused)} er trukket fra; utbetaling {kr(payout)} "
                            f"av anbefalt {kr(total)}.")]
