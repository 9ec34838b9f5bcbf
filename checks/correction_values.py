"""A caseworker's value as she writes it ("30.06.2024", "kr 240 000", "ja") turned into the value the rules use.

The same Norwegian parsers as the extractors (extractors/values.py), but strict: the whole text must be one
value of the field's kind, since a correction is a person's statement, not a reading to guess from. Each
value also has a canonical text (stored with a correction, compared on later runs) and a Norwegian form
for summaries and messages.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from checks.money import format_number, kr
from checks.parameters import UnknownYear, known_years, load_parameters
from checks.rules.eligibility import POSITION_NAMES
from checks.rules.identity import orgnr_is_valid
from extractors.fields import parse_answer
from extractors.values import clean_text, dates_in, parse_amount, parse_percent, parse_position

CATALOGUE_PATH = Path(__file__).with_name("corrections.yaml")


class CorrectionError(ValueError):
    """A correction that cannot be made or applied, with the reason in Norwegian."""


@cache
def catalogue() -> dict:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def parse_value(kind: str, text: str, name: str) -> object:
    """The typed value of `text` for a field of `kind`; CorrectionError when it is not one."""
    cleaned = clean_text(text)
    value = _PARSERS[kind](cleaned) if cleaned else None
    if value is None:
        expected = catalogue()["kinds"][kind]
        if kind == "year":
            expected += f" ({', '.join(str(y) for y in known_years())})"
        raise CorrectionError(f"«{text}» er ikke {expected} ({name}).")
    return value


def _date(text: str) -> date | None:
    found = dates_in(text)
    return found[0].value if len(found) == 1 and found[0].raw == text else None


def _amount(text: str) -> Decimal | None:
    value = parse_amount(text)
    return value if value is not None and value >= 0 else None


def _digits(text: str, pattern: str) -> str | None:
    digits = re.sub(r"[\s.\-]", "", text)
    return digits if re.fullmatch(pattern, digits) else None


def _org_number(text: str) -> str | None:
    digits = _digits(text, r"\d{9}")
    return digits if orgnr_is_valid(digits) else None


def _year(text: str) -> int | None:
    if not re.fullmatch(r"\d{4}", text):
        return None
    try:
        load_parameters(int(text))
    except UnknownYear:
        return None
    return int(text)


def _timestamp(text: str) -> str | None:
    """ISO 8601 as skjema.json holds it, or a Norwegian date (the day counts for the deadline)."""
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return text
    except ValueError:
        day = _date(text)
        return day.isoformat() if day else None


_PARSERS = {
    "date": _date,
    "amount": _amount,
    "hours": _amount,
    "percent": parse_percent,
    "hpr": lambda text: _digits(text, r"\d{7,9}"),
    "org_number": _org_number,
    "kommunenummer": lambda text: _digits(text, r"\d{4}"),
    "year": _year,
    "timestamp": _timestamp,
    "position": parse_position,
    "answer": parse_answer,
    "text": lambda text: text,
}


def canonical(value: object) -> str | None:
    """The text a value is stored and compared as: 2024-06-30, 240000, true, vikar."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def shown(kind: str, value: object) -> str:
    """The value as a caseworker reads it: 30.06.2024, 240 000 kr, ja, fastlegevikar; "–" for none."""
    if value is None:
        return "–"
    if kind == "date" and isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if kind == "amount":
        return kr(Decimal(value))
    if kind == "hours":
        return format_number(Decimal(value))
    if kind == "percent":
        return f"{format_number(Decimal(value))} %"
    if kind == "answer":
        return "ja" if value else "nei"
    if kind == "position":
        return POSITION_NAMES.get(str(value), str(value))
    return str(value)


def typed(kind: str, text: str | None) -> object:
    """A stored canonical text back to its value (for showing what was read); None stays None."""
    if text is None:
        return None
    if kind == "date":
        return date.fromisoformat(text)
    if kind in ("amount", "hours", "percent"):
        return Decimal(text)
    if kind == "answer":
        return text == "true"
    return text
