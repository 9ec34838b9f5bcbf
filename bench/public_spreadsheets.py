"""Real-world spreadsheets from other projects' test sets, read as an inbox attachment would be.

    python bench/public_spreadsheets.py FOLDER [FOLDER ...] [--json OUT.json] [--compare BEFORE.json]

Runs extractors.read_attachment on every .xls/.xlsx/.xlsm/.ods file under the folders, each in
its own killable child process with the pipeline's limits (pipeline/isolation.py), and prints
how many were read (kind budget or other) and why the rest were not: the problem codes, and
every timeout, crash, memory stop or escaped exception by file. --json keeps the per-file
outcome; --compare names the files read now that were refused in an earlier run, and the other
way round. The folders are not part of the project: fetch a test set (calamine's tests/,
xlrd's tests/samples/, Apache POI's test-data/spreadsheet/) and pass its path.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.isolation import Limits, read_isolated  # noqa: E402

SUFFIXES = {".xls", ".xlsx", ".xlsm", ".ods"}
FAILURES = {"timeout", "crashed", "memory", "extractor-error"}  # the reader itself failed, not the file


def outcomes(folders: list[Path], limits: Limits) -> dict[str, dict]:
    found: dict[str, dict] = {}
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    for path in files:
        start = time.perf_counter()
        attachment = read_isolated(path, path.name, limits)
        found[str(path)] = {"kind": attachment.kind, "seconds": round(time.perf_counter() - start, 2),
                            "problem": attachment.problem.code if attachment.problem else None,
                            "message": attachment.problem.message if attachment.problem else None}
    return found


def report(found: dict[str, dict], before: dict[str, dict] | None) -> None:
    read = [p for p, o in found.items() if o["kind"] != "unreadable"]
    print(f"Filer: {len(found)}, lest: {len(read)} ({len(read) / max(len(found), 1):.1%})")
    print("Per type:", dict(Counter(o["kind"] for o in found.values())))
    for suffix in sorted(SUFFIXES):
        of_suffix = [o for p, o in found.items() if p.lower().endswith(suffix)]
        if of_suffix:
            print(f"  {suffix:6s} {sum(o['kind'] != 'unreadable' for o in of_suffix):4d} lest av {len(of_suffix)}")
    print("Ikke lest, per årsak:", dict(Counter(o["problem"] for o in found.values() if o["kind"] == "unreadable")))
    failed = {p: o for p, o in found.items() if o["problem"] in FAILURES}
    print(f"Leseren feilet (tidsavbrudd, krasj, minne, unntak): {len(failed)}")
    for path, o in sorted(failed.items()):
        print(f"  {o['problem']}: {path}: {o['message']}")
    slowest = sorted(found.items(), key=lambda kv: -kv[1]["seconds"])[:5]
    print("Tregest:", ", ".join(f"{Path(p).name} {o['seconds']} s" for p, o in slowest))
    if before is not None:
        now_read = sorted(p for p in found if found[p]["kind"] != "unreadable" and before.get(p, {}).get("kind") == "unreadable")
        now_refused = sorted(p for p in found if found[p]["kind"] == "unreadable" and before.get(p, {}).get("kind") not in (None, "unreadable"))
        print(f"Lest nå, avvist før: {len(now_read)}")
        for path in now_read:
            print(f"  {path} ({before[path]['problem']} -> {found[path]['kind']})")
        print(f"Avvist nå, lest før: {len(now_refused)}")
        for path in now_refused:
            print(f"  {path} ({before[path]['kind']} -> {found[path]['problem']}: {found[path]['message']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--json", type=Path, help="write each file's outcome here")
    parser.add_argument("--compare", type=Path, help="an earlier --json to compare with")
    parser.add_argument("--seconds", type=float, default=60.0, help="wall-time limit per file")
    args = parser.parse_args(argv)
    found = outcomes(args.folders, Limits(seconds=args.seconds))
    if args.json:
        args.json.write_text(json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8")
    before = json.loads(args.compare.read_text(encoding="utf-8")) if args.compare else None
    report(found, before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
