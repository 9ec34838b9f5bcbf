"""The same small writer API as pdf_doc.PdfBuilder, producing a Word file.

Lets a document be drawn once and saved as either format, as real
submissions mix PDF and Word for the same kind of attachment.
"""
from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm

from samples.generator.office_zip import normalised


class DocxBuilder:
    def __init__(self) -> None:
        self.doc = Document()

    def title(self, text: str) -> None:
        self.doc.add_heading(text, level=1)

    def heading(self, text: str) -> None:
        self.doc.add_heading(text, level=2)

    def para(self, text: str) -> None:
        self.doc.add_paragraph(text)

    def space(self, height_mm: float = 4) -> None:
        self.doc.add_paragraph().paragraph_format.space_after = Mm(height_mm)

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None) -> None:
        table = self.doc.add_table(rows=0, cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
        if header:
            for run in (r for p in table.rows[0].cells[0].paragraphs for r in p.runs):
                run.bold = True

    def fields(self, pairs: list[tuple[str, str]], as_table: bool) -> None:
        """Label and value: in two table cells (the label without its colon), or on one line."""
        if as_table:
            self.table([[k.rstrip(": "), v] for k, v in pairs])
        else:
            for k, v in pairs:
                self.para(f"{k} {v}")

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalised(buf.getvalue())
