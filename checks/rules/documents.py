"""Rules on the documents themselves: the form, unreadable files, which documents are there."""
from __future__ import annotations

from decimal import Decimal

from checks.certainty import unreadable
from checks.doctors import DoctorDocs
from checks.findings import finding
from checks.models import Finding
from checks.parameters import YearParameters
from extractors.models import Attachment, BudgetRecord, Evidence, Extracted, FormRecord

FORM_FILE = "skjema.json"

# attribute -> the form's own word for it: what the rules cannot do without
REQUIRED_FORM_FIELDS = {
    "grant_year": "Tilskuddsår",
    "org_number": "Organisasjonsnummer",
    "requested_amount": "Søknadsbeløp",
    "submitted_at": "Innsendingstidspunkt",
}


def as_sentences(problems: list[str]) -> str:
    """Problems told one after another, each ending as a sentence."""
    return " ".join(p if p.endswith(".") else f"{p}." for p in problems)


def form_invalid(form: FormRecord, extra_problems: list[str] = ()) -> list[Finding]:
    """The reader's problems, and any required field it did not already name, as sentences."""
    problems = [p.strip() for p in [*form.all_problems(), *extra_problems]]
    for attr, name in REQUIRED_FORM_FIELDS.items():
        if getattr(form, attr) is None and not any(name.lower() in p.lower() for p in problems):
            problems.append(f"{name} mangler i søknadsskjemaet.")
    if not problems:
        return []
    return [finding("doc.form-invalid", f"Søknadsskjemaet er ufullstendig eller ugyldig. {as_sentences(problems)}",
                    evidence=Evidence(file=FORM_FILE, where=FORM_FILE))]


def unreadable_attachments(attachments: list[Attachment]) -> list[Finding]:
    findings = []
    for attachment in attachments:
        problem = attachment.problem
        if problem is None and attachment.kind != "unreadable":
            continue
        evidence = Evidence(file=attachment.file, where="hele filen", value=problem.code if problem else None)
        if problem is not None and problem.code == "no-text-layer":
            findings.append(finding("doc.no-text-layer",
                                    f"Vedlegget «{attachment.file}» har ingen tekst som kan leses (skannet uten tekstlag).",
                                    evidence=evidence))
        else:
            why = problem.message.rstrip(". ") if problem else "filen kunne ikke leses"
            findings.append(finding("doc.unreadable", f"Vedlegget «{attachment.file}» kunne ikke leses: {why}.",
                                    evidence=evidence))
    return findings


def budget_count(found: list[tuple[Attachment, BudgetRecord]]) -> list[Finding]:
    if not found:
        return [finding("doc.budget-missing", "Søknaden mangler budsjett/beregningsgrunnlag (regneark).")]
    if len(found) > 1:
        files = ", ".join(f"«{a.file}»" for a, _ in found)
        return [finding("doc.budget-multiple", f"Søknaden har {len(found)} budsjetter: {files}. Det skal være ett.",
                        evidence=Evidence(file=found[1][0].file, where="hele filen"))]
    return []


def doctor_documents(doctor: DoctorDocs, params: YearParameters) -> list[Finding]:
    """Agreement (and in regime A the training plan) present, signed, and on the template."""
    who = doctor.name or doctor.hpr or doctor.key
    findings = []
    if doctor.agreement is None:
        kind = "fastlegeavtale" if params.is_regime_a else "ALIS-avtale"
        findings.append(finding("doc.agreement-missing", f"Mangler {kind} for {who}.",
                                hpr=doctor.hpr, evidence=doctor.hpr_evidence))
    else:
        if doctor.signing_date is None:
            agreement = doctor.agreement
            missing = [party for party, signed in (("kommunen", agreement.signed_municipality),
                                                    ("legen", agreement.signed_doctor)) if not signed.found]
            findings.append(finding("doc.agreement-unsigned",
                                    f"Avtalen for {who} mangler signaturdato fra {' og '.join(missing)}.",
                                    hpr=doctor.hpr, evidence=Evidence(file=doctor.agreement_file, where="signatur")))
        if not params.is_regime_a and not doctor.agreement.follows_directorate_template:
            findings.append(finding("doc.agreement-not-template",
                                    f"Avtalen for {who} følger ikke Helsedirektoratets mal for ALIS-avtale.",
                                    hpr=doctor.hpr, evidence=Evidence(file=doctor.agreement_file, where="hele filen")))
    if params.is_regime_a and not doctor.plans:
        findings.append(finding("doc.training-plan-missing", f"Mangler individuell utdanningsplan for {who}.",
                                hpr=doctor.hpr, evidence=doctor.hpr_evidence))
    return findings


def unmatched_attachments(attachments: list[Attachment]) -> list[Finding]:
    findings = []
    for attachment in attachments:
        kind = "Avtalen" if attachment.kind == "agreement" else "Utdanningsplanen"
        findings.append(finding("doc.unmatched-attachment",
                                f"{kind} i «{attachment.file}» gjelder en lege som ikke står i budsjettet.",
                                evidence=Evidence(file=attachment.file, where="hele filen")))
    return findings


def fields_missing(doctor: DoctorDocs, params: YearParameters) -> list[Finding]:
    """The values the rules need for this doctor; an absent agreement is its own finding.

    A negative amount counts as not found: no rule can give a grant on it.
    """
    needed = _missing_identity(doctor) + (_missing_budget_row(doctor) if params.is_regime_a
                                          else _missing_claim_values(doctor))
    if not needed:
        return []
    who = doctor.name or doctor.hpr or doctor.key
    return [finding("doc.field-missing", f"Fant ikke {', '.join(needed)} for {who}.",
                    hpr=doctor.hpr, evidence=doctor.hpr_evidence)]


def _missing_identity(doctor: DoctorDocs) -> list[str]:
    """Text that stood where a value should be is said by checks/rules/certainty.py, with the text."""
    needed = []
    agreement = doctor.agreement
    if doctor.hpr is None:
        needed.append("HPR-nummer")
    if not doctor.position.found and (agreement is not None or doctor.rows) \
            and not (agreement is not None and unreadable(agreement.position)):
        needed.append("stilling")
    if agreement is not None and doctor.employment_start is None and not unreadable(agreement.employment_start):
        needed.append("tiltredelse (ansatt fra)")
    return needed


def _usable(value: Extracted[Decimal]) -> bool:
    return value.found and value.value >= 0


def _missing_budget_row(doctor: DoctorDocs) -> list[str]:
    row = doctor.rows[0]
    return [label for value, label in ((row.requested, "søknadsbeløp"), (row.total_cost, "sum kostnader"))
            if not _usable(value) and not unreadable(value)]


def _missing_claim_values(doctor: DoctorDocs) -> list[str]:
    needed = []
    if doctor.supplement is not None and doctor.supplement.found and not _usable(doctor.supplement):
        needed.append(f"gyldig distriktstillegg ({_where(doctor.supplement.evidence)})")
    for claim in doctor.claims:
        if not claim.month.found and not unreadable(claim.month):
            needed.append(f"måned ({_where(claim.hpr_number.evidence)})")
        for hours, rate, label in ((claim.absence_hours, claim.absence_rate, "fraværssats"),
                                   (claim.supervision_hours, claim.supervision_rate, "veiledningssats")):
            if hours.found and hours.value and not _usable(rate) and not unreadable(rate):
                needed.append(f"{label} ({_where(hours.evidence)})")
        for value, label in ((claim.absence_hours, "fraværstimer"), (claim.supervision_hours, "veiledningstimer"),
                             (claim.learning_costs, "læringskostnader")):
            if value.found and value.value < 0:
                needed.append(f"gyldige {label} ({_where(value.evidence)})")
    return needed


def no_doctors(budget: BudgetRecord, params: YearParameters, file: str) -> list[Finding]:
    """A budget without a single doctor cannot be decided on."""
    if budget.regime not in ("unknown", params.regime.value):
        message = (f"Budsjettet «{file}» følger ordningen for regime {budget.regime}, men {params.year} "
                   f"bruker regime {params.regime.value}; fant ingen leger å vurdere.")
    else:
        message = f"Fant ingen leger i budsjettet «{file}»."
    return [finding("doc.field-missing", message, evidence=Evidence(file=file, where="hele filen"))]


def _where(evidence: Evidence | None) -> str:
    return f"{evidence.file} {evidence.where}" if evidence else "ukjent sted"
