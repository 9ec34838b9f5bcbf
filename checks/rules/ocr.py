"""Values read by OCR: doc.ocr-read on every attachment OCR read, doc.ocr-uncertain on every value the
rules need that came from OCR and that nothing confirms.

OCR is confidently wrong in ways its confidence does not show (a signature over
a party word, a ruling line read as a digit: research measured wrong values at
0.97 and above), so a value read from an image decides nothing on its own.
What confirms it, field by field:

- HPR number and name: the same value in the budget, or in a training plan with a
  real text layer. An exact match settles it whatever the confidence: a misread
  cannot equal the right value by chance. A difference is uncertain (and
  id.doctor-mismatch says so too).
- Org number: the check digit (mod 11) holds and it is the form's number.
- Position: in regime A, the budget row's position when the budget states one.
  Otherwise no text-layer document states it: read from its label at or above
  the threshold.
- Employment start and end, effective from, the signature dates: read at or
  above the threshold, and, in regime B, the claim agrees: no claimed month is
  taken away on their account (a reduction would rest on OCR alone). In regime A
  these dates decide nothing but that the agreement is signed. A vikar's start
  and end decide whether the vikariat is long enough, which no other document
  shows: never confirmed.
- Via vikarbyrå (regime B): a statement whose words (the agency word, a "not")
  were read at or above the threshold; an agreement read by OCR that says
  nothing about a vikarbyrå counts as "no" only when every sentence was read at
  or above it (the extractor gives silence the confidence of the least well
  read sentence, which could have held the statement).
- Any refusal or reduction whose evidence is an OCR value rests on OCR alone.

The threshold is data (ocr.yaml beside this module), with its reason.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from checks.doctors import DoctorDocs, normalise_hpr, normalise_name
from checks.findings import finding
from checks.models import Finding
from checks.parameters import YearParameters
from checks.rules.eligibility import POSITION_NAMES
from checks.rules.identity import orgnr_is_valid
from extractors.models import Attachment, Evidence, Extracted, FormRecord

_SETTINGS = Path(__file__).with_name("ocr.yaml")
_LABELS = {
    "hpr_number": "HPR-nummer", "doctor_name": "Navn", "municipality_org_number": "Organisasjonsnummer",
    "position": "Stilling", "employment_start": "Tiltredelsesdato", "employment_end": "Sluttdato",
    "effective_from": "Avtalen gjelder fra", "signed_municipality": "Kommunens signaturdato",
    "signed_doctor": "Legens signaturdato", "via_agency": "Ansatt via vikarbyrå",
}
_COVERAGE = ("employment_start", "employment_end", "effective_from", "signed_municipality", "signed_doctor")
_MONTH_RULES = ("elig.month-before-signing", "elig.month-under-three-weeks")


@dataclass(frozen=True)
class OcrSettings:
    threshold: float
    source: str


@cache
def settings() -> OcrSettings:
    data = yaml.safe_load(_SETTINGS.read_text(encoding="utf-8"))["threshold"]
    return OcrSettings(threshold=float(data["value"]), source=str(data["source"]))


def read_by_ocr(attachments: list[Attachment]) -> list[Finding]:
    """doc.ocr-read for every attachment OCR read, with how sure it was."""
    found = []
    for attachment in attachments:
        if "ocr" in attachment.flags and attachment.ocr is not None:
            found.append(finding(
                "doc.ocr-read",
                f"Vedlegget «{attachment.file}» er skannet eller fotografert og {attachment.ocr.summary()}. "
                "Verdier herfra er merket med hvor sikker lesingen var.",
                evidence=Evidence(file=attachment.file, where="hele filen")))
    return found


def uncertain(doctor: DoctorDocs, params: YearParameters, form: FormRecord, findings: list[Finding]) -> list[Finding]:
    """doc.ocr-uncertain for each value of the doctor's agreement that came from OCR unconfirmed;
    `findings` are the doctor's other findings (refusals and reductions may rest on an OCR value)."""
    if doctor.agreement is None:
        return []
    attachment, record = doctor.agreements[0]
    threshold = settings().threshold
    out = []
    for field in _needed(params):
        value: Extracted = getattr(record, field)
        confidence = value.evidence.ocr_confidence if value.evidence else None
        if confidence is None or not value.found:
            continue
        why = _why_unconfirmed(field, value, confidence, doctor, params, form, findings, threshold)
        if why:
            out.append(_finding(field, value, confidence, why, doctor, attachment.file))
    return out


def _needed(params: YearParameters) -> list[str]:
    fields = ["hpr_number", "doctor_name", "position", "employment_start", "employment_end",
              "signed_municipality", "signed_doctor", "municipality_org_number"]
    if not params.is_regime_a:
        fields += ["effective_from", "via_agency"]
    return fields


def _why_unconfirmed(field: str, value: Extracted, confidence: float, doctor: DoctorDocs, params: YearParameters,
                     form: FormRecord, findings: list[Finding], threshold: float) -> str | None:
    """Why the value is not confirmed, in Norwegian; None when it is."""
    if field in ("hpr_number", "doctor_name"):
        return _against_text_documents(field, value, doctor)
    if field == "municipality_org_number":
        if not orgnr_is_valid(value.value):
            return "kontrollsifferet stemmer ikke"
        return None if value.value == form.org_number else f"skjemaet oppgir {form.org_number or 'et annet'}"
    decided = _decides_alone(value, findings)
    if decided:
        return decided
    if field == "position" and params.is_regime_a:
        stated = next((row.position.value for row in doctor.rows if row.position.found), None)
        if stated is not None:
            return None if stated == value.value else "budsjettet oppgir en annen stilling"
    if confidence < threshold and value.evidence.route == "default":
        return (f"avtalen nevner ikke vikarbyrå, men en setning i den er lest med sikkerhet under terskelen "
                f"{_comma(threshold)} og kan ha handlet om det")
    if confidence < threshold:
        return f"sikkerheten er under terskelen {_comma(threshold)}"
    if field in _COVERAGE:
        return _coverage_unconfirmed(field, doctor, params, findings)
    return None


def _against_text_documents(field: str, value: Extracted, doctor: DoctorDocs) -> str | None:
    same = normalise_hpr if field == "hpr_number" else normalise_name
    stated = [doctor.hpr if field == "hpr_number" else doctor.name]
    stated += [getattr(plan, field).value for attachment, plan in doctor.plans
               if "ocr" not in attachment.flags and getattr(plan, field).found]
    stated = [s for s in stated if s]
    if not stated:
        return "ingen dokument med tekstlag oppgir den"
    if any(same(value.value) == same(s) for s in stated):
        return None
    return f"budsjettet oppgir {stated[0]}"


def _decides_alone(value: Extracted, findings: list[Finding]) -> str | None:
    """A refusal or reduction whose evidence is this very OCR reading."""
    for found in findings:
        if found.severity in ("reject", "reduce") and found.evidence is not None and value.evidence is not None \
                and found.evidence.ocr_confidence is not None and found.evidence.file == value.evidence.file \
                and found.evidence.where == value.evidence.where and found.evidence.value == value.evidence.value:
            return f"den avgjør alene et {'avslag' if found.severity == 'reject' else 'trekk'} ({found.rule})"
    return None


def _coverage_unconfirmed(field: str, doctor: DoctorDocs, params: YearParameters,
                          findings: list[Finding]) -> str | None:
    if doctor.position.value == "vikar" and params.vikar_min_months is not None \
            and field in ("employment_start", "employment_end"):
        return "den avgjør om vikariatet er langt nok, og ingen dokument med tekstlag bekrefter den"
    if params.is_regime_a:
        return None
    refused = [f for f in findings if f.rule in _MONTH_RULES]
    if refused:
        return "den tar bort krav for måneder kommunen har søkt om (" + "; ".join(f.rule for f in refused) + ")"
    return None


def _finding(field: str, value: Extracted, confidence: float | None, why: str, doctor: DoctorDocs,
             file: str) -> Finding:
    shown = _shown(value.value)
    sure = f" (sikkerhet {_comma(confidence)})" if confidence is not None else ""
    subject = f"{_LABELS[field]} {shown} er lest med OCR{sure}" if field != "via_agency" else \
        f"{_LABELS[field]}: «{shown}» er lest med OCR{sure}"
    return finding("doc.ocr-uncertain",
                   f"{subject} og ikke bekreftet av et annet dokument: {why}; kontroller mot avtalen «{file}».",
                   hpr=doctor.hpr, evidence=value.evidence)


def _shown(value: object) -> str:
    if value in POSITION_NAMES:
        return POSITION_NAMES[value]
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return str(value)


def _comma(value: float | None) -> str:
    """Two decimals, rounded down: 0.8997 under a threshold of 0.90 must not show as 0,90."""
    return f"{math.floor(value * 100) / 100:.2f}".replace(".", ",") if value is not None else "ukjent"
