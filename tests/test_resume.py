"""A batch killed with kill -9 decides again only what it had not decided, and leaves nothing behind.

RELIABILITY.md cases 28 and 30 through the CLI on a real Prefect server: a
batch is killed while deciding (each submission is written as it is decided)
and after its last decision (while the batch-level rules and the overview are
written); the next batch on the same
OUT keeps every decision made before the kill, takes over the OUT lock, marks
the killed flow run Crashed, removes the killed run's unpacked documents, and
writes what an uninterrupted batch writes. Every submission is a zip, so
applicants' documents are unpacked while the batch runs.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.ledger import LEDGER_FOLDER
from samples.generator import generate
from samples.generator.office_zip import pack
from tests.cli import ALIS, alis

COUNT, SEED = 12, 2026
KEPT = re.compile(r"(\d+) decided now, (\d+) kept from an earlier run")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("resume") / "inbox"
    generate(inbox, COUNT, SEED)
    for folder in [p for p in inbox.iterdir() if p.is_dir() and not p.name.startswith(".")]:
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        (inbox / f"{folder.name}.zip").write_bytes(pack(files))
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()
    return inbox


def decisions(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (out / LEDGER_FOLDER).glob("*.json")}


def killed(inbox: Path, out: Path, env: dict, when, timeout: float = 300) -> int:
    """Starts a batch, kills it with SIGKILL as soon as `when(out)` holds, and returns its pid."""
    process = subprocess.Popen([ALIS, "batch", inbox, "--out", out], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not when(out) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert when(out), "the batch ended or ran out of time before the moment to kill it"
    return process.pid


def night(inbox: Path, base: Path, server, when) -> dict:
    """A batch killed when `when(out)` holds, then the same batch again on the same OUT."""
    temp = base / "tmp"
    temp.mkdir()
    env = {**server.env, "TMPDIR": str(temp)}
    out = base / "out"
    pid = killed(inbox, out, env, when)
    before = decisions(out)
    again = alis("batch", inbox, "--out", out, env=env)
    return {"out": out, "pid": pid, "before": before, "again": again, "temp": temp}


@pytest.fixture(scope="module")
def while_deciding(inbox, tmp_path_factory, prefect_server) -> dict:
    return night(inbox, tmp_path_factory.mktemp("deciding"), prefect_server, lambda out: len(decisions(out)) >= 3)


@pytest.fixture(scope="module")
def after_deciding(inbox, tmp_path_factory, prefect_server) -> dict:
    return night(inbox, tmp_path_factory.mktemp("decided"), prefect_server, lambda out: len(decisions(out)) >= COUNT)


@pytest.fixture(scope="module")
def uninterrupted(inbox, tmp_path_factory, prefect_server) -> Path:
    out = tmp_path_factory.mktemp("whole") / "out"
    done = alis("batch", inbox, "--out", out, env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def counts(done: subprocess.CompletedProcess) -> tuple[int, int]:
    decided, kept = KEPT.search(done.stderr).groups()
    return int(decided), int(kept)


def listed(out: Path) -> list[str]:
    return [row["submission_id"] for row in json.loads((out / "batch.json").read_text())["submissions"]]


def test_after_a_kill_while_deciding_the_next_batch_gives_every_submission_a_result(while_deciding):
    assert while_deciding["again"].returncode == 0, while_deciding["again"].stderr[-2000:]
    assert len(listed(while_deciding["out"])) == COUNT


def test_decisions_made_before_the_kill_are_not_made_again(while_deciding):
    after = decisions(while_deciding["out"])
    assert while_deciding["before"] and all(after[name] == kept for name, kept in while_deciding["before"].items())
    assert counts(while_deciding["again"]) == (COUNT - len(while_deciding["before"]), len(while_deciding["before"]))


def test_after_a_kill_after_the_last_decision_nothing_is_decided_again_and_the_batch_is_written(after_deciding):
    assert after_deciding["again"].returncode == 0, after_deciding["again"].stderr[-2000:]
    assert counts(after_deciding["again"]) == (0, COUNT)
    assert len(listed(after_deciding["out"])) == COUNT


def test_a_resumed_batch_writes_the_results_an_uninterrupted_one_writes(while_deciding, uninterrupted):
    for result in sorted((uninterrupted / "applications").glob("*/result.json")):
        resumed = while_deciding["out"] / "applications" / result.parent.name / "result.json"
        assert resumed.read_text() == result.read_text(), result.parent.name


def test_the_lock_of_the_killed_batch_is_taken_over(while_deciding):
    assert "tok over" in while_deciding["again"].stderr


def test_the_killed_batchs_flow_run_is_set_crashed(while_deciding, prefect_server):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: prefect_server.url}), get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["batch-inbox"])),
                                     sort=FlowRunSort.START_TIME_DESC, limit=50)
    states = {run.labels.get("alis.pid"): run.state.type.value for run in runs}
    assert states[str(while_deciding["pid"])] == "CRASHED"
    assert "RUNNING" not in states.values()


def test_no_applicant_document_is_left_in_temporary_folders(while_deciding, after_deciding):
    for night_ in (while_deciding, after_deciding):
        assert [p for p in night_["temp"].rglob("*") if p.is_file()] == []
    assert not any(os.scandir(while_deciding["temp"] / f"alis-{os.getuid()}"))
