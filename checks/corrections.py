"""A caseworker's corrections of what the machine read, applied to an application's facts before the rules run.

She corrects a value (`alis correct ID --field doctor:1234567:employment_end --value 30.06.2024`) or settles
a finding that stopped the case (`--accept doc.agreement-unsigned --doctor 1234567`), each with who, when and
why, kept in a small YAML file per application (pipeline/corrections.py). On every later run the corrected
value replaces the one read, with evidence whose route is `corrected` (a strong route: a person checked it),
so the rules decide again on it; a settled finding becomes `info`, keeping its rule and message. Each
correction keeps what was read where it applies: when a later run reads something else there (a new version
of the file), the correction is not applied and the case goes to a person (doc.correction-outdated). An
entry that cannot be used (the file edited by hand) is doc.correction-invalid; the others still apply.

Plain Python: facts in, corrected facts out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError

from checks.correction_targets import WHOLE_FILE, Read, Target, locate, parse_address
from checks.correction_values import CorrectionError, canonical, catalogue, parse_value, shown, typed
from checks.doctors import normalise_hpr
from checks.findings import finding, rule_table
from checks.models import ApplicationFacts, Finding
from extractors.models import Attribution, Evidence


def _as_text(value: object) -> object:
    """YAML reads 2024-06-30 as a date, 240000 as a number and yes as true: a value is the text as written."""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_as_text), StringConstraints(strip_whitespace=True, min_length=1)]
MaybeText = Annotated[str | None, BeforeValidator(_as_text)]


class Attributed:
    """An entry a caseworker answers for, by its fields `by`, `at` and `why`."""

    @property
    def attribution(self) -> Attribution:
        return Attribution(by=self.by, at=self.at, why=self.why)


class ValueCorrection(Attributed, BaseModel):
    """A value corrected: where (an address), the value as the caseworker wrote it, and what was read there."""

    model_config = ConfigDict(extra="forbid")

    field: Text
    value: Text
    why: Text
    by: Text
    at: datetime
    read: Read


class Seen(BaseModel):
    """A finding as the caseworker saw it when she settled it (its evidence identifies it on later runs)."""

    model_config = ConfigDict(extra="forbid")

    message: str = ""
    file: MaybeText = None
    where: MaybeText = None
    value: MaybeText = None

    @classmethod
    def of(cls, found: Finding) -> "Seen":
        evidence = found.evidence or Evidence(file="", where="")
        return cls(message=found.message, file=evidence.file or None, where=evidence.where or None,
                   value=None if evidence.value is None else str(evidence.value))

    def same(self, found: Finding) -> bool:
        other = Seen.of(found)
        return (self.file, self.where, self.value) == (other.file, other.where, other.value)


class Acceptance(Attributed, BaseModel):
    """Findings of one rule (for one doctor, or for the application) settled by a caseworker."""

    model_config = ConfigDict(extra="forbid")

    rule: Text
    doctor: MaybeText = None
    why: Text
    by: Text
    at: datetime
    findings: list[Seen]

    def covers(self, found: Finding) -> bool:
        return (found.rule == self.rule and normalise_hpr(found.hpr_number) == normalise_hpr(self.doctor)
                and found.severity == "review" and any(seen.same(found) for seen in self.findings))


class CorrectionsFile(BaseModel):
    """OUT/corrections/ID.yaml: an application's corrections, oldest first (a later one of a value wins)."""

    model_config = ConfigDict(extra="forbid")

    submission_id: Text
    corrections: list[ValueCorrection] = []
    accepted: list[Acceptance] = []


State = Literal["applied", "outdated", "invalid", "replaced", "unused"]


class CorrectionResult(BaseModel):
    """A correction as result.json keeps it: what was read, the corrected value, who, when, why, and whether it
    was applied. `kind` "value" corrects a value at `field`; "accept" settles the findings of `rule`."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    kind: Literal["value", "accept"]
    field: str | None = None
    rule: str | None = None
    hpr_number: str | None = None
    label: str  # what was corrected or settled, in Norwegian
    value: str | None = None  # canonical: 2024-06-30, 240000, true
    shown: str | None = None  # as a caseworker reads it: 30.06.2024
    read: Read | None = None
    read_shown: str | None = None
    findings: list[Seen] = []  # accept: the findings it settles
    by: str
    at: datetime
    why: str
    state: State
    note: str = ""  # Norwegian: why it was not applied

    def acceptance(self) -> Acceptance:
        return Acceptance(rule=self.rule, doctor=self.hpr_number, findings=self.findings, by=self.by, at=self.at,
                          why=self.why)


@dataclass(frozen=True)
class Loaded:
    """An application's corrections as found: the file's entries, or why the file could not be used."""

    file: CorrectionsFile | None = None
    problem: str | None = None


def load_text(text: str, sid: str, name: str) -> Loaded:
    """The corrections file `name` holding `text`, validated; a broken one is its problem in Norwegian."""
    try:
        data = yaml.safe_load(text)
        if data is None:
            return Loaded()
        file = CorrectionsFile.model_validate(data)
    except RecursionError:
        return Loaded(problem=f"Korrigeringsfilen {name} er nestet for dypt.")
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (linje {where.line + 1})" if where is not None else ""
        return Loaded(problem=f"Korrigeringsfilen {name} er ikke gyldig YAML{line}.")
    except ValidationError as exc:
        return Loaded(problem=f"Korrigeringsfilen {name} har feil: {_errors(exc)}.")
    if file.submission_id != sid:
        return Loaded(problem=f"Korrigeringsfilen {name} gjelder søknad {file.submission_id}, ikke {sid}.")
    return Loaded(file=file)


def _errors(exc: ValidationError) -> str:
    said = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "filen"
        said.append(f"{where}: {'mangler' if error['type'] == 'missing' else 'har feil verdi'}")
    return "; ".join(said)


@dataclass
class Corrected:
    """The facts with the corrections applied, what became of each, the findings they raise, and the
    acceptances that settle findings once the rules have run."""

    facts: ApplicationFacts
    results: list[CorrectionResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    acceptances: list[CorrectionResult] = field(default_factory=list)

    def settle(self, findings: list[Finding]) -> list[Finding]:
        """The rules' findings with those the caseworker settled turned into info; marks what was used."""
        return settle(findings, self.acceptances)


def corrected(facts: ApplicationFacts, loaded: Loaded | None) -> Corrected:
    """`facts` (not changed) with every usable correction of `loaded` applied, in the file's order, the form's
    first (the grant year decides the regime, and so who the doctors are)."""
    if loaded is None or (loaded.file is None and loaded.problem is None):
        return Corrected(facts)
    done = Corrected(facts.model_copy(deep=True))
    if loaded.problem is not None:
        done.findings.append(finding("doc.correction-invalid",
                                     f"{loaded.problem} Ingen korrigeringer er brukt. Rett eller fjern filen."))
        return done
    entries = loaded.file.corrections
    keys = [_key(entry.field) for entry in entries]
    latest = {key: index for index, key in enumerate(keys)}
    order = sorted(range(len(entries)), key=lambda i: not keys[i].startswith("form:"))
    results: dict[int, CorrectionResult] = {}
    for index in order:
        results[index] = _apply(done, entries[index], replaced=latest[keys[index]] != index)
    done.results = [results[i] for i in range(len(entries))]
    done.acceptances = _acceptances(loaded.file.accepted, done)
    done.results += done.acceptances
    return done


def _key(text: str) -> str:
    """One key for the addresses of one value, however written ("mars 2024" is 2024-03)."""
    try:
        return parse_address(text).text
    except CorrectionError:
        return text.strip()


def _apply(done: Corrected, entry: ValueCorrection, replaced: bool) -> CorrectionResult:
    result = CorrectionResult(kind="value", field=entry.field, label=entry.field, value=None, by=entry.by,
                              at=entry.at, why=entry.why, read=entry.read, state="invalid")
    try:
        address = parse_address(entry.field)
        spec = address.spec
        value = parse_value(spec.kind, entry.value, spec.name)
    except CorrectionError as exc:
        result.note = str(exc)
        done.findings.append(finding("doc.correction-invalid",
                                     f"Korrigeringen av {entry.field} ({entry.by}) kan ikke brukes: {exc} "
                                     "Rett eller fjern den i korrigeringsfilen."))
        return result
    result.field, result.value, result.shown = address.text, canonical(value), shown(spec.kind, value)
    result.read_shown = shown(spec.kind, typed(spec.kind, entry.read.value))
    result.label = spec.name
    if replaced:
        result.state, result.note = "replaced", "Erstattet av en senere korrigering av samme verdi."
        return result
    try:
        target = locate(done.facts, address)
    except CorrectionError as exc:
        return _outdated(done, result, f"verdien finnes ikke lenger i søknaden: {exc}")
    result.label, result.hpr_number = target.label, target.hpr
    now = target.read()
    if not now.same_reading(entry.read):
        return _outdated(done, result, _changed(target, entry.read, now), now)
    target.put(value, entry.value, entry.attribution)
    result.state = "applied"
    return result


def _changed(target: Target, before: Read, now: Read) -> str:
    new_file = " i en ny versjon av filen" if before.sha256 and now.sha256 and before.sha256 != now.sha256 else ""
    return (f"«{target.file}»{new_file} oppgir nå {_reading(target, now)}, men da korrigeringen ble gjort, "
            f"ble det lest {_reading(target, before)}")


def _reading(target: Target, read: Read) -> str:
    kind = target.spec.kind
    if read.value is not None:
        return shown(kind, typed(kind, read.value))
    return f"en tekst som ikke kunne tolkes («{read.text}»)" if read.text else "ingen verdi"


def _outdated(done: Corrected, result: CorrectionResult, why: str, now: Read | None = None) -> CorrectionResult:
    result.state, result.note = "outdated", why[0].upper() + why[1:] + "."
    done.findings.append(finding(
        "doc.correction-outdated",
        f"Korrigeringen av {result.label} til {result.shown} (av {result.by} {result.at:%d.%m.%Y}) er ikke brukt: "
        f"{why}. Kontroller verdien, og rett den på nytt eller fjern korrigeringen.",
        hpr=result.hpr_number, evidence=_evidence(now or result.read)))
    return result


def _evidence(read: Read) -> Evidence | None:
    """Where the value stands now (or stood when it was corrected), for the finding."""
    if read.file is None:
        return None
    return Evidence(file=read.file, where=read.where or WHOLE_FILE,
                    value=read.text if read.text is not None else read.value)


def _acceptances(entries: list[Acceptance], done: Corrected) -> list[CorrectionResult]:
    """One result per acceptance; the latest for a rule and doctor wins. An acceptance of a rule that may not
    be settled (the file edited by hand) is invalid."""
    latest = {(e.rule, normalise_hpr(e.doctor)): i for i, e in enumerate(entries)}
    results = []
    for index, entry in enumerate(entries):
        result = CorrectionResult(kind="accept", rule=entry.rule, hpr_number=normalise_hpr(entry.doctor),
                                  label=_accept_label(entry), findings=entry.findings,
                                  by=entry.by, at=entry.at, why=entry.why, state="unused",
                                  note="Søknaden har ikke lenger dette funnet.")
        problem = settle_refused(entry.rule)
        if problem:
            result.state, result.note = "invalid", problem
            done.findings.append(finding("doc.correction-invalid",
                                         f"Avklaringen av {entry.rule} ({entry.by}) kan ikke brukes: {problem} "
                                         "Rett eller fjern den i korrigeringsfilen."))
        elif latest[(entry.rule, normalise_hpr(entry.doctor))] != index:
            result.state, result.note = "replaced", "Erstattet av en senere avklaring av samme funn."
        results.append(result)
    return results


def _accept_label(entry: Acceptance) -> str:
    """The settled finding as the caseworker saw it: its message ("Mangler ALIS-avtale for Kari Nordmann.")."""
    said = " ".join(dict.fromkeys(seen.message for seen in entry.findings if seen.message))
    return said or f"funnet {entry.rule}" + (f" for legen med HPR-nummer {entry.doctor}" if entry.doctor else "")


def settle_refused(rule: str) -> str | None:
    """Why findings of `rule` may not be settled by accepting them (None: they may)."""
    if rule not in rule_table():
        return f"{rule} er ikke en regel."
    if rule in catalogue()["unsettled"]:
        return f"Funn av {rule} kan ikke avklares: {catalogue()['unsettled'][rule]}."
    if rule_table()[rule].severity != "review":
        return (f"Funn av {rule} stopper ikke saken; de følger av verdiene i søknaden, og endres ved å rette "
                "verdiene med --field.")
    return None


def settle(findings: list[Finding], acceptances: list[CorrectionResult]) -> list[Finding]:
    """Every finding an acceptance covers turned into info, settled by whom, when and why; each acceptance that
    settles one is marked applied."""
    usable = [a for a in acceptances if a.state in ("unused", "applied")]
    settled = []
    for found in findings:
        by = next((a for a in usable if a.acceptance().covers(found)), None)
        if by is None:
            settled.append(found)
            continue
        by.state, by.note = "applied", ""
        settled.append(found.model_copy(update={"severity": "info", "settled": by.acceptance().attribution}))
    return settled


def new_correction(facts: ApplicationFacts, file: CorrectionsFile, address_text: str, value: str,
                   attribution: Attribution) -> tuple[ValueCorrection, CorrectionResult]:
    """A correction of what was read (`facts`, as read), checked before it is stored: the address exists in the
    application (after the file's other corrections), the value is one of the field's kind. CorrectionError
    says what is wrong."""
    address = parse_address(address_text)
    others = file.model_copy(update={"corrections": [c for c in file.corrections
                                                     if _key(c.field) != address.text]})
    target = locate(corrected(facts, Loaded(file=others)).facts, address)
    spec = address.spec
    parsed = parse_value(spec.kind, value, spec.name)
    entry = ValueCorrection(field=address.text, value=value, read=target.read(), by=attribution.by,
                            at=attribution.at, why=attribution.why)
    result = CorrectionResult(kind="value", field=address.text, hpr_number=target.hpr, label=target.label,
                              value=canonical(parsed), shown=shown(spec.kind, parsed), read=entry.read,
                              read_shown=shown(spec.kind, target.value), by=attribution.by, at=attribution.at,
                              why=attribution.why, state="applied")
    return entry, result


def new_acceptance(findings: list[Finding], rule: str, doctor: str | None,
                   attribution: Attribution) -> Acceptance:
    """An acceptance of the findings of `rule` (for `doctor`) the application has now (`findings`, as its
    result holds them), checked before it is stored. CorrectionError says what is wrong."""
    refused = settle_refused(rule)
    if refused:
        raise CorrectionError(refused)
    hpr = normalise_hpr(doctor)
    of_rule = [f for f in findings if f.rule == rule and (f.severity == "review" or f.settled is not None)]
    matched = [f for f in of_rule if normalise_hpr(f.hpr_number) == hpr]
    if not matched:
        doctors = sorted({f.hpr_number for f in of_rule if f.hpr_number})
        if not of_rule:
            raise CorrectionError(f"Søknaden har ikke noe funn {rule} som stopper saken.")
        if hpr is None:
            raise CorrectionError(f"Funnet {rule} gjelder en lege; oppgi hvem med --doctor ({', '.join(doctors)}).")
        others = ", ".join(doctors) or "søknaden som helhet (uten --doctor)"
        raise CorrectionError(f"Søknaden har ikke noe funn {rule} for legen {doctor}; funnet gjelder {others}.")
    return Acceptance(rule=rule, doctor=hpr, findings=[Seen.of(f) for f in matched], by=attribution.by,
                      at=attribution.at, why=attribution.why)
