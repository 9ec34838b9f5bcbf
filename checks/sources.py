"""Sources as a caseworker reads them: short references replaced by the documents they stand for.

"seed 001" becomes the document's title, "docs/rules.md §4" the scheme's rules
for the application's year, "kommuner.csv" the register's name, and a value
found in skjema.json under "municipality.org_number" stands in "søknadsskjemaet,
organisasjonsnummer". The names are data (sources.yaml); the references stay
as they are in result.json, for whoever maintains the rules.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

_SECTION = r"(?:\s*§\s*[\w.]+)?"  # "docs/rules.md" also stands for "docs/rules.md §4"
_YEAR = "{year}"
_BRACKETED_YEAR = re.compile(r"\s*\([^()]*\{year\}[^()]*\)")


@cache
def _table() -> dict:
    return yaml.safe_load(Path(__file__).with_name("sources.yaml").read_text(encoding="utf-8"))


@cache
def _names() -> dict[str, str]:
    """Every reference a source may hold, with the name a caseworker reads for it."""
    table = _table()
    return {**table["documents"], **table["references"], **table["registers"]}


@cache
def _pattern() -> re.Pattern[str]:
    """One alternation of every reference, longest first, each a group of its own; a file name or a
    reference without a section also takes the section after it."""
    keys = sorted(_names(), key=len, reverse=True)
    parts = [f"(?P<k{i}>(?<![\\w/.-]){re.escape(key)}{'' if '§' in key or key.startswith('seed') else _SECTION})"
             f"(?![\\w/-])" for i, key in enumerate(keys)]
    return re.compile("|".join(parts)), keys


def _with_year(text: str, year: int | None) -> str:
    if year is not None:
        return text.replace(_YEAR, str(year))
    return _BRACKETED_YEAR.sub("", text).replace(f" {_YEAR}", "").replace(_YEAR, "")


def named(source: str, year: int | None = None) -> str:
    """The source with every reference replaced by its document's name, in one pass; unknown text stays."""
    pattern, keys = _pattern()
    return pattern.sub(lambda m: _with_year(_names()[keys[int(m.lastgroup[1:])]], year), source)


def document_name(file: str) -> str:
    """The application form and the registers by their names; an attachment by its own file name."""
    form = _table()["form"]
    if file == form["file"]:
        return form["name"]
    return _table()["registers"].get(file, file)


def field_name(file: str, where: str) -> str:
    """Where in the document a value stood: a key of the application form by the form's own word for it."""
    form = _table()["form"]
    return form["fields"].get(where, where) if file == form["file"] else where
