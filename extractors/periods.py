"""Dates as ends of a period: which date of a text is the start and which the end.

Norwegian agreements qualify their dates: "f.o.m." / "fra og med" opens a
period, "t.o.m." / "til og med" closes it (inclusive), after a label
("Sluttdato (t.o.m.)") or before a date ("f.o.m. 01.09.2023 t.o.m.
31.08.2024"); a dash between two dates ends the first. The qualifier words are
data (labels.yaml date_qualifiers). A month named alone is the first day of a
start and the last day of an end; it is reported as weak (no day was written)
unless a qualifier of its own end stands before it ("t.o.m. august 2024" is
through 31 August, "fra og med november 2023" from 1 November).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Callable

from extractors.labels import by_length, label_inside, tables
from extractors.values import FoundDate, clean_text, dates_in


@lru_cache(maxsize=1)
def _qualifiers() -> dict[str, re.Pattern[str]]:
    """Each role's date qualifiers (labels.yaml date_qualifiers) as one pattern of whole words."""
    return {role: re.compile("|".join(label_inside(w).pattern for w in by_length(words)), re.IGNORECASE)
            for role, words in tables()["date_qualifiers"].items()}


def leading_qualifier(text: str) -> tuple[str | None, str]:
    """The role of a qualifier that opens the text ("t.o.m.", "(f.o.m.)") and the text after it."""
    for role, pattern in _qualifiers().items():
        match = pattern.match(text.lstrip(" (:"))
        if match:
            return role, text.lstrip(" (:")[match.end():].lstrip(" ):")
    return None, text


def qualifier_in(text: str) -> str | None:
    """The role of a qualifier anywhere in a text, such as a label ("Sluttdato (t.o.m.)")."""
    return next((role for role, pattern in _qualifiers().items() if pattern.search(text)), None)


def _qualifier_before(before: str) -> str | None:
    """The role of the qualifier that stands right before a date ("til og med 31.08.2024")."""
    best: tuple[int, str] | None = None
    for role, pattern in _qualifiers().items():
        for match in pattern.finditer(before):
            if before[match.end():].strip(" :(").lower() in ("", "den") and (best is None or match.start() > best[0]):
                best = (match.start(), role)
    return best[1] if best else None


def _month_end(found: FoundDate) -> FoundDate:
    """A month named alone as the end of a period stands for its last day ("t.o.m. mars 2024")."""
    if not found.month_only:
        return found
    day = calendar.monthrange(found.value.year, found.value.month)[1]
    return replace(found, value=found.value.replace(day=day))


def dated(text: str) -> list[tuple[FoundDate, str | None]]:
    """Each date of a text with the end of a period its qualifier makes it: "start", "end" or None.
    A dash between two dates ("01.09.2023 – 31.08.2024") makes the second the end."""
    out: list[tuple[FoundDate, str | None]] = []
    previous = 0
    for found in dates_in(text, month_day="first"):
        before = text[previous:found.start]
        qualifier = _qualifier_before(before)
        role = "end" if out and re.fullmatch(r"\s*[–—-]\s*", before) else qualifier
        if role == "end":
            found = _month_end(found)
        if qualifier is not None:
            found = replace(found, month_only=False)  # "t.o.m. august" is through its last day: no day unknown
        out.append((found, role))
        previous = found.end
    return out


def _pick(dates: list[tuple[FoundDate, str | None]], role: str) -> FoundDate | None:
    """The date for one end of a period: the one qualified so, else the first without a qualifier."""
    for found, qualified in dates:
        if qualified == role:
            return found
    for found, qualified in dates:
        if qualified is None:
            return _month_end(found) if role == "end" else found
    return None


def dated_parser(role: str) -> Callable[[str], tuple[date, str, bool] | None]:
    """A start or end date; a month without a day is read (its first or last day) and graded weak,
    unless its qualifier says which end of the month it is."""
    def parse(text: str) -> tuple[date, str, bool] | None:
        found = _pick(dated(clean_text(text)), role)
        return (found.value, found.raw, found.month_only) if found else None

    return parse


def parse_period(text: str) -> tuple[tuple[FoundDate | None, FoundDate | None], str] | None:
    """Both ends of a period under one label: two dates, or dates that their qualifiers place."""
    dates = dated(clean_text(text))
    if not dates:
        return None
    start = next((f for f, role in dates if role == "start"), None)
    end = next((f for f, role in dates if role == "end"), None)
    if start is None and dates[0][1] is None and (end is not None or len(dates) > 1):
        start = dates[0][0]
    if end is None and len(dates) > 1 and dates[1][1] is None and start is dates[0][0]:
        end = _month_end(dates[1][0])
    if start is None and end is None:
        return None
    return (start, end), clean_text(text)
