"""Only regular files inside the inbox are read: links, pipes and devices are findings, never opened.

An inbox is written by others. A link to /etc/shadow was read and hashed, a
FIFO named skjema.json blocked the whole batch, and X/ beside X.zip wrote one
result over the other. Every case here starts from the fixed sample inbox
(samples/inbox, built by the generator) with one entry turned hostile.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from checks.registers import load_registers
from pipeline.inbox import Submission, submission_id, submissions
from pipeline.process import decide_submission, process_submission
from pipeline.settings import DEFAULT_REGISTERS
from tests.cli import alis

FIXED_INBOX = Path(__file__).resolve().parents[1] / "samples" / "inbox"
SECRET = b"root:$6$hemmelig-hash-som-aldri-skal-leses:19000:0:99999:7:::\n"


@pytest.fixture(scope="module")
def registers():
    return load_registers(DEFAULT_REGISTERS)


@pytest.fixture
def outside(tmp_path) -> Path:
    """A file outside the inbox that nothing may read, like /etc/shadow."""
    secret = tmp_path / "outside" / "shadow"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    return secret


def sample(inbox: Path, sid: str = "AR-2020-000101", name: str | None = None) -> Path:
    return Path(shutil.copytree(FIXED_INBOX / sid, inbox / (name or sid)))


def finished(work, seconds: float = 120):
    """The value of `work()`, failing (not hanging) when it blocks, as a read of a FIFO would."""
    box = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still running after {seconds} s"
    return box[0]


def attachment(result, name: str):
    return next(a for a in result.attachments if a.file == name)


def rules(result) -> set[str]:
    return {f.rule for f in result.findings}


def test_a_linked_attachment_is_a_finding_and_its_target_is_never_read(tmp_path, registers, outside):
    entry = sample(tmp_path)
    (entry / "avtale.pdf").symlink_to(outside)
    result = finished(lambda: process_submission(entry, registers))
    linked = attachment(result, "avtale.pdf")
    assert (linked.kind, linked.problem, linked.sha256) == ("unreadable", "not-a-regular-file", "")
    assert hashlib.sha256(SECRET).hexdigest() not in result.model_dump_json()
    assert "doc.unreadable" in rules(result)


def test_a_linked_folder_inside_a_submission_is_not_followed(tmp_path, registers, outside):
    entry = sample(tmp_path)
    (entry / "mer").symlink_to(outside.parent, target_is_directory=True)
    result = finished(lambda: process_submission(entry, registers))
    assert attachment(result, "mer").problem == "not-a-regular-file"
    assert not [a for a in result.attachments if a.file.startswith("mer/")]


def test_a_fifo_named_skjema_json_is_a_form_finding_and_does_not_block(tmp_path, registers):
    entry = sample(tmp_path)
    (entry / "skjema.json").unlink()
    os.mkfifo(entry / "skjema.json")
    result = finished(lambda: process_submission(entry, registers))
    invalid = next(f for f in result.findings if f.rule == "doc.form-invalid")
    assert "navngitt rør" in invalid.message


def test_a_fifo_attachment_is_a_finding_and_does_not_block(tmp_path, registers):
    entry = sample(tmp_path)
    os.mkfifo(entry / "vedlegg.pdf")
    result = finished(lambda: process_submission(entry, registers))
    assert attachment(result, "vedlegg.pdf").problem == "not-a-regular-file"


def test_skjema_json_linked_to_an_endless_device_is_not_read(tmp_path, registers):
    entry = sample(tmp_path)
    (entry / "skjema.json").unlink()
    (entry / "skjema.json").symlink_to("/dev/zero")
    result = finished(lambda: process_submission(entry, registers))
    assert "symbolsk lenke" in next(f for f in result.findings if f.rule == "doc.form-invalid").message


def test_skjema_json_that_is_a_device_is_not_read(tmp_path, registers):
    if os.geteuid() != 0:
        pytest.skip("making a device file (mknod) needs root; the linked /dev/zero case runs regardless")
    entry = sample(tmp_path)
    (entry / "skjema.json").unlink()
    os.mknod(entry / "skjema.json", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    result = finished(lambda: process_submission(entry, registers))
    assert "enhetsfil" in next(f for f in result.findings if f.rule == "doc.form-invalid").message


def test_a_linked_submission_folder_is_refused_with_its_reason(tmp_path, registers, outside):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "AR-2020-000101").symlink_to(sample(tmp_path), target_is_directory=True)
    [found] = submissions(inbox)
    result = decide_submission(found, registers)
    assert result.status == "manual_review" and rules(result) == {"pipeline.error"}
    assert "symbolsk lenke" in result.findings[0].message


def test_a_fifo_named_like_a_zip_is_a_refused_submission(tmp_path):
    os.mkfifo(tmp_path / "AR-2024-000009.zip")
    [found] = submissions(tmp_path)
    assert found.sid == "AR-2024-000009" and "navngitt rør" in found.refused


def test_a_folder_and_a_zip_of_the_same_id_both_get_an_error_under_ids_of_their_own(tmp_path, registers):
    shutil.copy(FIXED_INBOX / "AR-2024-000202.zip", tmp_path / "AR-2024-000202.zip")
    sample(tmp_path, "AR-2024-000201", "AR-2024-000202")
    found = submissions(tmp_path)
    assert len({s.sid for s in found}) == 2 and all(s.sid.startswith("AR-2024-000202-") for s in found)
    for submission in found:
        result = decide_submission(submission, registers)
        assert rules(result) == {"pipeline.error"} and "samme id" in result.findings[0].message


def test_names_that_become_alike_when_made_safe_both_get_an_error(tmp_path):
    sample(tmp_path, "AR-2024-000201", "søknad 1")
    sample(tmp_path, "AR-2024-000203", "s_knad_1")
    assert submission_id(tmp_path / "søknad 1") == submission_id(tmp_path / "s_knad_1")
    found = submissions(tmp_path)
    assert len({s.sid for s in found}) == 2 and all(s.refused and "samme id" in s.refused for s in found)


def test_opening_a_submission_has_a_time_limit(tmp_path, registers):
    shutil.copy(FIXED_INBOX / "AR-2024-000202.zip", tmp_path / "AR-2024-000202.zip")
    result = decide_submission(Submission(tmp_path / "AR-2024-000202.zip", "AR-2024-000202"), registers,
                               opening_seconds=0)
    assert rules(result) == {"pipeline.error"} and "tok mer enn 0 sekunder" in result.findings[0].message


def test_a_batch_over_hostile_entries_finishes_with_a_result_for_each_and_reads_nothing_outside(
        tmp_path, outside, prefect_server):
    inbox = tmp_path / "inbox"
    linked = sample(inbox, "AR-2020-000101")
    (linked / "avtale.pdf").symlink_to(outside)
    os.mkfifo(sample(inbox, "AR-2020-000102") / "vedlegg.pdf")
    piped = sample(inbox, "AR-2020-000103")
    (piped / "skjema.json").unlink()
    os.mkfifo(piped / "skjema.json")
    shutil.copy(FIXED_INBOX / "AR-2024-000202.zip", inbox)
    sample(inbox, "AR-2024-000201", "AR-2024-000202")
    (inbox / "AR-2024-000204").symlink_to(sample(tmp_path, "AR-2024-000204"), target_is_directory=True)
    out = tmp_path / "out"
    done = alis("batch", inbox, "--out", out, env=prefect_server.env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    listed = [row["submission_id"] for row in json.loads((out / "batch.json").read_text())["submissions"]]
    assert len(listed) == len(set(listed)) == 6
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert hashlib.sha256(SECRET).hexdigest().encode() not in written and SECRET not in written
