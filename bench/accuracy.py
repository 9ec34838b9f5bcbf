"""Extraction accuracy against the generator's ground truth.

    python bench/accuracy.py --count 200 --seed 1          # widest variation (the default)
    python bench/accuracy.py --count 50 --seed 7 --narrow  # only the docs/documents.md examples
    python bench/accuracy.py --inbox samples/inbox      # an inbox that has .truth/ beside it
    python bench/accuracy.py --count 40 --seed 3 --scans 1 --dpi 200   # every agreement a scan or photo
    python bench/accuracy.py --count 50 --seed 1 --layout odt   # one layout of real files on every file it fits

Generates submissions into a temporary folder (or reads --inbox), runs
extractors.read_attachment on every attachment (zips unpacked first) and
compares the kind and every truth field with the record. Prints kind accuracy,
field accuracy overall and per field, budget fields per spreadsheet layout (one
table, one sheet per doctor, turned) and per writing program, the worst fields
with a few examples, and how many agreement and plan fields were read right but
graded low (a rule deciding on one sends the case to a person).

Files the truth marks as scans or photos (read by OCR) are reported apart:
fields right, missing and wrong; whether each wrong value was caught by
doc.ocr-uncertain (the submission is decided by checks.decide against the
default registers); and the seconds per page OCR took, wall and CPU. Faint
scans (no words left) only count for their kind (unreadable).
The data are synthetic, so printing examples exposes no real person.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samples.generator import SCAN_SHARE, generate  # noqa: E402
from samples.generator.variation import LAYOUTS, force  # noqa: E402

MONEY_FIELDS = {"position_percent", "total_cost", "cofunding", "requested", "absence_hours", "absence_rate",
                "supervision_hours", "supervision_rate", "learning_costs", "total", "facilitation",
                "district_supplement", "total_requested", "total_claimed"}
DATE_FIELDS = {"employment_start", "employment_end", "effective_from", "signed_municipality", "signed_doctor",
               "specialisation_start"}
EXAMPLES_PER_FIELD = 3


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, ok: bool, example: str) -> None:
        self.total += 1
        self.right += ok
        if not ok and len(self.examples) < EXAMPLES_PER_FIELD:
            self.examples.append(example)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


def _value(extracted: object) -> object:
    """The bare value of an Extracted (or a plain value)."""
    return getattr(extracted, "value", extracted)


def _norm(name: str, value: object) -> object:
    """One comparable form: ISO dates, Decimals, casefolded strings without spaces."""
    if value is None or value == "":
        return False if name == "via_agency" else None
    if name in DATE_FIELDS:
        return value.isoformat() if isinstance(value, (date, datetime)) else str(value).strip()[:10]
    if name in MONEY_FIELDS:
        try:
            return Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return str(value)
    if name == "via_agency":
        return bool(value)
    if name in ("hpr_number", "municipality_org_number"):
        return re.sub(r"\D", "", str(value))
    return re.sub(r"\s+", "", str(value)).casefold()


def _same(name: str, expected: object, got: object) -> bool:
    return _norm(name, expected) == _norm(name, got)


def _compare_fields(tallies: dict[str, Tally], prefix: str, where: str, truth: dict, record: object) -> None:
    for name, expected in truth.items():
        got = _value(getattr(record, name, None)) if record is not None else None
        tallies[prefix + name].add(_same(name, expected, got), f"{where}: ventet {expected!r}, fikk {got!r}")


def _count(tallies: dict[str, Tally], name: str, where: str, expected: int, got: int) -> None:
    """No more rows than the truth holds: a note or subtotal read as a doctor is an error too."""
    tallies[name].add(expected == got, f"{where}: ventet {expected} rader, fikk {got}")


def _budget(tallies: dict[str, Tally], where: str, truth: dict, record: object) -> None:
    if "rows" in truth:
        rows = {_norm("hpr_number", _value(r.hpr_number)): r for r in (record.rows if record else [])}
        for row in truth["rows"]:
            _compare_fields(tallies, "budget.rows.", where, row, rows.get(_norm("hpr_number", row["hpr_number"])))
        _compare_fields(tallies, "budget.", where, {"total_requested": truth["total_requested"]}, record)
        _count(tallies, "budget.rows.count", where, len(truth["rows"]), len(record.rows) if record else 0)
        return
    claims = {(_norm("hpr_number", _value(c.hpr_number)), str(_value(c.month))): c
              for c in (record.claims if record else [])}
    for claim in truth["claims"]:
        key = (_norm("hpr_number", claim["hpr_number"]), claim["month"])
        _compare_fields(tallies, "budget.claims.", where, claim, claims.get(key))
    _count(tallies, "budget.claims.count", where, len(truth["claims"]), len(record.claims) if record else 0)
    _compare_fields(tallies, "budget.", where, {k: truth[k] for k in ("facilitation", "total_claimed")}, record)
    supplements = record.district_supplement if record else {}
    got_by_hpr = {_norm("hpr_number", k): _value(v) for k, v in supplements.items()}
    for hpr, amount in truth["district_supplement"].items():
        got = got_by_hpr.get(_norm("hpr_number", hpr))
        tallies["budget.district_supplement"].add(_same("district_supplement", amount, got),
                                                  f"{where}: ventet {amount!r}, fikk {got!r}")


def _right_but_low(truth: dict, record: object) -> int:
    """Fields read right but graded below found, so a rule deciding on them sends the case to a person;
    an agreement's silence on vikarbyrå is low by design (docs/rules.md §3b) and not counted."""
    if record is None:
        return 0
    weak = 0
    for name, expected in truth.items():
        got = getattr(record, name, None)
        if expected is None or name == "via_agency" or got is None:
            continue
        weak += _same(name, expected, _value(got)) and got.grade != "found"
    return weak


def _files_of(entry: Path, scratch: Path) -> Path:
    if entry.suffix != ".zip":
        return entry
    target = scratch / entry.stem
    with zipfile.ZipFile(entry) as zf:
        zf.extractall(target)
    return target


@dataclass
class OcrTally:
    """Fields of files read by OCR: right, missing, wrong; wrong ones caught by doc.ocr-uncertain or not."""

    right: int = 0
    missing: int = 0
    wrong: int = 0
    wrong_unflagged: int = 0
    right_flagged: int = 0
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    files: int = 0
    kinds_right: int = 0
    files_automatic: int = 0  # no doc.ocr-uncertain at all for the file's doctor
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.missing + self.wrong


def _budget_by_layout(tallies: dict[str, Tally], layouts: dict[str, Tally], where: str, fact: dict,
                      record: object) -> None:
    """The budget's fields counted as usual, and once more under its layout (regime/layout) and
    under the program that wrote it (writer: excel, strict, web, ods, xls)."""
    own: dict[str, Tally] = defaultdict(Tally)
    _budget(own, where, fact["fields"], record)
    groups = [layouts[f"{'A' if 'rows' in fact['fields'] else 'B'}/{fact.get('layout', 'table')}"],
              layouts[f"skriver {fact.get('writer', 'excel')}"]]
    for name, tally in own.items():
        for group in (tallies[name], *groups):
            group.right, group.total = group.right + tally.right, group.total + tally.total
            group.examples.extend(tally.examples[: EXAMPLES_PER_FIELD - len(group.examples)])


def evaluate(inbox: Path, read_attachment, ocr: OcrTally | None = None,
             ) -> tuple[Tally, dict[str, Tally], dict[str, int], dict[str, Tally]]:
    kinds, tallies, confusion, layouts = Tally(), defaultdict(Tally), defaultdict(int), defaultdict(Tally)
    ocr = ocr if ocr is not None else OcrTally()
    with tempfile.TemporaryDirectory() as scratch:
        for truth_path in sorted((inbox / ".truth").glob("*.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            sid = truth["submission_id"]
            entry = inbox / sid if (inbox / sid).exists() else inbox / f"{sid}.zip"
            folder = _files_of(entry, Path(scratch))
            read: dict[str, object] = {}
            for name, fact in truth["files"].items():
                where = f"{sid}/{name}"
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    att = read[name] = read_attachment(folder / name)
                except Exception as error:  # noqa: BLE001 - a crash is a wrong answer, and the bench goes on
                    att = None
                    print(f"feil: {where}: {type(error).__name__}: {error}")
                scan = fact.get("scan")
                if scan and att is not None and att.ocr is not None:
                    ocr.pages += len(att.ocr.pages_read)
                    ocr.wall += time.perf_counter() - wall
                    ocr.cpu += time.process_time() - cpu
                if scan and not scan["legible"]:  # a faint scan: nothing to read, only its kind counts
                    kind = att.kind if att else "crash"
                    confusion[f"svak skann: {'uleselig' if kind == 'unreadable' else kind}"] += 1
                    continue
                if scan:
                    continue  # compared below, with the submission's decision
                kind = att.kind if att else "crash"
                kinds.add(kind == fact["kind"], f"{where}: ventet {fact['kind']}, fikk {kind}")
                confusion[f"{fact['kind']} -> {kind}"] += 1
                record = getattr(att, fact["kind"], None) if att and fact["kind"] != "other" else None
                if fact["kind"] == "budget":
                    _budget_by_layout(tallies, layouts, where, fact, record)
                elif fact["kind"] in ("agreement", "training_plan"):
                    _compare_fields(tallies, f"{fact['kind']}.", where, fact["fields"], record)
                    confusion[f"{fact['kind']}: riktige felt gradert lavt (til en person)"] += _right_but_low(
                        fact["fields"], record)
            scans = {n: f for n, f in truth["files"].items() if f.get("scan", {}).get("legible")}
            if scans:
                _compare_ocr(ocr, sid, folder, scans, read)
    return kinds, tallies, confusion, layouts


def _compare_ocr(ocr: OcrTally, sid: str, folder: Path, scans: dict[str, dict], read: dict[str, object]) -> None:
    """Each OCR file's fields against the truth, and each wrong one against the decision's findings."""
    findings = _decision_findings(sid, folder, read)
    for name, fact in scans.items():
        att = read.get(name)
        record = getattr(att, fact["kind"], None) if att is not None else None
        ocr.files += 1
        ocr.kinds_right += att is not None and att.kind == fact["kind"]
        flagged = [f for f in findings if f.rule == "doc.ocr-uncertain" and f.evidence and f.evidence.file == name]
        ocr.files_automatic += not flagged
        for field_name, expected in fact["fields"].items():
            extracted = getattr(record, field_name, None) if record is not None else None
            got = _value(extracted)
            if _same(field_name, expected, got):
                ocr.right += 1
                ocr.right_flagged += any(f.evidence == extracted.evidence for f in flagged) if extracted else 0
                continue
            if _norm(field_name, got) in (None, False) and field_name != "via_agency":
                ocr.missing += 1
                continue
            ocr.wrong += 1
            caught = extracted is not None and any(f.evidence == extracted.evidence for f in flagged)
            ocr.wrong_unflagged += not caught
            if len(ocr.examples) < 12:
                ocr.examples.append(f"{sid}/{name}: {field_name} ventet {expected!r}, fikk {got!r} "
                                    f"({'fanget av doc.ocr-uncertain' if caught else 'IKKE fanget'}; {fact['scan']})")


def _decision_findings(sid: str, folder: Path, read: dict[str, object]) -> list:
    """The findings checks.decide gives the submission, from the attachments as read above."""
    from checks.models import ApplicationFacts
    from checks.registers import load_registers
    from extractors import read_form
    from pipeline.process import decide_for_year
    from pipeline.settings import DEFAULT_REGISTERS

    facts = ApplicationFacts(submission_id=sid, form=read_form(folder / "skjema.json"),
                             attachments=[a for a in read.values() if a is not None])
    return decide_for_year(facts, load_registers(DEFAULT_REGISTERS)).findings


def report_ocr(ocr: OcrTally) -> None:
    if not ocr.files:
        return
    total = ocr.total or 1
    print(f"OCR (skannede og fotograferte avtaler): {ocr.files} filer, {ocr.pages} sider; "
          f"vedleggstype riktig {ocr.kinds_right}/{ocr.files}")
    print(f"  Felt riktig: {ocr.right / total:.1%} ({ocr.right}/{ocr.total}); mangler: {ocr.missing}; "
          f"feil verdi: {ocr.wrong}, av dem IKKE fanget av doc.ocr-uncertain: {ocr.wrong_unflagged}")
    print(f"  Riktige verdier likevel merket usikre: {ocr.right_flagged}; filer uten doc.ocr-uncertain: "
          f"{ocr.files_automatic}/{ocr.files}")
    pages = ocr.pages or 1
    print(f"  Tid per side: {ocr.wall / pages:.2f} s vegg, {ocr.cpu / pages:.2f} s CPU "
          f"(belastning {', '.join(f'{v:.1f}' for v in os.getloadavg())})")
    for example in ocr.examples:
        print(f"      {example}")


def report(kinds: Tally, tallies: dict[str, Tally], confusion: dict[str, int], layouts: dict[str, Tally],
           worst: int) -> None:
    print(f"Vedleggstype: {kinds.share:.1%} riktig ({kinds.right}/{kinds.total})")
    for pair, n in sorted(confusion.items()):
        if " -> " not in pair:
            print(f"  {pair}: {n}")
        elif pair.split(" -> ")[0] != pair.split(" -> ")[1]:
            print(f"  feil type {pair}: {n}")
    right = sum(t.right for t in tallies.values())
    total = sum(t.total for t in tallies.values())
    print(f"Felt totalt: {right / total if total else 1:.1%} riktig ({right}/{total})")
    print("Per felt:")
    for name, t in sorted(tallies.items()):
        print(f"  {name:40s} {t.share:7.1%}  ({t.right}/{t.total})")
    print("Budsjettfelt per oppsett (regime/oppsett) og per skriver:")
    for name, t in sorted(layouts.items()):
        print(f"  {name:40s} {t.share:7.1%}  ({t.right}/{t.total})")
        for example in t.examples if t.share < 1 else []:
            print(f"      {example}")
    print(f"Dårligste felt (opptil {worst}):")
    for name, t in sorted(tallies.items(), key=lambda kv: (kv[1].share, kv[0]))[:worst]:
        if t.share == 1.0:
            break
        print(f"  {name}: {t.share:.1%}")
        for example in t.examples:
            print(f"      {example}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--inbox", type=Path, help="evaluate this inbox (with .truth/) instead of generating")
    parser.add_argument("--worst", type=int, default=8)
    parser.add_argument("--scans", type=float, default=SCAN_SHARE,
                        help="share of agreements drawn as scans or photos, read by OCR (1: all)")
    parser.add_argument("--dpi", type=int, choices=(200, 300), help="scan every scan at this resolution")
    width = parser.add_mutually_exclusive_group()
    width.add_argument("--wide", dest="wide", action="store_true", default=True,
                       help="the generator's widest variation (default)")
    width.add_argument("--narrow", dest="wide", action="store_false", help="only the docs/documents.md examples")
    parser.add_argument("--layout", action="append", default=[], choices=LAYOUTS,
                        help="draw this layout wherever it fits (repeatable)")
    args = parser.parse_args(argv)
    try:
        from extractors import read_attachment
    except ImportError as error:
        print(f"extractors.read_attachment kan ikke importeres: {error}")
        return 1
    ocr = OcrTally()
    if args.inbox:
        report(*evaluate(args.inbox, read_attachment, ocr), worst=args.worst)
        report_ocr(ocr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        force(*args.layout)
        try:
            generate(Path(tmp), args.count, args.seed, wide=args.wide, scans=args.scans, scan_dpi=args.dpi)
        finally:
            force()
        report(*evaluate(Path(tmp), read_attachment, ocr), worst=args.worst)
        report_ocr(ocr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
