"""A spreadsheet as the budget reader needs it: numbers with formulas recomputed.

An xlsx file is loaded twice (openpyxl): once for the values a program
stored, once for the formulas. A formula cell's number is the recomputed one when
the evaluator knows the formula (a stored value that differs is remembered as
an ArithmeticMismatch), else the stored one. Merged ranges read as their
top-left cell; hidden columns are known so a visible column can be preferred.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import get_column_letter

from extractors.formulas import Unsupported, evaluate
from extractors.models import ArithmeticMismatch, Evidence
from extractors.values import parse_amount

MAX_ROWS = 2000
MAX_COLS = 60
_TOLERANCE = Decimal("0.005")


@dataclass
class Cell:
    value: object  # what the cell shows: text, number, date; formulas as their number
    coord: str  # where it stands ("L7"); for a merged range, its top-left cell
    formula: str | None = None


class Workbook:
    """The reading and recomputing every spreadsheet format shares; loaders give cells and layout."""

    def __init__(self, file: str, sheet_names: list[str], merged: dict[str, dict[str, str]]):
        self.file = file
        self.sheet_names = sheet_names
        self.mismatches: dict[tuple[str, str], ArithmeticMismatch] = {}
        self._numbers: dict[tuple[str, str], Decimal | None] = {}
        self._busy: set[tuple[str, str]] = set()
        self._merged = merged

    def raw(self, sheet: str, coord: str) -> object:
        """The cell as written: a value, or a formula as text starting with "="."""
        raise NotImplementedError

    def stored(self, sheet: str, coord: str) -> object:
        """The value a program stored for the cell (a formula's last computed value, if any)."""
        raise NotImplementedError

    def size(self, sheet: str) -> tuple[int, int]:
        raise NotImplementedError

    def hidden_columns(self, sheet: str) -> set[int]:
        raise NotImplementedError

    def cell(self, sheet: str, row: int, col: int) -> Cell:
        coord = f"{get_column_letter(col)}{row}"
        origin = self._merged[sheet].get(coord, coord)
        raw = self.raw(sheet, origin)
        if isinstance(raw, str) and raw.startswith("="):
            try:
                number = self.number(sheet, origin)
            except Unsupported:
                number = None
            return Cell(value=number if number is not None else self.stored(sheet, origin),
                        coord=origin, formula=raw)
        if raw is not None and not isinstance(raw, (str, int, float, Decimal, date, datetime, time, bool)):
            raw = self.stored(sheet, origin)  # array formulas and the like: their stored value
        return Cell(value=raw, coord=origin)

    def grid(self, sheet: str, rows: int | None = None) -> list[list[object]]:
        """The sheet's shown values, merged ranges filled in, for searching headers."""
        max_row, max_col = self.size(sheet)
        last = min(max_row, rows or max_row)
        return [[self.cell(sheet, r, c).value for c in range(1, max_col + 1)] for r in range(1, last + 1)]

    def number(self, sheet: str, coord: str) -> Decimal | None:
        """A cell's number; a formula's recomputed value wins over a stale stored one."""
        key = (sheet, coord)
        if key in self._numbers:
            return self._numbers[key]
        if key in self._busy or sheet not in self._merged:
            raise Unsupported("circular or unknown reference")
        self._busy.add(key)
        try:
            value = self._compute(sheet, coord)
        finally:
            self._busy.discard(key)
        self._numbers[key] = value
        return value

    def _compute(self, sheet: str, coord: str) -> Decimal | None:
        raw = self.raw(sheet, coord)
        stored = self.stored(sheet, coord)
        stored_number = _as_number(stored)
        if not (isinstance(raw, str) and raw.startswith("=")):
            return _as_number(raw)
        recomputed = evaluate(raw, sheet, self._lookup)
        if recomputed is None:
            if stored_number is None:
                raise Unsupported(raw)
            return stored_number
        if stored_number is not None and abs(stored_number - recomputed) > _TOLERANCE:
            self.note_mismatch(sheet, coord, stored_number, recomputed, stored)
        return recomputed

    def _lookup(self, sheet: str, coord: str) -> Decimal | None:
        return self.number(sheet, coord)

    def note_mismatch(self, sheet: str, coord: str, stored: Decimal | None, recomputed: Decimal,
                      raw: object) -> None:
        self.mismatches.setdefault((sheet, coord), ArithmeticMismatch(
            evidence=Evidence(file=self.file, where=f"{sheet}!{coord}", value=evidence_value(raw)),
            stored=stored, recomputed=recomputed,
        ))

    def safe_number(self, sheet: str, cell: Cell) -> Decimal | None:
        if cell.formula:
            try:
                return self.number(sheet, cell.coord)
            except Unsupported:
                return None
        return _as_number(cell.value)


class XlsxWorkbook(Workbook):
    """An .xlsx/.xlsm file, loaded twice by openpyxl: formulas, and the values stored beside them."""

    def __init__(self, path: Path, file: str):
        data = path.read_bytes()  # a file object: openpyxl would refuse a path without an Excel suffix
        self._formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
        self._values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        names = list(self._formulas.sheetnames)
        super().__init__(file, names, {name: self._merged_map(name) for name in names})

    def _merged_map(self, sheet: str) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for merged in self._formulas[sheet].merged_cells.ranges:
            top_left = f"{get_column_letter(merged.min_col)}{merged.min_row}"
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    mapping[f"{get_column_letter(col)}{row}"] = top_left
        return mapping

    def raw(self, sheet: str, coord: str) -> object:
        return self._formulas[sheet][coord].value

    def stored(self, sheet: str, coord: str) -> object:
        return self._values[sheet][coord].value

    def size(self, sheet: str) -> tuple[int, int]:
        ws = self._formulas[sheet]
        return min(ws.max_row, MAX_ROWS), min(ws.max_column, MAX_COLS)

    def hidden_columns(self, sheet: str) -> set[int]:
        hidden: set[int] = set()
        for dimension in self._formulas[sheet].column_dimensions.values():
            if dimension.hidden and dimension.min and dimension.max:
                hidden.update(range(dimension.min, dimension.max + 1))
        return hidden


def _as_number(value: object) -> Decimal | None:
    if isinstance(value, bool) or isinstance(value, (date, datetime, time)):
        return None
    if isinstance(value, (int, float, Decimal)):
        return parse_amount(value)
    if isinstance(value, str):
        return parse_amount(value)
    return None


def evidence_value(raw: object) -> str | int | float | None:
    """A cell's value as evidence: numbers and text as they stood, dates as ISO text."""
    if raw is None or isinstance(raw, (str, int, float)):
        return raw
    if isinstance(raw, Decimal):
        return int(raw) if raw == raw.to_integral_value() else float(raw)
    if isinstance(raw, (date, datetime, time)):
        return raw.isoformat()
    return str(raw)
