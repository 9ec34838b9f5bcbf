"""A tiny PDF writer over reportlab platypus: headings, paragraphs, field lists, tables.

Output is byte-deterministic (invariant mode) and always has a text layer.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from samples.generator.variation import THIN

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _fonts(embedded: bool) -> tuple[str, str]:
    """Built-in Helvetica (small files, like many generators) or embedded DejaVu (like Word export)."""
    if embedded and DEJAVU.exists() and DEJAVU_BOLD.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(DEJAVU_BOLD)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


WRAPPED_PAIR_WIDTH = 46  # mm: a column of "label value" text in which the longer labels wrap


class FieldLayouts:
    """Label and value pairs drawn through a PDF writer's own table and para: shared by both producers."""

    leaders = ""  # a fill-in line or dot leaders between label and value ("Navn ______ Kari")
    unruled_columns = True  # can set pairs as unruled columns of text ("wrapped-pairs")

    def fields(self, pairs: list[tuple[str, str]], as_table: bool, layout: str = "") -> None:
        """Label and value: in two table cells, on one line, two pairs a row (in four ruled cells, or as two
        unruled columns of text whose narrow width wraps a long label, its end and the value on the next
        line), or labels above values."""
        layout = layout or ("table" if as_table else "lines")
        if layout == "table":
            self.table([[k, v] for k, v in pairs], widths=[55, 110])
        elif layout == "two-column":
            rows = [[*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))] for i in range(0, len(pairs), 2)]
            self.table(rows, widths=[38, 45, 38, 45])
        elif layout == "wrapped-pairs":
            rows = [[f"{k} {v}" for k, v in pairs[i:i + 2]] for i in range(0, len(pairs), 2)]
            self.table([row + [""] * (2 - len(row)) for row in rows], widths=[WRAPPED_PAIR_WIDTH] * 2, ruled=False)
        elif layout == "above":
            for i in range(0, len(pairs), 3):
                chunk = pairs[i:i + 3]
                self.table([[k.rstrip(": ") for k, _ in chunk], [v for _, v in chunk]], header=True,
                           widths=[55] * len(chunk))
        else:
            self.field_lines([f"{k} {self.leaders} {v}" if self.leaders else f"{k} {v}" for k, v in pairs])

    def field_lines(self, lines: list[str]) -> None:
        """Label and value lines, a paragraph each."""
        for line in lines:
            self.para(line)


class PdfBuilder(FieldLayouts):
    def __init__(self, embedded_font: bool = False) -> None:
        self.font, self.bold = _fonts(embedded_font)
        self.body = ParagraphStyle("body", fontName=self.font, fontSize=10, leading=13, spaceAfter=4)
        self.h1 = ParagraphStyle("h1", fontName=self.bold, fontSize=15, leading=19, spaceAfter=8)
        self.h2 = ParagraphStyle("h2", fontName=self.bold, fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=4)
        self.story: list = []

    def _text(self, text: str) -> str:
        if self.font == "Helvetica":
            text = text.replace(THIN, " ")
        return escape(text)

    def title(self, text: str) -> None:
        self.story.append(Paragraph(self._text(text), self.h1))

    def heading(self, text: str) -> None:
        self.story.append(Paragraph(self._text(text), self.h2))

    def para(self, text: str) -> None:
        self.story.append(Paragraph(self._text(text), self.body))

    def space(self, height_mm: float = 4) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None,
              ruled: bool = True) -> None:
        cells = [[Paragraph(self._text(c), self.body) for c in row] for row in rows]
        style = [("VALIGN", (0, 0), (-1, -1), "TOP")] + ([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)] if ruled else [])
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
        self.story.append(Table(cells, colWidths=[w * mm for w in widths] if widths else None,
                                style=TableStyle(style), hAlign="LEFT"))
        self.space(3)

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def bytes(self) -> bytes:
        buf = BytesIO()
        SimpleDocTemplate(buf, pagesize=A4, invariant=1, title="", author="",
                          leftMargin=20 * mm, rightMargin=20 * mm).build(self.story)
        return buf.getvalue()
