"""The directorate's reference registers (docs/contract.md §2), validated on load.

A register with a wrong header or a bad value stops the run with a message
naming the file and the line: deciding on a half-read register would be wrong
for every application in the batch.
"""
from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel


class RegisterError(ValueError):
    """A register file is missing, has the wrong columns, or holds a bad value."""


class Municipality(BaseModel):
    kommunenummer: str
    name: str
    org_number: str
    sentraliseringsklasse: int


class GrantHistoryRow(BaseModel):
    hpr_number: str
    year: int
    org_number: str
    amount_nok: Decimal


MAX_FIELD_CHARS = 1_000  # longer than any name or number a register holds
MAX_FILE_BYTES = 200_000_000
_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?")


def _shown(text: str) -> str:
    """A bad value as the message quotes it: short, whatever it holds."""
    return repr(text if len(text) <= 40 else f"{text[:40]}…")


def _pattern(regex: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(regex)

    def check(text: str) -> str:
        if not compiled.fullmatch(text):
            raise ValueError(f"{what} må være {regex.strip('^$')}, fikk {_shown(text)}")
        return text

    return check


def _year(text: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValueError(f"år må ha fire sifre, fikk {_shown(text)}")
    return int(text)


def _klasse(text: str) -> int:
    if not re.fullmatch(r"0?[1-6]", text):
        raise ValueError(f"sentraliseringsklasse må være 1–6, fikk {_shown(text)}")
    return int(text)


def _amount(text: str) -> Decimal:
    """A plain decimal number of kroner: NaN, infinity, exponents and digit separators are refused."""
    if not _AMOUNT.fullmatch(text):
        raise ValueError(f"beløp må være et tall med punktum som desimaltegn, fikk {_shown(text)}")
    return Decimal(text)


def _text(text: str) -> str:
    if not text:
        raise ValueError("tom verdi")
    return text


ORG = _pattern(r"[0-9]{9}", "organisasjonsnummer")
KNR = _pattern(r"[0-9]{4}", "kommunenummer")
HPR = _pattern(r"[0-9]{7,9}", "HPR-nummer")

COLUMNS: dict[str, dict[str, Callable[[str], object]]] = {
    "kommuner.csv": {"kommunenummer": KNR, "name": _text, "org_number": ORG,
                     "sentraliseringsklasse": _klasse},
    "utdanningsvirksomheter.csv": {"org_number": ORG},
    "alis_vest_nord.csv": {"hpr_number": HPR, "project": _text},
    "rekrutteringstilskudd.csv": {"org_number": ORG, "year": _year},
    "grant_history.csv": {"hpr_number": HPR, "year": _year, "org_number": ORG, "amount_nok": _amount},
}


def read_register(path: Path) -> list[dict[str, object]]:
    """Rows of one register with typed values; extra columns are kept out, missing ones refused."""
    name = path.name
    columns = COLUMNS[name]
    if not path.is_file():
        raise RegisterError(f"{name}: registerfilen mangler i {path.parent}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RegisterError(f"{name}: filen er større enn {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterError(f"{name}: filen er ikke UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise RegisterError(f"{name}: filen kunne ikke leses ({exc.strerror or exc})") from exc
    with _fields_of_any_size():
        try:
            return _rows(name, csv.DictReader(text.splitlines()), columns)
        except csv.Error as exc:
            raise RegisterError(f"{name}: filen er ikke gyldig CSV ({exc})") from None


def _rows(name: str, reader: csv.DictReader, columns: dict[str, Callable[[str], object]]) -> list[dict[str, object]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        shown = ", ".join(_shown(h) for h in header)
        raise RegisterError(f"{name} linje 1: mangler kolonne(r) {', '.join(missing)}; fant {shown}")
    reader.fieldnames = header
    rows = []
    for raw in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        row = {}
        for column, parse in columns.items():
            value = raw.get(column) or ""
            try:
                if len(value) > MAX_FIELD_CHARS:
                    raise ValueError(f"verdien er {len(value)} tegn lang, mer enn {MAX_FIELD_CHARS}")
                row[column] = parse(value.strip())
            except ValueError as exc:
                raise RegisterError(f"{name} linje {line}, kolonne {column}: {exc}") from None
        rows.append(row)
    return rows


@contextmanager
def _fields_of_any_size() -> Iterator[None]:
    """csv stops at fields over 131 072 characters with an error that names no row or column; ours names both."""
    before = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(before)


@dataclass(frozen=True)
class Registers:
    """All five registers with the lookups the rules need."""

    municipalities: list[Municipality] = field(default_factory=list)
    education_enterprises: frozenset[str] = frozenset()
    alis_vest_nord: dict[str, str] = field(default_factory=dict)  # hpr -> project
    recruitment_grants: frozenset[tuple[str, int]] = frozenset()  # (org_number, year)
    grant_history: list[GrantHistoryRow] = field(default_factory=list)

    def municipality_by_org(self, org_number: str | None) -> Municipality | None:
        return next((m for m in self.municipalities if m.org_number == org_number), None)

    def municipality_by_number(self, kommunenummer: str | None) -> Municipality | None:
        return next((m for m in self.municipalities if m.kommunenummer == kommunenummer), None)

    def is_education_enterprise(self, org_number: str | None) -> bool:
        return org_number in self.education_enterprises

    def alis_project(self, hpr_number: str | None) -> str | None:
        return self.alis_vest_nord.get(hpr_number or "")

    def got_recruitment_grant(self, org_number: str | None, year: int) -> bool:
        return (org_number, year) in self.recruitment_grants

    def history_for(self, hpr_number: str | None) -> list[GrantHistoryRow]:
        return [row for row in self.grant_history if row.hpr_number == hpr_number]


def load_registers(directory: Path) -> Registers:
    directory = Path(directory)
    if not directory.is_dir():
        raise RegisterError(f"Registermappen {directory} finnes ikke")
    rows = {name: read_register(directory / name) for name in COLUMNS}
    return Registers(
        municipalities=[Municipality(**r) for r in rows["kommuner.csv"]],
        education_enterprises=frozenset(r["org_number"] for r in rows["utdanningsvirksomheter.csv"]),
        alis_vest_nord={r["hpr_number"]: r["project"] for r in rows["alis_vest_nord.csv"]},
        recruitment_grants=frozenset((r["org_number"], r["year"]) for r in rows["rekrutteringstilskudd.csv"]),
        grant_history=[GrantHistoryRow(**r) for r in rows["grant_history.csv"]],
    )
