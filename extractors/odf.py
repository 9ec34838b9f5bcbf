"""OpenDocument files (.odt, .ods) read from their content.xml, as lines and as a workbook.

Municipalities on LibreOffice send these; they become the same `Line`s as a
Word file and the same `Workbook` as an xlsx file, so the field and budget
readers do not know the difference. ODS formulas ("of:=[.D2]*[.E2]") are
rewritten to the A1 form and recomputed like xlsx formulas.
"""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from defusedxml import ElementTree
from openpyxl.utils.cell import get_column_letter

from extractors.fields import Line, typed_cells
from extractors.values import parse_amount
from extractors.workbook import MAX_COLS, MAX_ROWS, Workbook

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}
_MAX_CONTENT = 50_000_000


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


def _part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        if name not in archive.namelist():
            return None
        if archive.getinfo(name).file_size > _MAX_CONTENT:
            raise ValueError(f"{name} too large")
        return ElementTree.fromstring(archive.read(name))


def _content(path: Path):
    return _part(path, "content.xml")


_SKIPPED = {_q("text", "note"), _q("office", "annotation"), _q("draw", "frame")}  # read apart, or not text


def _text(element) -> str:
    """The text of a paragraph, with its spaces, tabs and line breaks; frames anchored in it are not
    part of its text (they are read as blocks of their own)."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == _q("text", "s"):
            parts.append(" " * int(child.get(_q("text", "c"), "1")))
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        elif child.tag == _q("text", "line-break"):
            parts.append(" ")
        elif child.tag not in _SKIPPED:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def odt_lines(path: Path) -> list[Line]:
    """An .odt document's paragraphs, table rows and framed text in reading order, then the page headers
    and footers of its master pages (styles.xml), where letterheads stand."""
    body = _content(path).find(f"{_q('office', 'body')}/{_q('office', 'text')}")
    walker = _OdtWalker()
    if body is not None:
        walker.block(body)
    styles = _part(path, "styles.xml")
    for master in styles.iter(_q("style", "master-page")) if styles is not None else []:
        for part in master:
            name = "topptekst" if "header" in part.tag else "bunntekst" if "footer" in part.tag else ""
            if name:
                sub = _OdtWalker()
                sub.block(part)
                walker.lines.extend(Line(cells=line.cells, where=f"{name} {line.where}") for line in sub.lines)
    return walker.lines


_CONTAINERS = {_q("text", name) for name in ("list", "list-item", "list-header", "section", "index-body")}
_ROW_GROUPS = {_q("table", name) for name in ("table-header-rows", "table-rows", "table-row-group")}


class _OdtWalker:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.paragraphs = 0
        self.tables = 0

    def block(self, element) -> None:
        for child in element:
            if child.tag in (_q("text", "p"), _q("text", "h")):
                self.paragraph(child)
            elif child.tag == _q("table", "table"):
                self.tables += 1
                self.table(child, f"tabell {self.tables}")
            elif child.tag in _CONTAINERS:
                self.block(child)

    def paragraph(self, p) -> None:
        self.paragraphs += 1
        cells = typed_cells(_text(p))
        if cells:
            self.lines.append(Line(cells=cells, where=f"avsnitt {self.paragraphs}"))
        for box in p.iter(_q("draw", "text-box")):  # a frame (text box) holds paragraphs and tables
            self.block(box)

    def table(self, table, where: str) -> None:
        """Each row a line of its cells, header rows and row groups included; a table nested in a cell
        is read after its table, as a table of its own."""
        nested: list = []
        for number, row in enumerate(self._rows(table), start=1):
            cells = []
            for cell in row:
                if cell.tag != _q("table", "table-cell"):
                    continue
                blocks = list(cell)
                cells.append(" ".join(_text(b).strip() for b in blocks if b.tag in (_q("text", "p"), _q("text", "h"))
                                      and _text(b).strip()))
                nested.extend(b for b in blocks if b.tag == _q("table", "table"))
            if any(cells):
                self.lines.append(Line(cells=cells, where=f"{where} rad {number}"))
        for index, inner in enumerate(nested, start=1):
            self.table(inner, f"{where}.{index}")

    def _rows(self, element):
        for child in element:
            if child.tag == _q("table", "table-row"):
                yield child
            elif child.tag in _ROW_GROUPS:
                yield from self._rows(child)


_REF = re.compile(r"\[\$?'?([^.\]']*)'?\.\$?([A-Z]+)\$?(\d+)(?::\$?'?[^.\]']*'?\.?\$?([A-Z]+)\$?(\d+))?\]")


def a1_formula(formula: str) -> str:
    """"of:=SUM([.D2:.D9])+[Ark2.C3]" -> "=SUM(D2:D9)+Ark2!C3"."""
    text = re.sub(r"^(?:of|oooc):", "", formula)

    def ref(match: re.Match) -> str:
        sheet, col, row, col2, row2 = match.groups()
        cell = f"{col}{row}" + (f":{col2}{row2}" if col2 else "")
        return f"'{sheet}'!{cell}" if sheet else cell

    return _REF.sub(ref, text).replace(";", ",")


class OdsWorkbook(Workbook):
    """An .ods spreadsheet: each cell's stored value and formula, merged and hidden cells known."""

    def __init__(self, path: Path, file: str):
        spreadsheet = _content(path).find(f"{_q('office', 'body')}/{_q('office', 'spreadsheet')}")
        self._cells: dict[str, dict[str, tuple[object, object]]] = {}
        self._sizes: dict[str, tuple[int, int]] = {}
        self._hidden: dict[str, set[int]] = {}
        merged: dict[str, dict[str, str]] = {}
        names: list[str] = []
        for table in spreadsheet.iter(_q("table", "table")) if spreadsheet is not None else []:
            name = table.get(_q("table", "name"), f"Ark{len(names) + 1}")
            names.append(name)
            merged[name] = self._read_table(name, table)
        super().__init__(file, names, merged)

    def _read_table(self, name: str, table) -> dict[str, str]:
        cells: dict[str, tuple[object, object]] = {}
        merged: dict[str, str] = {}
        hidden: set[int] = set()
        col = 0
        for column in table.iter(_q("table", "table-column")):
            repeat = min(int(column.get(_q("table", "number-columns-repeated"), "1")), MAX_COLS)
            if column.get(_q("table", "visibility"), "visible") != "visible":
                hidden.update(range(col + 1, col + repeat + 1))
            col += repeat
        max_row = max_col = 0
        row_number = 0
        for row in table.iter(_q("table", "table-row")):
            repeat_rows = int(row.get(_q("table", "number-rows-repeated"), "1"))
            row_number += 1
            if row_number > MAX_ROWS:
                break
            col = 0
            for cell in row:
                if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                    continue
                repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
                value, formula = _cell_value(cell)
                for offset in range(min(repeat, MAX_COLS)):
                    number = col + offset + 1
                    if number > MAX_COLS or value is None and formula is None:
                        continue
                    coord = f"{get_column_letter(number)}{row_number}"
                    cells[coord] = (formula if formula else value, value)
                    max_row, max_col = max(max_row, row_number), max(max_col, number)
                spans = (int(cell.get(_q("table", "number-rows-spanned"), "1")),
                         int(cell.get(_q("table", "number-columns-spanned"), "1")))
                if spans != (1, 1):
                    top_left = f"{get_column_letter(col + 1)}{row_number}"
                    for r in range(row_number, row_number + spans[0]):
                        for c in range(col + 1, col + spans[1] + 1):
                            merged[f"{get_column_letter(c)}{r}"] = top_left
                col += repeat
            row_number += min(repeat_rows, MAX_ROWS) - 1
        self._cells[name], self._sizes[name], self._hidden[name] = cells, (max_row, max_col), hidden
        return merged

    def raw(self, sheet: str, coord: str) -> object:
        return self._cells[sheet].get(coord, (None, None))[0]

    def stored(self, sheet: str, coord: str) -> object:
        return self._cells[sheet].get(coord, (None, None))[1]

    def size(self, sheet: str) -> tuple[int, int]:
        return self._sizes[sheet]

    def hidden_columns(self, sheet: str) -> set[int]:
        return self._hidden[sheet]


def _cell_value(cell) -> tuple[object, str | None]:
    kind = cell.get(_q("office", "value-type"))
    formula = cell.get(_q("table", "formula"))
    formula = a1_formula(formula) if formula else None
    if kind in ("float", "currency", "percentage"):
        value: object = parse_amount(cell.get(_q("office", "value")))
    elif kind == "date":
        text = cell.get(_q("office", "date-value"), "")
        value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text) if text else None
    elif kind == "boolean":
        value = cell.get(_q("office", "boolean-value")) == "true"
    else:
        text = "\n".join(_text(p) for p in cell.iter(_q("text", "p")))
        value = text if text.strip() else None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return value, formula
