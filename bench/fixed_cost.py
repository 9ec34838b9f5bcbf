"""The fixed cost of `alis batch` and `alis run`: with a temporary Prefect server, and with a running one.

    prefect server start --port 4200 &
    PREFECT_API_URL=http://127.0.0.1:4200/api python bench/fixed_cost.py --count 12 --seed 2026

For each mode prints the wall time of `alis batch` over a fresh inbox (fresh
OUT, so every submission is decided), the time its flow ran (from its own log
lines), and `alis run` for one submission against that submission's own
processing without Prefect: deciding and writing it in a warm process, and in
a fresh one that loads the readers as a plain one-off command would.
The temporary server is measured with a Prefect home whose database was
made by a first, unmeasured command.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checks.registers import load_registers  # noqa: E402
from pipeline.inbox import submissions  # noqa: E402
from pipeline.process import decide_submission, write_application  # noqa: E402
from pipeline.settings import DEFAULT_REGISTERS, WARM_OCR  # noqa: E402
from samples.generator import generate  # noqa: E402

ALIS = str(Path(sys.executable).parent / "alis")
STAMP = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| INFO .*(Beginning flow run|Finished in state)", re.MULTILINE)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Wall seconds of the command and the seconds its flow ran, from its first and last flow log line."""
    start = time.perf_counter()
    done = subprocess.run([ALIS, *args], env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    stamps = [datetime.strptime(t, "%H:%M:%S.%f") for t, _ in STAMP.findall(done.stderr)]
    return wall, (stamps[-1] - stamps[0]).total_seconds() if len(stamps) >= 2 else None


def own_processing(inbox: Path, sid: str, out: Path, repeat: int) -> float:
    """Deciding and writing one submission in a warm process: what `alis run` cannot do without."""
    registers = load_registers(DEFAULT_REGISTERS)
    submission = next(s for s in submissions(inbox) if s.sid == sid)
    write_application(decide_submission(submission, registers), out, date.today())
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        write_application(decide_submission(submission, registers), out, date.today())
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def measure(mode: str, env: dict[str, str], inbox: Path, sid: str, tmp: Path, repeat: int) -> None:
    timed(["run", str(inbox / sid), "--out", str(tmp / f"{mode}-warm")], env)
    batches = [timed(["batch", str(inbox), "--out", str(tmp / f"{mode}-{n}")], env) for n in range(repeat)]
    runs = [timed(["run", str(inbox / sid), "--out", str(tmp / f"{mode}-0")], env) for _ in range(repeat)]
    wall = statistics.median(w for w, _ in batches)
    flow = statistics.median(f for _, f in batches if f is not None)
    print(f"{mode:>9}: alis batch {wall:5.1f} s (flow {flow:4.1f} s, outside it {wall - flow:4.1f} s); "
          f"alis run {spread([w for w, _ in runs])}")


def spread(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):4.2f} s (min {min(seconds):4.2f}, max {max(seconds):4.2f})"


COLD = """
import sys
from datetime import date
from pathlib import Path
from checks.registers import load_registers
from pipeline.inbox import submissions
from pipeline.process import decide_submission, write_application
from pipeline.settings import DEFAULT_REGISTERS
inbox, sid, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
submission = next(s for s in submissions(inbox) if s.sid == sid)
write_application(decide_submission(submission, load_registers(DEFAULT_REGISTERS)), out, date.today())
"""


def own_processing_cold(inbox: Path, sid: str, out: Path, repeat: int) -> list[float]:
    """The same in a fresh Python without Prefect, as a plain one-off command would: its isolated child started
    and the readers loaded for it, the OCR models only if a scan comes (as `alis run` does)."""
    env = {**os.environ, WARM_OCR: "0"}
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD, str(inbox), sid, str(out)], cwd=ROOT, env=env, check=True)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        sys.exit("set PREFECT_API_URL to a running Prefect server (prefect server start)")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        inbox = tmp / "inbox"
        generate(inbox, args.count, args.seed)
        sid = submissions(inbox)[0].entry.name
        print(f"{args.count} submissions (seed {args.seed}); alis run on {sid}; medians of {args.repeat}")
        temporary = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        temporary["PREFECT_HOME"] = str(tmp / "prefect-home")
        measure("temporary", temporary, inbox, sid, tmp, args.repeat)
        measure("running", dict(os.environ), inbox, sid, tmp, args.repeat)
        first = submissions(inbox)[0].sid
        own = own_processing(inbox, first, tmp / "plain", args.repeat)
        print(f"that submission's own processing (decide and write, no Prefect): warm {own:.2f} s; "
              f"in a fresh process {spread(own_processing_cold(inbox, first, tmp / 'cold', args.repeat))}")


if __name__ == "__main__":
    main()
