"""A third PDF producer: fpdf2, with its own table layout as many small web and report tools use it.

fpdf2's default table centres every cell vertically with loose line spacing
(twice the font size) and justifies cell text, so a label that wraps to two
lines stands above and below its one-line value, the value on neither line.
Output is byte-deterministic (fixed creation date, embedded subset fonts).
"""
from __future__ import annotations

from datetime import datetime, timezone

from fpdf import FPDF

from samples.generator.pdf_doc import DEJAVU, DEJAVU_BOLD, FieldLayouts
from samples.generator.variation import THIN

_BODY = 10
_FIXED_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)


class FpdfBuilder(FieldLayouts):
    """The PdfBuilder interface (title, heading, para, table; fields from FieldLayouts) drawn by fpdf2."""

    unruled_columns = False  # its cells justify their text: unruled, a wrapped line's words stand far apart

    def __init__(self) -> None:
        self._pdf = FPDF(format="A4")
        self._pdf.set_creation_date(_FIXED_DATE)
        self._pdf.set_margins(20, 20, 20)
        if DEJAVU.exists() and DEJAVU_BOLD.exists():
            self._pdf.add_font("DejaVuSans", "", str(DEJAVU))
            self._pdf.add_font("DejaVuSans", "B", str(DEJAVU_BOLD))
            self.font = "DejaVuSans"
        else:
            self.font = "Helvetica"
        self._pdf.add_page()

    def _text(self, text: str) -> str:
        text = text.replace(THIN, " ")
        if self.font == "Helvetica":  # the core fonts hold Latin-1 only
            text = text.replace("–", "-").replace("…", "...").encode("latin-1", "replace").decode("latin-1")
        return text

    def _write(self, text: str, size: float, bold: bool, height: float, after: float) -> None:
        self._pdf.set_font(self.font, "B" if bold else "", size)
        self._pdf.multi_cell(0, height, self._text(text), new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(after)

    def title(self, text: str) -> None:
        self._write(text, 15, True, 8, 3)

    def heading(self, text: str) -> None:
        self._pdf.ln(2)
        self._write(text, 11.5, True, 6, 1.5)

    def para(self, text: str) -> None:
        self._write(text, _BODY, False, 5, 1.5)

    def space(self, height_mm: float = 4) -> None:
        self._pdf.ln(height_mm)

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None,
              ruled: bool = True) -> None:
        """fpdf2's table with its defaults: cells centred vertically, loose lines, justified text."""
        self._pdf.set_font(self.font, "", _BODY)
        count = max(len(row) for row in rows)
        widths = widths or [170 / count] * count
        with self._pdf.table(col_widths=widths, width=sum(widths), align="LEFT",
                             first_row_as_headings=header, borders_layout="ALL" if ruled else "NONE") as table:
            for row in rows:
                cells = table.row()
                for text in row:
                    cells.cell(self._text(text))
        self.space(3)

    def page_break(self) -> None:
        self._pdf.add_page()

    def bytes(self) -> bytes:
        return bytes(self._pdf.output())
