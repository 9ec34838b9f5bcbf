"""One run at a time writes to an OUT: the others are refused at once (exit 1), or wait when asked to.

Two batches on one OUT both exited 0 and batch.json listed only one batch's
submissions. A lock left by a killed run is taken over by the next.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline.out_lock import LOCK_FILE, holding
from samples.generator import generate
from tests.cli import ALIS, alis

FIXED = Path(__file__).resolve().parents[1] / "samples" / "inbox"
HOLD = ("import sys, time; from pathlib import Path; from pipeline.out_lock import holding\n"
        "with holding(Path(sys.argv[1]), 'batch'):\n    print('held', flush=True); time.sleep(600)")


def held_by(out: Path, pid: int, timeout: float = 120) -> bool:
    """Whether the process `pid` comes to hold OUT's lock within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if json.loads((out / LOCK_FILE).read_text() or "{}").get("pid") == pid:
                return True
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return False


def test_a_second_batch_on_an_out_a_batch_is_writing_to_is_refused(tmp_path, prefect_server):
    first, second = tmp_path / "a", tmp_path / "b"
    generate(first, 3, seed=11)
    generate(second, 3, seed=12)
    out = tmp_path / "out"
    log = tmp_path / "first.log"
    with open(log, "w") as stderr:
        running = subprocess.Popen([ALIS, "batch", first, "--out", out], env=prefect_server.env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    assert held_by(out, running.pid)
    refused = alis("batch", second, "--out", out, env=prefect_server.env)
    assert running.wait(600) == 0, log.read_text()[-2000:]
    assert refused.returncode == 1 and "er i bruk av en annen kjøring (alis batch" in refused.stderr
    listed = {row["submission_id"] for row in json.loads((out / "batch.json").read_text())["submissions"]}
    assert listed == {p.stem for p in (first / ".truth").glob("*.json")}


def test_a_run_on_a_held_out_is_refused_at_once(tmp_path):
    out = tmp_path / "out"
    with holding(out, "batch"):
        done = alis("run", FIXED / "AR-2020-000101", "--out", out)
    assert done.returncode == 1 and "er i bruk" in done.stderr


def test_an_allocation_on_a_held_out_is_refused_at_once(tmp_path):
    out = tmp_path / "out"
    with holding(out, "batch"):
        done = alis("allocate", "--year", "2024", "--out", out)
    assert done.returncode == 1 and "er i bruk" in done.stderr


def test_with_wait_a_command_waits_for_the_holder_instead_of_refusing(tmp_path):
    out = tmp_path / "out"
    with holding(out, "batch"):
        waiting = subprocess.Popen([ALIS, "allocate", "--year", "2024", "--out", out, "--wait"], text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = waiting.stderr.readline()
        assert "venter på" in first and waiting.poll() is None
    waiting.wait(120)
    rest = waiting.stderr.read()
    assert "er i bruk" not in rest and "ingen resultater" in rest


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path, prefect_server):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, out], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    done = alis("run", FIXED / "AR-2020-000101", "--out", out, env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"tok over {out}" in done.stderr and str(holder.pid) in done.stderr
