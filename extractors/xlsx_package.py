"""An .xlsx/.xlsm package read into plain cells: each cell's formula and stored value in one pass.

openpyxl's `load_workbook` builds its whole object model (styles, themes,
a Cell object per cell) and keeps either the formula or the stored value,
never both. The budget reader needs both and none of the model, so this reads
the package as the relationships describe it and leaves the parsing of each
part to openpyxl's own parsers: the shared-string reader, the date-format
table and the worksheet parser (which also translates shared formulas).
XML goes through defusedxml, as in openpyxl. A Strict Open XML workbook (Excel's "Strict
Open XML Spreadsheet", namespaces under purl.oclc.org) is the same content under other
namespace names: its parts are read with the transitional names put back.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml.ElementTree import fromstring
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH
from openpyxl.worksheet._reader import WorkSheetParser  # pinned openpyxl 3.1.5: the parser behind load_workbook

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TRUE = ("1", "true")
_STRICT = ((b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
           (b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"))


@dataclass
class Sheet:
    cells: dict[str, tuple[object, object]] = field(default_factory=dict)  # coord -> (as written, stored)
    size: tuple[int, int] = (0, 0)  # last row and column holding a value
    merged: dict[str, str] = field(default_factory=dict)  # every cell of a merged range -> its top-left
    hidden_columns: set[int] = field(default_factory=set)


def read_xlsx(path: Path, max_rows: int, max_cols: int) -> dict[str, Sheet]:
    """Every worksheet by name, in workbook order; chart sheets have no cells and are left out."""
    with zipfile.ZipFile(path) as archive:
        package = _Package(archive)
        book_part = next((p for kind, p in package.relationships("").values() if kind == "officeDocument"),
                         "xl/workbook.xml")
        raw_book = package.read(book_part)
        package.strict = _STRICT[0][0] in raw_book
        book = fromstring(_transitional(raw_book) if package.strict else raw_book)
        parts = package.relationships(book_part)
        strings, dates, durations = _strings_and_formats(package, parts)
        properties = book.find(f"{_MAIN}workbookPr")
        epoch = CALENDAR_MAC_1904 if properties is not None and properties.get("date1904") in _TRUE else WINDOWS_EPOCH
        sheets: dict[str, Sheet] = {}
        for entry in book.iter(f"{_MAIN}sheet"):
            kind, part = parts.get(entry.get(_REL_ID, ""), ("", ""))
            if kind == "worksheet" and package.has(part):
                with package.open(part) as source:
                    parser = _Parser(source, strings, epoch=epoch, date_formats=dates, timedelta_formats=durations)
                    sheets[entry.get("name", f"Ark{len(sheets) + 1}")] = _sheet(parser, max_rows, max_cols)
        return sheets


class _Package:
    """The zip's parts as the relationships name them. Writers other than Excel store names with
    backslashes ("xl\\workbook.xml") or in other case ("[content_types].xml"), and leave out parts
    the relationships list; a Strict workbook's parts are read with the transitional names."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = {_key(name): name for name in archive.namelist()}
        self.strict = False  # known once the workbook part is read

    def has(self, part: str) -> bool:
        return _key(part) in self.names

    def read(self, part: str) -> bytes:
        data = self.archive.read(self.names[_key(part)])
        return _transitional(data) if self.strict else data

    def open(self, part: str):
        """A part as a stream; a Strict part is read whole to put the transitional names back."""
        return io.BytesIO(self.read(part)) if self.strict else self.archive.open(self.names[_key(part)])

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id -> (type's last word, target part path)."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if not self.has(rels):
            return {}
        found: dict[str, tuple[str, str]] = {}
        for relation in fromstring(self.archive.read(self.names[_key(rels)])).iter(_RELATIONSHIP):
            target = relation.get("Target", "").replace("\\", "/")
            if relation.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[relation.get("Id", "")] = (relation.get("Type", "").rsplit("/", 1)[-1], path)
        return found


def _key(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


def _transitional(xml: bytes) -> bytes:
    for strict, transitional in _STRICT:
        xml = xml.replace(strict, transitional)
    return xml


def _strings_and_formats(package: _Package, parts: dict[str, tuple[str, str]]) -> tuple[list, set, set]:
    """The shared strings, and which cell styles show dates and which durations; a part the
    relationships name but the zip lacks is passed over."""
    strings: list = []
    dates: set[int] = set()
    durations: set[int] = set()
    for kind, part in parts.values():
        if not package.has(part):
            continue
        if kind == "sharedStrings":
            with package.open(part) as source:
                strings = read_string_table(source)
        elif kind == "styles":
            styles = fromstring(package.read(part))
            custom = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")}
            cell_formats = styles.find(f"{_MAIN}cellXfs")
            for index, style in enumerate(cell_formats if cell_formats is not None else []):
                number_format = int(style.get("numFmtId", 0))
                code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, ""))
                if is_date_format(code):
                    dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
    return strings, dates, durations


class _Parser(WorkSheetParser):
    """openpyxl's worksheet parser, keeping a formula cell's stored value beside its formula."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["data_type"] == "f":
            self.data_only = True  # the same element read again as load_workbook(data_only=True) would
            try:
                stored = super().parse_cell(element)
            finally:
                self.data_only = False
            cell["stored"] = None if stored["data_type"] == "e" else stored["value"]
        return cell


def _sheet(parser: _Parser, max_rows: int, max_cols: int) -> Sheet:
    sheet = Sheet()
    last_row = last_col = 0
    for _number, cells in parser.parse():
        for cell in cells:
            row, col, value = cell["row"], cell["column"], cell["value"]
            if value is None or row > max_rows or col > max_cols:
                continue
            sheet.cells[f"{get_column_letter(col)}{row}"] = (value, cell.get("stored", value))
            last_row, last_col = max(last_row, row), max(last_col, col)
    for merged in parser.merged_cells.mergeCell if parser.merged_cells is not None else []:
        min_col, min_row, max_col, max_row = range_boundaries(merged.ref)
        max_row, max_col = min(max_row, max_rows), min(max_col, max_cols)
        top_left = f"{get_column_letter(min_col)}{min_row}"
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                sheet.merged[f"{get_column_letter(col)}{row}"] = top_left
        if top_left in sheet.cells:  # a merged label reaches as far as its range
            last_row, last_col = max(last_row, max_row), max(last_col, max_col)
    sheet.size = (last_row, last_col)
    for column in parser.column_dimensions.values():
        if column.get("hidden") in _TRUE and column.get("min") and column.get("max"):
            sheet.hidden_columns.update(range(int(column["min"]), min(int(column["max"]), max_cols) + 1))
    return sheet
