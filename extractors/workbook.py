"""A spreadsheet as the budget reader needs it: numbers with formulas recomputed.

Each format's loader gives every cell as written (a formula as "=...") and
the value a program stored for it. A formula cell's number is the recomputed one when
the evaluator knows the formula (a stored value that differs is remembered as
an ArithmeticMismatch), else the stored one. Merged ranges read as their
top-left cell; hidden columns are known so a visible column can be preferred.
`Turned` reads the same workbook with rows and columns swapped, for budgets laid
out with the labels down a column and a doctor per column.
"""
from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

from extractors.formulas import Unsupported, evaluate
from extractors.models import ArithmeticMismatch, Evidence
from extractors.safety import Rejected
from extractors.values import parse_amount
from extractors.xlsx_package import read_xlsx

MAX_ROWS = 2000
MAX_COLS = 60
TURNED_ROWS = 120  # how far down a turned table's labels may reach
_TOLERANCE = Decimal("0.005")


@dataclass
class Cell:
    value: object  # what the cell shows: text, number, date; formulas as their number
    coord: str  # where it stands ("L7"); for a merged range, its top-left cell
    formula: str | None = None


class Cells:
    """Cells by sheet, row and column as the budget reader walks them: what a workbook and its
    turned reading share. Subclasses give `size`, `cell`, `is_merged`, `hidden_columns`,
    `safe_number` and `note_mismatch`."""

    file: str
    sheet_names: list[str]

    def __init__(self) -> None:
        self._grids: dict[str, list[list[object]]] = {}  # classification and each regime search the same rows

    def size(self, sheet: str) -> tuple[int, int]:
        raise NotImplementedError

    def cell(self, sheet: str, row: int, col: int) -> Cell:
        raise NotImplementedError

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


class Workbook(Cells):
    """The reading and recomputing every spreadsheet format shares; loaders give cells and layout."""

    def __init__(self, file: str, sheet_names: list[str], merged: dict[str, dict[str, str]]):
        super().__init__()
        self.file = file
        self.sheet_names = sheet_names
        self.mismatches: dict[tuple[str, str], ArithmeticMismatch] = {}
        self.unstored_formulas: set[tuple[str, str]] = set()  # formulas with no value stored, recomputed here
        self._numbers: dict[tuple[str, str], Decimal | None] = {}
        self._busy: set[tuple[str, str]] = set()
        self._merged = merged
        self._cell_memo: dict[tuple[str, int, int], Cell] = {}

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

    def is_merged(self, sheet: str, row: int, col: int) -> bool:
        return f"{get_column_letter(col)}{row}" in self._merged[sheet]

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
        if stored is None:
            self.unstored_formulas.add((sheet, coord))
        if stored_number is not None and abs(stored_number - recomputed) > _TOLERANCE:
            self.note_mismatch(sheet, coord, stored_number, recomputed, stored)
        return recomputed

    def _lookup(self, sheet: str, coord: str) -> Decimal | None:
        return self.number(sheet, coord)

    def note_mismatch(self, sheet: str, coord: str, stored: Decimal | None, recomputed: Decimal,
                      raw: object) -> None:
        self.mismatches.setdefault((sheet, coord), ArithmeticMismatch(
            evidence=Evidence(file=self.file, where=f"{sheet}!{coord}", value=evidence_value(raw), route="sheet-cell"),
            stored=stored, recomputed=recomputed,
        ))

    def safe_number(self, sheet: str, cell: Cell) -> Decimal | None:
        if cell.formula:
            try:
                return self.number(sheet, cell.coord)
            except Unsupported:
                return None
        return _as_number(cell.value)


class Turned(Cells):
    """A workbook read with rows and columns swapped: labels down a column with a doctor per
    column read as a header row with a doctor per row. Cells keep their own addresses, so
    evidence, formulas and mismatches are the workbook's."""

    def __init__(self, book: Workbook):
        super().__init__()
        self.book, self.file, self.sheet_names = book, book.file, book.sheet_names

    def size(self, sheet: str) -> tuple[int, int]:
        """A turned budget's labels stand in its first rows: an address list's two thousand names
        down a column are not searched as one long header."""
        rows, cols = self.book.size(sheet)
        return cols, min(rows, TURNED_ROWS)

    def cell(self, sheet: str, row: int, col: int) -> Cell:
        return self.book.cell(sheet, col, row)

    def is_merged(self, sheet: str, row: int, col: int) -> bool:
        return self.book.is_merged(sheet, col, row)

    def hidden_columns(self, sheet: str) -> set[int]:
        return set()  # hidden rows are not known; a turned table's rows are its columns

    def safe_number(self, sheet: str, cell: Cell) -> Decimal | None:
        return self.book.safe_number(sheet, cell)

    def note_mismatch(self, sheet: str, coord: str, stored: Decimal | None, recomputed: Decimal, raw: object) -> None:
        self.book.note_mismatch(sheet, coord, stored, recomputed, raw)


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
    """An .xlsx/.xlsm file: each cell's formula and stored value, read in one pass (xlsx_package)."""

    def __init__(self, path: Path, file: str):
        self._sheets = read_xlsx(path, MAX_ROWS, MAX_COLS)
        super().__init__(file, list(self._sheets), {name: s.merged for name, s in self._sheets.items()})

    def raw(self, sheet: str, coord: str) -> object:
        return self._sheets[sheet].cells.get(coord, (None, None))[0]

    def stored(self, sheet: str, coord: str) -> object:
        return self._sheets[sheet].cells.get(coord, (None, None))[1]

    def size(self, sheet: str) -> tuple[int, int]:
        return self._sheets[sheet].size

    def hidden_columns(self, sheet: str) -> set[int]:
        return self._sheets[sheet].hidden_columns


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
        try:
            self._book = xlrd.open_workbook(file_contents=path.read_bytes(), formatting_info=True, on_demand=False,
                                            logfile=io.StringIO())  # its warnings name what a file holds: not for logs
        except xlrd.XLRDError as error:
            if "encrypted" in str(error).lower():  # an .xls with a password to open: say so, not "corrupt"
                raise Rejected("encrypted", name="Regnearket") from error
            raise
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

