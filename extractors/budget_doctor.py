"""Who a claim table or a block of columns is for, when no column names the doctor.

A claim split over one sheet per doctor names the doctor above its table ("Navn: Kari
Nordmann", "HPR-nr. | 1234567"); a claim laid out turned names each doctor over their block
of columns ("Kari Nordmann (HPR 1234567)", or the name over the HPR). The sheet's own name
("Kari Nordmann") is the weakest witness and graded low.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.labels import by_length, header_matches, label_at_start, label_inside, normalise_header
from extractors.models import Evidence, Extracted, Grade
from extractors.sheet_tables import Table, is_label, looks_like_hpr
from extractors.values import clean_text, parse_hpr
from extractors.workbook import Cell, evidence_value

HEADING_ROWS = 3  # how far above a header a doctor's name or heading may stand
_NAME = re.compile(r"[A-ZÆØÅ][\wæøåÆØÅ.'\-]*(?: [A-ZÆØÅ][\wæøåÆØÅ.'\-]*){1,4}")


@dataclass
class Doctor:
    hpr_number: Extracted[str] = field(default_factory=Extracted)
    doctor_name: Extracted[str] = field(default_factory=Extracted)

    @property
    def found(self) -> bool:
        return self.hpr_number.found or self.doctor_name.found


def doctor_above(table: Table, labels: dict[str, list[str]]) -> Doctor:
    """Labelled cells above the header: the label alone with its value in the next cell to the
    right (or under it), or "label: value" in one cell."""
    doctor = Doctor()
    view, sheet = table.view, table.sheet
    _rows, cols = view.size(sheet)
    for number in range(1, table.header_row):
        cells = [view.cell(sheet, number, col) for col in range(1, cols + 1)]
        for index, cell in enumerate(cells):
            if not is_label(cell.value):
                continue
            for name in ("hpr_number", "doctor_name"):
                if getattr(doctor, name).found:
                    continue
                value = _labelled(cell, cells[index + 1:], view.cell(sheet, number + 1, index + 1), labels[name])
                if value is not None:
                    setattr(doctor, name, _extracted(table, name, *value))
    return doctor


def _labelled(cell: Cell, right: list[Cell], below: Cell, labels: list[str]) -> tuple[object, Cell] | None:
    """The value a label cell gives: in the same cell after a colon, or in the next cell that holds one."""
    if header_matches(cell.value, labels):
        for candidate in [*right, below]:
            if candidate.value is not None and clean_text(candidate.value):
                return candidate.value, candidate
        return None
    text = clean_text(cell.value)
    for label in by_length(labels):
        match = label_at_start(label).match(text)
        if match and ":" in match.group(0) and text[match.end():].strip():
            return text[match.end():].strip(), cell
    return None


def doctor_heading(table: Table, columns: list[int], elsewhere: list[int], hpr_labels: list[str]) -> Doctor:
    """The text standing over `columns` in the rows just above the header, leaving out what
    stands over `elsewhere` too (a title across the whole table): the name, an HPR, or both."""
    view, sheet = table.view, table.sheet
    rows = range(max(1, table.header_row - HEADING_ROWS), table.header_row)
    other = {clean_text(view.cell(sheet, r, c).value) for r in rows for c in elsewhere}
    doctor = Doctor()
    for number in rows:
        for col in columns:
            cell = view.cell(sheet, number, col)
            text = clean_text(cell.value) if cell.value is not None else ""
            if not text or text in other:
                continue
            hpr = parse_hpr(text)
            if hpr and looks_like_hpr(hpr) and not doctor.hpr_number.found:
                doctor.hpr_number = _extracted(table, "hpr_number", hpr, cell)
            name = _name_in(text, hpr_labels)
            if name and not doctor.doctor_name.found:
                doctor.doctor_name = _extracted(table, "doctor_name", name, cell)
    return doctor


def _name_in(text: str, hpr_labels: list[str]) -> str | None:
    """A person's name in a heading such as "Kari Nordmann (HPR-nr. 1234567)" or "1234567 – Kari Nordmann"."""
    words = re.sub(r"\d+", " ", text)
    for label in by_length(hpr_labels):
        words = label_inside(label).sub(" ", words)
    words = clean_text(re.sub(r"[()\[\]:,/–]+|(?<!\w)-|-(?!\w)", " ", words))
    match = _NAME.fullmatch(words)
    return match.group(0) if match else None


def doctor_from_sheet_name(table: Table, known_words: list[str], hpr_labels: list[str]) -> Doctor:
    """The tab named after the doctor ("Kari Nordmann", "1234567"); graded low, as a tab name is
    often a short form. Tabs named for their content ("Budsjett", "Lege 1") name nobody."""
    name = clean_text(table.sheet)
    evidence = Evidence(file=table.view.file, where=f"arkfanen «{name}»", value=name, route="sheet-cell")
    doctor = Doctor()
    hpr = parse_hpr(name)
    if hpr and looks_like_hpr(hpr):
        doctor.hpr_number = Extracted(value=hpr, grade=Grade.low, evidence=evidence)
    person = _name_in(name, hpr_labels)
    known = {normalise_header(w) for w in known_words}
    if person and not any(normalise_header(word) in known for word in person.split()):
        doctor.doctor_name = Extracted(value=person, grade=Grade.low, evidence=evidence)
    return doctor


def _extracted(table: Table, name: str, value: object, cell: Cell) -> Extracted[str]:
    evidence = Evidence(file=table.view.file, where=f"{table.sheet}!{cell.coord}", value=evidence_value(cell.value),
                        route="sheet-cell")
    if name == "hpr_number":
        hpr = parse_hpr(value)
        if hpr is None:
            return Extracted(evidence=evidence)
        return Extracted(value=hpr, grade=Grade.found if looks_like_hpr(hpr) else Grade.low, evidence=evidence)
    return Extracted(value=clean_text(value), grade=Grade.found, evidence=evidence)
