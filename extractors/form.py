"""skjema.json read into a FormRecord that never raises (docs/contract.md §1).

Whatever is wrong with the form becomes a Norwegian line in `problems`
(doc.form-invalid), and every field that could be read is kept.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractors.models import FormRecord

_MAX_BYTES = 5_000_000


def read_form(path: Path) -> FormRecord:
    try:
        if path.stat().st_size > _MAX_BYTES:
            return FormRecord(problems=["Søknadsskjemaet er for stort til å leses."])
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return FormRecord(problems=["Søknadsskjemaet mangler i innsendingen."])
    except OSError:
        return FormRecord(problems=["Søknadsskjemaet kunne ikke leses."])
    except UnicodeDecodeError:
        return FormRecord(problems=["Søknadsskjemaet har tegn som ikke kan leses (ikke UTF-8-tekst)."])
    try:
        data = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, ValueError, RecursionError):
        return FormRecord(problems=["Søknadsskjemaet er skadet og kan ikke leses (ikke gyldig JSON)."])
    if not isinstance(data, dict):
        return FormRecord(problems=["Søknadsskjemaet har ikke feltene et søknadsskjema skal ha."])
    return _record(data)


def _record(data: dict[str, Any]) -> FormRecord:
    problems: dict[str, str] = {}
    municipality = _object(data, "municipality", "kommune", problems)
    contact = _object(data, "contact", "kontaktperson", problems)
    record = FormRecord(
        submission_id=_text(data, "submission_id", "innsendings-id", problems),
        grant_year=_year(data.get("grant_year"), problems),
        submitted_at=_text(data, "submitted_at", "innsendingstidspunkt", problems),
        municipality_name=_text(municipality, "name", "kommunenavn", problems, "municipality."),
        kommunenummer=_digits(municipality, "kommunenummer", "kommunenummer", problems, "municipality."),
        org_number=_digits(municipality, "org_number", "organisasjonsnummer", problems, "municipality."),
        contact_name=_text(contact, "name", "kontaktpersonens navn", problems, "contact."),
        contact_email=_text(contact, "email", "kontaktpersonens e-post", problems, "contact."),
        requested_amount=_amount(data, "requested_amount_nok", "søknadsbeløp", problems),
        unused_funds=_amount(data, "unused_funds_nok", "ubrukte midler", problems),
        recruitment_challenges=_text(data, "recruitment_challenges", "rekrutteringsutfordringer", problems),
        planned_activities=_text(data, "planned_activities", "planlagte tiltak", problems),
    )
    if data.get("grant_year") is None:
        problems["grant_year"] = "Tilskuddsår mangler i søknadsskjemaet."
    if municipality.get("org_number") is None:
        problems["municipality.org_number"] = "Organisasjonsnummer mangler i søknadsskjemaet."
    if data.get("requested_amount_nok") is None:
        problems["requested_amount_nok"] = "Søknadsbeløp mangler i søknadsskjemaet."
    record.field_problems = problems
    return record


def _object(data: dict[str, Any], key: str, name: str, problems: dict[str, str]) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems[key] = f"Feltet {name} i søknadsskjemaet har feil type."
        return {}
    return value


def _text(data: dict[str, Any], key: str, name: str, problems: dict[str, str], within: str = "") -> str | None:
    """`within` is the path of the object holding `key` ("municipality."): a problem is kept under the whole
    key, so a correction of the field (checks/corrections.py) knows it is settled."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems[within + key] = f"Feltet {name} i søknadsskjemaet er ikke tekst."
        return None
    return value.strip() or None


def _digits(data: dict[str, Any], key: str, name: str, problems: dict[str, str], within: str = "") -> str | None:
    """Org numbers and kommunenummer are digit strings; a JSON number is accepted as such."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(4) if key == "kommunenummer" else str(value)
    if not isinstance(value, str):
        problems[within + key] = f"Feltet {name} i søknadsskjemaet har feil type."
        return None
    cleaned = value.replace(" ", "").replace("\u00a0", "")
    return cleaned or None


def _year(value: object, problems: dict[str, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        problems["grant_year"] = "Tilskuddsår i søknadsskjemaet er ikke et årstall."
        return None
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    elif isinstance(value, Decimal) and value == value.to_integral_value():
        year = int(value)
    else:
        problems["grant_year"] = "Tilskuddsår i søknadsskjemaet er ikke et årstall."
        return None
    if not 1900 <= year <= 2200:
        problems["grant_year"] = f"Tilskuddsår {year} i søknadsskjemaet er ikke et gyldig årstall."
        return None
    return year


def _amount(data: dict[str, Any], key: str, name: str, problems: dict[str, str]) -> Decimal | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        problems[key] = f"Feltet {name} i søknadsskjemaet er ikke et tall."
        return None
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        problems[key] = f"Feltet {name} i søknadsskjemaet er ikke et gyldig beløp."
        return None
    return amount
