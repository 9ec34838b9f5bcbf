"""Extraction accuracy against the generator's ground truth.

    python bench/accuracy.py --count 200 --seed 1          # widest variation (the default)
    python bench/accuracy.py --count 50 --seed 7 --narrow  # only the DOCUMENTS.md examples
    python bench/accuracy.py --inbox samples/inbox      # an inbox that has .truth/ beside it
    python bench/accuracy.py --count 50 --seed 1 --layout odt   # one layout of real files on every file it fits

Generates submissions into a temporary folder (or reads --inbox), runs
extractors.read_attachment on every attachment (zips unpacked first) and
compares the kind and every truth field with the record. Prints kind accuracy,
field accuracy overall and per field, the worst fields with a few examples.
The data are synthetic, so printing examples exposes no real person.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from samples.generator import generate  # noqa: E402
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


def _files_of(entry: Path, scratch: Path) -> Path:
    if entry.suffix != ".zip":
        return entry
    target = scratch / entry.stem
    with zipfile.ZipFile(entry) as zf:
        zf.extractall(target)
    return target


def evaluate(inbox: Path, read_attachment) -> tuple[Tally, dict[str, Tally], dict[str, int]]:
    kinds, tallies, confusion = Tally(), defaultdict(Tally), defaultdict(int)
    with tempfile.TemporaryDirectory() as scratch:
        for truth_path in sorted((inbox / ".truth").glob("*.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            sid = truth["submission_id"]
            entry = inbox / sid if (inbox / sid).exists() else inbox / f"{sid}.zip"
            folder = _files_of(entry, Path(scratch))
            for name, fact in truth["files"].items():
                where = f"{sid}/{name}"
                if fact.get("scanned"):  # no text layer by design: nothing to extract
                    confusion["skannet (ikke målt)"] += 1
                    continue
                try:
                    att = read_attachment(folder / name)
                except Exception as error:  # noqa: BLE001 - a crash is a wrong answer, and the bench goes on
                    att = None
                    print(f"feil: {where}: {type(error).__name__}: {error}")
                kind = att.kind if att else "crash"
                kinds.add(kind == fact["kind"], f"{where}: ventet {fact['kind']}, fikk {kind}")
                confusion[f"{fact['kind']} -> {kind}"] += 1
                record = getattr(att, fact["kind"], None) if att and fact["kind"] != "other" else None
                if fact["kind"] == "budget":
                    _budget(tallies, where, fact["fields"], record)
                elif fact["kind"] in ("agreement", "training_plan"):
                    _compare_fields(tallies, f"{fact['kind']}.", where, fact["fields"], record)
    return kinds, tallies, confusion


def report(kinds: Tally, tallies: dict[str, Tally], confusion: dict[str, int], worst: int) -> None:
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
    width = parser.add_mutually_exclusive_group()
    width.add_argument("--wide", dest="wide", action="store_true", default=True,
                       help="the generator's widest variation (default)")
    width.add_argument("--narrow", dest="wide", action="store_false", help="only the DOCUMENTS.md examples")
    parser.add_argument("--layout", action="append", default=[], choices=LAYOUTS,
                        help="draw this layout wherever it fits (repeatable)")
    args = parser.parse_args(argv)
    try:
        from extractors import read_attachment
    except ImportError as error:
        print(f"extractors.read_attachment kan ikke importeres: {error}")
        return 1
    if args.inbox:
        report(*evaluate(args.inbox, read_attachment), worst=args.worst)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        force(*args.layout)
        try:
            generate(Path(tmp), args.count, args.seed, wide=args.wide)
        finally:
            force()
        report(*evaluate(Path(tmp), read_attachment), worst=args.worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
