"""One run at a time writes to an OUT: the others are refused at once (exit 1), or wait when asked to.

Two batches on one OUT both exited 0 and batch.json listed only one batch's
submissions. A lock left by a killed run is taken over by the next.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from pipeline.out_lock import holding
from samples.generator import generate
from tests.cli import ALIS, alis

FIXED = Path(__file__).resolve().parents[1] / "samples" / "inbox"
HOLD = ("import sys, time; from pathlib import Path; from pipeline.out_lock import holding\n"
        "with holding(Path(sys.argv[1]), 'batch'):\n    print('held', flush=True); time.sleep(600)")


def test_of_two_batches_started_together_on_one_out_one_is_refused(tmp_path, prefect_server):
    inboxes = [tmp_path / "a", tmp_path / "b"]
    generate(inboxes[0], 3, seed=11)
    generate(inboxes[1], 3, seed=12)
    out = tmp_path / "out"
    started = [subprocess.Popen([ALIS, "batch", inbox, "--out", out], env=prefect_server.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for inbox in inboxes]
    finished = [(p.wait(600), p.stderr.read()) for p in started]
    assert sorted(code for code, _ in finished) == [0, 1]
    winner = next(inbox for inbox, (code, _) in zip(inboxes, finished) if code == 0)
    refusal = next(err for code, err in finished if code == 1)
    assert "er i bruk av en annen kjøring" in refusal
    listed = {row["submission_id"] for row in json.loads((out / "batch.json").read_text())["submissions"]}
    assert listed == {p.stem for p in (winner / ".truth").glob("*.json")}


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
