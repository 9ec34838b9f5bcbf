"""A spreadsheet as the budget reader needs it: numbers with formulas recomputed.

An xlsx file is loaded once by openpyxl (with its formulas); the values a
program stored beside the formulas are read straight from the sheet XML,
which costs a fraction of a second openpyxl load. A formula cell's number is the recomputed one when
the evaluator knows the formula (a stored value that differs is remembered as
an ArithmeticMismatch), else the stored one. Merged ranges read as their
top-left cell; hidden columns are known so a visible column can be preferred.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

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
        self._cell_memo: dict[tuple[str, int, int], Cell] = {}
        self._grids: dict[str, list[list[object]]] = {}  # classification and each regime search the same rows

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
        """The cell as the budget reader sees it; remembered, as classification, header search
        and row reading visit the same cells."""
        key = (sheet, row, col)
        found = self._cell_memo.get(key)
        if found is None:
            found = self._cell_memo[key] = self._read_cell(sheet, row, col)
        return found

    def _read_cell(self, sheet: str, row: int, col: int) -> Cell:
        coord = f"{get_column_letter(col)}{row}"
        origin = self._merged[sheet].get(coord, coord)
        raw = self.raw(sheet, origin)
        if raw is None:
            return Cell(value=None, coord=origin)
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
        cached = self._grids.get(sheet, [])
        if len(cached) < last:
            cached = cached + [[self.cell(sheet, r, c).value for c in range(1, max_col + 1)]
                               for r in range(len(cached) + 1, last + 1)]
            self._grids[sheet] = cached
        return cached[:last]

    def grids(self, rows: int) -> Mapping[str, list[list[object]]]:
        """Every sheet's first rows by name, each read only when asked for: classification
        stops at the first budget sheet name or header it meets."""
        return _Grids(self, rows)

    def number(self, sheet: str, coord: str) -> Decimal | None:
        """A cell's number; a formula's recomputed value wins over a stale stored one."""
        key = (sheet, coord)
        if key in self._numbers:
            return self._numbers[key]
        if sheet in self._merged:
            raw = self.raw(sheet, coord)
            if not (isinstance(raw, str) and raw.startswith("=")):
                value = self._numbers[key] = _as_number(raw)  # a plain cell: nothing to recompute
                return value
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
        if not (isinstance(raw, str) and raw.startswith("=")):
            return _as_number(raw)
        stored = self.stored(sheet, coord)
        stored_number = _as_number(stored)
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


class _Grids(Mapping[str, list[list[object]]]):
    def __init__(self, book: Workbook, rows: int):
        self._book, self._rows = book, rows

    def __getitem__(self, sheet: str) -> list[list[object]]:
        if sheet not in self._book.sheet_names:
            raise KeyError(sheet)
        return self._book.grid(sheet, rows=self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._book.sheet_names)

    def __len__(self) -> int:
        return len(self._book.sheet_names)


class XlsxWorkbook(Workbook):
    """An .xlsx/.xlsm file, loaded twice by openpyxl: formulas, and the values stored beside them."""

    def __init__(self, path: Path, file: str):
        data = path.read_bytes()  # a file object: openpyxl would refuse a path without an Excel suffix
        self._formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
        names = list(self._formulas.sheetnames)
        self._sheets = {name: self._formulas[name] for name in names}
        self._data: bytes | None = data  # the stored values are read on the first formula asked for
        self._stored: dict[str, dict[str, object]] = {}
        self._sizes: dict[str, tuple[int, int]] = {}  # openpyxl scans every cell for max_row and max_column
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
        """Straight from the sheet's cell map: `ws[coord]` parses a range and creates empty cells."""
        cells = getattr(self._sheets[sheet], "_cells", {})  # a chart sheet has no cells
        cell = cells.get(_row_col(coord))
        return cell.value if cell is not None else None

    def stored(self, sheet: str, coord: str) -> object:
        value = self.raw(sheet, coord)
        if isinstance(value, str) and value.startswith("="):
            if self._data is not None:
                self._stored, self._data = _stored_formula_values(self._data), None
            return self._stored.get(sheet, {}).get(coord)
        return value

    def size(self, sheet: str) -> tuple[int, int]:
        if sheet not in self._sizes:
            ws = self._sheets[sheet]
            self._sizes[sheet] = min(getattr(ws, "max_row", 0), MAX_ROWS), min(getattr(ws, "max_column", 0), MAX_COLS)
        return self._sizes[sheet]

    def hidden_columns(self, sheet: str) -> set[int]:
        hidden: set[int] = set()
        for dimension in getattr(self._sheets[sheet], "column_dimensions", {}).values():
            if dimension.hidden and dimension.min and dimension.max:
                hidden.update(range(dimension.min, dimension.max + 1))
        return hidden


@lru_cache(maxsize=16_384)
def _row_col(coord: str) -> tuple[int, int]:
    """Parsing a coordinate costs a regex; the same few hundred recur in every budget."""
    return coordinate_to_tuple(coord)


_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
                  rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_CELL_TYPE = re.compile(rb'\bt="([^"]*)"')
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f\b[^>]*(?:/>|>[^<]*</f>)<v>([^<]*)</v>')


def _stored_formula_values(data: bytes) -> dict[str, dict[str, object]]:
    """Per sheet name, the value stored beside each formula cell (Excel's last computation)."""
    stored: dict[str, dict[str, object]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return stored
        rels = {}
        for match in _REL.finditer(archive.read("xl/_rels/workbook.xml.rels")):
            rel_id, target = (match[1], match[2]) if match[1] else (match[4], match[3])
            rels[rel_id] = target.decode().lstrip("/")
        for match in _SHEET.finditer(archive.read("xl/workbook.xml")):
            target = rels.get(match[2], "")
            part = target if target.startswith("xl/") else f"xl/{target}"
            if part not in names:
                continue
            name = html.unescape(match[1].decode("utf-8"))
            stored[name] = {m[1].decode(): _typed(m[2], m[3]) for m in _FORMULA_CELL.finditer(archive.read(part))}
    return stored


def _typed(attributes: bytes, raw: bytes) -> object:
    text = html.unescape(raw.decode("utf-8"))
    kind = _CELL_TYPE.search(attributes)
    kind_name = kind[1] if kind else b"n"
    if kind_name in (b"str", b"inlineStr", b"s"):
        return text
    if kind_name == b"b":
        return text == "1"
    if kind_name == b"e" or not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in text and "E" not in text.upper() else number


def _as_number(value: object) -> Decimal | None:
    if value is None:
        return None
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


class XlsWorkbook(Workbook):
    """A legacy .xls file (Excel 97, xlrd): stored values only, as xlrd reads no formulas.

    Date cells become dates; merged ranges and hidden columns come from the formatting records.
    """

    def __init__(self, path: Path, file: str):
        import xlrd

        self._xlrd = xlrd
        self._book = xlrd.open_workbook(file_contents=path.read_bytes(), formatting_info=True, on_demand=False)
        names = self._book.sheet_names()
        super().__init__(file, names, {name: self._merged_map(name) for name in names})

    def _merged_map(self, sheet: str) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for row_lo, row_hi, col_lo, col_hi in self._book.sheet_by_name(sheet).merged_cells:
            top_left = f"{get_column_letter(col_lo + 1)}{row_lo + 1}"
            for row in range(row_lo, row_hi):
                for col in range(col_lo, col_hi):
                    mapping[f"{get_column_letter(col + 1)}{row + 1}"] = top_left
        return mapping

    def raw(self, sheet: str, coord: str) -> object:
        return self.stored(sheet, coord)

    def stored(self, sheet: str, coord: str) -> object:
        ws = self._book.sheet_by_name(sheet)
        col, row = coordinate_to_tuple(coord)[1] - 1, coordinate_to_tuple(coord)[0] - 1
        if row >= ws.nrows or col >= ws.ncols:
            return None
        cell = ws.cell(row, col)
        if cell.ctype == self._xlrd.XL_CELL_DATE:
            return self._xlrd.xldate_as_datetime(cell.value, self._book.datemode)
        if cell.ctype in (self._xlrd.XL_CELL_EMPTY, self._xlrd.XL_CELL_BLANK, self._xlrd.XL_CELL_ERROR):
            return None
        if cell.ctype == self._xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
            return int(cell.value)
        return cell.value

    def size(self, sheet: str) -> tuple[int, int]:
        ws = self._book.sheet_by_name(sheet)
        return min(ws.nrows, MAX_ROWS), min(ws.ncols, MAX_COLS)

    def hidden_columns(self, sheet: str) -> set[int]:
        info = self._book.sheet_by_name(sheet).colinfo_map
        return {col + 1 for col, ci in info.items() if ci.hidden}

