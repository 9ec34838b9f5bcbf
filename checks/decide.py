"""The checks' entry point: one submission's extracted facts in, its Decision out.

Pure: no files, no logging, no Prefect. The caller picks the parameters by the
form's grant year and calls `decide_without_rules` when the year has none.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from checks.doctors import DoctorDocs, attach_documents, budgets, doctors_from_budget
from checks.findings import finding
from checks.models import ApplicationFacts, Decision, DoctorDecision, Finding
from checks.money import ZERO, to_ore
from checks.parameters import YearParameters
from checks.registers import Registers
from checks.rules import amounts_a, amounts_b, certainty, documents, eligibility, identity, months, ocr
from checks.status import derive_status, totals
from extractors.models import BudgetRecord, Evidence, FormRecord


def decide_without_rules(facts: ApplicationFacts, reason: str) -> Decision:
    """Manual review for a submission whose grant year has no rules (or no readable year)."""
    form = facts.form
    problem = finding("doc.form-invalid", f"Søknaden kan ikke vurderes automatisk: {reason}",
                      evidence=Evidence(file=documents.FORM_FILE, where="grant_year", value=form.grant_year,
                                        route="form-field"))
    return Decision(status="manual_review", grant_year=form.grant_year,
                    requested_total_nok=form.requested_amount, findings=[problem])


def _application_findings(facts: ApplicationFacts, params: YearParameters, registers: Registers) -> list[Finding]:
    form = facts.form
    findings = [
        *documents.form_invalid(form, eligibility.submitted_at_unreadable(form)),
        *documents.unreadable_attachments(facts.attachments),
        *ocr.read_by_ocr(facts.attachments),
        *identity.orgnr_invalid(form),
        *identity.municipality_unknown(form, registers),
        *eligibility.after_deadline(form, params),
    ]
    if identity.orgnr_is_valid(form.org_number):
        findings += eligibility.not_education_enterprise(form, registers)
    if params.is_regime_a:
        findings += eligibility.other_grant_priority(form, params.year, registers)
    return findings


def _doctor_findings(doctor: DoctorDocs, params: YearParameters, registers: Registers) -> list[Finding]:
    findings = [
        *documents.doctor_documents(doctor, params),
        *documents.fields_missing(doctor, params),
        *certainty.unsure_values(doctor, params),
        *certainty.vikar_without_end(doctor, params),
        *certainty.documents_disagree(doctor),
        *identity.hpr_invalid(doctor),
        *identity.doctor_mismatch(doctor),
        *identity.double_claim(doctor, params.year, registers),
        *eligibility.position_not_eligible(doctor, params),
        *eligibility.max_years(doctor, params, registers),
        *eligibility.vikar_too_short(doctor, params),
    ]
    if params.is_regime_a:
        findings += eligibility.alis_vest_nord(doctor, registers)
    else:
        findings += eligibility.via_agency(doctor)
    return findings


@dataclass
class _DoctorOutcome:
    """A doctor's decision with the exact amounts, kept unrounded for the application's totals."""

    decision: DoctorDecision
    findings: list[Finding]
    requested: Decimal
    recommended: Decimal


def _decide_doctor(doctor: DoctorDocs, params: YearParameters, registers: Registers,
                   klasse: int | None) -> _DoctorOutcome:
    findings = _doctor_findings(doctor, params, registers)
    rejected = any(f.severity == "reject" for f in findings)
    eligible_months: list[str] = []
    if params.is_regime_a:
        asked = amounts_a.requested(doctor)
        amount, amount_findings = amounts_a.doctor_amount(doctor, params)
    else:
        asked = amounts_b.requested(doctor)
        eligible, month_findings = months.eligible_claims(doctor, params)
        amount, amount_findings = amounts_b.doctor_amount(doctor, eligible, klasse, params)
        amount_findings = [*month_findings, *amount_findings]
        eligible_months = sorted({c.month.value for c in eligible})
    if rejected:
        amount, amount_findings, eligible_months = ZERO, [], []
    decision = DoctorDecision(
        name=doctor.name, hpr_number=doctor.hpr, position=doctor.position.value,
        agreement_signed=doctor.signing_date, employment_start=doctor.employment_start,
        employment_end=doctor.employment_end, via_agency=doctor.via_agency,
        requested_nok=to_ore(asked), recommended_nok=to_ore(amount),
        eligible_months=eligible_months, rejected=rejected,
        claimed_months=sorted({c.month.value for c in doctor.claims if c.month.found}))
    return _DoctorOutcome(decision, [*findings, *amount_findings], asked, amount)


def _totals(outcomes: list[_DoctorOutcome], budget: BudgetRecord, form: FormRecord,
            params: YearParameters) -> tuple[Decimal, Decimal, Decimal, list[Finding]]:
    """(requested, recommended, payout, findings) from the doctors' exact amounts, requested rounded to øre."""
    recommended = sum((o.recommended for o in outcomes), ZERO)
    requested = sum((o.requested for o in outcomes), ZERO)
    if params.is_regime_a:
        payout, findings = amounts_a.unused_funds(form.unused_funds, recommended)
    else:
        if all(o.decision.rejected for o in outcomes):
            facilitation, findings = ZERO, []
        else:
            facilitation, findings = amounts_b.facilitation(budget.facilitation, recommended, params)
        requested += max(ZERO, amounts_b.value_or_zero(budget.facilitation))
        recommended += facilitation
        payout = recommended
    requested = to_ore(requested)
    evidence = budget.total_requested.evidence or budget.total_claimed.evidence
    return requested, recommended, payout, [*findings, *identity.amount_mismatch(form, requested, evidence)]


def decide(facts: ApplicationFacts, params: YearParameters, registers: Registers,
           settle: Callable[[list[Finding]], list[Finding]] = list) -> Decision:
    """`settle` turns the findings a caseworker accepted into info (checks/corrections.py) before the status
    is derived, so the amounts the rules computed stand once nothing stops the case."""
    form = facts.form
    findings = _application_findings(facts, params, registers)
    found = budgets(facts.attachments)
    findings += documents.budget_count(found)
    municipality = registers.municipality_by_org(form.org_number)
    klasse = municipality.sentraliseringsklasse if municipality else None

    doctors: list[DoctorDocs] = []
    budget_total: Decimal | None = None
    if found:
        attachment, budget = found[0]
        doctors = doctors_from_budget(budget, params.regime.value)
        if not doctors:
            findings += documents.no_doctors(budget, params, attachment.file)
        findings += documents.unmatched_attachments(attach_documents(doctors, facts.attachments))
        findings += identity.budget_arithmetic(budget.arithmetic)
        findings += certainty.unsure_summary(budget, params)
        findings += identity.double_claim_in_budget(doctors)

    outcomes = [_decide_doctor(doctor, params, registers, klasse) for doctor in doctors]
    for doctor, outcome in zip(doctors, outcomes):
        findings += outcome.findings
        findings += ocr.uncertain(doctor, params, form, outcome.findings)
    decisions = [outcome.decision for outcome in outcomes]

    if found:
        budget = found[0][1]
        budget_total, recommended, payout, total_findings = _totals(outcomes, budget, form, params)
        findings += total_findings
    else:
        recommended = payout = ZERO

    findings = settle(findings)
    status = derive_status(findings, decisions)
    recommended_total, payout_total = totals(status, to_ore(recommended), to_ore(payout))
    return Decision(
        status=status, grant_year=params.year,
        requested_total_nok=budget_total if budget_total is not None else form.requested_amount,
        recommended_total_nok=recommended_total, payout_nok=payout_total,
        doctors=decisions, findings=findings, ruleset=str(params.year))
