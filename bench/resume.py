"""A batch killed with kill -9 at about 50 % and 90 % of its decisions, then run again on the same OUT.

    prefect server start --port 4200 &          # or any running server
    PREFECT_API_URL=http://127.0.0.1:4200/api python bench/resume.py --count 200 --seed 7

Prints the wall time of a whole batch, and for each kill point how many
decisions the killed batch had kept, the wall time of the second run, how
many submissions it decided (should be those not kept) and how many of the
kept decisions it made again (should be none).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.ledger import LEDGER_FOLDER  # noqa: E402
from samples.generator import generate  # noqa: E402

ALIS = str(Path(sys.executable).parent / "alis")
KEPT = re.compile(r"(\d+) decided now, (\d+) kept from an earlier run")


def records(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / LEDGER_FOLDER).glob("*.json")}


def batch(inbox: Path, out: Path, workers: int) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([ALIS, "batch", str(inbox), "--out", str(out), "--workers", str(workers)],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(KEPT.search(done.stderr).group(1))


def killed_at(inbox: Path, out: Path, workers: int, decided: int) -> int:
    process = subprocess.Popen([ALIS, "batch", str(inbox), "--out", str(out), "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while len(records(out)) < decided and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return len(records(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("PREFECT_API_URL"):
        sys.exit("set PREFECT_API_URL to a running Prefect server (prefect server start)")
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp, "inbox")
        generate(inbox, args.count, args.seed)
        whole, _ = batch(inbox, Path(tmp, "whole"), args.workers)
        print(f"submissions: {args.count}, workers: {args.workers}")
        print(f"whole batch: {whole:.1f} s")
        for fraction in (0.5, 0.9):
            out = Path(tmp, f"killed-{fraction}")
            kept = killed_at(inbox, out, args.workers, round(fraction * args.count))
            before = records(out)
            seconds, decided = batch(inbox, out, args.workers)
            after = records(out)
            again = sum(after[name] != mtime for name, mtime in before.items())
            print(f"killed at {kept}/{args.count} decided: second run {seconds:.1f} s "
                  f"({seconds / whole:.0%} of a whole batch), decided {decided}, kept decisions made again: {again}")


if __name__ == "__main__":
    main()
