"""Rules on how sure the values the rules decide on are: never decide on a value read weakly.

A decisive value found only in running text, graded low, or written so that it could not be read
sends the doctor to a person (doc.field-missing), as does a vikariat without an end date; documents
of one doctor that disagree on a decisive value are id.doctor-mismatch. Which values are decisive
and which routes are strong is checks/certainty.yaml; checks/certainty.py applies it.
"""
from __future__ import annotations

from datetime import date
from typing import Iterator

from checks.certainty import Decisive, decisive, doubt, policy, said, unreadable
from checks.doctors import DoctorDocs
from checks.findings import finding
from checks.models import Finding
from checks.parameters import YearParameters
from checks.rules.eligibility import POSITION_NAMES
from extractors.models import AgreementRecord, BudgetRecord, Evidence, Extracted


def unsure_values(doctor: DoctorDocs, params: YearParameters) -> list[Finding]:
    """One doc.field-missing per decisive value of the doctor that is not sure enough to decide on."""
    findings = []
    for field, spec, value in _decisive_values(doctor, params.regime.value):
        reason = doubt(field, value)
        if reason is not None:
            findings.append(finding("doc.field-missing", _unsure(spec, _who(doctor), said(reason, value.evidence),
                                                                 value.evidence),
                                    hpr=doctor.hpr, evidence=value.evidence))
    return findings


def unsure_summary(budget: BudgetRecord, params: YearParameters) -> list[Finding]:
    """The application's own amounts on the claim sheet (facilitation) that are not sure enough."""
    specs = decisive("summary", params.regime.value)
    if "facilitation" not in specs:
        return []
    reason = doubt("facilitation", budget.facilitation)
    if reason is None:
        return []
    evidence = budget.facilitation.evidence
    return [finding("doc.field-missing", _unsure(specs["facilitation"], "søknaden", said(reason, evidence), evidence),
                    evidence=evidence)]


def _decisive_values(doctor: DoctorDocs, regime: str) -> Iterator[tuple[str, Decisive, Extracted]]:
    """The doctor's values a rule decides on: the agreement's, the budget row's (its position only
    where the agreement states none), every claim row's and the district supplement."""
    agreement = doctor.agreement
    if agreement is not None:
        for field, spec in decisive("agreement", regime).items():
            yield field, spec, getattr(agreement, field)
    stated = agreement is not None and (agreement.position.found or unreadable(agreement.position))
    for row in doctor.rows:
        for field, spec in decisive("budget_row", regime).items():
            if field == "costs":
                yield from ((field, spec, cost) for cost in row.costs.values())
            elif field != "position" or not stated:
                yield field, spec, getattr(row, field)
    for claim in doctor.claims:
        for field, spec in decisive("claim", regime).items():
            yield field, spec, getattr(claim, field)
    supplement = decisive("summary", regime).get("district_supplement")
    if supplement is not None and doctor.supplement is not None:
        yield "district_supplement", supplement, doctor.supplement


def vikar_without_end(doctor: DoctorDocs, params: YearParameters) -> list[Finding]:
    """A vikariat is open-ended only on paper: where the year's rules need its length, a missing end
    date is a question for a person, not an employment that never ends (docs/rules.md §3b)."""
    agreement = doctor.agreement
    if params.vikar_min_months is None or agreement is None:
        return []
    position = doctor.position
    end = agreement.employment_end
    if position.value != "vikar" or doubt("position", position) or end.found or unreadable(end):
        return []
    return [finding("doc.field-missing",
                    f"{_who(doctor)} er vikar, men «{doctor.agreement_file}» oppgir ingen sluttdato for vikariatet. "
                    f"Kontroller når vikariatet slutter før saken avgjøres.",
                    hpr=doctor.hpr, evidence=position.evidence)]


def documents_disagree(doctor: DoctorDocs) -> list[Finding]:
    """The agreement against the budget on the position, and every further agreement against the first."""
    findings = []
    agreement = doctor.agreement
    if agreement is None:
        return []
    ours = agreement.position
    for row in doctor.rows:
        theirs = row.position
        if _sure("position", ours) and _sure("position", theirs) and ours.value != theirs.value:
            findings.append(finding(
                "id.doctor-mismatch",
                f"«{doctor.agreement_file}» oppgir stillingen som {POSITION_NAMES[ours.value]}, men budsjettet som "
                f"{POSITION_NAMES[theirs.value]} ({_where(theirs.evidence)}). Kontroller hvilken stilling legen har.",
                hpr=doctor.hpr, evidence=ours.evidence))
    for attachment, other in doctor.agreements[1:]:
        differences = _differences(agreement, other)
        if differences:
            findings.append(finding(
                "id.doctor-mismatch",
                f"«{doctor.agreement_file}» og «{attachment.file}» gjelder samme lege, men oppgir ulik "
                f"{'; '.join(differences)}. Kontroller hvilken avtale som gjelder.",
                hpr=doctor.hpr, evidence=Evidence(file=attachment.file, where="hele filen")))
    return findings


def _differences(first: AgreementRecord, other: AgreementRecord) -> list[str]:
    names = policy().decisive["agreement"]
    differences = []
    for field in policy().agree["agreements"]:
        a, b = getattr(first, field), getattr(other, field)
        if a.found and b.found and a.value != b.value:
            differences.append(f"{names[field].name} ({_shown(a.value)} mot {_shown(b.value)})")
    return differences


def _sure(field: str, value: Extracted) -> bool:
    return value.found and doubt(field, value) is None


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return POSITION_NAMES.get(str(value), str(value))


def _unsure(spec: Decisive, who: str, how: str, evidence: Evidence | None) -> str:
    raw = f"«{evidence.value}», " if evidence is not None and evidence.value not in (None, "") else ""
    return (f"{spec.name[0].upper()}{spec.name[1:]} for {who} {how} ({raw}{_where(evidence)}). "
            f"Kontroller {spec.check} før saken avgjøres.")


def _where(evidence: Evidence | None) -> str:
    return f"{evidence.file} {evidence.where}" if evidence is not None else "ukjent sted"


def _who(doctor: DoctorDocs) -> str:
    return doctor.name or doctor.hpr or doctor.key
