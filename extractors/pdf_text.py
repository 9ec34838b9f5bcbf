"""A PDF's text layer as lines of cells, page by page.

Words on one baseline form a line; a gap wider than about one character
height, or a ruling line between two words, starts a new cell, so both ruled
tables and label/value columns become cells without knowing the layout. A
ruling line across also ends a table row: what stands under it is a new row,
not the wrapped text of the cell above.

Laying a page out with pdfminer (pdfplumber) costs about 110 ms; pdfium
gives the same characters and drawn lines in a few. So a page is read from
pdfium, its characters boxed as pdfminer boxes them and made into words by
pdfplumber's own word grouping, its ruling lines and boxes taken from its
paths as pdfminer classifies them; pdfplumber lays out only a page pdfium
cannot give as pdfminer would (stored turned, a character not upright, drawings
inside a form object) and a page holding more than a page of text can (so a
hostile one still meets the time limit as before).
"""
from __future__ import annotations

import ctypes
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.fontmetrics import FONT_METRICS
from pdfplumber.utils.text import WordExtractor

from extractors.fields import Line

_SAME_LINE = 3.0  # points of vertical tolerance between words of one line
_ALIGN = 2.0  # points two cells' starts may differ and still stand in one column
Rule = tuple[float, float, float]  # a ruling line: where it stands (x or y) and from where to where


_WORDS = {"x_tolerance": 1.5, "y_tolerance": 2, "keep_blank_chars": False, "use_text_flow": False}
_PAGE_OBJECTS = 20_000  # characters or drawings; more than any page of text holds
_HYPHEN_MARK = 2  # pdfium's stand-in for a hyphen that ends a line; pdfminer keeps the hyphen
_SEGMENTS = {pdfium_c.FPDF_SEGMENT_MOVETO: "m", pdfium_c.FPDF_SEGMENT_LINETO: "l"}  # anything else is a curve


def pdf_lines(path: Path, first: int = 1, last: int | None = None) -> tuple[list[Line], int]:
    """The lines of pages `first` to `last` (1-based, inclusive; None: to the end) and the page count;
    raises what pdfplumber raises. Pages outside the range are never laid out."""
    lines: list[Line] = []
    with pdfplumber.open(path) as pdf:
        document = pdfium.PdfDocument(str(path))
        try:
            pages = len(pdf.pages)
            for number in range(first, min(last or pages, pages) + 1):
                found = _from_pdfium(document[number - 1])
                if found is None:
                    page = pdf.pages[number - 1]
                    found = (page.extract_words(**_WORDS), *_rules(page))
                    page.close()
                lines.extend(group_words(found[0], f"s. {number}", found[1], found[2]))
        finally:
            document.close()
    return lines, pages


def _from_pdfium(page) -> tuple[list[dict], list[Rule], list[Rule]] | None:
    """The page's words and ruling lines from pdfium; None when pdfplumber must lay it out."""
    if page.get_rotation():
        return None
    height = page.get_height()
    paths = []
    for count, found in enumerate(page.get_objects(max_depth=1)):
        if found.type == pdfium_c.FPDF_PAGEOBJ_FORM or count > _PAGE_OBJECTS:
            return None
        if found.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths.append(found.raw)
    text = page.get_textpage()
    try:
        chars = _chars(text.raw, height)
    finally:
        text.close()
    if chars is None:
        return None
    return WordExtractor(**_WORDS).extract_words(chars), *_path_rules(paths, height)


def _chars(text, height: float) -> list[dict] | None:
    """Characters boxed as pdfminer boxes them (from the origin, the advance and the font's descent, one
    font size high); None when one is not upright or the page holds too many."""
    count = pdfium_c.FPDFText_CountChars(text)
    if count > _PAGE_OBJECTS:
        return None
    box, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    descents: dict[int, float] = {}
    chars = []
    for index in range(count):
        if pdfium_c.FPDFText_IsGenerated(text, index):
            continue
        if pdfium_c.FPDFText_GetCharAngle(text, index) != 0:
            return None
        size = pdfium_c.FPDFText_GetFontSize(text, index)
        pdfium_c.FPDFText_GetLooseCharBox(text, index, box)
        pdfium_c.FPDFText_GetCharOrigin(text, index, x, y)
        bottom = y.value + size * _descent(text, index, descents)
        code = pdfium_c.FPDFText_GetUnicode(text, index)
        chars.append({"text": "-" if code == _HYPHEN_MARK else chr(code), "x0": box.left, "x1": box.right,
                      "top": height - bottom - size, "bottom": height - bottom, "doctop": height - bottom - size,
                      "upright": True, "size": size})
    return chars


def _descent(text, index: int, known: dict[int, float]) -> float:
    """The font's descent per point of size, as pdfminer takes it: the standard fonts' metrics when the
    font is not embedded, else the font's own."""
    handle = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(text, index))
    key = ctypes.cast(handle, ctypes.c_void_p).value or 0
    if key not in known:
        name = ctypes.create_string_buffer(128)
        pdfium_c.FPDFFont_GetBaseFontName(handle, name, len(name))
        standard = FONT_METRICS.get(name.value.decode("latin-1"))
        if standard is not None and not pdfium_c.FPDFFont_GetIsEmbedded(handle):
            known[key] = standard[0]["Descent"] / 1000
        else:
            descent = ctypes.c_float()
            pdfium_c.FPDFFont_GetDescent(handle, ctypes.c_float(1000.0), ctypes.byref(descent))
            known[key] = descent.value / 1000
    return known[key]


def _path_rules(paths: list, height: float) -> tuple[list[Rule], list[Rule]]:
    """Table lines from the page's paths, each subpath taken as pdfminer takes it: a single segment is a
    line, four sides closed and square to the page a box, anything else a curve no table is drawn with."""
    upright: list[Rule] = []
    across: list[Rule] = []
    for path in paths:
        for points in _subpaths(path):
            shape = "".join(op for op, _ in points)
            xy = [at if op != "h" else points[0][1] for op, at in points]
            if len(shape) > 3 and shape.endswith("lh") and xy[-2] == xy[0]:
                shape, xy = shape[:-2] + "h", xy[:-1]
            if shape in ("ml", "mlh"):
                (x0, y0), (x1, y1) = xy[0], xy[1]
                left, right, top, bottom = min(x0, x1), max(x0, x1), height - max(y0, y1), height - min(y0, y1)
                if abs(left - right) < 1:
                    upright.append((left, top, bottom))
                if abs(top - bottom) < 1:
                    across.append((top, left, right))
            elif shape in ("mlllh", "mllll") and _square(xy):
                (x0, y0), _, (x2, y2), _, _ = xy
                left, right, top, bottom = min(x0, x2), max(x0, x2), height - max(y0, y2), height - min(y0, y2)
                upright += [(left, top, bottom), (right, top, bottom)]
                across += [(top, left, right), (bottom, left, right)]
    return upright, across


def _subpaths(path) -> list[list[tuple[str, tuple[float, float] | None]]]:
    """The path's segments in page space, split where a new subpath starts; a closing is an "h"."""
    matrix, x, y = pdfium_c.FS_MATRIX(), ctypes.c_float(), ctypes.c_float()
    pdfium_c.FPDFPageObj_GetMatrix(path, matrix)
    found: list[list] = []
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        op = _SEGMENTS.get(pdfium_c.FPDFPathSegment_GetType(segment), "c")
        at = (matrix.a * x.value + matrix.c * y.value + matrix.e, matrix.b * x.value + matrix.d * y.value + matrix.f)
        if op == "m" or not found:
            found.append([])
        found[-1].append((op, at))
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            found[-1].append(("h", None))
    return found


def _square(xy: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), end = xy
    return end == xy[0] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                             or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))


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
    edges = _text_edges(rows)
    lines = [_line(sorted(row, key=lambda w: w["x0"]), where, upright, edges, slack) for row in rows]
    columns = _Columns(lines, [_first_words(line, row) for line, row in zip(lines, rows)], _ALIGN + slack)
    return _join_wrapped_cells(lines, across, upright, slack, columns)


def _text_edges(rows: list[list[dict]]) -> tuple[float, float]:
    """Where the page's text starts and ends: the leftmost word, and the end most lines share (the right
    edge of justified text; lines letter spacing carries past it, however many, do not move it); of ends
    shared alike, the rightmost."""
    if not rows:
        return 0.0, 0.0
    ends = [round(max(w["x1"] for w in row)) for row in rows]
    sharing = {end: sum(abs(end - other) <= 1 for other in ends) for end in ends}
    return min(w["x0"] for row in rows for w in row), float(max(ends, key=lambda end: (sharing[end], end)))


def _ruled_apart(left: dict, right: dict, rules: Sequence[Rule], slack: float = 0.0) -> bool:
    """A table's vertical line stands between the two words: they are in different cells,
    however close a filled cell brings them."""
    return any(left["x1"] - 0.5 - slack <= x <= right["x0"] + 0.5 + slack and top <= right["top"] + 1
               and bottom >= right["bottom"] - 1 for x, top, bottom in rules)


class _Columns:
    """Side-by-side columns of text on a page, from its lines of two cells or more, and how wide each
    line's first words are. With them, a line of cells that each start under a cell above tells a wrapped
    cell from the next row: a writer wraps a cell only when the next word does not fit, so the word that
    starts the lower cell must not fit after the cell above within its column. A column ends a little
    before the next column starts (a writer's cell padding stays under three text heights); the last
    column ends where its text reaches furthest in the lines set on the same columns."""

    def __init__(self, lines: list[Line], first_words: list[list[float]], align: float = _ALIGN) -> None:
        self._heads = {id(line): widths for line, widths in zip(lines, first_words)}
        self._grids = [line.bboxes for line in lines if len(line.cells) >= 2 and all(line.bboxes)]
        self._align = align

    def full(self, row: Line, index: int, line: Line, cell: int, grid: Line) -> bool:
        """The cell of `row` at `index` had no room left for the first word of `line`'s cell `cell`,
        in the columns of `grid`."""
        box, below = row.bboxes[index], line.bboxes[cell]
        heads = self._heads.get(id(line))
        if box is None or below is None or not heads or not all(grid.bboxes):
            return False
        height = below[3] - below[1]
        starts = [b[0] for b in grid.bboxes]  # type: ignore[index]
        following = [x for x in starts if x > box[0] + self._align]
        end = following[0] - 3 * height if following else self._reach(box[0], starts)
        return box[2] + 0.25 * height + heads[cell] > end + 0.5

    def _reach(self, start: float, starts: list[float]) -> float:
        """How far the text of the column at `start` reaches in the lines set on these columns."""
        alike = [boxes for boxes in self._grids if len(boxes) == len(starts)
                 and all(abs(b[0] - x) < self._align for b, x in zip(boxes, starts))]  # type: ignore[index]
        return max((b[2] for boxes in alike for b in boxes if abs(b[0] - start) < self._align),  # type: ignore[index]
                   default=float("inf"))


def _first_words(line: Line, words: list[dict]) -> list[float]:
    """The width of the word each cell of the line starts with."""
    starts = {round(w["x0"], 1): w["x1"] - w["x0"] for w in words}
    return [starts.get(box[0], 0.0) if box else 0.0 for box in line.bboxes]


def _join_wrapped_cells(lines: list[Line], across: Sequence[Rule] = (), upright: Sequence[Rule] = (),
                        slack: float = 0.0, columns: _Columns | None = None) -> list[Line]:
    """A table row set on several text lines becomes one line of cells.

    A cell that wraps ("Helsepersonell-" / "nummer") continues on the line
    below, starting where it started; a cell centred vertically in a row whose
    other cells wrap stands on a line of its own, beside the cells above and
    clear of them. The lower line joins the row when each of its cells does
    one or the other, it follows closer than half a text line (table rows stand
    further apart) and no ruling line separates them. Unruled, a line whose
    cells all continue cells above joins only as the wrapped end of full cells
    in side-by-side columns (_Columns), so the next row of two label/value pairs
    stays a row of its own. `slack` is group_words' allowance for OCR's word boxes.
    """
    align = _ALIGN + slack
    joined: list[Line] = []
    for line in lines:
        above = joined[-1] if joined else None
        if above is not None and not _ruled_off(above, line, across) and (
                _joins_row(above, line, across, upright, slack)
                or _wraps_in_columns(above, line, joined[-2] if len(joined) > 1 else None, columns, slack)):
            joined[-1] = _merged_row(above, line, align)
            continue
        joined.append(line)
    return joined


def _wraps_in_columns(above: Line, line: Line, before: Line | None, columns: _Columns | None,
                      slack: float = 0.0) -> bool:
    """Every cell of the line is the wrapped end of a full cell of the row above, in side-by-side columns
    (the row's own, or those of the row before it when the row holds one pair alone), and the line
    follows closer than half a text line."""
    if columns is None or not (above.bboxes and line.bboxes and all(above.bboxes) and all(line.bboxes)):
        return False
    align = _ALIGN + slack
    grid = above if len(above.cells) >= 2 else before
    if grid is None or len(grid.cells) < 2 or _column(grid, above.bboxes[0], align) is None:
        return False
    targets = [_column(above, box, align) for box in line.bboxes]
    if None in targets or len(set(targets)) < len(targets):
        return False
    return all(columns.full(above, target, line, cell, grid) for cell, target in enumerate(targets)) \
        and _follows_close(above, line, slack)


def _follows_close(above: Line, line: Line, slack: float = 0.0) -> bool:
    """The line stands closer under the row than half a text line (table rows stand further apart); OCR's
    boxes, tight around the letters, may leave up to `slack` more."""
    height = line.bboxes[0][3] - line.bboxes[0][1]  # type: ignore[index]  # one text line: the row may have grown already
    return line.bboxes[0][1] - max(b[3] for b in above.bboxes if b) < 0.5 * height + slack  # type: ignore[index]


def _ruled_off(above: Line, line: Line, across: Sequence[Rule]) -> bool:
    """A line across the page between the two lines, under the lower line's text: a new table row."""
    top = line.bboxes[0][1]
    bottom = max(b[3] for b in above.bboxes if b)
    x0, x1 = line.bboxes[0][0], line.bboxes[-1][2]
    return any(bottom - 1 <= y <= top + 1 and left <= x1 and right >= x0 for y, left, right in across)


def _joins_row(above: Line, line: Line, across: Sequence[Rule] = (), upright: Sequence[Rule] = (),
               slack: float = 0.0) -> bool:
    """Each cell of the line continues a cell above (starts where it starts) or stands clear of them all.
    Between the same two ruling lines of a row that is all it takes, however loose the line spacing;
    unruled, the line must follow closer than half a text line, and a line of continuations alone
    must have fewer cells than the row (else it is the next row)."""
    if not (above.bboxes and line.bboxes and all(above.bboxes) and all(line.bboxes)):
        return False
    align = _ALIGN + slack
    under = [_column(above, box, align) is not None for box in line.bboxes]
    clear = [all(box[2] < a[0] - 2 or box[0] > a[2] + 2 for a in above.bboxes) for box in line.bboxes]  # type: ignore[index]
    if not all(u or c for u, c in zip(under, clear)):
        return False
    if _in_one_ruled_row(above, line, across, upright):
        return True
    if not any(clear) and not (len(above.cells) >= 2 and len(line.cells) < len(above.cells)):
        return False
    return _follows_close(above, line, slack)


def _in_one_ruled_row(above: Line, line: Line, across: Sequence[Rule], upright: Sequence[Rule]) -> bool:
    """A ruling line just over the upper line and one just under the lower, no further apart than a
    table row's height and joined by upright lines on both sides: both lines stand in one ruled row
    (rules between are _ruled_off's concern)."""
    x0 = min(b[0] for b in above.bboxes + line.bboxes)  # type: ignore[index]
    x1 = max(b[2] for b in above.bboxes + line.bboxes)  # type: ignore[index]
    top, bottom = min(b[1] for b in above.bboxes), max(b[3] for b in line.bboxes)  # type: ignore[index]
    over = [y for y, left, right in across if y <= top + 1 and left < x1 and right > x0]
    under = [y for y, left, right in across if y >= bottom - 1 and left < x1 and right > x0]
    if not (over and under) or min(under) - max(over) > _CELL_RULE_HEIGHT:
        return False
    row_top, row_bottom = max(over), min(under)
    sides = [x for x, side_top, side_bottom in upright if side_top <= row_top + 1 and side_bottom >= row_bottom - 1]
    return any(x <= x0 + 1 for x in sides) and any(x >= x1 - 1 for x in sides)


def _column(row: Line, box, align: float = _ALIGN) -> int | None:
    """The cell of the row that a box continues: the one starting where the box starts, provided the box
    ends before the row's next cell begins (text running under that cell is not this cell's)."""
    for index, cell in enumerate(row.bboxes):
        if cell and abs(cell[0] - box[0]) < align:
            following = [b[0] for b in row.bboxes if b and b[0] > cell[0] + 2]
            return index if not following or box[2] < min(following) else None
    return None


def _merged_row(above: Line, line: Line, align: float = _ALIGN) -> Line:
    """The row with the line's cells joined to the cells they continue and the others set beside them;
    a cell read by OCR keeps the lowest confidence and every word of what joined it."""
    ocr = bool(above.confidences and line.confidences)
    cells, boxes = list(above.cells), list(above.bboxes)
    confidences, words = list(above.confidences), [list(cell) for cell in above.ocr_words]
    for index, (cell, box) in enumerate(zip(line.cells, line.bboxes)):
        target = _column(above, box, align)
        if target is None:
            cells.append(cell)
            boxes.append(box)
            if ocr:
                confidences.append(line.confidences[index])
                words.append(list(line.ocr_words[index]))
        else:
            old = boxes[target]
            cells[target] = _join(cells[target], cell)
            boxes[target] = (old[0], old[1], max(old[2], box[2]), box[3])  # type: ignore[index]
            if ocr:
                confidences[target] = min(confidences[target], line.confidences[index])
                words[target] += line.ocr_words[index]
    order = sorted(range(len(cells)), key=lambda i: boxes[i][0])  # type: ignore[index]
    return Line(cells=[cells[i] for i in order], where=above.where, bboxes=[boxes[i] for i in order],
                confidences=[confidences[i] for i in order] if ocr else [],
                ocr_words=[words[i] for i in order] if ocr else [])


def _join(first: str, second: str) -> str:
    """Cells wrap at spaces or inside a word; a space is kept and the value readers tolerate it."""
    if first.endswith("-") and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"


_CELL_RULE_HEIGHT = 200.0  # taller upright lines frame a page or a whole table, not one cell


def _line(words: list[dict], where: str, rules: Sequence[Rule] = (), edges: tuple[float, float] = (0, 0),
          slack: float = 0.0) -> Line:
    """Words into cells: a wide gap or a ruling line between two words parts them, unless the gaps are
    the even spacing of a justified line, or both words stand in one ruled cell. `edges` are the left
    and right ends of the page's text."""
    justified = _evenly_spaced(words, edges)
    cells: list[list[dict]] = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        height = max(prev["bottom"] - prev["top"], 4.0)
        wide = word["x0"] - prev["x1"] > 0.9 * height
        if _ruled_apart(prev, word, rules, slack) or (wide and not justified and not _in_one_cell(prev, word, rules)):
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


def _evenly_spaced(words: list[dict], edges: tuple[float, float]) -> bool:
    """A justified line: every gap the same (word spacing set to fill the line), and either the line
    fills the page's text from edge to edge (a line ended by a line break in a justified paragraph:
    "Navn:  …  Kari  …  Nordmann", "Stillingsandel  …  100 %") or it has three words or more and no
    gap wider than a few characters. Table columns leave uneven gaps, or even ones that do not end at
    the text's right edge."""
    if len(words) < 2:
        return False
    gaps = [b["x0"] - a["x1"] for a, b in zip(words, words[1:])]
    if max(gaps) - min(gaps) > max(0.6, 0.08 * max(gaps)):
        return False
    height = max(w["bottom"] - w["top"] for w in words)
    slack = max(1.5, 0.01 * (edges[1] - edges[0]))  # letter spacing may carry a line's end a little further
    edge_to_edge = abs(words[0]["x0"] - edges[0]) <= slack and abs(words[-1]["x1"] - edges[1]) <= slack
    return edge_to_edge or (len(words) >= 3 and max(gaps) < 3 * height)


def _in_one_cell(left: dict, right: dict, rules: Sequence[Rule]) -> bool:
    """Both words stand between the same two upright lines of a cell's height (a ruled cell whose text
    is justified or spaced wide): one cell, however wide the gap."""
    def spans(top: float, bottom: float) -> bool:
        return top <= right["top"] + 1 and bottom >= right["bottom"] - 1 and bottom - top <= _CELL_RULE_HEIGHT

    has_left = any(x <= left["x0"] + 0.5 and spans(top, bottom) for x, top, bottom in rules)
    has_right = any(x >= right["x1"] - 0.5 and spans(top, bottom) for x, top, bottom in rules)
    return has_left and has_right
