"""Turn a rule case's plain facts (YAML) into ApplicationFacts and Registers.

A case states only what matters to it; everything else gets an ordinary,
valid default (a registered education enterprise in Vardø, a signed agreement
and a training plan per doctor, a form amount equal to the budget's sum), so
that a case triggering one rule triggers no other by accident.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from checks.models import ApplicationFacts
from checks.parameters import YearParameters
from checks.registers import GrantHistoryRow, Municipality, Registers
from extractors.models import (
    ArithmeticMismatch,
    AgreementRecord,
    Attachment,
    BudgetRecord,
    BudgetRow,
    ClaimRow,
    Evidence,
    Extracted,
    ExtractionProblem,
    FormRecord,
    Grade,
    TrainingPlanRecord,
)

# Every key a case may give, at each level: the harness refuses any other (tests/rules/strict_keys.py).
CASE_KEYS = {"name", "year", "doctors", "form", "registers", "facilitation", "budgets", "attachments", "arithmetic",
             "summary", "output"}
AS_READ = {"found_by", "graded_low", "unreadable"}  # how values were read (_as_read), on a doctor, a claim, a row
DOCTOR_KEYS = {"name", "hpr", "position", "employment_start", "employment_end", "signed_municipality",
               "signed_doctor", "effective_from", "via_agency", "template", "agreement", "training_plan", "claims",
               "district_supplement", "total_cost", "requested", "budget_position", "budget_row",
               "second_agreement"} | AS_READ
CLAIM_KEYS = {"month", "absence_hours", "absence_rate", "supervision_hours", "supervision_rate", "learning_costs"}
REGISTER_KEYS = {"kommuner", "utdanningsvirksomheter", "alis_vest_nord", "rekrutteringstilskudd", "grant_history"}

VARDO = {"kommunenummer": "5634", "name": "Vardø kommune", "org_number": "964830533", "sentraliseringsklasse": 6}
BAERUM = {"kommunenummer": "3201", "name": "Bærum kommune", "org_number": "935478715", "sentraliseringsklasse": 2}
BUDGET_FILE = "budsjett.xlsx"


def extracted(value: Any, file: str, where: str) -> Extracted:
    """A value as read: a budget cell under its column header, every other value beside its label."""
    if value is None:
        return Extracted()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = Decimal(str(value))
    raw = value if isinstance(value, (str, int, float)) else str(value)
    route = "sheet-cell" if file == BUDGET_FILE else "label-cell"
    return Extracted(value=value, evidence=Evidence(file=file, where=where, value=raw, route=route), grade=Grade.found)


# Routes whose values an extractor grades low by themselves.
_WEAK_ROUTES = ("running-text", "default")


def _as_read(record: Any, spec: dict[str, Any], file: str) -> Any:
    """How a case says some of a record's values were read:

    found_by: {field: route} or {field: {route: running-text, text: "the sentence"}}
    graded_low: [field, ...]          found by their route, but graded low by the extractor
    unreadable: {field: "text"}       the text that stood there and could not be read
    """
    for field, how in spec.get("found_by", {}).items():
        how = how if isinstance(how, dict) else {"route": how}
        value = getattr(record, field)
        evidence = value.evidence.model_copy(update={"route": how["route"],
                                                     "value": how.get("text", value.evidence.value)})
        grade = Grade.low if how["route"] in _WEAK_ROUTES else value.grade
        setattr(record, field, value.model_copy(update={"evidence": evidence, "grade": grade}))
    for field in spec.get("graded_low", []):
        setattr(record, field, getattr(record, field).model_copy(update={"grade": Grade.low}))
    route = "sheet-cell" if file == BUDGET_FILE else "label-cell"
    for field, text in spec.get("unreadable", {}).items():
        setattr(record, field, Extracted(grade=Grade.missing,
                                         evidence=Evidence(file=file, where="s. 1", value=text, route=route)))
    return record


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value is not None else None


def default_registers(overrides: dict[str, list] | None = None) -> Registers:
    data = {"kommuner": [VARDO, BAERUM], "utdanningsvirksomheter": [VARDO["org_number"], BAERUM["org_number"]],
            "alis_vest_nord": [], "rekrutteringstilskudd": [], "grant_history": []}
    data.update(overrides or {})
    return Registers(
        municipalities=[Municipality(**row) for row in data["kommuner"]],
        education_enterprises=frozenset(str(o) for o in data["utdanningsvirksomheter"]),
        alis_vest_nord={str(r["hpr_number"]): r.get("project", "ALIS Vest") for r in data["alis_vest_nord"]},
        recruitment_grants=frozenset((str(r["org_number"]), int(r["year"])) for r in data["rekrutteringstilskudd"]),
        grant_history=[GrantHistoryRow(hpr_number=str(r["hpr_number"]), year=r["year"],
                                       org_number=str(r.get("org_number", VARDO["org_number"])),
                                       amount_nok=Decimal(str(r.get("amount_nok", 240000))))
                       for r in data["grant_history"]],
    )


def _doctor_defaults(params: YearParameters) -> dict[str, Any]:
    if params.is_regime_a:
        start = date(params.year, 1, 1)
        position = "naeringsdrivende"
    else:
        start = params.period_start.value
        position = "kommunalt_ansatt"
    signed = start - timedelta(days=40)
    return {"position": position, "employment_start": start, "employment_end": None,
            "signed_municipality": signed, "signed_doctor": signed, "effective_from": None,
            "via_agency": False, "template": True, "agreement": True, "training_plan": params.is_regime_a,
            "claims": [], "district_supplement": None}


def _agreement(doctor: dict[str, Any], index: int, file: str = "") -> Attachment:
    file = file or f"avtale-{index}.pdf"
    override = doctor["agreement"] if isinstance(doctor["agreement"], dict) else {}
    name = override.get("name", doctor["name"])
    hpr = override.get("hpr", doctor["hpr"])
    record = AgreementRecord(
        template="alis-avtale" if doctor["template"] else "unknown",
        follows_directorate_template=doctor["template"],
        doctor_name=extracted(name, file, "s. 1"),
        hpr_number=extracted(None if hpr is None else str(hpr), file, "s. 1"),
        position=extracted(doctor["position"], file, "s. 1"),
        employment_start=extracted(_date(doctor["employment_start"]), file, "s. 1"),
        employment_end=extracted(_date(doctor["employment_end"]), file, "s. 1"),
        effective_from=extracted(_date(doctor["effective_from"]), file, "s. 2"),
        via_agency=extracted(doctor["via_agency"], file, "s. 1"),
        signed_municipality=extracted(_date(doctor["signed_municipality"]), file, "s. 3"),
        signed_doctor=extracted(_date(doctor["signed_doctor"]), file, "s. 3"),
    )
    return Attachment(file=file, sha256="0" * 64, kind="agreement", agreement=_as_read(record, doctor, file))


def _plan(doctor: dict[str, Any], index: int) -> Attachment:
    file = f"utdanningsplan-{index}.docx"
    override = doctor["training_plan"] if isinstance(doctor["training_plan"], dict) else {}
    hpr = override.get("hpr", doctor["hpr"])
    record = TrainingPlanRecord(doctor_name=extracted(override.get("name", doctor["name"]), file, "avsnitt 2"),
                                hpr_number=extracted(None if hpr is None else str(hpr), file, "avsnitt 3"))
    return Attachment(file=file, sha256="1" * 64, kind="training_plan", training_plan=record)


def _budget_row(doctor: dict[str, Any], line: int) -> BudgetRow:
    """`budget_row: {unreadable: {requested: "#REF!"}}` says how the row's own cells were read."""
    cell = lambda column: f"Budsjett!{column}{line}"  # noqa: E731
    row = BudgetRow(
        doctor_name=extracted(doctor["name"], BUDGET_FILE, cell("A")),
        hpr_number=extracted(None if doctor["hpr"] is None else str(doctor["hpr"]), BUDGET_FILE, cell("B")),
        position=extracted(doctor.get("budget_position", doctor["position"]), BUDGET_FILE, cell("C")),
        total_cost=extracted(doctor.get("total_cost"), BUDGET_FILE, cell("J")),
        requested=extracted(doctor.get("requested"), BUDGET_FILE, cell("L")),
    )
    return _as_read(row, doctor.get("budget_row", {}), BUDGET_FILE)


def _claim_rows(doctor: dict[str, Any], first_line: int) -> list[ClaimRow]:
    rows = []
    for offset, claim in enumerate(doctor["claims"]):
        cell = lambda column: f"Beregningsgrunnlag!{column}{first_line + offset}"  # noqa: E731
        rows.append(_as_read(ClaimRow(
            hpr_number=extracted(None if doctor["hpr"] is None else str(doctor["hpr"]), BUDGET_FILE, cell("A")),
            doctor_name=extracted(doctor["name"], BUDGET_FILE, cell("B")),
            month=extracted(str(claim["month"]), BUDGET_FILE, cell("C")),
            absence_hours=extracted(claim.get("absence_hours", 0), BUDGET_FILE, cell("D")),
            absence_rate=extracted(claim.get("absence_rate"), BUDGET_FILE, cell("E")),
            supervision_hours=extracted(claim.get("supervision_hours", 0), BUDGET_FILE, cell("F")),
            supervision_rate=extracted(claim.get("supervision_rate"), BUDGET_FILE, cell("G")),
            learning_costs=extracted(claim.get("learning_costs", 0), BUDGET_FILE, cell("H")),
        ), claim, BUDGET_FILE))
    return rows


def _claimed(claim: dict[str, Any]) -> Decimal:
    def d(key: str) -> Decimal:
        return Decimal(str(claim.get(key) or 0))
    return d("absence_hours") * d("absence_rate") + d("supervision_hours") * d("supervision_rate") + d("learning_costs")


def _budget(case: dict[str, Any], doctors: list[dict[str, Any]], params: YearParameters) -> tuple[BudgetRecord, Decimal]:
    if params.is_regime_a:
        rows = [_budget_row(d, 7 + i) for i, d in enumerate(doctors)]
        total = sum((Decimal(str(d.get("requested") or 0)) for d in doctors), Decimal(0))
        return BudgetRecord(regime="A", rows=rows, total_requested=extracted(total, BUDGET_FILE, "Budsjett!L20")), total
    claims, line = [], 5
    supplements = {}
    total = Decimal(str(case.get("facilitation") or 0))
    for doctor in doctors:
        claims += _claim_rows(doctor, line)
        line += len(doctor["claims"])
        total += sum((_claimed(c) for c in doctor["claims"]), Decimal(0))
        if doctor["district_supplement"] is not None:
            supplements[str(doctor["hpr"])] = extracted(doctor["district_supplement"], BUDGET_FILE,
                                                        f"Oppsummering!C{len(supplements) + 3}")
            total += Decimal(str(doctor["district_supplement"]))
    record = BudgetRecord(regime="B", claims=claims, district_supplement=supplements,
                          facilitation=extracted(case.get("facilitation"), BUDGET_FILE, "Oppsummering!C10"),
                          total_claimed=extracted(total, BUDGET_FILE, "Oppsummering!C12"))
    return _as_read(record, case.get("summary", {}), BUDGET_FILE), total


def _extra_attachment(spec: dict[str, Any]) -> Attachment:
    problem = spec.get("problem")
    return Attachment(file=spec["file"], sha256="2" * 64, kind=spec.get("kind", "unreadable"),
                      problem=ExtractionProblem(code=problem, message=spec.get("message", "filen er skadet"))
                      if problem else None)


def build_facts(case: dict[str, Any], params: YearParameters) -> ApplicationFacts:
    defaults = _doctor_defaults(params)
    doctors = [{**defaults, **doctor} for doctor in case.get("doctors", [])]
    budget, total = _budget(case, doctors, params)
    budget.arithmetic = [ArithmeticMismatch(evidence=Evidence(file=BUDGET_FILE, where=m["where"], value=m.get("stored")),
                                            stored=_decimal(m.get("stored")), recomputed=_decimal(m["recomputed"]))
                         for m in case.get("arithmetic", [])]
    attachments: list[Attachment] = []
    for index, doctor in enumerate(doctors, start=1):
        if doctor["agreement"]:
            attachments.append(_agreement(doctor, index))
        if doctor.get("second_agreement"):  # another agreement for the same doctor: values that differ
            second = {**doctor, "found_by": {}, "graded_low": [], "unreadable": {}, **doctor["second_agreement"]}
            attachments.append(_agreement(second, index, f"avtale-{index}-ny.pdf"))
        if doctor["training_plan"]:
            attachments.append(_plan(doctor, index))
    for _ in range(case.get("budgets", 1)):
        attachments.append(Attachment(file=BUDGET_FILE if not attachments or attachments[-1].kind != "budget"
                                      else "budsjett (2).xlsx", sha256="3" * 64, kind="budget", budget=budget))
    attachments += [_extra_attachment(spec) for spec in case.get("attachments", [])]
    form_data = {
        "submission_id": "TEST-1",
        "grant_year": params.year,
        "submitted_at": f"{params.deadline.value - timedelta(days=1)}T12:00:00+02:00",
        "municipality_name": VARDO["name"],
        "kommunenummer": VARDO["kommunenummer"],
        "org_number": VARDO["org_number"],
        "requested_amount": total,
        "unused_funds": Decimal(0),
    }
    form_data.update(case.get("form", {}))
    return ApplicationFacts(submission_id="TEST-1", form=FormRecord(**form_data), attachments=attachments)
