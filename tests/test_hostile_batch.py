"""A night with every hostile file of RELIABILITY.md next to ordinary submissions: all get a result.

Each hostile file is its own submission (with a valid form), so "later
documents are processed" is checked submission by submission; one zip adds
the hostile names of cases 25-27. Run through `process_submission`, as the
batch does, without Prefect.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from checks.registers import load_registers
from pipeline.inbox import list_submissions, opened, submission_id
from pipeline.isolation import Limits
from pipeline.process import FORM_NAME, process_submission, write_application
from pipeline.settings import DEFAULT_REGISTERS
from samples import hostile
from samples.generator import generate
from tests.test_hostile_files import OUTCOMES

LIMITS = Limits(seconds=5, memory_bytes=1024 * 1024 * 1024)
HOSTILE_NAMES = {
    "<img src=x onerror=alert(1)>.pdf": hostile.text_pdf(),
    "søknad\u202efdp.pdf": hostile.text_pdf(),
    "../../utenfor.pdf": hostile.text_pdf(),
    "x" * 300 + ".pdf": b"",
}


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _form(inbox: Path) -> dict:
    entry = next(p for p in list_submissions(inbox))
    with opened(entry) as folder:
        return json.loads((folder / FORM_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-night")
    inbox = base / "inbox"
    normal = generate(inbox, 2, seed=7)
    form = _form(inbox)
    for number, case in enumerate(hostile.CASES, start=1):
        folder = inbox / f"AR-HOSTILE-{number:02d}"
        folder.mkdir()
        (folder / FORM_NAME).write_text(json.dumps({**form, "submission_id": folder.name}), encoding="utf-8")
        (folder / case.name).write_bytes(case.build())
    oversize = inbox / "AR-HOSTILE-OVERSIZE"
    oversize.mkdir()
    (oversize / FORM_NAME).write_text(json.dumps(form), encoding="utf-8")
    hostile.write_oversize(oversize / "stor.pdf")
    script_form = {**form, "municipality": {**form.get("municipality", {}), "name": "<script>alert(1)</script>"}}
    with zipfile.ZipFile(inbox / "AR-HOSTILE-NAMES.zip", "w") as archive:
        archive.writestr(FORM_NAME, json.dumps(script_form))
        for name, data in HOSTILE_NAMES.items():
            archive.writestr(name, data)
    before = _digests(inbox)
    registers = load_registers(DEFAULT_REGISTERS)
    results = {submission_id(entry): process_submission(entry, registers, LIMITS) for entry in list_submissions(inbox)}
    out = base / "out"
    for result in results.values():
        write_application(result, out, date(2026, 11, 23))
    return inbox, normal, before, results, out


def test_every_submission_of_the_night_has_a_result(night):
    inbox, _, _, results, out = night
    ids = {submission_id(entry) for entry in list_submissions(inbox)}
    assert set(results) == ids
    assert all((out / "applications" / sid / "result.json").is_file() for sid in ids)


def test_no_submission_broke_the_pipeline(night):
    _, _, _, results, _ = night
    assert [sid for sid, r in results.items() if any(f.rule == "pipeline.error" for f in r.findings)] == []


def test_every_hostile_file_ends_with_its_required_kind_and_code(night):
    _, _, _, results, _ = night
    for number, case in enumerate(hostile.CASES, start=1):
        (attachment,) = results[f"AR-HOSTILE-{number:02d}"].attachments
        kind, code, _ = OUTCOMES[case.name]
        assert (attachment.file, attachment.kind, attachment.problem) == (case.name, kind, code)


def test_every_unreadable_attachment_is_a_finding_for_the_caseworker(night):
    _, _, _, results, _ = night
    for result in results.values():
        unreadable = {a.file for a in result.attachments if a.kind == "unreadable"}
        flagged = {f.evidence.file for f in result.findings
                   if f.rule in ("doc.unreadable", "doc.no-text-layer") and f.evidence}
        assert unreadable == flagged, result.submission_id


def test_oversize_file_is_unreadable_as_too_large(night):
    _, _, _, results, _ = night
    (attachment,) = results["AR-HOSTILE-OVERSIZE"].attachments
    assert attachment.problem == "too-large"


def test_ordinary_submissions_are_decided_as_if_alone(night, tmp_path):
    inbox, normal, _, results, _ = night
    registers = load_registers(DEFAULT_REGISTERS)
    for sid in normal:
        entry = next(e for e in list_submissions(inbox) if submission_id(e) == sid)
        alone = process_submission(entry, registers, LIMITS)
        assert results[sid].model_dump() == alone.model_dump()


def test_the_inbox_bytes_are_untouched(night):
    inbox, _, before, _, _ = night
    assert _digests(inbox) == before


def test_hostile_names_are_kept_inside_and_shown_escaped(night):
    _, _, _, results, out = night
    names = [a.file for a in results["AR-HOSTILE-NAMES"].attachments]
    assert "søknadfdp.pdf" in names and "utenfor.pdf" in names
    assert all("\u202e" not in n and "/" not in n for n in names)
    html = (out / "applications" / "AR-HOSTILE-NAMES" / "summary.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
