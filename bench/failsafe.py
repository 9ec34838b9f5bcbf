"""Never silently wrong: decisions on a normal and on a garbled inbox against the generator's truth.

    python bench/failsafe.py --count 200 --seed 11            # half the submissions garbled
    python bench/failsafe.py --count 100 --seed 3 --share 1   # every submission garbled where it can be
    python bench/failsafe.py --share 1 --kinds end-dropped,end-unknown-phrasing   # only these garbles

Writes the generator's widest inbox twice into a temporary folder: as drawn, and with about
`--share` of the submissions garbled (samples/generator/garble.py: a decisive value removed,
moved into running text, or written so it cannot be read). Every submission is decided with
pipeline.process.process_submission (plain Python, no Prefect) and sorted by what happened:

  riktig avgjort          status and recommended amount as the truth says
  riktig til manuell      the truth expects manual review, and got it
  til manuell (garblet)   a garbled submission sent to a person: the safe outcome
  unødvendig til manuell  an untouched submission the truth decides, sent to a person (the cost of safety)
  FEIL uten manuell       status or amount wrong and nobody asked to look: the goal is 0

Prints the counts per inbox and per garble, and every wrong decision with its findings. The
data are synthetic, so printing them exposes no real person.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checks.registers import load_registers  # noqa: E402
from pipeline.inbox import list_submissions, submission_id  # noqa: E402
from pipeline.process import process_submission  # noqa: E402
from samples.generator import generate  # noqa: E402
from samples.generator import garble  # noqa: E402

REGISTERS = ROOT / "samples" / "registers"
OUTCOMES = ("riktig avgjort", "riktig til manuell", "til manuell (garblet)", "unødvendig til manuell",
            "FEIL uten manuell")
WRONG, NEEDLESS = OUTCOMES[4], OUTCOMES[3]


def outcome(truth: dict, status: str, recommended: Decimal | None) -> str:
    expected = truth["expected_status"]
    if status == "manual_review":
        if expected == "manual_review":
            return "riktig til manuell"
        return "til manuell (garblet)" if truth.get("garbled") else NEEDLESS
    amount = truth["expected_recommended_total"]
    right_amount = amount is None or (recommended is not None and Decimal(amount) == recommended)
    return "riktig avgjort" if status == expected and right_amount else WRONG


def decide_inbox(inbox: Path) -> list[tuple[dict, str, str]]:
    """(truth, outcome, what was decided) for every submission of the inbox."""
    registers = load_registers(REGISTERS)
    rows = []
    for entry in list_submissions(inbox):
        truth = json.loads((inbox / ".truth" / f"{submission_id(entry)}.json").read_text(encoding="utf-8"))
        result = process_submission(entry, registers)
        deciding = "; ".join(f"{f.rule}: {f.message}" for f in result.findings
                             if f.severity in ("review", "reject", "reduce"))
        decided = (f"{result.status} {result.recommended_total_nok} (ventet {truth['expected_status']} "
                   f"{truth['expected_recommended_total']}) [{deciding or 'ingen funn'}]")
        rows.append((truth, outcome(truth, result.status, result.recommended_total_nok), decided))
    return rows


def report(title: str, rows: list[tuple[dict, str, str]]) -> None:
    counts = Counter(o for _, o, _ in rows)
    print(f"{title}: {len(rows)} søknader")
    for name in OUTCOMES:
        print(f"  {name:24s} {counts[name]:4d}")
    decidable = sum(1 for truth, _, _ in rows if truth["expected_status"] != "manual_review" and not truth.get("garbled"))
    if decidable:
        print(f"  unødvendig til manuell blant {decidable} urørte søknader som skal avgjøres: "
              f"{counts[NEEDLESS] / decidable:.1%}")
    by_garble: dict[str, Counter] = defaultdict(Counter)
    for truth, result, _ in rows:
        if truth.get("garbled"):
            by_garble[truth["garbled"]["kind"]][result] += 1
    if by_garble:
        print(f"  per garble ({sum(sum(c.values()) for c in by_garble.values())} garblet):")
        print(f"    {'garble':24s} {'antall':>6s} {'FEIL':>5s} {'manuell':>8s} {'riktig':>7s}")
        for kind, c in sorted(by_garble.items()):
            manual = c["til manuell (garblet)"] + c["riktig til manuell"]
            print(f"    {kind:24s} {sum(c.values()):6d} {c[WRONG]:5d} {manual:8d} {c['riktig avgjort']:7d}")
    for truth, result, decided in rows:
        if result in (WRONG, NEEDLESS):
            garbled = truth.get("garbled")
            how = f" garblet {garbled['kind']} ({garbled['file']}: {garbled['detail']})" if garbled else ""
            print(f"  {result}: {truth['submission_id']} {truth['scenario']}{how}: {decided}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--share", type=float, default=0.5, help="share of submissions garbled (0-1)")
    parser.add_argument("--kinds", default=",".join(garble.KINDS), help="the garbles to draw from, comma-separated")
    args = parser.parse_args(argv)
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = [k for k in kinds if k not in garble.KINDS]
    if unknown:
        parser.error(f"ukjent garble: {', '.join(unknown)} (kjente: {', '.join(garble.KINDS)})")
    with tempfile.TemporaryDirectory() as tmp:
        normal, garbled = Path(tmp) / "normal", Path(tmp) / "garbled"
        generate(normal, args.count, args.seed)
        garble.generate(garbled, args.count, args.seed, args.share, kinds)
        report("Vanlig innboks", decide_inbox(normal))
        report("Garblet innboks", decide_inbox(garbled))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
