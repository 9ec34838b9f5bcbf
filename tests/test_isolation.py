"""A parser that hangs, bloats, crashes or raises costs one attachment, never the batch."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.isolation import HIGH_MARK, Limits, Pool, read_isolated, run_marking
from pipeline.settings import WARM_OCR
from tests import hostile_readers

QUICK = Limits(seconds=2, memory_bytes=512 * 1024 * 1024)  # for readers that must be stopped
ROOMY = Limits(seconds=20, memory_bytes=512 * 1024 * 1024)  # for readers that end by themselves, even on a busy machine


@pytest.fixture
def some_file(tmp_path):
    path = tmp_path / "vedlegg.pdf"
    path.write_bytes(b"%PDF-1.4 whatever")
    return path


@pytest.mark.parametrize(
    "reader, limits, code",
    [
        (hostile_readers.hangs, QUICK, "timeout"),
        (hostile_readers.spins, QUICK, "timeout"),
        (hostile_readers.spins_past_its_cpu_limit, ROOMY, "timeout"),
        (hostile_readers.eats_memory, ROOMY, "memory"),
        (hostile_readers.dies, ROOMY, "crashed"),
        (hostile_readers.raises, ROOMY, "extractor-error"),
    ],
)
def test_misbehaving_parser_ends_as_unreadable_with_a_stable_code(some_file, reader, limits, code):
    attachment = read_isolated(some_file, "vedlegg.pdf", limits, reader=reader)
    assert attachment.kind == "unreadable"
    assert attachment.problem.code == code
    assert attachment.problem.message


def test_child_runs_under_a_cpu_and_a_memory_limit(some_file):
    attachment = read_isolated(some_file, "vedlegg.pdf", ROOMY, reader=hostile_readers.reports_limits)
    cpu_left, memory = attachment.reason.split()
    assert ROOMY.cpu_seconds - 1 < float(cpu_left) <= ROOMY.cpu_seconds and int(memory) == ROOMY.memory_bytes


def test_each_file_gets_the_whole_cpu_limit_however_many_the_child_read_before(some_file):
    for _ in range(3):
        read_isolated(some_file, "vedlegg.pdf", ROOMY, reader=hostile_readers.reads_fine)
    attachment = read_isolated(some_file, "vedlegg.pdf", ROOMY, reader=hostile_readers.reports_limits)
    assert float(attachment.reason.split()[0]) > ROOMY.cpu_seconds - 1


def test_one_child_reads_many_files(some_file):
    pids = {read_isolated(some_file, "vedlegg.pdf", ROOMY, reader=hostile_readers.reports_pid).reason
            for _ in range(3)}
    assert len(pids) == 1


def test_a_child_that_broke_a_limit_is_replaced_never_reused(some_file):
    read_isolated(some_file, "vedlegg.pdf", QUICK, reader=hostile_readers.notes_pid_then_hangs)
    broke = some_file.with_suffix(".pid").read_text()
    after = read_isolated(some_file, "vedlegg.pdf", QUICK, reader=hostile_readers.reports_pid).reason
    assert after != broke and _gone(int(broke))


def test_a_child_grown_past_the_high_mark_is_replaced_after_its_job(some_file):
    assert 512 * 1024 * 1024 > HIGH_MARK
    roomy = Limits(seconds=20, memory_bytes=3 * 1024 * 1024 * 1024)
    grown = read_isolated(some_file, "vedlegg.pdf", roomy, reader=hostile_readers.keeps_memory).reason
    after = read_isolated(some_file, "vedlegg.pdf", roomy, reader=hostile_readers.reports_pid).reason
    assert after != grown


def test_the_other_files_of_a_job_are_read_when_one_breaks_a_limit(tmp_path):
    for i in range(3):
        (tmp_path / f"{i}.pdf").write_bytes(b"%PDF-1.4 whatever")
    readers = [hostile_readers.reads_fine, hostile_readers.hangs, hostile_readers.reads_fine]
    pool = Pool(QUICK)
    with pool.worker() as worker:
        read = run_marking(worker, hostile_readers.reads_each, str(tmp_path), readers)
    pool.close()
    assert [(a.kind, a.problem.code if a.problem else None) for a in read] == [
        ("other", None), ("unreadable", "timeout"), ("other", None)]


def test_cpu_limit_comes_after_the_wall_time():
    assert QUICK.cpu_seconds > QUICK.seconds


def test_a_program_the_child_started_dies_with_it(some_file):
    read_isolated(some_file, "vedlegg.pdf", QUICK, reader=hostile_readers.leaves_a_grandchild)
    pid = int(some_file.with_suffix(".pid").read_text())
    assert _gone(pid)


def _gone(pid: int, wait: float = 3.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{pid}/stat")
        try:
            if stat.read_text().split(") ")[1][0] in "ZX":
                return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False


def test_well_behaved_parser_result_comes_back_whole(some_file):
    attachment = read_isolated(some_file, "vedlegg.pdf", ROOMY, reader=hostile_readers.reads_fine)
    assert (attachment.kind, attachment.file) == ("other", "vedlegg.pdf")


def test_file_over_the_size_cap_is_not_parsed(some_file):
    attachment = read_isolated(some_file, "vedlegg.pdf", Limits(file_bytes=4), reader=hostile_readers.hangs)
    assert attachment.problem.code == "too-large"


def test_original_bytes_are_untouched(some_file):
    before = some_file.read_bytes()
    read_isolated(some_file, "vedlegg.pdf", ROOMY, reader=hostile_readers.raises)
    assert some_file.read_bytes() == before


def _warm_loads_ocr(env: dict[str, str]) -> bool:
    """Whether the children's warm-up (what the forkserver preloads) loads the OCR engine."""
    probe = "import sys, pipeline.warmup; print('rapidocr' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], env={**os.environ, **env}, capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    return done.stdout.strip() == "True"


def test_the_batch_warm_up_loads_the_ocr_models_once_for_every_child():
    assert _warm_loads_ocr({WARM_OCR: "1"})


def test_a_single_run_leaves_the_ocr_models_to_a_child_that_meets_a_scan():
    assert not _warm_loads_ocr({WARM_OCR: "0"})
