"""The label tables of labels.yaml, loaded once, and how a label matches text.

A label matches regardless of case, colons, dots, hyphens and spacing, and
only as whole words, so "Lege" does not match "Legevakt".
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from extractors.values import clean_text

_LABELS_FILE = Path(__file__).with_name("labels.yaml")
_WORD = r"[\wæøåÆØÅ]"
_AFTER = r"[\wæøåÆØÅ/]"  # "stilling/fastlegeavtale" in running text is a word, not the label "Stilling"


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    data = yaml.safe_load(_LABELS_FILE.read_text(encoding="utf-8"))
    for section in data.values():
        if isinstance(section, dict) and "periods" in section:
            _with_period_labels(section, data["date_qualifiers"])
    return data


def _with_period_labels(section: dict[str, Any], qualifiers: dict[str, list[str]]) -> None:
    """Each period subject with each qualifier of a role is a label of that role's field ("Vikariat"
    + "t.o.m." labels the end), and the field learns its role, so the date reader knows which end it is."""
    for period in section["periods"]:
        for role in ("start", "end"):
            if role in period:
                field = section["fields"][period[role]]
                field["role"] = role
                field["labels"] = field["labels"] + [f"{word} {qualifier}" for word in period_words(period)
                                                     for qualifier in qualifiers[role]]


def period_words(period: dict[str, Any]) -> list[str]:
    """A period's labels and subjects: what may stand over both its dates."""
    return period["labels"] + period["subjects"]


def _token(token: str) -> str:
    """A label word, allowing one space where a table cell wrapped it ("Helsepersonell nummer")."""
    if len(token) < 8:
        return re.escape(token)
    return r"\s?".join(re.escape(c) for c in token)


def _label_body(label: str) -> str:
    tokens = [t for t in re.split(r"[\s.\-:/()]+", label) if t]
    return r"[\s.\-/()]*".join(_token(t) for t in tokens)


@lru_cache(maxsize=None)
def label_at_start(label: str) -> re.Pattern[str]:
    """The label at the start of a cell, with its trailing colon or dots."""
    return re.compile(r"^\s*" + _label_body(label) + r"\.?(?!" + _AFTER + r")[\s.:\-–]*", re.IGNORECASE)


@lru_cache(maxsize=None)
def label_inside(label: str) -> re.Pattern[str]:
    """The label anywhere in a cell, as whole words, followed by a colon or a space."""
    return re.compile(r"(?<!" + _WORD + r")" + _label_body(label) + r"\.?(?!" + _AFTER + r")[\s.:\-–]*",
                      re.IGNORECASE)


def by_length(labels: list[str]) -> list[str]:
    """Longest label first: the specific one wins over the generic one."""
    return sorted(labels, key=len, reverse=True)


def normalise_header(text: object) -> str:
    """A header cell as a comparable key: lower case, no punctuation or units."""
    return _normalise(text) if isinstance(text, str) else _normalise(clean_text(text))


@lru_cache(maxsize=4096)
def _normalise(text: str) -> str:
    cleaned = clean_text(text).lower()
    cleaned = re.sub(r"\((?:kr|nok|kr/t|kr/time|åååå-mm)\)", "", cleaned)
    cleaned = re.sub(r"[^\wæøå%]+", " ", cleaned)
    return cleaned.strip()


def header_matches(cell: object, synonyms: list[str]) -> str | None:
    """The synonym a header cell says, exact after normalising; else None."""
    key = normalise_header(cell)
    return _exact_synonym(key, tuple(synonyms)) if key else None


def header_starts_with(cell: object, synonyms: list[str]) -> str | None:
    """The synonym a header cell begins with (a weaker match, e.g. "Søknadsbeløp 2024")."""
    return _edge_synonym(normalise_header(cell), tuple(synonyms))


# Every line of a document is tried against every column's synonyms, and the same texts recur
# across files: the answers are remembered per normalised text and synonym list.
@lru_cache(maxsize=16_384)
def _exact_synonym(key: str, synonyms: tuple[str, ...]) -> str | None:
    for synonym in by_length(list(synonyms)):
        if key == normalise_header(synonym):
            return synonym
    return None


@lru_cache(maxsize=16_384)
def _edge_synonym(key: str, synonyms: tuple[str, ...]) -> str | None:
    for synonym in by_length(list(synonyms)):
        syn = normalise_header(synonym)
        if syn and (key.startswith(syn + " ") or key.endswith(" " + syn)):
            return synonym
    return None


def header_has_words(cell: object, rules: list[dict[str, list[str]]]) -> int:
    """How well a header's words fit a column's keyword rules (0 = not at all).

    Stems match the start of a word ("veiled" matches "veiledning"), in any
    order; a rule with more words fits better.
    """
    return words_fit(normalise_header(cell).split(), rules)


def _at_an_end(word: str, stem: str) -> bool:
    return word.startswith(stem) or word.endswith(stem)


def words_fit(words: list[str], rules: list[dict[str, list[str]]]) -> int:
    """header_has_words for a header already split into normalised words."""
    best = 0
    for rule in rules:
        # a Norwegian compound ends in the word that says what it is ("timepris", "timesats", "egenandel"):
        # a stem counts at either end of a word
        has = all(any(_at_an_end(w, stem) for w in words) for stem in rule.get("all", []))
        has_not = any(any(_at_an_end(w, stem) for w in words) for stem in rule.get("none", []))
        if has and not has_not:
            best = max(best, len(rule.get("all", [])))
    return best
