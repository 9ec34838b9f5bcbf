"""The same small writer API as pdf_doc.PdfBuilder, producing a Word file.

Lets a document be drawn once and saved as either format, as real
submissions mix PDF and Word for the same kind of attachment. Word files
also carry what only Word has: tracked insertions, hidden text, nested
tables, headers and footers, content controls.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from samples.generator.office_zip import normalised


def _tracked(run) -> None:
    """Wraps a run in a tracked insertion (w:ins), as Word saves an edit with change tracking on."""
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "Saksbehandler")
    ins.set(qn("w:date"), "2024-01-01T00:00:00Z")
    run._r.addprevious(ins)
    ins.append(run._r)


def _in_content_control(element, alias: str) -> None:
    """Wraps a paragraph (block level, e.g. in a table cell) or a run (inline) in a content control
    (w:sdt), as official Word templates hold their fill-in fields."""
    sdt, properties, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
    name = OxmlElement("w:alias")
    name.set(qn("w:val"), alias)
    properties.append(name)
    sdt.append(properties)
    sdt.append(content)
    element.addprevious(sdt)
    content.append(element)


class DocxBuilder:
    def __init__(self) -> None:
        self.doc = Document()
        self.tracked_values = False  # values typed with change tracking on
        self.content_controls = False  # values in content controls, as in the directorate's templates
        self.leaders = ""  # a fill-in line or dot leaders between label and value ("Navn ______ Kari")
        self.typed_columns = False  # two pairs a line typed apart with spaces, not in a table

    def title(self, text: str) -> None:
        self.doc.add_heading(text, level=1)

    def heading(self, text: str) -> None:
        self.doc.add_heading(text, level=2)

    def para(self, text: str, hidden: bool = False) -> None:
        run = self.doc.add_paragraph().add_run(text)
        run.font.hidden = hidden or None

    def space(self, height_mm: float = 4) -> None:
        self.doc.add_paragraph().paragraph_format.space_after = Mm(height_mm)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def header(self, text: str) -> None:
        self.doc.sections[0].header.paragraphs[0].text = text

    def footer(self, text: str) -> None:
        self.doc.sections[0].footer.paragraphs[0].text = text

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None,
              into=None) -> None:
        """A grid (inside `into`, a cell, for a nested table); cells after the first column, or below
        a header, hold values, typed as tracked insertions when asked."""
        table = (into or self.doc).add_table(rows=0, cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for row_index, row in enumerate(rows):
            for col_index, (cell, text) in enumerate(zip(table.add_row().cells, row)):
                run = cell.paragraphs[0].add_run(text)
                is_value = row_index > 0 if header else col_index >= 1
                if self.tracked_values and is_value and text:
                    _tracked(run)
                if self.content_controls and is_value and text:
                    _in_content_control(cell.paragraphs[0]._p, "Felt")
        if header:
            for run in (r for p in table.rows[0].cells[0].paragraphs for r in p.runs):
                run.bold = True
            if self.content_controls:  # a repeating section: each row under the header in its own control
                for row in table.rows[1:]:
                    _in_content_control(row._tr, "Rad")

    def fields(self, pairs: list[tuple[str, str]], as_table: bool, layout: str = "") -> None:
        """Label and value: in two table cells (the label without its colon), on one line,
        two pairs a row (in a table, or typed apart with spaces), labels above values, or a field table
        nested in an outer table."""
        layout = layout or ("table" if as_table else "lines")
        if layout == "table":
            self.table([[k.rstrip(": "), v] for k, v in pairs])
        elif layout == "two-column" and self.typed_columns:
            for i in range(0, len(pairs), 2):
                typed = [f"{k} {v}" for k, v in pairs[i:i + 2]]
                self.doc.add_paragraph(typed[0].ljust(44) + "   " + typed[1] if len(typed) == 2 else typed[0])
        elif layout == "two-column":
            rows = [[*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))] for i in range(0, len(pairs), 2)]
            self.table([[k.rstrip(": "), v, k2.rstrip(": "), v2] for k, v, k2, v2 in rows])
        elif layout == "above":
            for i in range(0, len(pairs), 3):
                chunk = pairs[i:i + 3]
                self.table([[k.rstrip(": ") for k, _ in chunk], [v for _, v in chunk]], header=True)
        elif layout == "nested":
            outer = self.doc.add_table(rows=1, cols=1)
            outer.style = "Table Grid"
            cell = outer.rows[0].cells[0]
            cell.paragraphs[0].add_run("Opplysninger om legen")
            self.table([[k.rstrip(": "), v] for k, v in pairs], into=cell)
        else:
            for k, v in pairs:
                paragraph = self.doc.add_paragraph()
                paragraph.add_run(f"{k} {self.leaders} " if self.leaders else f"{k} ")
                run = paragraph.add_run(v)
                if self.tracked_values:
                    _tracked(run)
                if self.content_controls:
                    _in_content_control(run._r, k.rstrip(": "))

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalised(buf.getvalue())
