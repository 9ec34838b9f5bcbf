"""vedtak-utkast.docx: the draft decision letter a caseworker finishes in Word.

The wording lives in templates/vedtak-utkast.docx (see build_letter_template.py);
this module only supplies the facts, already formatted the Norwegian way.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipeline.render.amounts import OTHER_LABEL, other_amounts
from pipeline.render.environment import TEMPLATES
from pipeline.render.format import dato, kroner
from pipeline.render.word import render_docx
from pipeline.result import Result

TEMPLATE = TEMPLATES / "vedtak-utkast.docx"
DECISION_WORDS = {"approve": "innvilget", "partial": "delvis innvilget", "reject": "avslag"}
GRANTED = ("approve", "partial")  # a granted letter states the conditions and encloses the confirmation
REASON_SEVERITIES = ("reject", "reduce")
NOTE_SEVERITIES = ("info",)  # warnings are for the caseworker, not the municipality


def render_letter(result: Result, today: date, reporting_deadline: date | None = None) -> bytes:
    """The letter for an approve, partial or reject result; manual_review has no decision to write."""
    if result.status == "manual_review":
        raise ValueError(f"{result.submission_id}: manual_review gets no decision letter")
    return render_docx(TEMPLATE, letter_context(result, today, reporting_deadline))


def letter_context(result: Result, today: date, reporting_deadline: date | None = None) -> dict:
    """Every variable the template prints, as finished Norwegian text; the template decides the layout."""
    granted = granted_amount(result)
    name = result.municipality.name or "Kommunen"
    return {
        "municipality_name": name,
        "org_number": result.municipality.org_number or "–",
        "reference": result.submission_id,
        "letter_date": dato(today),
        "title": f"Søknad om tilskudd til ALIS{year_phrase(result)} – {DECISION_WORDS[result.status]}",
        "decision_text": _decision_text(result, name, granted),
        "granted": result.status in GRANTED,
        "doctors": [
            {
                "name": d.name or "–",
                "hpr_number": d.hpr_number or "–",
                "requested": kroner(d.requested_nok),
                "granted": kroner(d.recommended_nok),
            }
            for d in result.doctors
        ],
        **_other_row(result),
        "requested_total": kroner(result.requested_total_nok),
        "granted_total": kroner(result.recommended_total_nok),
        "amount_notes": _amount_notes(result, granted),
        "reasons": _messages(result, REASON_SEVERITIES),
        "notes": _messages(result, NOTE_SEVERITIES),
        "reporting_deadline": (
            f"innen {dato(reporting_deadline)}" if reporting_deadline
            else "innen fristen som er satt i regelverket for ordningen"
        ),
    }


def _other_row(result: Result) -> dict:
    other = other_amounts(result)
    return {
        "other": other is not None,
        "other_label": OTHER_LABEL,
        "other_requested": kroner(other.requested) if other else "",
        "other_granted": kroner(other.recommended) if other else "",
    }


def granted_amount(result: Result) -> Decimal:
    """What the municipality gets: the allocated amount once the appropriation was shared out."""
    if result.allocated_nok is not None:
        return result.allocated_nok
    return result.recommended_total_nok or Decimal("0")


def year_phrase(result: Result) -> str:
    return f" for {result.grant_year}" if result.grant_year else ""


def _decision_text(result: Result, name: str, granted: Decimal) -> str:
    requested = kroner(result.requested_total_nok)
    if result.status == "approve":
        return f"Helsedirektoratet innvilger {name} tilskudd på {kroner(granted)}{year_phrase(result)}, i samsvar med søknaden."
    if result.status == "partial":
        return (
            f"Helsedirektoratet innvilger {name} tilskudd på {kroner(granted)}{year_phrase(result)}. "
            f"Dere søkte om {requested}. Søknaden er delvis innvilget; begrunnelsen står nedenfor."
        )
    return (
        f"Helsedirektoratet har behandlet søknaden fra {name} om tilskudd på {requested}{year_phrase(result)}. "
        f"Søknaden er avslått; begrunnelsen står nedenfor."
    )


def _amount_notes(result: Result, granted: Decimal) -> list[str]:
    """Why the amount paid differs from the sum per doctor, when it does."""
    notes = []
    recommended = result.recommended_total_nok
    if result.allocated_nok is not None and recommended is not None and result.allocated_nok != recommended:
        notes.append(
            f"Søknadene om tilskudd{year_phrase(result)} er til sammen større enn bevilgningen. "
            f"Tilskuddet er derfor avkortet fra {kroner(recommended)} til {kroner(result.allocated_nok)}."
        )
    if result.status != "reject" and result.payout_nok is not None and result.payout_nok != granted:
        notes.append(f"Til utbetaling: {kroner(result.payout_nok)}.")
    return notes


def _messages(result: Result, severities: tuple[str, ...]) -> list[str]:
    """Finding messages for the municipality, each naming the doctor it concerns."""
    names = {d.hpr_number: d.name for d in result.doctors if d.hpr_number and d.name}
    messages = []
    for f in result.findings:
        if f.severity not in severities:
            continue
        name = names.get(f.hpr_number)
        messages.append(f"{name}: {f.message}" if name and name not in f.message else f.message)
    return list(dict.fromkeys(messages))
