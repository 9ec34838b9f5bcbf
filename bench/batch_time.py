"""Wall time of the nightly batch on freshly generated submissions.

    python bench/batch_time.py --count 50 --seed 11 --workers 2

Prints the total, the time per submission, and the Prefect-free floor (the same
work in one process without orchestration) as a ratio.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checks.registers import load_registers  # noqa: E402
from pipeline.inbox import list_submissions  # noqa: E402
from pipeline.process import process_submission, write_application  # noqa: E402
from pipeline.settings import DEFAULT_REGISTERS  # noqa: E402
from samples.generator import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inbox, out, plain = Path(tmp, "inbox"), Path(tmp, "out"), Path(tmp, "plain")
        generate(inbox, args.count, args.seed)
        alis = Path(sys.executable).parent / "alis"
        start = time.perf_counter()
        subprocess.run([str(alis), "batch", str(inbox), "--out", str(out), "--workers", str(args.workers)],
                       check=True, capture_output=True)
        batch_seconds = time.perf_counter() - start
        registers = load_registers(DEFAULT_REGISTERS)
        start = time.perf_counter()
        for entry in list_submissions(inbox):
            write_application(process_submission(entry, registers), plain, date.today())
        plain_seconds = time.perf_counter() - start
    print(f"submissions: {args.count}")
    print(f"alis batch (workers={args.workers}): {batch_seconds:.1f} s, {batch_seconds / args.count:.2f} s per submission")
    print(f"plain sequential, no Prefect: {plain_seconds:.1f} s, {plain_seconds / args.count:.2f} s per submission")
    print(f"ratio batch / plain: {batch_seconds / plain_seconds:.2f}")


if __name__ == "__main__":
    main()
