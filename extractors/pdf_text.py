"""A PDF's text layer as lines of cells, page by page (pdfplumber).

Words on one baseline form a line; a gap wider than about one character
height, or a ruling line between two words, starts a new cell, so both ruled
tables and label/value columns become cells without knowing the layout. A
ruling line across also ends a table row: what stands under it is a new row,
not the wrapped text of the cell above.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pdfplumber

from extractors.fields import Line

_SAME_LINE = 3.0  # points of vertical tolerance between words of one line
_ALIGN = 2.0  # points two cells' starts may differ and still stand in one column
Rule = tuple[float, float, float]  # a ruling line: where it stands (x or y) and from where to where


def pdf_lines(path: Path) -> tuple[list[Line], int]:
    """The lines of every page and the page count; raises what pdfplumber raises."""
    lines: list[Line] = []
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
            upright, across = _rules(page)
            lines.extend(group_words(words, f"s. {number}", upright, across))
    return lines, pages


def _rules(page) -> tuple[list[Rule], list[Rule]]:
    """Table lines from drawn lines and the sides of drawn boxes (cheaper than page.edges):
    upright ones as (x, top, bottom), those across as (y, x0, x1)."""
    upright = [(line["x0"], line["top"], line["bottom"]) for line in page.lines if abs(line["x0"] - line["x1"]) < 1]
    across = [(line["top"], line["x0"], line["x1"]) for line in page.lines if abs(line["top"] - line["bottom"]) < 1]
    for box in page.rects:
        upright += [(box["x0"], box["top"], box["bottom"]), (box["x1"], box["top"], box["bottom"])]
        across += [(box["top"], box["x0"], box["x1"]), (box["bottom"], box["x0"], box["x1"])]
    return upright, across


def group_words(words: list[dict], where: str, upright: Sequence[Rule] = (), across: Sequence[Rule] = (),
                slack: float = 0.0) -> list[Line]:
    """Words (text, x0, x1, top, bottom in points from the page's top left) into lines of cells.

    One grouping for a text layer and for OCR (extractors/ocr.py): a word that
    carries a "confidence" gives its cell the lowest confidence of its words;
    `slack` widens, in points, how exactly two cells must start in one column
    and where a ruling line may stand between two words, for word boxes that are
    less exact than a text layer's.
    """
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= _SAME_LINE:
            rows[-1].append(word)
        else:
            rows.append([word])
    return _join_wrapped_cells([_line(sorted(row, key=lambda w: w["x0"]), where, upright, slack) for row in rows],
                               across, _ALIGN + slack)


def _ruled_apart(left: dict, right: dict, rules: Sequence[Rule], slack: float = 0.0) -> bool:
    """A table's vertical line stands between the two words: they are in different cells,
    however close a filled cell brings them."""
    return any(left["x1"] - 0.5 - slack <= x <= right["x0"] + 0.5 + slack and top <= right["top"] + 1 and bottom >= right["bottom"] - 1
               for x, top, bottom in rules)


def _join_wrapped_cells(lines: list[Line], across: Sequence[Rule] = (), align: float = _ALIGN) -> list[Line]:
    """A table cell that wraps ("Helsepersonell-" / "nummer") continues on the line below.

    The lower line is a continuation when it has fewer cells than the line
    above, every one of them starts where a cell above starts, it follows
    closer than half a text line (table rows stand further apart) and no
    ruling line separates them; its text joins the cell above.
    """
    joined: list[Line] = []
    for line in lines:
        above = joined[-1] if joined else None
        if above is not None and _continues(above, line, align) and not _ruled_off(above, line, across):
            for index, (cell, box) in enumerate(zip(line.cells, line.bboxes)):
                target = min((i for i, b in enumerate(above.bboxes) if b), key=lambda i: abs(above.bboxes[i][0] - box[0]))
                above.cells[target] = _join(above.cells[target], cell)
                if above.confidences:
                    above.confidences[target] = min(above.confidences[target], line.confidences[index])
                    above.ocr_words[target] = above.ocr_words[target] + line.ocr_words[index]
                old = above.bboxes[target]
                above.bboxes[target] = (old[0], old[1], max(old[2], box[2]), box[3])
            continue
        joined.append(line)
    return joined


def _ruled_off(above: Line, line: Line, across: Sequence[Rule]) -> bool:
    """A line across the page between the two lines, under the lower line's text: a new table row."""
    top = line.bboxes[0][1]
    bottom = max(b[3] for b in above.bboxes if b)
    x0, x1 = line.bboxes[0][0], line.bboxes[-1][2]
    return any(bottom - 1 <= y <= top + 1 and left <= x1 and right >= x0 for y, left, right in across)


def _continues(above: Line, line: Line, align: float = _ALIGN) -> bool:
    if len(above.cells) < 2 or len(line.cells) >= len(above.cells):
        return False
    starts = [b[0] for b in above.bboxes if b]
    if not all(box and any(abs(box[0] - x) < align for x in starts) for box in line.bboxes):
        return False
    height = line.bboxes[0][3] - line.bboxes[0][1]  # one text line: the cell above may have grown already
    return line.bboxes[0][1] - max(b[3] for b in above.bboxes if b) < 0.5 * height


def _join(first: str, second: str) -> str:
    """Cells wrap at spaces or inside a word; a space is kept and the value readers tolerate it."""
    if first.endswith("-") and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"


def _line(words: list[dict], where: str, rules: Sequence[Rule] = (), slack: float = 0.0) -> Line:
    cells: list[list[dict]] = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        height = max(prev["bottom"] - prev["top"], 4.0)
        if word["x0"] - prev["x1"] > 0.9 * height or _ruled_apart(prev, word, rules, slack):
            cells.append([word])
        else:
            cells[-1].append(word)
    return Line(
        cells=[" ".join(w["text"] for w in cell) for cell in cells],
        where=where,
        bboxes=[(round(cell[0]["x0"], 1), round(min(w["top"] for w in cell), 1),
                 round(cell[-1]["x1"], 1), round(max(w["bottom"] for w in cell), 1)) for cell in cells],
        confidences=[round(min(w["confidence"] for w in cell), 3) for cell in cells] if "confidence" in words[0] else [],
        ocr_words=[[(w["text"], round(w["confidence"], 3)) for w in cell] for cell in cells]
        if "confidence" in words[0] else [],
    )
