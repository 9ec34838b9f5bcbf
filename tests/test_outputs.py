"""Output files are written whole or not at all, readable by whom the umask or the shared setting says."""
import os
import stat
import subprocess
from datetime import date

import pytest

from checks.registers import load_registers
from pipeline.batch_jobs import Setup
from pipeline.isolation import pool
from pipeline.ledger import Ledger
from pipeline.outputs import OUTPUT_MODE, write_atomic
from pipeline.settings import DEFAULT_REGISTERS
from tests.cli import ALIS


def test_write_replaces_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "result.json"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


@pytest.fixture
def umask():
    """Set the process's umask for one test and put the old one back."""
    before = os.umask(0o022)
    yield os.umask
    os.umask(before)


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_written_file_gets_the_permissions_the_umask_gives(tmp_path, umask, monkeypatch, mask, mode):
    monkeypatch.delenv(OUTPUT_MODE, raising=False)
    umask(mask)
    assert mode_of(write_atomic(tmp_path / "summary.html", "x")) == mode


def test_shared_output_is_group_readable_whatever_the_umask(tmp_path, umask, monkeypatch):
    monkeypatch.setenv(OUTPUT_MODE, "shared")
    umask(0o077)
    written = write_atomic(tmp_path / "out" / "applications" / "AR-1" / "summary.html", "x")
    assert mode_of(written) == 0o640
    assert [mode_of(p) for p in (tmp_path / "out", written.parent.parent, written.parent)] == [0o750] * 3


def test_an_unknown_output_mode_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_MODE, "world")
    with pytest.raises(ValueError, match=OUTPUT_MODE):
        write_atomic(tmp_path / "result.json", "x")
    assert list(tmp_path.iterdir()) == []


def test_allocate_with_shared_writes_files_the_group_can_read(tmp_path):
    from datetime import date

    from pipeline.process import write_application
    from tests import result_examples as examples

    out = tmp_path / "out"
    write_application(examples.approve(), out, date(2024, 10, 1))
    done = subprocess.run(["sh", "-c", 'umask 077 && exec "$0" "$@"', ALIS, "allocate", "--year", "2024",
                           "--out", str(out), "--shared"], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != OUTPUT_MODE})
    assert done.returncode == 0, done.stderr
    assert mode_of(out / "allocation-2024.json") == 0o640
    assert mode_of(out / "applications" / "AR-2024-000123" / "summary.html") & stat.S_IRGRP


def output_mode_in_child(setup: Setup) -> str | None:
    return os.environ.get(OUTPUT_MODE)


@pytest.mark.parametrize("mode", ["shared", "umask"])
def test_a_child_writes_with_the_runs_output_mode_whatever_its_machine_says(tmp_path, monkeypatch, mode):
    monkeypatch.setenv(OUTPUT_MODE, mode)
    setup = Setup(load_registers(DEFAULT_REGISTERS), Ledger(tmp_path, DEFAULT_REGISTERS), tmp_path, date.today())
    monkeypatch.setenv(OUTPUT_MODE, "umask" if mode == "shared" else "shared")  # a dask worker's own environment
    with pool(setup.limits).worker() as worker:
        assert worker.run(output_mode_in_child, context=setup) == mode
