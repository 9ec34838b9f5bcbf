"""Rules on who is who: org number, municipality, HPR numbers, amounts that must agree."""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from checks.dates import month_labels
from checks.doctors import DoctorDocs, normalise_hpr, normalise_name
from checks.findings import finding
from checks.models import Decision, Finding
from checks.money import kr
from checks.registers import Registers
from extractors.models import ArithmeticMismatch, Evidence, FormRecord

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
FORM = Evidence(file="skjema.json", where="municipality", route="form-field")
AMOUNT_TOLERANCE = Decimal("1")


def orgnr_is_valid(org_number: str | None) -> bool:
    """Brønnøysund mod 11: a remainder giving check digit 10 is never issued."""
    if not org_number or not re.fullmatch(r"[0-9]{9}", org_number):
        return False
    digits = [int(c) for c in org_number]
    check = 11 - sum(d * w for d, w in zip(digits, ORGNR_WEIGHTS)) % 11
    if check == 10:
        return False
    return (0 if check == 11 else check) == digits[8]


def orgnr_invalid(form: FormRecord) -> list[Finding]:
    if form.org_number is None or orgnr_is_valid(form.org_number):
        return []
    return [finding("id.orgnr-invalid", f"Organisasjonsnummeret {form.org_number} er ikke gyldig (kontrollsiffer).",
                    evidence=FORM.model_copy(update={"value": form.org_number}))]


def municipality_unknown(form: FormRecord, registers: Registers) -> list[Finding]:
    by_org = registers.municipality_by_org(form.org_number)
    by_number = registers.municipality_by_number(form.kommunenummer)
    if form.org_number is not None and by_org is None:
        message = f"Organisasjonsnummeret {form.org_number} tilhører ingen kommune i kommuneregisteret."
    elif form.kommunenummer is not None and by_number is None:
        message = f"Kommunenummeret {form.kommunenummer} finnes ikke i kommuneregisteret."
    elif by_org is not None and by_number is not None and by_org != by_number:
        message = (f"Organisasjonsnummeret {form.org_number} tilhører {by_org.name} ({by_org.kommunenummer}), "
                   f"men skjemaet oppgir kommunenummer {form.kommunenummer} ({by_number.name}).")
    else:
        return []
    return [finding("id.municipality-unknown", message, evidence=FORM)]


def hpr_invalid(doctor: DoctorDocs) -> list[Finding]:
    hpr = doctor.hpr
    if hpr is None or re.fullmatch(r"[0-9]{7,9}", hpr):
        return []
    return [finding("id.hpr-invalid", f"HPR-nummeret «{hpr}» er ikke 7–9 sifre.", hpr=hpr,
                    evidence=doctor.hpr_evidence)]


def doctor_mismatch(doctor: DoctorDocs) -> list[Finding]:
    """Each agreement and plan must name the doctor of the budget with the same name and HPR."""
    findings = []
    for attachment, record in [*doctor.agreements, *doctor.plans]:
        differences = []
        other_hpr = normalise_hpr(record.hpr_number.value)
        if other_hpr and doctor.hpr and other_hpr != doctor.hpr:
            differences.append(f"HPR-nummer {other_hpr} mot {doctor.hpr} i budsjettet")
        other_name = record.doctor_name.value
        if other_name and doctor.name and normalise_name(other_name) != normalise_name(doctor.name):
            differences.append(f"navn «{other_name}» mot «{doctor.name}» i budsjettet")
        if differences:
            evidence = record.hpr_number.evidence or record.doctor_name.evidence or Evidence(
                file=attachment.file, where="hele filen")
            findings.append(finding("id.doctor-mismatch",
                                    f"«{attachment.file}» har {' og '.join(differences)}.",
                                    hpr=doctor.hpr, evidence=evidence))
    return findings


def amount_mismatch(form: FormRecord, budget_total: Decimal, budget_evidence: Evidence | None) -> list[Finding]:
    if form.requested_amount is None or abs(form.requested_amount - budget_total) <= AMOUNT_TOLERANCE:
        return []
    return [finding("id.amount-mismatch",
                    f"Søknadsbeløpet i skjemaet ({kr(form.requested_amount)}) avviker fra budsjettets sum "
                    f"({kr(budget_total)}). Budsjettets sum er brukt.",
                    evidence=budget_evidence)]


def budget_arithmetic(mismatches: list[ArithmeticMismatch]) -> list[Finding]:
    findings = []
    for mismatch in mismatches:
        stored = kr(mismatch.stored) if mismatch.stored is not None else "tom celle"
        findings.append(finding("id.budget-arithmetic",
                                f"Summen i {mismatch.evidence.where} er {stored}, men regnes til "
                                f"{kr(mismatch.recomputed)}. Den utregnede summen er brukt.",
                                evidence=mismatch.evidence))
    return findings


def double_claim(doctor: DoctorDocs, year: int, registers: Registers) -> list[Finding]:
    earlier = [row for row in registers.history_for(doctor.hpr) if row.year == year]
    if not earlier:
        return []
    orgs = ", ".join(sorted({row.org_number for row in earlier}))
    return [finding("id.double-claim",
                    f"Legen {doctor.name or doctor.hpr} har allerede fått tilskudd for {year} "
                    f"(organisasjonsnummer {orgs}).",
                    hpr=doctor.hpr, evidence=doctor.hpr_evidence, source="grant_history.csv")]


def double_claim_in_budget(doctors: list[DoctorDocs]) -> list[Finding]:
    """The same HPR on two budget rows, or one month claimed twice for the same doctor."""
    findings = []
    counts = Counter(d.hpr for d in doctors if d.hpr and d.rows)
    for hpr, count in sorted(counts.items()):
        if count > 1:
            findings.append(finding("id.double-claim", f"HPR-nummer {hpr} står på {count} rader i budsjettet.",
                                    hpr=hpr, source="docs/rules.md §4"))
    for doctor in doctors:
        months = Counter(c.month.value for c in doctor.claims if c.month.found)
        twice = [month for month, count in months.items() if count > 1]
        if twice:
            findings.append(finding("id.double-claim",
                                    f"{month_labels(twice).capitalize()} er krevd mer enn én gang for {doctor.name or doctor.hpr}.",
                                    hpr=doctor.hpr, evidence=doctor.hpr_evidence, source="docs/rules.md §4"))
    return findings


def batch_double_claims(decisions: dict[str, Decision]) -> dict[str, list[Finding]]:
    """Findings for the submissions of one batch that claim the same doctor for overlapping months.

    Keyed by submission id. A regime A doctor is claimed for the whole year. Every
    submission involved gets the finding, not only the later one (docs/rules.md §3b).
    Claims are grouped by year and HPR first, so a large batch stays linear.
    """
    groups: dict[tuple[int | None, str], list[tuple[str, set[str]]]] = {}
    for sid, decision in sorted(decisions.items()):
        for doctor in decision.doctors:
            if doctor.hpr_number:
                groups.setdefault((decision.grant_year, doctor.hpr_number), []).append(
                    (sid, set(doctor.claimed_months)))
    result: dict[str, list[Finding]] = {}
    for (year, hpr), claims in groups.items():
        for sid, months in claims:
            others = sorted({other for other, other_months in claims
                             if other != sid and (not months or not other_months or months & other_months)})
            if others:
                result.setdefault(sid, []).append(finding(
                    "id.double-claim",
                    f"Legen med HPR-nummer {hpr} er også søkt for samme periode i {year} "
                    f"i søknad {', '.join(others)}.",
                    hpr=hpr, source="docs/rules.md §3b"))
    return result
