"""A second PDF producer: text placed at absolute positions, as report engines and online
form services write PDFs (not through a layout engine like pdf_doc's platypus).

Its quirks are drawn per document: every word placed on its own with no space
characters between (and paragraphs justified by spacing those words, as Word's
justified export does), a little letter spacing, tables with or without ruling
lines, a running header and "Side N" footer on every page, and pages stored
landscape with /Rotate 90 (the text shows upright, the way scanners and
print-to-PDF drivers store a turned sheet). Output is byte-deterministic.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from samples.generator.pdf_doc import FieldLayouts
from samples.generator.variation import THIN

_WIDTH, _HEIGHT = A4
_MARGIN = 20 * mm
_BODY, _LEADING = 10, 13


@dataclass(frozen=True)
class Quirks:
    """How one producer writes: drawn per document, or named in a test."""

    words_apart: bool = False  # every word its own text object, no space characters
    char_space: float = 0.0  # points of letter spacing
    ruled: bool = True  # table cells drawn with lines
    rotated: bool = False  # stored landscape with /Rotate 90
    running_header: bool = False
    justified: bool = False  # paragraphs set flush on both sides by spacing the words (words apart implied)

    @classmethod
    def draw(cls, rng: random.Random, justified: bool = False) -> "Quirks":
        return cls(words_apart=rng.random() < 0.5 or justified, char_space=rng.choice([0, 0, 0.2, 0.4]),
                   ruled=rng.random() < 0.5, rotated=rng.random() < 0.3, running_header=rng.random() < 0.5,
                   justified=justified)


class CanvasPdfBuilder(FieldLayouts):
    """The PdfBuilder interface (title, heading, para, table; fields from FieldLayouts) drawn straight on a canvas."""

    def __init__(self, quirks: Quirks, running_header: str = "") -> None:
        self.words_apart, self.char_space = quirks.words_apart, quirks.char_space
        self.ruled, self.rotated = quirks.ruled, quirks.rotated
        self.justified = quirks.justified
        self.running_header = running_header if quirks.running_header else ""
        self._buffer = BytesIO()
        size = (_HEIGHT, _WIDTH) if self.rotated else A4
        self._canvas = canvas.Canvas(self._buffer, pagesize=size, invariant=1)
        self._page = 0
        self._start_page()

    # --- pages ---------------------------------------------------------------------------------

    def _start_page(self) -> None:
        self._page += 1
        if self.rotated:
            self._canvas.setPageRotation(90)
            self._canvas.translate(_HEIGHT, 0)
            self._canvas.rotate(90)
        self.y = _HEIGHT - _MARGIN
        if self.running_header:
            self._draw(self.running_header, _MARGIN, _HEIGHT - 12 * mm, "Helvetica", 8)
        self._draw(f"Side {self._page}", _WIDTH / 2 - 10, 10 * mm, "Helvetica", 8)

    def _end_page(self) -> None:
        self._canvas.showPage()

    def page_break(self) -> None:
        self._end_page()
        self._start_page()

    def _room(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.page_break()

    # --- text ----------------------------------------------------------------------------------

    def _draw(self, text: str, x: float, y: float, font: str, size: float, width: float = 0) -> None:
        """One line; with `width`, its words spread to fill it (a justified line)."""
        text = text.replace(THIN, " ")
        if not self.words_apart:
            self._text_object(text, x, y, font, size)
            return
        words = [w for w in text.split(" ") if w]
        widths = [self._canvas.stringWidth(w, font, size) + self.char_space * len(w) for w in words]
        space = self._canvas.stringWidth(" ", font, size)
        if width and len(words) > 1:
            space = max(space, (width - sum(widths)) / (len(words) - 1))
        for word, word_width in zip(words, widths):
            self._text_object(word, x, y, font, size)
            x += word_width + space

    def _text_object(self, text: str, x: float, y: float, font: str, size: float) -> None:
        obj = self._canvas.beginText(x, y)
        obj.setFont(font, size)
        obj.setCharSpace(self.char_space)
        obj.textOut(text)
        self._canvas.drawText(obj)

    def _lines(self, text: str, width: float, font: str, size: float) -> list[str]:
        return simpleSplit(text.replace(THIN, " "), font, size, width - self.char_space * 40) or [""]

    def _block(self, text: str, font: str, size: float, leading: float, before: float, after: float) -> None:
        lines = self._lines(text, _WIDTH - 2 * _MARGIN, font, size)
        self._room(before + leading * len(lines))
        self.y -= before
        for number, line in enumerate(lines, start=1):
            self.y -= leading
            spread = _WIDTH - 2 * _MARGIN if self.justified and number < len(lines) else 0
            self._draw(line, _MARGIN, self.y, font, size, spread)
        self.y -= after

    def field_lines(self, lines: list[str]) -> None:
        """Justified, the field lines are one paragraph broken by line breaks (typed with Shift+Enter in
        Word): every line but the last is spread across the full width, a few words far apart."""
        if not self.justified:
            super().field_lines(lines)
            return
        width = _WIDTH - 2 * _MARGIN
        broken = [part for line in lines for part in self._lines(line, width, "Helvetica", _BODY)]
        for number, line in enumerate(broken, start=1):
            self._room(_LEADING)
            self.y -= _LEADING
            self._draw(line, _MARGIN, self.y, "Helvetica", _BODY, width if number < len(broken) else 0)
        self.y -= 4

    def title(self, text: str) -> None:
        self._block(text, "Helvetica-Bold", 15, 19, 0, 8)

    def heading(self, text: str) -> None:
        self._block(text, "Helvetica-Bold", 11.5, 15, 6, 4)

    def para(self, text: str) -> None:
        self._block(text, "Helvetica", _BODY, _LEADING, 0, 4)

    def space(self, height_mm: float = 4) -> None:
        self.y -= height_mm * mm

    # --- tables and fields ---------------------------------------------------------------------

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None,
              ruled: bool = True) -> None:
        """A table, ruled when the producer rules its tables and the table asks for it."""
        ruled = ruled and self.ruled
        count = max(len(row) for row in rows)
        widths_pt = [w * mm for w in widths] if widths else [(_WIDTH - 2 * _MARGIN) / count] * count
        for index, row in enumerate(rows):
            font = "Helvetica-Bold" if header and index == 0 else "Helvetica"
            room = 6 if ruled else 14  # without lines a reader needs white space between columns
            sizes = [self._fitting_size(cell, width - room, font) for cell, width in zip(row, widths_pt)]
            cells = [self._lines(cell, width - room, font, size) for cell, width, size in zip(row, widths_pt, sizes)]
            height = _LEADING * max(len(c) for c in cells) + 6
            self._room(height)
            x = _MARGIN
            for lines, width, size in zip(cells, widths_pt, sizes):
                for number, line in enumerate(lines, start=1):
                    self._draw(line, x + 3, self.y - 3 - _LEADING * number + 3, font, size)
                if ruled:
                    self._canvas.rect(x, self.y - height, width, height, stroke=1, fill=0)
                x += width
            self.y -= height
        self.space(3)

    def _fitting_size(self, text: str, width: float, font: str) -> float:
        """Shrink to fit, as report engines do: the longest word must fit in its cell."""
        longest = max((self._canvas.stringWidth(w, font, _BODY) + self.char_space * len(w)
                       for w in text.replace(THIN, " ").split()), default=0)
        return _BODY if longest <= width else max(6.0, _BODY * width / longest)

    def bytes(self) -> bytes:
        self._end_page()
        self._canvas.save()
        return self._buffer.getvalue()
