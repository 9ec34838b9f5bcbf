"""Garbled submissions: a decisive value removed, moved into running text, or written so it cannot be read.

A test instrument for the fail-safe policy (bench/failsafe.py, tests/test_failsafe.py). A
submission is first written as usual; then one of its documents is drawn again (an agreement or
a training plan) or edited in place (a budget cell), in the same file. The truth beside the inbox
keeps the plan's outcome, since the facts did not change, only how a document states them, and
names the garble under "garbled". The pipeline must then decide correctly or send the
application to a person; deciding wrongly without asking anyone is the failure counted.
"""
from __future__ import annotations

import dataclasses
import io
import json
import random
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape

from openpyxl import load_workbook

from samples.generator import agreement, plans, training_plan, write
from samples.generator import variation as v
from samples.generator.docx_doc import DocxBuilder
from samples.generator.office_zip import pack, rewritten
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.plan import Doctor, Submission

KINDS: dict[str, str] = {
    "position-in-text": "the position's label removed: the position stands only in a sentence",
    "position-described": "the position's label kept, its value a description no reader knows",
    "position-unknown-label": "the position under a label no reader knows, the body naming a vikar in passing",
    "end-dropped": "a vikariat's end date left out",
    "end-unknown-phrasing": "a vikariat's end date under a label or in words no reader knows",
    "date-unparseable": "a start, end or effective-from date written so that it is no date",
    "hpr-digit": "one digit of the HPR number changed in one document",
    "amount-garbled": "one amount cell of a doctor's budget row holding text that is no number",
    "summary-garbled": "a district supplement or facilitation amount on the claim's summary sheet that is no number",
    "agency-in-passing": "the agreement naming a vikarbyrå in passing, not about the doctor",
}
DESCRIPTIONS = {  # positions described in words the readers do not know
    "naeringsdrivende": ("Hjemmelshaver med driftsavtale", "Driftsavtale etter ASA 4310"),
    "kommunalt_ansatt": ("Lønnet stilling i legetjenesten", "Tilsatt i helse og omsorg"),
    "vikar": ("Midlertidig for hjemmelshaver i permisjon",),
    "introduksjonslege": ("Introduksjonsordning, 2 år",),
    "annen": ("Tilsynsoppgaver og turnusveiledning",),
}
UNKNOWN_POSITION_LABELS = ("Praksisform:", "Kontraktsform:", "Organisering:")
UNKNOWN_END_LABELS = ("Siste arbeidsdag:", "Fratrer:", "Utløper:")
PASSING_VIKAR = "Ved fravær sørger legen selv for inntak av vikar."
PASSING_AGENCY = "Kommunen benytter vikarbyrå ved ferieavvikling og sykdom."
GARBLED_AMOUNTS = ("#REF!", "se vedlegg", "{o}", "ca. {k} tusen")  # {o}: zeros typed as the letter O
GARBLED_LAYOUTS = ("table", "turned")  # budgets whose amounts stand in their doctor's row or column
Cell = tuple[int, str]  # (worksheet index, coordinate)


@dataclasses.dataclass
class Garble:
    kind: str
    hpr: str
    file: str
    detail: str = ""


@dataclasses.dataclass
class _Edit:
    """What a garbling writer changes: fields dropped, relabelled or given another value
    (by field name), and sentences added after the fields or after the title."""

    drop: set[str] = dataclasses.field(default_factory=set)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    values: dict[str, str] = dataclasses.field(default_factory=dict)
    after_fields: list[str] = dataclasses.field(default_factory=list)
    after_title: list[str] = dataclasses.field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return self.drop | set(self.labels) | set(self.values)


def _field_of(label: str) -> str | None:
    """Which field a drawn label names, whatever case, spacing or colon it was drawn with: a synonym, a
    label describing the position, or a start or end label with its inclusive qualifier."""
    text = re.sub(r"\s+", " ", label).strip(" :").casefold()
    for name in v.LABELS:
        if text in {s.casefold() for s in v.LABELS[name] + v.WIDE_LABELS.get(name, ())}:
            return name
    if text in {s.casefold() for s in v.DESCRIBED_POSITION_LABELS}:
        return "position"
    for role, name in (("start", "employment_start"), ("end", "employment_end")):
        if text in {s.casefold() for s in v.LABEL_TAILS[role]} or any(
                q.casefold() in text for q in v.QUALIFIERS[role]):
            return name
    return None


class GarblingWriter:
    """A document writer that passes everything on, changing the fields an _Edit names."""

    def __init__(self, inner: Any, edit: _Edit):
        self._inner, self._edit, self._pending = inner, edit, list(edit.after_fields)
        self.applied: set[str] = set()  # the edit's fields met in the document

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def title(self, text: str) -> None:
        self._inner.title(text)
        for sentence in self._edit.after_title:
            self._inner.para(sentence)

    def fields(self, pairs: list[tuple[str, str]], as_table: bool, layout: str = "") -> None:
        edited = [self._pair(label, value) for label, value in pairs]
        touched = any(_field_of(label) in self._edit.fields for label, _ in pairs)
        self._inner.fields([p for p in edited if p is not None], as_table, layout)
        if touched:
            self._flush()

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None) -> None:
        if not header or len(rows) < 2 or not any(_field_of(c) in self._edit.fields for c in rows[0]):
            self._inner.table(rows, header=header, widths=widths)
            return
        columns = [(i, _field_of(c)) for i, c in enumerate(rows[0])]
        self.applied |= {name for _, name in columns if name in self._edit.fields}
        keep = [i for i, name in columns if name not in self._edit.drop]
        head = [self._edit.labels.get(name, rows[0][i]) if name else rows[0][i] for i, name in columns]
        body = [[self._edit.values.get(columns[i][1], row[i]) if columns[i][1] else row[i] for i in range(len(row))]
                for row in rows[1:]]
        self._inner.table([[r[i] for i in keep] for r in [head, *body]], header=True,
                          widths=[widths[i] for i in keep] if widths else None)
        self._flush()

    def _pair(self, label: str, value: str) -> tuple[str, str] | None:
        name = _field_of(label)
        if name in self._edit.fields:
            self.applied.add(name)
        if name in self._edit.drop:
            return None
        return self._edit.labels.get(name, label), self._edit.values.get(name, value)

    def _flush(self) -> None:
        for sentence in self._pending:
            self._inner.para(sentence)
        self._pending = []


def _unreadable_date(rng: random.Random, day: date) -> str:
    """A date as a typo or an impossible day leaves it: no reader can take a date from it."""
    forms = [f"{day.day}.{day.month + 12}.{day.year}", f"{day.year}-{day.month:02d}-{day.day + 40}"]
    plain = f"{day.day:02d}.{day.month:02d}.{day.year}"
    if "0" in plain:
        forms.append(plain.replace("0", "O"))
    return rng.choice(forms)


def _changed_digit(rng: random.Random, hpr: str) -> str:
    i = rng.randrange(len(hpr))
    return hpr[:i] + str((int(hpr[i]) + rng.randint(1, 9)) % 10) + hpr[i + 1:]


def _agreement_edit(rng: random.Random, kind: str, d: Doctor) -> tuple[_Edit, Doctor, str]:
    """The edit, the doctor as the document is drawn, and what was garbled (for the truth)."""
    if kind == "position-in-text":
        return _Edit(drop={"position"}, after_fields=[f"Legen er {d.position_label.lower()}."]), d, d.position_label
    if kind == "position-described":
        text = rng.choice(DESCRIPTIONS[d.position])
        return _Edit(values={"position": text}, after_fields=[PASSING_VIKAR]), d, text
    if kind == "position-unknown-label":
        label = rng.choice(UNKNOWN_POSITION_LABELS)
        return _Edit(labels={"position": label}, after_fields=[PASSING_VIKAR]), d, label
    if kind == "end-dropped":
        return _Edit(), dataclasses.replace(d, employment_end=None), "sluttdato utelatt"
    if kind == "end-unknown-phrasing":
        if rng.random() < 0.5:
            label = rng.choice(UNKNOWN_END_LABELS)
            return _Edit(labels={"employment_end": label}), d, label
        end = d.employment_end
        text = f"til og med utgangen av {v.MONTHS[end.month - 1]} {end.year}"
        return _Edit(values={"employment_end": text}), d, text
    if kind == "date-unparseable":
        name = rng.choice([n for n in ("employment_start", "employment_end", "effective_from") if getattr(d, n)])
        text = _unreadable_date(rng, getattr(d, name))
        return _Edit(values={name: text}), d, f"{name}: {text}"
    if kind == "hpr-digit":
        changed = _changed_digit(rng, d.hpr)
        return _Edit(), dataclasses.replace(d, hpr=changed), changed
    if kind == "agency-in-passing":
        return _Edit(after_title=[PASSING_AGENCY]), d, PASSING_AGENCY
    raise ValueError(kind)


def _draw_agreement(rng: random.Random, sub: Submission, d: Doctor, name: str, edit: _Edit) -> bytes:
    """The doctor's agreement drawn again, in the same format as the file it replaces, until the edit
    meets every field it names (a period label over both dates names neither alone)."""
    draw = agreement.fastlegeavtale if sub.regime == "A" else agreement.alis_avtale
    for _ in range(_REDRAWS):
        writer = GarblingWriter(DocxBuilder() if name.lower().endswith(".docx") else PdfBuilder(), edit)
        data = draw(rng, sub, d, writer)
        if edit.fields <= writer.applied:
            return data
    raise RuntimeError(f"garble could not reach {sorted(edit.fields - writer.applied)} in {_REDRAWS} drawings")


_REDRAWS = 20


def _draw_plan(rng: random.Random, sub: Submission, d: Doctor, name: str) -> bytes:
    doc = DocxBuilder() if name.lower().endswith(".docx") else PdfBuilder()
    return training_plan.draw(rng, sub, d, doc)


def _budget_cells(data: bytes, wanted: Callable[[object, set[str]], bool], hprs: set[str],
                  turned: bool) -> list[Cell]:
    """The cells for which `wanted` holds in the row (turned: the column) of a cell naming one of `hprs`."""
    found: list[Cell] = []
    for index, sheet in enumerate(load_workbook(io.BytesIO(data)).worksheets):
        named = [c for row in sheet.iter_rows() for c in row if c.value is not None and str(c.value).strip() in hprs]
        lines = {c.column if turned else c.row for c in named}
        found += [(index, c.coordinate) for row in sheet.iter_rows() for c in row
                  if (c.column if turned else c.row) in lines and wanted(c.value, hprs)]
    return found


def _turned(truth: dict, name: str) -> bool:
    return truth["files"][name].get("layout") == "turned"


def _summary_cells(files: dict[str, bytes], truth: dict) -> list[Cell]:
    """Regime B: the amounts typed on the summary sheet (district supplements, facilitation)."""
    name = _budget_name(files, truth)
    if name is None:
        return []
    for index, sheet in enumerate(load_workbook(io.BytesIO(files[name])).worksheets):
        if sheet.title == "Oppsummering":
            return [(index, c.coordinate) for row in sheet.iter_rows() if _claims_a_summary_amount(row)
                    for c in row if _is_amount(c.value, set())]
    return []


def _claims_a_summary_amount(row: tuple) -> bool:
    """A doctor's district supplement (the row names an HPR) or the facilitation claimed; not a sum."""
    texts = [str(c.value).strip().casefold() for c in row if c.value is not None]
    return any(re.fullmatch(r"\d{7,9}", t) for t in texts) or any(t.startswith("tilrettelegg") for t in texts)


def _cell_value(data: bytes, cell: Cell) -> object:
    return load_workbook(io.BytesIO(data)).worksheets[cell[0]][cell[1]].value


def _with_text(data: bytes, cells: list[Cell], text: str) -> bytes:
    """The workbook with each cell stored as a string holding `text` (openpyxl names the worksheet
    parts sheet1.xml, sheet2.xml, … in order)."""
    stored = f'<c r="{{}}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    def edit(name: str, content: bytes) -> bytes:
        for index, coord in cells:
            if name == f"xl/worksheets/sheet{index + 1}.xml":
                pattern = rb'<c r="' + coord.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
                content, made = re.subn(pattern, stored.format(coord).encode(), content, count=1, flags=re.S)
                if not made:
                    raise RuntimeError(f"garble found no cell {coord} in {name}")
        return content

    return rewritten(data, edit)


def _is_amount(value: object, hprs: set[str]) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and value != 0
            and str(value) not in hprs and not re.fullmatch(r"\d{7,9}", str(value)))


def _garbled_amount(rng: random.Random, value: object) -> str:
    amount = int(value) if float(value).is_integer() else value
    text = rng.choice([t for t in GARBLED_AMOUNTS if ("{o}" not in t or "0" in str(amount))
                       and ("{k}" not in t or float(value) >= 1000)])
    return text.format(o=str(amount).replace("0", "O"), k=int(float(value) // 1000))


def _amount_cells(files: dict[str, bytes], truth: dict, d: Doctor) -> list[Cell]:
    """The cells of the doctor's budget rows holding a number (not text, not a formula)."""
    name = _budget_name(files, truth)
    return _budget_cells(files[name], _is_amount, {d.hpr, str(int(d.hpr))}, _turned(truth, name)) if name else []


def _budget_name(files: dict[str, bytes], truth: dict) -> str | None:
    """The budget's file name when Excel wrote it as a table or turned (the cells a garble edits)."""
    return next((n for n, f in truth["files"].items() if f["kind"] == "budget" and f.get("writer") == "excel"
                 and f.get("layout") in GARBLED_LAYOUTS and n.lower().endswith((".xlsx", ".xlsm")) and n in files),
                None)


def _doc_name(truth: dict, kind: str, hpr: str) -> str | None:
    return next((n for n, f in truth["files"].items() if f["kind"] == kind and f["hpr_number"] == hpr), None)


def applicable(sub: Submission, truth: dict, files: dict[str, bytes]) -> list[str]:
    """The garbles this written submission allows: a readable agreement to draw again, a vikariat's
    end date to hide, a regime B agreement to name a vikarbyrå, an Excel budget to edit."""
    drawn = [d for d in sub.doctors if d.has_agreement and not d.scan and _doc_name(truth, "agreement", d.hpr)]
    kinds = []
    if drawn:
        kinds += ["position-in-text", "position-described", "position-unknown-label", "date-unparseable",
                  "hpr-digit"]
    if any(d.employment_end for d in drawn):
        kinds += ["end-dropped", "end-unknown-phrasing"]
    if sub.regime == "B" and any(d.agency_statement is not True for d in drawn):
        kinds.append("agency-in-passing")
    if any(_amount_cells(files, truth, d) for d in sub.doctors):
        kinds.append("amount-garbled")
    if sub.regime == "B" and _summary_cells(files, truth):
        kinds.append("summary-garbled")
    return kinds


def _doctor_for(rng: random.Random, kind: str, sub: Submission, truth: dict, files: dict[str, bytes]) -> Doctor:
    drawn = [d for d in sub.doctors if d.has_agreement and not d.scan and _doc_name(truth, "agreement", d.hpr)]
    if kind in ("end-dropped", "end-unknown-phrasing"):
        drawn = [d for d in drawn if d.employment_end]
    elif kind == "agency-in-passing":
        drawn = [d for d in drawn if d.agency_statement is not True]
    elif kind == "amount-garbled":
        drawn = [d for d in sub.doctors if _amount_cells(files, truth, d)]
    return rng.choice(drawn)


def garble(rng: random.Random, sub: Submission, kind: str, files: dict[str, bytes], truth: dict) -> Garble:
    """Apply one garble to the files of a written submission (changed in `files`)."""
    if kind == "summary-garbled":
        name = _budget_name(files, truth)
        cell = rng.choice(_summary_cells(files, truth))
        value = _cell_value(files[name], cell)
        text = _garbled_amount(rng, value)
        files[name] = _with_text(files[name], [cell], text)
        return Garble(kind, "", name, f"Oppsummering!{cell[1]}: {value} -> {text}")
    d = _doctor_for(rng, kind, sub, truth, files)
    if kind == "amount-garbled":
        name = _budget_name(files, truth)
        cell = rng.choice(_amount_cells(files, truth, d))
        value = _cell_value(files[name], cell)
        text = _garbled_amount(rng, value)
        files[name] = _with_text(files[name], [cell], text)
        return Garble(kind, d.hpr, name, f"{cell[1]}: {value} -> {text}")
    if kind == "hpr-digit" and rng.random() < 0.5:
        changed = _changed_digit(rng, d.hpr)
        plan = _doc_name(truth, "training_plan", d.hpr) if sub.regime == "A" and d.has_plan else None
        budget = _budget_name(files, truth)
        if plan and (budget is None or rng.random() < 0.5):
            files[plan] = _draw_plan(rng, sub, dataclasses.replace(d, hpr=changed), plan)
            return Garble(kind, d.hpr, plan, changed)
        if budget:
            coords = _budget_cells(files[budget], lambda value, hprs: str(value).strip() in hprs,
                                   {d.hpr, str(int(d.hpr))}, _turned(truth, budget))
            files[budget] = _with_text(files[budget], coords, changed)
            return Garble(kind, d.hpr, budget, changed)
    edit, drawn, detail = _agreement_edit(rng, kind, d)
    name = _doc_name(truth, "agreement", d.hpr)
    files[name] = _draw_agreement(rng, sub, drawn, name, edit)
    return Garble(kind, d.hpr, name, detail)


def _read(entry: Path) -> dict[str, bytes]:
    if entry.suffix == ".zip":
        with zipfile.ZipFile(entry) as zf:
            return {info.filename: zf.read(info.filename) for info in zf.infolist() if not info.is_dir()}
    return {p.relative_to(entry).as_posix(): p.read_bytes() for p in sorted(entry.rglob("*")) if p.is_file()}


def _store(entry: Path, files: dict[str, bytes]) -> None:
    if entry.suffix == ".zip":
        entry.write_bytes(pack(files))
        return
    for name, data in files.items():
        (entry / name).write_bytes(data)


def write_garbled(out: Path, sub: Submission, rng: random.Random, garble_rng: random.Random,
                  kinds: tuple[str, ...] = tuple(KINDS)) -> Garble | None:
    """Write the submission as `samples.generator.write` does, then garble it with one of the `kinds`
    it allows (None: none applies, the submission stays as drawn); the truth names the garble."""
    write(out, sub, rng)
    sid = sub.submission_id
    entry = out / sid if (out / sid).exists() else out / f"{sid}.zip"
    truth_path = out / ".truth" / f"{sid}.json"
    truth, files = json.loads(truth_path.read_text(encoding="utf-8")), _read(entry)
    allowed = [k for k in applicable(sub, truth, files) if k in kinds]
    if not allowed:
        return None
    done = garble(garble_rng, sub, garble_rng.choice(allowed), files, truth)
    _store(entry, files)
    truth["garbled"] = dataclasses.asdict(done)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return done


def generate(out: Path, count: int, seed: int, share: float = 0.5, kinds: tuple[str, ...] = tuple(KINDS),
             ) -> dict[str, Garble | None]:
    """The inbox `samples.generator.generate` writes for (count, seed), with about `share` of its
    submissions garbled by one of `kinds`; returns each submission's garble (None: untouched)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    garbles: dict[str, Garble | None] = {}
    for sub, sub_rng in plans(count, seed):
        garble_rng = random.Random(f"garble:{seed}:{sub.submission_id}")
        if garble_rng.random() < share:
            garbles[sub.submission_id] = write_garbled(out, sub, sub_rng, garble_rng, kinds)
        else:
            write(out, sub, sub_rng)
            garbles[sub.submission_id] = None
    return garbles
