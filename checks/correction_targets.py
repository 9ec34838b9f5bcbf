"""Where a correction's address points in an application's facts, what stands there, and how to replace it.

Addresses (checks/corrections.yaml): `form:FIELD`, `doctor:HPR:FIELD` (the doctor's agreement),
`budget:HPR:FIELD`, `budget:HPR:cost:NAME`, `budget:facilitation`, `claim:HPR:MONTH:FIELD`. A doctor is
named as the rules know it: by the HPR number of the budget (or the key the rules give a row without one).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pydantic import BaseModel

from checks.correction_values import CorrectionError, canonical, catalogue
from checks.dates import month_labels
from checks.doctors import DoctorDocs, attach_documents, budgets, doctors_from_budget, normalise_hpr
from checks.models import ApplicationFacts
from checks.parameters import UnknownYear, load_parameters
from extractors.models import Attribution, BudgetRecord, Evidence, Extracted, FormRecord, Grade
from extractors.values import parse_month

FORM_FILE = "skjema.json"
WHOLE_FILE = "hele filen"  # where a value stands that was read nowhere in its file
SCOPES = ("form", "doctor", "budget", "claim")


class Read(BaseModel):
    """What stood where a correction applies when it was made: the value (canonical text, None when nothing
    could be read), the text that stood there, the file with its sha256, and the place in it."""

    value: str | None = None
    text: str | None = None
    file: str | None = None
    where: str | None = None
    sha256: str | None = None
    route: str | None = None  # how it was read (Evidence.route): "running-text", "sheet-cell", …

    def same_reading(self, other: "Read") -> bool:
        """The same value read; where nothing could be read, the same text stood there."""
        return self.value == other.value and (self.value is not None or self.text == other.text)


class FieldSpec(BaseModel):
    name: str
    kind: str
    regimes: list[str] = ["A", "B"]
    key: str | None = None  # form: the key in skjema.json
    application: bool = False  # budget: a value of the whole application, not of one doctor


@dataclass(frozen=True)
class Address:
    scope: str
    field: str
    doctor: str | None = None
    month: str | None = None
    cost: str | None = None

    @property
    def text(self) -> str:
        parts = [self.scope, self.doctor, self.month, self.field, self.cost]
        return ":".join(p for p in parts if p is not None)

    @property
    def spec(self) -> FieldSpec:
        return FieldSpec.model_validate(catalogue()["fields"][self.scope][self.field])


def parse_address(text: str) -> Address:
    """`doctor:1234567:employment_end` and the like; CorrectionError naming what is wrong and what is allowed."""
    scope, _, rest = text.strip().partition(":")
    if scope not in SCOPES:
        raise CorrectionError(f"«{text}» er ikke et felt som kan rettes: det må begynne med "
                              f"{', '.join(f'{s}:' for s in SCOPES)} (se README, «Corrections»).")
    parts = rest.split(":") if rest else []
    fields = catalogue()["fields"][scope]
    if scope == "form" or (scope == "budget" and len(parts) == 1 and fields.get(parts[0], {}).get("application")):
        address = Address(scope, parts[0]) if len(parts) == 1 else None
    elif scope == "doctor":
        address = Address(scope, parts[1], doctor=parts[0]) if len(parts) == 2 else None
    elif scope == "budget" and len(parts) >= 3 and parts[1] == "cost":
        address = Address(scope, "cost", doctor=parts[0], cost=":".join(parts[2:]))
    elif scope == "budget":
        address = Address(scope, parts[1], doctor=parts[0]) if len(parts) == 2 else None
    else:
        month = parse_month(parts[1]) if len(parts) == 3 else None
        address = Address(scope, parts[2], doctor=parts[0], month=month) if month else None
    if address is None or address.field not in fields or (address.field == "cost") != (address.cost is not None):
        raise CorrectionError(f"«{text}» er ikke et felt som kan rettes. {_shapes(scope)}")
    return address


def _shapes(scope: str) -> str:
    fields = catalogue()["fields"][scope]
    names = ", ".join(f for f, spec in fields.items() if not spec.get("application") and f != "cost")
    shape = {"form": f"form:FELT, der FELT er {names}",
             "doctor": f"doctor:HPR:FELT, der FELT er {names}",
             "budget": f"budget:HPR:FELT (FELT er {names}), budget:HPR:cost:NAVN eller budget:facilitation",
             "claim": f"claim:HPR:MÅNED:FELT (MÅNED som 2024-03), der FELT er {names}"}[scope]
    return f"Skriv {shape}."


def regime_of(year: int | None) -> str | None:
    try:
        return load_parameters(year).regime.value if isinstance(year, int) else None
    except UnknownYear:
        return None


@dataclass
class Target:
    """What an address points at: the value there now and where it stood, and how a corrected value is put."""

    label: str  # Norwegian: "sluttdato for Kari Nordmann"
    spec: FieldSpec
    value: object
    evidence: Evidence | None
    file: str
    sha256: str | None
    hpr: str | None
    place: Callable[[object, Evidence], None]

    def read(self) -> Read:
        evidence = self.evidence
        text = evidence.value if evidence is not None and evidence.value not in (None, "") else None
        return Read(value=canonical(self.value), text=None if text is None else str(text), file=self.file,
                    where=evidence.where if evidence is not None else None, sha256=self.sha256,
                    route=evidence.route if evidence is not None else None)

    def put(self, value: object, text: str, attribution: Attribution) -> None:
        where = self.evidence.where if self.evidence is not None else WHOLE_FILE
        self.place(value, Evidence(file=self.file, where=where, value=text, route="corrected", corrected=attribution))


def locate(facts: ApplicationFacts, address: Address) -> Target:
    """The target in `facts` (changed in place by Target.put); CorrectionError when the application has none."""
    spec = address.spec
    if address.scope == "form":
        return _form_target(facts.form, address, spec)
    regime = regime_of(facts.form.grant_year)
    if regime is None:
        raise CorrectionError("Søknaden har ikke et tilskuddsår med regler, så legene kan ikke finnes; "
                              "rett tilskuddsåret først (form:grant_year).")
    if regime not in spec.regimes:
        raise CorrectionError(f"Feltet {address.text} ({spec.name}) finnes ikke i søknader etter regime {regime} "
                              f"(tilskuddsåret {facts.form.grant_year}).")
    found = budgets(facts.attachments)
    if not found:
        raise CorrectionError("Søknaden har ikke noe budsjett å rette i.")
    attachment, budget = found[0]
    if spec.application:
        return _extracted(f"{spec.name} i kravet", spec, budget.facilitation, attachment.file, attachment.sha256,
                          None, lambda v: setattr(budget, "facilitation", v))
    doctors = doctors_from_budget(budget, regime)
    doctor = _doctor(doctors, address.doctor)
    if address.scope == "doctor":
        attach_documents(doctors, facts.attachments)
        return _agreement_target(doctor, address, spec)
    if address.scope == "claim":
        return _claim_target(doctor, address, spec, attachment.file, attachment.sha256)
    return _budget_target(budget, doctor, address, spec, attachment.file, attachment.sha256)


def _extracted(label: str, spec: FieldSpec, current: Extracted, file: str, sha256: str | None, hpr: str | None,
               store: Callable[[Extracted], None]) -> Target:
    def place(value: object, evidence: Evidence) -> None:
        store(Extracted(value=value, evidence=evidence, grade=Grade.found))

    return Target(label, spec, current.value, current.evidence, file, sha256, hpr, place)


def _form_target(form: FormRecord, address: Address, spec: FieldSpec) -> Target:
    def place(value: object, evidence: Evidence) -> None:
        setattr(form, address.field, value)
        form.field_problems.pop(spec.key, None)

    evidence = Evidence(file=FORM_FILE, where=spec.key, route="form-field")
    return Target(f"{spec.name} i skjemaet", spec, getattr(form, address.field), evidence, FORM_FILE, form.sha256,
                  None, place)


def _doctor(doctors: list[DoctorDocs], key: str | None) -> DoctorDocs:
    exact = [d for d in doctors if d.key == key]
    by_hpr = [d for d in doctors if d.hpr is not None and d.hpr == normalise_hpr(key)]
    found = exact or by_hpr
    if len(found) == 1:
        return found[0]
    listed = ", ".join(f"{d.key} ({d.name})" if d.name else d.key for d in doctors) or "ingen"
    if found:
        raise CorrectionError(f"HPR-nummeret {key} står på flere rader i budsjettet; oppgi raden slik: "
                              f"{', '.join(d.key for d in found)}.")
    raise CorrectionError(f"Søknaden har ingen lege «{key}» i budsjettet. Legene i søknaden: {listed}.")


def _who(doctor: DoctorDocs) -> str:
    return doctor.name or doctor.hpr or doctor.key


def _agreement_target(doctor: DoctorDocs, address: Address, spec: FieldSpec) -> Target:
    if not doctor.agreements:
        raise CorrectionError(f"Det er ingen avtale for {_who(doctor)} å rette i (funnet doc.agreement-missing "
                              "kan avklares med --accept).")
    attachment, record = doctor.agreements[0]
    return _extracted(f"{spec.name} for {_who(doctor)}", spec, getattr(record, address.field), attachment.file,
                      attachment.sha256, doctor.hpr, lambda v: setattr(record, address.field, v))


def _claim_target(doctor: DoctorDocs, address: Address, spec: FieldSpec, file: str, sha256: str) -> Target:
    claims = [c for c in doctor.claims if c.month.value == address.month]
    if len(claims) != 1:
        months = month_labels([c.month.value for c in doctor.claims if c.month.found]) or "ingen"
        many = "mer enn ett krav" if claims else "ikke noe krav"
        raise CorrectionError(f"{_who(doctor)} har {many} for {month_labels([address.month])}. "
                              f"Månedene i kravet: {months}.")
    claim = claims[0]
    label = f"{spec.name} for {_who(doctor)}, {month_labels([address.month])}"
    return _extracted(label, spec, getattr(claim, address.field), file, sha256, doctor.hpr,
                      lambda v: setattr(claim, address.field, v))


def _budget_target(budget: BudgetRecord, doctor: DoctorDocs, address: Address, spec: FieldSpec, file: str,
                   sha256: str) -> Target:
    who, field = _who(doctor), address.field
    entries = doctor.budget_entries
    if field == "district_supplement":
        keys = [k for k in budget.district_supplement if normalise_hpr(k) == doctor.hpr]
        if not keys:
            raise CorrectionError(f"Kravet oppgir ikke distriktstillegg for {who}.")
        return _extracted(f"{spec.name} for {who}", spec, budget.district_supplement[keys[0]], file, sha256,
                          doctor.hpr, lambda v: budget.district_supplement.__setitem__(keys[0], v))
    if field == "cost":
        row = doctor.rows[0]
        name = next((n for n in row.costs if n.casefold() == address.cost.casefold()), None)
        if name is None:
            listed = ", ".join(row.costs) or "ingen"
            raise CorrectionError(f"Budsjettraden for {who} har ingen kostnad «{address.cost}». "
                                  f"Kostnadene i raden: {listed}.")
        return _extracted(f"{spec.name} «{name}» for {who}", spec, row.costs[name], file, sha256, doctor.hpr,
                          lambda v: row.costs.__setitem__(name, v))
    if field == "hpr_number":
        return _extracted(f"{spec.name} for {who}", spec, entries[0].hpr_number, file, sha256, doctor.hpr,
                          lambda v: _renumber(budget, doctor, v))
    def every_entry(value: Extracted) -> None:
        for entry in entries:
            setattr(entry, field, value)

    return _extracted(f"{spec.name} for {who}", spec, getattr(entries[0], field), file, sha256, doctor.hpr,
                      every_entry)


def _renumber(budget: BudgetRecord, doctor: DoctorDocs, hpr: Extracted) -> None:
    """Every row of the doctor gets the corrected HPR, and the district supplement listed under the old one."""
    old = doctor.hpr
    for entry in doctor.budget_entries:
        entry.hpr_number = hpr
    for key in [k for k in budget.district_supplement if old is not None and normalise_hpr(k) == old]:
        budget.district_supplement[hpr.value] = budget.district_supplement.pop(key)
