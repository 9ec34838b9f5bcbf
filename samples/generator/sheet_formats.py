"""The budget workbook saved as something other than Excel's usual .xlsx: .xlsm, .ods, .xls, and
.xlsx as other writers leave it.

Municipalities send what their office suite saves: Excel with macros
(a vbaProject.bin part and the macro-enabled content type), LibreOffice's
OpenDocument, the old binary Excel format, Excel's "Strict Open XML" (the same
parts under purl.oclc.org namespaces), or a web spreadsheet's export (no styles, so
dates are bare serial numbers, and no sheet dimension). The content stays the same
workbook the generator drew with openpyxl.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string

from samples.generator.office_zip import FIXED_TIME, rewritten

_MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_VBA_TYPE = b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
_VBA_REL = (b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            b'Target="vbaProject.bin"/>')
# An OLE compound file header and a module name: enough to be a macro part; never run by anyone.
_VBA_BYTES = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504 + b"Attribute VB_Name = \"Module1\"\r\nSub Auto_Open()\r\nEnd Sub\r\n"


def as_xlsm(data: bytes) -> bytes:
    """The same workbook, macro-enabled: content type switched and a vbaProject.bin part added."""
    def edit(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return re.sub(rb"application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\.main\+xml",
                          _MACRO_MAIN, content).replace(b"</Types>", _VBA_TYPE + b"</Types>")
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(b"</Relationships>", _VBA_REL + b"</Relationships>")
        return content

    return rewritten(data, edit, added={"xl/vbaProject.bin": _VBA_BYTES})


_STRICT_NAMES = ((b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
                 (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  b"http://purl.oclc.org/ooxml/officeDocument/relationships"))


def as_strict(data: bytes) -> bytes:
    """The workbook as Excel saves "Strict Open XML Spreadsheet": the Strict namespaces, conformance stated."""
    def edit(name: str, content: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return content
        for transitional, strict in _STRICT_NAMES:
            content = content.replace(transitional, strict)
        if name == "xl/workbook.xml":
            content = content.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
        return content

    return rewritten(data, edit)


_STYLE_PARTS = frozenset({"xl/styles.xml", "xl/theme/theme1.xml"})


def as_web_export(data: bytes) -> bytes:
    """The workbook as a web spreadsheet exports it: no styles (a date is its serial number), no
    theme, no sheet dimension; strings inline, as openpyxl also writes them."""
    def edit(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            content = re.sub(rb'<dimension ref="[^"]*"/>', b"", content)
            return re.sub(rb'(<c r="[A-Z]+\d+") s="\d+"', rb"\1", content)
        if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            return re.sub(rb"<(?:Relationship|Override)[^>]*(?:styles|theme)[^>]*/>", b"", content)
        return content

    return rewritten(data, edit, dropped=_STYLE_PARTS)


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"')
_A1 = re.compile(r"(?:('(?:[^']|'')+'|\w+)!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


def _of_formula(formula: str) -> str:
    """"=SUM(D2:D9)+Ark2!C3+'Lege 1'!B4" -> "of:=SUM([.D2:.D9])+[Ark2.C3]+['Lege 1'.B4]"."""
    def ref(match: re.Match) -> str:
        sheet, c1, r1, c2, r2 = match.groups()
        first = f"{sheet or ''}.{c1}{r1}"
        return f"[{first}" + (f":.{c2}{r2}]" if c2 else "]")
    return "of:" + _A1.sub(ref, formula).replace(",", ";")


def _ods_cell(value: object, stored: object, span: tuple[int, int] | None) -> str:
    attrs = ""
    if span:
        attrs += f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
    if isinstance(value, str) and value.startswith("="):
        attrs += f" table:formula={quoteattr(_of_formula(value))}"
        value = Decimal(str(stored)) if stored not in (None, "") else None
        if value is None:
            return f"<table:table-cell{attrs}/>"
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        return f'<table:table-cell{attrs} office:value-type="date" office:date-value="{day.isoformat()}"/>'
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f'<table:table-cell{attrs} office:value-type="float" office:value="{value}"/>'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    return f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def as_ods(wb: Workbook, cached: dict[int, dict[str, object]]) -> bytes:
    """The workbook as LibreOffice saves it: formulas with their stored values, merged and hidden cells."""
    tables = []
    for number, ws in enumerate(wb.worksheets, start=1):
        stored = cached.get(number, {})
        spans = {(r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
                 for r in ws.merged_cells.ranges}
        hidden = {column_index_from_string(k) for k, d in ws.column_dimensions.items() if d.hidden}
        columns = "".join(f'<table:table-column table:visibility="{"collapse" if c in hidden else "visible"}"/>'
                          for c in range(1, ws.max_column + 1))
        rows = []
        for r in range(1, ws.max_row + 1):
            cells = [_ods_cell(ws.cell(r, c).value, stored.get(f"{get_column_letter(c)}{r}"), spans.get((r, c)))
                     for c in range(1, ws.max_column + 1)]
            rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(f"<table:table table:name={quoteattr(ws.title)}>{columns}{''.join(rows)}</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}><office:body>'
               f"<office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", FIXED_TIME), "application/vnd.oasis.opendocument.spreadsheet",
                         zipfile.ZIP_STORED)
        archive.writestr(zipfile.ZipInfo("content.xml", FIXED_TIME), content, zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo("META-INF/manifest.xml", FIXED_TIME), manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def as_xls(wb: Workbook) -> bytes:
    """The workbook in the binary Excel 97 format (xlwt); plain values, as an export writes them."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="mmm yyyy")
    for ws in wb.worksheets:
        sheet = book.add_sheet(ws.title[:31])
        merged_tops = {}
        covered = set()
        for r in ws.merged_cells.ranges:
            merged_tops[(r.min_row, r.min_col)] = r
            covered.update((row, col) for row in range(r.min_row, r.max_row + 1)
                           for col in range(r.min_col, r.max_col + 1))
        for key, dimension in ws.column_dimensions.items():
            if dimension.hidden:
                sheet.col(column_index_from_string(key) - 1).hidden = True
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value is None:
                    continue
                if isinstance(value, str) and value.startswith("="):
                    raise ValueError("xls samples hold plain values")
                at = (cell.row, cell.column)
                style = date_style if isinstance(value, (date, datetime)) else xlwt.Style.default_style
                if isinstance(value, Decimal):
                    value = float(value)
                if at in merged_tops:
                    r = merged_tops[at]
                    sheet.write_merge(r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1, value, style)
                elif at not in covered:
                    sheet.write(cell.row - 1, cell.column - 1, value, style)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
