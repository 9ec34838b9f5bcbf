"""A Word document's text as lines of cells, in reading order (python-docx and its XML).

Paragraphs become one line each (tabs split cells), every table row becomes a
line of its cells, nested tables and content controls included, then the
headers and footers; tracked insertions (w:ins) read as text, deletions not,
hidden runs are left out and reported. Walking the XML ourselves keeps text that
`Paragraph.text` would miss (content controls, fields, hyperlinks).
"""
from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

from extractors.fields import Line, typed_cells

_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR, _R = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:r")
_VANISH, _VAL = qn("w:vanish"), qn("w:val")


def _on(toggle) -> bool:
    """A Word on/off property: present means on unless w:val says false."""
    return toggle.get(_VAL, "true").lower() not in ("false", "0", "off")


def _children(element, tags: tuple[str, ...]):
    """The children with these tags in order, content controls (w:sdt) opened: Word templates
    wrap fill-in paragraphs, repeating table rows and single cells in them."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _children(content, tags)


class _Walker:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.paragraphs = 0
        self.tables = 0
        self.hidden_text = False

    def block(self, element, prefix: str = "") -> None:
        for child in _children(element, (_P, _TBL)):
            if child.tag == _P:
                self.paragraph(child, prefix)
            else:
                self.tables += 1
                self.table(child, f"{prefix}tabell {self.tables}")

    def paragraph(self, p, prefix: str) -> None:
        self.paragraphs += 1
        text = self.text(p)
        if text.strip():
            self.lines.append(Line(cells=typed_cells(text), where=f"{prefix}avsnitt {self.paragraphs}"))

    def text(self, element) -> str:
        parts: list[str] = []
        for run in element.iter(_R):
            props = run.find(qn("w:rPr"))
            if props is not None and props.find(_VANISH) is not None and _on(props.find(_VANISH)):
                self.hidden_text = True
                continue  # hidden text is flagged, never read: the reader of the letter never saw it
            for node in run:
                if node.tag == _T:
                    parts.append(node.text or "")
                elif node.tag == _TAB:
                    parts.append("\t")
                elif node.tag in (_BR, _CR):
                    parts.append(" ")
        return "".join(parts)

    def table(self, tbl, where: str) -> None:
        nested: list = []
        for row_number, tr in enumerate(_children(tbl, (_TR,)), start=1):
            cells: list[str] = []
            for tc in _children(tr, (_TC,)):
                content = list(_children(tc, (_P, _TBL)))
                paragraphs = [self.text(p) for p in content if p.tag == _P]
                cells.append(" ".join(t.replace("\t", " ").strip() for t in paragraphs if t.strip()))
                nested.extend(b for b in content if b.tag == _TBL)
            if any(cells):
                self.lines.append(Line(cells=cells, where=f"{where} rad {row_number}"))
        for index, inner in enumerate(nested, start=1):
            self.table(inner, f"{where}.{index}")


def docx_lines(path: Path) -> tuple[list[Line], bool]:
    """The document's lines and whether it holds hidden text; raises what python-docx raises."""
    document = docx.Document(str(path))
    walker = _Walker()
    walker.block(document.element.body)
    for number, section in enumerate(document.sections, start=1):
        for part, name in ((section.header, "topptekst"), (section.footer, "bunntekst")):
            if part.is_linked_to_previous and number > 1:
                continue
            sub = _Walker()
            sub.block(part._element)
            walker.lines.extend(Line(cells=line.cells, where=f"{name} {line.where}") for line in sub.lines)
    return walker.lines, walker.hidden_text
