"""Label-driven field lookup over the lines of a text document (PDF, Word, OpenDocument).

Every text document is first turned into `Line`s: the cells of one visual
line (table cells, or runs of words separated by a wide gap), with the place
they stood. A field is then found by its label synonyms: the value follows
the label in the same cell, or sits in the next cell, under the label in a
row of labels, or on the next line. Nothing here depends on positions in a
particular template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from extractors.labels import by_length, label_at_start, label_inside, tables
from extractors.models import Evidence, Extracted, Grade, Route
from extractors.periods import dated_parser, leading_qualifier, qualifier_in
from extractors.values import clean_text, find_date, parse_hpr, parse_percent, parse_position

BBox = tuple[float, float, float, float]


# a line at least this long, without an end of sentence, is a paragraph the writer's page width wrapped
_WRAPPED_LINE_CHARS = 60
_TYPED_GAP = re.compile(r"\t| {3,}")


def typed_cells(text: str) -> list[str]:
    """A typed paragraph's cells: writers align a label and its value, or two fields on one line, with tabs or
    with runs of spaces ("Legens navn: Ola Nordmann      HPR-nummer: 9306163"), as a PDF does with gaps."""
    return [c.strip() for c in _TYPED_GAP.split(text) if c.strip()]


@dataclass
class Line:
    """One visual line: its cells in reading order and where it stood.

    `confidences` holds each cell's OCR confidence (0–1, its least sure word)
    when the line was read from an image, and `ocr_words` each cell's words with
    their own confidence; a text layer leaves both empty.
    """

    cells: list[str]
    where: str
    bboxes: list[BBox | None] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)
    ocr_words: list[list[tuple[str, float]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)

    def bbox(self, index: int) -> BBox | None:
        return self.bboxes[index] if index < len(self.bboxes) else None

    def confidence(self, index: int, raw: str = "") -> float | None:
        """How sure OCR was of `raw` in cell `index`: its least sure word, not the label's beside it
        (an "Ø" read at 0.6 in "Øksnes, 30.07.2023" says nothing about the date)."""
        if index >= len(self.confidences):
            return None
        words = self.ocr_words[index] if index < len(self.ocr_words) else []
        inside = [c for word, c in words if raw and (word in raw or raw in word)]
        return min(inside) if inside else self.confidences[index]

    def least_sure(self, texts: list[str]) -> float | None:
        """The lowest OCR confidence among the words holding any of `texts` (None: not read by OCR)."""
        found = [c for cell in self.ocr_words for word, c in cell if any(t in word or word in t for t in texts)]
        return min(found) if found else (min(self.confidences) if self.confidences else None)

    def mean_confidence(self) -> float | None:
        """The line's OCR confidence over all its words, weighted by their length."""
        words = [(len(word), c) for cell in self.ocr_words for word, c in cell]
        total = sum(n for n, _ in words)
        return sum(n * c for n, c in words) / total if total else None

    def evidence(self, file: str, index: int | None, raw: str, route: Route) -> Evidence:
        """Evidence for a value read from cell `index` of this line (None: the whole line)."""
        confidence = self.confidence(index, raw) if index is not None else (
            min(self.confidences) if self.confidences else None)
        return Evidence(file=file, where=self.where, value=raw, bbox=self.bbox(index) if index is not None else None,
                        route=route, ocr_confidence=confidence)


_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "av", "af", "ter", "bin", "al", "el"}
_PLACEHOLDER = re.compile(r"^[_.\s\-–…]*$")
_LEADERS = re.compile(r"_{2,}|\.{3,}|…+")  # the line or dots a form leaves to write on


def _without_leaders(text: str) -> str:
    """Fill-in lines and dot leaders ("Navn ____ Kari Nordmann ____") become a gap between cells."""
    return _LEADERS.sub("  ", text).strip()


def _parse_name(text: str) -> tuple[str, str] | None:
    text = re.split(r"\s{2,}|\t|,\s*(?=HPR|f\.|født)", _without_leaders(text))[0].strip(" :;,.-–")
    if not text or _PLACEHOLDER.match(text) or not re.search(r"[A-Za-zÆØÅæøå]", text):
        return None
    if re.search(r"\d", text) or len(text) > 80:
        return None
    words = text.split()
    if len(words) < 2 or not all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words):
        return None
    if not (words[0][0].isupper() and words[-1][0].isupper()):
        return None
    return text, text


def _parse_text(pattern: str | None) -> Callable[[str], tuple[Any, str] | None]:
    compiled = re.compile(pattern) if pattern else None

    def parse(text: str) -> tuple[Any, str] | None:
        text = _without_leaders(text).strip(" :;,-–")
        if not text or _PLACEHOLDER.match(text):
            return None
        if compiled is None:
            return text, text
        match = compiled.search(text)
        return (match.group(0).strip(), match.group(0)) if match else None

    return parse


def _parse_hpr(text: str) -> tuple[str, str] | None:
    hpr = parse_hpr(text)
    return (hpr, clean_text(text)[:40]) if hpr else None


def _parse_date(text: str) -> tuple[date, str] | None:
    return find_date(clean_text(text))


def _parse_percent(text: str) -> tuple[Decimal, str] | None:
    match = re.search(r"\d+(?:[.,]\d+)?\s*(?:%|prosent)?", text)
    if not match:
        return None
    value = parse_percent(match.group(0))
    return (value, match.group(0).strip()) if value is not None else None


def _parse_position(text: str) -> tuple[str, str] | None:
    value = parse_position(text)
    return (value, clean_text(text)) if value else None


_CHECKED = r"(?:☒|☑|✓|✔|\[[xX]\]|\([xX]\))"
_BOX = re.compile(r"^(?:☐|□|☒|☑|\[[ xX]?\]|\([ xX]?\))")
_UNTICKED = re.compile(r"☐|□|\[ ?\]|\( ?\)")


@dataclass(frozen=True)
class _Answers:
    """The answer words of labels.yaml as patterns: a yes or no at the start, and a ticked box beside
    its answer, with the boxes before the answers ("☒ Ja ☐ Nei") or after them ("Ja [ ] Nei [X]")."""

    yes_words: frozenset[str]
    yes: re.Pattern[str]
    no: re.Pattern[str]
    ticked_before: re.Pattern[str]
    ticked_after: re.Pattern[str]


@lru_cache(maxsize=1)
def _answers() -> _Answers:
    words = tables()["answers"]
    yes, no = ("|".join(re.escape(w) for w in words[key]) for key in ("yes", "no"))
    return _Answers(
        yes_words=frozenset(w.lower() for w in words["yes"]),
        yes=re.compile(rf"^({yes}|x|☒|☑|✓|✔|\[x\])\b", re.IGNORECASE),
        no=re.compile(rf"^({no}|☐|□|\[ \])", re.IGNORECASE),
        ticked_before=re.compile(rf"{_CHECKED}\s*({yes}|{no})\b", re.IGNORECASE),
        ticked_after=re.compile(rf"\b({yes}|{no})\s*{_CHECKED}", re.IGNORECASE),
    )


def _parse_bool(text: str) -> tuple[bool, str] | None:
    text = _without_leaders(clean_text(text))
    answers = _answers()
    ticked = (answers.ticked_before if _BOX.match(text) else answers.ticked_after).search(text)
    if ticked:
        return ticked.group(1).lower() in answers.yes_words, text
    if _UNTICKED.search(text):
        return None  # boxes, none ticked: not answered
    if answers.yes.match(text):
        return True, text
    if answers.no.match(text):
        return False, text
    return None


def parse_answer(text: str) -> bool | None:
    """A yes or a no as labels.yaml's answer words give them ("ja", "nei", "☒ Ja ☐ Nei"); None for neither."""
    found = _parse_bool(text)
    return found[0] if found else None


@dataclass
class ValueParser:
    """How a field's value is read; a loose kind (free text, names) needs a clear label; a date field
    with a `role` is one end of a period ("start" or "end") and reads the qualifiers."""

    parse: Callable[[str], tuple[Any, ...] | None]
    loose: bool = False
    role: str = ""

    def __call__(self, text: str) -> tuple[Any, str] | None:
        return self.parse(text)

    def for_label(self, label_text: str) -> ValueParser:
        """The parser under this label: a label that says which end of a period it is ("Sluttdato
        (t.o.m.)", "Vikariat t.o.m.") also says which day of a month named alone is meant."""
        if not self.role or qualifier_in(label_text) != self.role:
            return self

        def exact(text: str) -> tuple[Any, ...] | None:
            parsed = self.parse(text)
            return parsed[:2] if parsed else None

        return ValueParser(exact, self.loose, self.role)


_PARSERS: dict[str, Callable[[str], tuple[Any, str] | None]] = {
    "name": _parse_name, "hpr": _parse_hpr, "date": _parse_date, "percent": _parse_percent,
    "position": _parse_position, "bool": _parse_bool,
}


def value_parser(spec: dict[str, Any]) -> ValueParser:
    kind = spec.get("value", "text")
    if kind == "date" and spec.get("role"):
        return ValueParser(dated_parser(spec["role"]), role=spec["role"])
    if kind in _PARSERS:
        return ValueParser(_PARSERS[kind])
    return ValueParser(_parse_text(spec.get("pattern")), loose=not spec.get("pattern"))


@dataclass
class Hit:
    """A value found for a label, with its line index (to prefer the nearest of several)."""

    value: Any
    raw: str
    line_index: int
    line: Line
    cell_index: int
    grade: Grade
    route: Route
    label: str = ""

    def extracted(self, file: str) -> Extracted:
        return Extracted(value=self.value, grade=self.grade,
                         evidence=self.line.evidence(file, self.cell_index, self.raw, self.route))


class FieldFinder:
    """Finds labelled values in a document's lines; `stop_labels` end a value that runs on."""

    def __init__(self, lines: list[Line], stop_labels: list[str]):
        self.lines = lines
        stops = "|".join(label_inside(s).pattern for s in by_length(stop_labels))
        self._stop = re.compile(r"\s(?:" + stops + r")", re.IGNORECASE) if stops else None
        starts = "|".join(label_at_start(s).pattern.lstrip("^") for s in by_length(stop_labels))
        self._start = re.compile(r"^(?:" + starts + r")", re.IGNORECASE) if starts else None

    def _cut(self, text: str) -> str:
        """End a value where another label with a colon begins ("Navn: Kari HPR-nr.: 123")."""
        if self._stop is None:
            return text
        for match in self._stop.finditer(text):
            if match.start() > 0 and (":" in match.group(0) or text[match.start() + 1].isupper()):
                return text[: match.start()]
        return text

    def hits(self, labels: list[str], parse: ValueParser) -> list[Hit]:
        """Every place a label starts a cell with a parseable value, specific labels first;
        failing that, labels inside a cell (a weaker route, graded low)."""
        found: list[Hit] = []
        for label in by_length(labels):
            found.extend(self._hits_for(label, parse, label_at_start(label), Grade.found))
        if not found:
            for label in by_length(labels):
                found.extend(self._hits_for(label, parse, label_inside(label), Grade.low))
        return found

    def _hits_for(self, label: str, parse: ValueParser, pattern: re.Pattern[str], grade: Grade) -> list[Hit]:
        found: list[Hit] = []
        at_start = pattern.pattern.startswith("^")
        for index, line in enumerate(self.lines):
            for cell_index, cell in enumerate(line.cells):
                match = pattern.match(cell) if at_start else pattern.search(cell)
                if not match or self._longer_label(cell, match):
                    continue  # the words belong to another, longer label ("Avtalens startdato" is not "Startdato")
                rest = cell[match.end():]
                colon = ":" in match.group(0)
                marked = colon or bool(_LEADERS.match(rest.lstrip()))  # a colon or a fill-in line makes a label
                if at_start and not marked and self._continues_sentence(index, cell_index):
                    continue  # "... ALIS-avtalen / gjelder fra signering": a wrapped sentence, not "Gjelder fra"
                if parse.loose and not colon and (not at_start or (rest.strip() and _generic(label))):
                    continue  # "Legen er ..." is a sentence, not the label "Legen"
                label_text = cell[:match.end()] + (re.match(r"\s*(\([^)]*\))?", rest).group(0))
                hit = self._value_after(index, cell_index, match.end(), parse.for_label(label_text), grade)
                if hit and not at_start and not marked and not _value_follows(rest, hit):
                    continue  # "avtale mellom Vinje kommune og lege Kari Hansen": a label's word in a sentence
                if hit:
                    hit.label = label
                    found.append(hit)
        return found

    def _continues_sentence(self, index: int, cell_index: int) -> bool:
        """A line that carries on a paragraph wrapped above it starts in lower case under a long line that
        ends without punctuation; words that begin it are not a label even when they read as one. Running
        text goes on as text: a row of cells under a title ("hpr-nummer | 9688710 | …") is a table."""
        line = self.lines[index]
        cell = line.cells[cell_index]
        if cell_index != 0 or index == 0 or len(line.cells) > 1 or not cell[:1].islower():
            return False
        above = self.lines[index - 1]
        return len(above.cells) == 1 and len(above.text) >= _WRAPPED_LINE_CHARS \
            and not above.text.rstrip().endswith((".", ":", ";", "!", "?"))

    def _value_after(self, index: int, cell_index: int, offset: int, parse, grade: Grade) -> Hit | None:
        """The value after a label: same cell, next cell, the cell below in a header row, or the next line.
        Words that still belong to the label ("(t.o.m.)", "for vikariatet i kommunen:") are passed over."""
        line = self.lines[index]
        rest = self._cut(re.sub(r"^\s*\([^)]*\)[\s:]*", "", line.cells[cell_index][offset:]))
        parsed = parse(rest) if rest.strip() else None
        if parsed:
            return _hit(parsed, index, line, cell_index, grade, "label-inline")
        tail = rest.strip() and not _PLACEHOLDER.match(rest)
        if tail and not self._label_tail(rest, parse):
            return None  # the label has a value of another kind: not this field
        beside = next((i for i in range(cell_index + 1, len(line.cells)) if line.cells[i].strip()), None)
        if beside is not None and not self._is_whole_label(line.cells[beside]):
            parsed = parse(self._cut(line.cells[beside]))
            if parsed:  # a value that merely starts like a label ("lege ved legevakt") is still a value
                return _hit(parsed, index, line, beside, grade, "label-cell")
        if self._is_header_row(line) or self._all_labels(line):
            return self._value_below(index, cell_index, parse, grade)
        if beside is not None:
            return None
        if index + 1 < len(self.lines) and len(line.cells) == 1:
            below = self.lines[index + 1]
            if tail and not rest.rstrip().endswith(":") and (len(below.cells) > 1 or len(below.text.split()) > 6):
                return None  # a sentence that only starts like a label, over more running text
            if below.cells and not self._is_label(below.cells[0]):
                parsed = parse(self._cut(below.cells[0]))
                if parsed:
                    sure = grade if _only_value(below, parsed[1]) else Grade.low
                    return _hit(parsed, index + 1, below, 0, sure, "label-next-line")
        return None

    @staticmethod
    def _label_tail(rest: str, parse: ValueParser) -> bool:
        """Words after a label that still belong to it: a qualifier of the field's own role ("t.o.m."
        for an end date), or a few words without digits or a sentence's end ("for vikariatet i
        kommunen:"); free-text fields take such words only when a colon ends them."""
        role, after = leading_qualifier(rest)
        if role and parse.role and role != parse.role:
            return False
        words = after.strip(" :").split()
        if parse.loose and not after.rstrip().endswith(":"):
            return not words
        return len(words) <= 6 and not re.search(r"[\d.!?;]", after.rstrip(" :"))

    def _longer_label(self, cell: str, match: re.Match[str]) -> bool:
        """The match is part of a longer known label that starts the cell ("Navn på veileder" is not the
        label "Navn", "Avtalens startdato" not "Startdato")."""
        longest = self._start.match(cell) if self._start is not None else None
        if longest is None or match.end() > longest.end() or longest.group(0).strip(" :.") == match.group(0).strip(" :."):
            return False
        role, rest = leading_qualifier(cell[match.end():longest.end()])
        return not (role and not rest.strip(" :."))  # "Vikariat" + "fra" is the same label with its qualifier

    def _is_label(self, text: str) -> bool:
        return self._start is not None and self._start.match(text) is not None

    def _is_whole_label(self, text: str) -> bool:
        """The cell is a label and nothing more ("Stilling", "Sluttdato t.o.m.", not "Lege ved legevakt")."""
        match = self._start.match(text) if self._start is not None else None
        if match is None:
            return False
        rest = re.sub(r"\([^)]*\)", "", text[match.end():])
        return not leading_qualifier(rest)[1].strip(" :.")

    def _all_labels(self, line: Line) -> bool:
        """Every cell of a row of two or more starts with a label, some followed by more words
        ("Stilling i prosent | Tiltredelse i stillingen"): a header row too, its values below."""
        filled = [c for c in line.cells if c.strip()]
        return len(filled) >= 2 and all(self._is_label(c) for c in filled)

    def _is_header_row(self, line: Line) -> bool:
        """A row of labels whose values stand in the row below, column by column; a row that
        alternates label and value ("Navn | Kari | HPR | 123") holds its own values."""
        filled = [c for c in line.cells if c.strip()]
        labels = sum(self._is_whole_label(c) for c in filled)
        return len(filled) >= 2 and labels >= 2 and 2 * labels > len(filled)

    def _value_below(self, index: int, cell_index: int, parse, grade: Grade) -> Hit | None:
        if index + 1 >= len(self.lines):
            return None
        line, below = self.lines[index], self.lines[index + 1]
        if self._is_header_row(below):
            return None
        target = aligned(line, cell_index, below)
        if target is None:
            return None
        parsed = parse(self._cut(below.cells[target]))
        if parsed:
            return _hit(parsed, index + 1, below, target, grade, "label-above")
        return None

    def hpr(self, fields: dict[str, Any], file: str) -> tuple[Extracted, int | None]:
        """The HPR number and the line it stood on: the anchor for the doctor's other fields."""
        hit = self.find(fields["hpr_number"]["labels"], value_parser(fields["hpr_number"]))
        if not hit:
            return Extracted(), None
        extracted = hit.extracted(file)
        if not re.fullmatch(r"[0-9]{7,9}", hit.value):
            extracted.grade = Grade.low
        return extracted, hit.line_index

    def fill(self, record: Any, names: tuple[str, ...], fields: dict[str, Any], file: str,
             near: int | None = None) -> None:
        """Set each named field of `record` that the document labels; the others stay missing."""
        for name in names:
            hit = self.find(fields[name]["labels"], value_parser(fields[name]), near=near)
            if hit:
                setattr(record, name, hit.extracted(file))

    def unread(self, labels: list[str], file: str, near: int | None = None) -> Extracted:
        """A field whose label stands with a value that is not of the field's kind ("Sluttdato: ut
        skoleåret"): no value, graded missing, with the text as evidence, so that a check can say what
        to look at and no weaker route fills the field in its place."""
        hit = self.find(labels, _ANY_TEXT, near=near)
        if hit is None:
            return Extracted()
        return Extracted(grade=Grade.missing, evidence=hit.line.evidence(file, hit.cell_index, hit.raw, hit.route))

    def find(self, labels: list[str], parse, near: int | None = None) -> Hit | None:
        """The best hit: the most specific label; among equals, the one nearest `near`."""
        found = self.hits(labels, parse)
        if not found:
            return None
        if near is None:
            return found[0]
        same_label = [h for h in found if h.label == found[0].label and h.grade == found[0].grade]
        return min(same_label, key=lambda h: abs(h.line_index - near))


_ANY_TEXT = ValueParser(_parse_text(None), loose=True)


def _value_follows(rest: str, hit: Hit) -> bool:
    """Inside running text, a word that reads as a label ("HPR 1234567") counts only with its value right
    after it, in the same cell."""
    return hit.route == "label-inline" and clean_text(rest).lstrip(" (").startswith(clean_text(hit.raw))


def _only_value(line: Line, raw: str) -> bool:
    """The line under a label holds the value and nothing else: one cell, not a sentence."""
    cell = clean_text(_without_leaders(line.cells[0])).strip(" :;,")
    return len(line.cells) == 1 and cell == clean_text(raw).strip(" :;,") and not cell.endswith(".") \
        and len(cell.split()) <= 6


def _hit(parsed: tuple[Any, ...], index: int, line: Line, cell_index: int, grade: Grade, route: Route) -> Hit:
    """A parser's third item, when true, says the value is weak (a month without a day): graded low."""
    weak = len(parsed) > 2 and parsed[2]
    return Hit(parsed[0], parsed[1], index, line, cell_index, Grade.low if weak else grade, route)


def _generic(label: str) -> bool:
    """A short one-word label ("Lege", "Navn") also starts ordinary sentences."""
    return " " not in label.strip() and len(label) < 12


def aligned(line: Line, cell_index: int, below: Line) -> int | None:
    """The cell below that stands under a cell: by horizontal overlap, else by position in the row."""
    box = line.bbox(cell_index)
    boxes = below.bboxes
    if box and boxes and all(boxes):
        overlaps = [min(box[2], b[2]) - max(box[0], b[0]) for b in boxes]  # type: ignore[index]
        best = max(range(len(boxes)), key=lambda i: overlaps[i])
        return best if overlaps[best] > 0 or abs(boxes[best][0] - box[0]) < 3 else None  # type: ignore[index]
    return cell_index if len(below.cells) == len(line.cells) else None
