"""bekreftelse.docx: the confirmation a granted letter encloses, which the municipality signs and returns.

The letter says "Vedlagt ligger en bekreftelse": this is it. It states the
grant as the letter does and leaves the municipality's part (account number,
place and date, signature) as fields to fill in. A refusal has no terms to
accept and a manual review no letter, so neither gets one.
"""
from __future__ import annotations

from datetime import date

from pipeline.render.environment import TEMPLATES
from pipeline.render.format import dato, kroner
from pipeline.render.letter import GRANTED, granted_amount, year_phrase
from pipeline.render.word import render_docx
from pipeline.result import Result

TEMPLATE = TEMPLATES / "bekreftelse.docx"


def encloses_confirmation(result: Result) -> bool:
    return result.status in GRANTED


def render_confirmation(result: Result, today: date) -> bytes:
    """The confirmation for an approve or partial result, dated as the letter it goes with."""
    if not encloses_confirmation(result):
        raise ValueError(f"{result.submission_id}: {result.status} gets no confirmation")
    return render_docx(TEMPLATE, confirmation_context(result, today))


def confirmation_context(result: Result, today: date) -> dict:
    return {
        "title": f"Bekreftelse av tilskudd til ALIS{year_phrase(result)}",
        "municipality_name": result.municipality.name or "Kommunen",
        "org_number": result.municipality.org_number or "–",
        "reference": result.submission_id,
        "letter_date": dato(today),
        "granted_total": kroner(granted_amount(result)),
    }
