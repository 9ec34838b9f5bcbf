"""An agreement (fastlegeavtale or ALIS-avtale) read from its lines by labels.

Works on the lines of a PDF or a Word file alike. The doctor's block is
anchored on the HPR number: a generic label such as "Navn" is taken at the
occurrence nearest to it, so the kommune's contact person is not mistaken
for the doctor.
"""
from __future__ import annotations

import re
from typing import Any

from extractors.fields import FieldFinder, Hit, Line, ValueParser, aligned, value_parser
from extractors.periods import parse_period
from extractors.labels import by_length, label_inside, period_words, tables
from extractors.models import AgreementRecord, Evidence, Extracted, Grade
from extractors.values import clean_text, find_dates, parse_position


def _spec() -> dict[str, Any]:
    return tables()["agreement"]


def all_labels() -> list[str]:
    fields = _spec()["fields"]
    sig = _spec()["signatures"]
    return [label for f in fields.values() for label in f["labels"]] + \
        [label for period in _spec()["periods"] for label in period["labels"]] + \
        sig["municipality_date_labels"] + sig["doctor_date_labels"] + _spec()["other_labels"]


# Fields a rule decides on: when the document labels one with text that cannot be read, that text is
# kept as the evidence of a missing value, and a sentence elsewhere never stands in for it.
_KEPT_WHEN_UNREAD = ("position", "employment_start", "employment_end", "effective_from")


def read_agreement(lines: list[Line], file: str) -> AgreementRecord:
    spec = _spec()
    finder = FieldFinder(lines, all_labels())
    text = "\n".join(line.text for line in lines)
    record = AgreementRecord(
        template=_template(text),
        follows_directorate_template=all(re.search(h, text, re.IGNORECASE) for h in spec["template_headings"]),
    )
    fields = spec["fields"]
    record.hpr_number, anchor = finder.hpr(fields, file)
    finder.fill(record, ("doctor_name", "position", "position_percent", "employment_start", "employment_end"),
                fields, file, near=anchor)
    finder.fill(record, ("municipality_name", "municipality_org_number", "effective_from"), fields, file)
    for period in spec["periods"]:
        _fill_from_period(finder, record, period, file, anchor)
    if record.municipality_org_number.value:
        record.municipality_org_number.value = re.sub(r"\s", "", record.municipality_org_number.value)
    if not record.municipality_name.found:
        record.municipality_name = _municipality_in_text(lines, file)
    for name in _KEPT_WHEN_UNREAD:
        if not getattr(record, name).found:
            setattr(record, name, finder.unread(fields[name]["labels"], file, near=anchor))
    if not record.position.found and record.position.evidence is None:
        record.position = _position_in_text(lines, file)
    record.via_agency = _via_agency(finder, lines, file)
    record.signed_municipality, record.signed_doctor = _signatures(finder, lines, file)
    return record


def _template(text: str) -> str:
    head = text[:600]
    for template in ("alis-avtale", "fastlegeavtale"):
        if any(re.search(re.escape(m), head, re.IGNORECASE) for m in _spec()["template_markers"][template]):
            return template
    for template in ("alis-avtale", "fastlegeavtale"):
        if any(re.search(re.escape(m), text, re.IGNORECASE) for m in _spec()["template_markers"][template]):
            return template
    return "unknown"


def _fill_from_period(finder: FieldFinder, record: AgreementRecord, period: dict[str, Any], file: str,
                      anchor: int | None) -> None:
    """Start and end still missing, read from one label over both ("Periode: 01.09.2023 – 31.08.2024",
    "Vikariatet varer fra 1.9.2023 til 31.8.2024")."""
    names = [period.get(role) for role in ("start", "end")]
    if all(name is None or getattr(record, name).found for name in names):
        return
    hit = finder.find(period_words(period), ValueParser(parse_period), near=anchor)
    if hit is None:
        return
    for name, found in zip(names, hit.value):
        if name and found is not None and not getattr(record, name).found:
            setattr(record, name, Extracted(
                value=found.value, grade=Grade.low if found.month_only else hit.grade,
                evidence=hit.line.evidence(file, hit.cell_index, found.raw, hit.route)))


_KOMMUNE = re.compile(r"\b([A-ZÆØÅ][\wæøåÆØÅ\-]+(?:[ \-][A-ZÆØÅ][\wæøåÆØÅ\-]+)*\s+kommune)\b")


def _municipality_in_text(lines: list[Line], file: str) -> Extracted[str]:
    """Weaker route: the first "<Name> kommune" in the text."""
    for line in lines:
        for index, cell in enumerate(line.cells):
            match = _KOMMUNE.search(cell)
            if match:
                return Extracted(value=match[1], grade=Grade.low,
                                 evidence=line.evidence(file, index, match[0], "running-text"))
    return Extracted()


_ALTERNATIVES = re.compile(r"\w+/\w+/\w+")  # "stilling/fastlegeavtale/vikaravtale": a list, not a statement


def _position_in_text(lines: list[Line], file: str) -> Extracted:
    """Weaker route: a sentence naming the position ("Legen er selvstendig næringsdrivende"), only when
    every such sentence names the same one: a body that names several ("inntak av vikar") decides nothing."""
    found: list[tuple[str, Line]] = []
    for line in lines:
        text = line.text
        if re.search(r"vikar\s*ved|\bav\s+vikar|vikarbyrå|bemanningsbyrå", text, re.IGNORECASE):
            continue
        if re.search(r"\b(lege|legen|fastlege|alis|stilling)\b", text, re.IGNORECASE):
            position = parse_position(text)
            if position and position != "annen" and not _ALTERNATIVES.search(text):
                found.append((position, line))
    if not found or len({position for position, _ in found}) > 1:
        return Extracted()
    position, line = found[0]
    return Extracted(value=position, grade=Grade.low,
                     evidence=line.evidence(file, None, clean_text(line.text)[:120], "running-text"))


_AGENCY = re.compile(r"vikarbyrå|bemanningsbyrå|bemanningsforetak", re.IGNORECASE)
_NEGATED = re.compile(r"\b(ikke|nei|uten)\b", re.IGNORECASE)


def _via_agency(finder: FieldFinder, lines: list[Line], file: str) -> Extracted[bool]:
    """Stated yes/no when labelled; an agreement silent on vikarbyrå means no (docs/rules.md §3b).

    Read by OCR, a sentence's answer is as sure as the words it rests on (the agency word and a
    "not"), and silence as sure as the least well read sentence, which could have held the statement.
    """
    spec = _spec()["fields"]["via_agency"]
    hit = finder.find(spec["labels"], value_parser(spec))
    if hit:
        return hit.extracted(file)
    for line in lines:
        agency = _AGENCY.search(line.text)
        if agency:
            negated = _NEGATED.search(line.text)
            evidence = line.evidence(file, None, clean_text(line.text)[:120], "running-text")
            if _read_by_ocr(line):
                evidence.ocr_confidence = line.least_sure([agency[0], *([negated[0]] if negated else [])])
            return Extracted(value=not negated, grade=Grade.low, evidence=evidence)
    sentences = [line.mean_confidence() for line in lines if _read_by_ocr(line) and len(line.text.split()) >= 4]
    return Extracted(value=False, grade=Grade.low, evidence=Evidence(
        file=file, where="hele filen", route="default", ocr_confidence=min(sentences, default=None)))


def _signatures(finder: FieldFinder, lines: list[Line], file: str) -> tuple[Extracted, Extracted]:
    spec = _spec()["signatures"]
    parse = value_parser({"value": "date"})
    labelled = (finder.find(spec["municipality_date_labels"], parse), finder.find(spec["doctor_date_labels"], parse))
    sure = all(hit is not None and hit.grade == Grade.found for hit in labelled)
    block = (None, None) if sure else _signature_block(lines, spec)
    municipality, doctor = (_surer(by_label, in_block) for by_label, in_block in zip(labelled, block))
    return (municipality.extracted(file) if municipality else Extracted(),
            doctor.extracted(file) if doctor else Extracted())


def _surer(by_label: Hit | None, in_block: Hit | None) -> Hit | None:
    """The date a label gives, unless the label was only found inside its line ("For kommunen - dato: …"
    holds "Kommunen dato") and the signature block, reading the line by its party, gives the same date."""
    if by_label is None:
        return in_block
    if by_label.grade != Grade.found and in_block is not None and in_block.value == by_label.value:
        return in_block
    return by_label


def _party(text: str, spec: dict[str, Any]) -> str | None:
    """Which party a piece of text names: the longer, more specific word wins."""
    best: tuple[int, str] | None = None
    for party in ("municipality", "doctor"):
        for word in spec[party]:
            if label_inside(word).search(text) and (best is None or len(word) > best[0]):
                best = (len(word), party)
    return best[1] if best else None


def _signature_block(lines: list[Line], spec: dict[str, Any]) -> tuple[Hit | None, Hit | None]:
    """Dates in the signature block, given to a party by the words beside or above/below them.

    Dates in two columns go to the parties named in the same columns on a
    neighbouring line; a lone date goes to the party its line or a
    neighbouring line names. Dates that another label claims (Tiltredelse,
    Gjelder fra) are not signatures.

    Text read by OCR never passes over a line it may have misread: a signature
    written over "Underskrift kommunen" turns the party word into confident
    nonsense, and looking past it would hand the date to the next party. So
    for OCR lines only the line right above the dates, where their labels
    stand, gives their parties; a party it does not name stays without a date.
    """
    start = _signature_start(lines, spec)
    field_labels = [label for f in _spec()["fields"].values() for label in f["labels"]]
    found: dict[str, Hit] = {}
    dated_lines: list[tuple[int, list[tuple[int, Any, str]]]] = []  # (line, [(cell, date, raw)])
    for index in range(start, len(lines)):
        line = lines[index]
        dated = [(ci, value, raw) for ci, cell in enumerate(line.cells) for value, raw in find_dates(cell)[:1]
                 if not _claimed_by_label(cell.split(raw)[0], field_labels)]
        if dated:
            dated_lines.append((index, dated))
    for several in (True, False):
        for index, dated in dated_lines:
            if (len(dated) > 1) != several:
                continue
            line = lines[index]
            parties = _parties_by_column(lines, index, spec)
            for cell_index, value, raw in dated:
                party = _party(line.cells[cell_index].split(raw)[0], spec) or parties.get(cell_index)
                if party is None and not several and not parties:
                    party = _party(line.text, spec) or _nearby_single_party(lines, index, spec)
                if party and party not in found:
                    found[party] = Hit(value, raw, index, line, cell_index, Grade.found, "signature-block")
    return found.get("municipality"), found.get("doctor")


def _claimed_by_label(text: str, labels: list[str]) -> bool:
    return any(label_inside(label).search(text) for label in labels if len(label) > 5)


def _signature_start(lines: list[Line], spec: dict[str, Any]) -> int:
    words = by_length(spec["section"])
    for index in range(len(lines) - 1, -1, -1):
        if any(label_inside(w).search(lines[index].text) for w in words):
            start = index
            while start > 0 and any(label_inside(w).search(lines[start - 1].text) for w in words):
                start -= 1
            return max(0, start - 3)
    return max(0, len(lines) - 15)


def _parties_by_column(lines: list[Line], index: int, spec: dict[str, Any]) -> dict[int, str]:
    """The party of each cell of a dated line, from a line nearby that names both parties in columns
    (for OCR text: the line right above, naming either party)."""
    line = lines[index]
    for offset in (-1,) if _read_by_ocr(line) else (-1, 1, -2, 2, -3, 3):
        other = index + offset
        if not 0 <= other < len(lines):
            continue
        parties = {ci: _party(cell, spec) for ci, cell in enumerate(lines[other].cells)}
        named = {ci: p for ci, p in parties.items() if p}
        if len(set(named.values())) < (1 if _read_by_ocr(line) else 2):
            continue
        columns: dict[int, str] = {}
        for party_index, party in named.items():
            target = aligned(lines[other], party_index, line)
            if target is not None:
                columns[target] = party
        return columns
    return {}


def _read_by_ocr(line: Line) -> bool:
    return bool(line.confidences)


def _nearby_single_party(lines: list[Line], index: int, spec: dict[str, Any]) -> str | None:
    for offset in (-1,) if _read_by_ocr(lines[index]) else (-1, 1, -2, 2):
        other = index + offset
        if 0 <= other < len(lines) and not find_dates(lines[other].text):
            party = _party(lines[other].text, spec)
            if party:
                return party
    return None

