"""Rules on who may get the grant at all: deadline, enterprise, position, earlier years."""
from __future__ import annotations

from checks.certainty import doubt
from checks.dates import add_months, day_before, oslo_date
from checks.doctors import DoctorDocs
from checks.findings import finding
from checks.models import Finding
from checks.parameters import YearParameters
from checks.registers import Registers
from extractors.models import Evidence, FormRecord

FORM_FILE = "skjema.json"

POSITION_NAMES = {
    "naeringsdrivende": "næringsdrivende fastlege",
    "kommunalt_ansatt": "kommunalt ansatt fastlege",
    "vikar": "fastlegevikar",
    "introduksjonslege": "introduksjonslege",
    "annen": "annen allmennmedisinsk stilling",
}


def after_deadline(form: FormRecord, params: YearParameters) -> list[Finding]:
    """Met by a submission on the deadline day itself, by Norwegian local date."""
    if form.submitted_at is None:
        return []
    try:
        submitted = oslo_date(form.submitted_at)
    except ValueError:
        return []
    deadline = params.deadline.value
    if submitted <= deadline:
        return []
    return [finding("elig.after-deadline",
                    f"Søknaden kom {submitted:%d.%m.%Y}, etter søknadsfristen {deadline:%d.%m.%Y}.",
                    evidence=Evidence(file=FORM_FILE, where="submitted_at", value=form.submitted_at,
                                      route="form-field"),
                    source=params.deadline.source)]


def submitted_at_unreadable(form: FormRecord) -> list[str]:
    """Form problems the deadline rule cannot see past."""
    if form.submitted_at is None:
        return []
    try:
        oslo_date(form.submitted_at)
    except ValueError:
        return [f"Innsendingstidspunktet «{form.submitted_at}» er ikke et gyldig tidspunkt."]
    return []


def not_education_enterprise(form: FormRecord, registers: Registers) -> list[Finding]:
    if form.org_number is None or registers.is_education_enterprise(form.org_number):
        return []
    return [finding("elig.not-education-enterprise",
                    f"Organisasjonsnummeret {form.org_number} er ikke registrert som utdanningsvirksomhet.",
                    evidence=Evidence(file=FORM_FILE, where="municipality.org_number", value=form.org_number,
                                      route="form-field"),
                    source="utdanningsvirksomheter.csv; seed 000")]


def other_grant_priority(form: FormRecord, year: int, registers: Registers) -> list[Finding]:
    if not registers.got_recruitment_grant(form.org_number, year):
        return []
    return [finding("elig.other-grant-priority",
                    f"Kommunen fikk rekrutteringstilskudd i {year} og blir derfor prioritert sist ved fordelingen.",
                    evidence=Evidence(file=FORM_FILE, where="municipality.org_number", value=form.org_number,
                                      route="form-field"))]


def position_not_eligible(doctor: DoctorDocs, params: YearParameters) -> list[Finding]:
    """A refusal only on a position read surely; a doubtful one is checks/rules/certainty.py's finding."""
    position = doctor.position
    if not position.found or doubt("position", position):
        return []
    if position.value in params.eligible_positions.value:
        return []
    allowed = ", ".join(POSITION_NAMES[p] for p in params.eligible_positions.value)
    return [finding("elig.position-not-eligible",
                    f"Stillingen «{POSITION_NAMES[position.value]}» gir ikke rett til tilskudd i {params.year} "
                    f"(gjelder {allowed}).",
                    hpr=doctor.hpr, evidence=position.evidence, source=params.eligible_positions.source)]


def alis_vest_nord(doctor: DoctorDocs, registers: Registers) -> list[Finding]:
    project = registers.alis_project(doctor.hpr)
    if project is None:
        return []
    return [finding("elig.alis-vest-nord",
                    f"Legen {doctor.name or doctor.hpr} deltar i {project} og kan ikke få tilskudd over denne ordningen.",
                    hpr=doctor.hpr, evidence=doctor.hpr_evidence)]


def max_years(doctor: DoctorDocs, params: YearParameters, registers: Registers) -> list[Finding]:
    years = sorted({row.year for row in registers.history_for(doctor.hpr) if row.year < params.year})
    if len(years) < params.max_years.value:
        return []
    return [finding("elig.max-years",
                    f"Legen {doctor.name or doctor.hpr} har allerede fått tilskudd i {len(years)} år "
                    f"({', '.join(map(str, years))}); grensen er {params.max_years.value} år.",
                    hpr=doctor.hpr, evidence=doctor.hpr_evidence, source=params.max_years.source)]


def vikar_too_short(doctor: DoctorDocs, params: YearParameters) -> list[Finding]:
    """2021: ends before start + 1 year; regime B: ends before start + 3 months − 1 day (docs/rules.md §3b)."""
    if params.vikar_min_months is None or doctor.position.value != "vikar":
        return []
    start, end = doctor.employment_start, doctor.employment_end
    if start is None or end is None or any(doubt(field, doctor.agreement_value(field))
                                           for field in ("employment_start", "employment_end")):
        return []
    months = params.vikar_min_months.value
    limit = add_months(start, months)
    if not params.is_regime_a:
        limit = day_before(limit)
    if end >= limit:
        return []
    wanted = "utover 1 år" if params.is_regime_a else f"minst {months} måneder"
    return [finding("elig.vikar-too-short",
                    f"Vikariatet varer fra {start:%d.%m.%Y} til {end:%d.%m.%Y}; det må vare {wanted}.",
                    hpr=doctor.hpr, evidence=doctor.agreement_value("employment_end").evidence,
                    source=params.vikar_min_months.source)]


def via_agency(doctor: DoctorDocs) -> list[Finding]:
    if not doctor.via_agency or doubt("via_agency", doctor.agreement_value("via_agency")):
        return []
    return [finding("elig.via-agency",
                    f"Legen {doctor.name or doctor.hpr} er ansatt gjennom et vikarbyrå og har ikke rett til tilskudd.",
                    hpr=doctor.hpr, evidence=doctor.agreement_value("via_agency").evidence)]
