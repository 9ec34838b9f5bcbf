"""The nightly batch through the CLI on the committed sample inbox plus broken submissions."""
import json
import shutil
import zipfile
from pathlib import Path

import jsonschema
import pytest

from pipeline.inbox import list_submissions, submission_id
from tests.cli import alis
from tests.test_render_letter import text_of

ROOT = Path(__file__).resolve().parents[1]
FIXED_INBOX = ROOT / "samples" / "inbox"
SCHEMA = json.loads((ROOT / "schema" / "result.schema.json").read_text(encoding="utf-8"))


def fixed_ids() -> list[str]:
    return sorted(p.stem for p in (FIXED_INBOX / ".truth").glob("*.json"))


def entry(sid: str) -> Path:
    return next(p for p in list_submissions(FIXED_INBOX) if submission_id(p) == sid)


def truth(sid: str) -> dict:
    return json.loads((FIXED_INBOX / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    """One batch over the fixed inbox, a corrupt zip and a folder whose form is not JSON (on a running server)."""
    base = tmp_path_factory.mktemp("night")
    inbox = base / "inbox"
    shutil.copytree(FIXED_INBOX, inbox)
    (inbox / "AR-2024-BROKEN.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    garbage = inbox / "AR-2024-GARBAGE"
    garbage.mkdir()
    (garbage / "skjema.json").write_text("{ not json", encoding="utf-8")
    (garbage / "vedlegg.pdf").write_bytes(b"%PDF-1.7\n garbage")
    out = base / "out"
    done = alis("batch", inbox, "--out", out, "--workers", "2", env=prefect_server.env)
    return done, out


def result(out: Path, sid: str) -> dict:
    return json.loads((out / "applications" / sid / "result.json").read_text(encoding="utf-8"))


def test_batch_exits_0(night):
    done, _ = night
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_submission_appears_in_batch_json(night):
    _, out = night
    listed = {row["submission_id"] for row in json.loads((out / "batch.json").read_text())["submissions"]}
    assert listed == set(fixed_ids()) | {"AR-2024-BROKEN", "AR-2024-GARBAGE"}


def test_every_result_validates_against_the_committed_schema(night):
    _, out = night
    for sid in fixed_ids() + ["AR-2024-BROKEN", "AR-2024-GARBAGE"]:
        jsonschema.validate(result(out, sid), SCHEMA)


def test_each_sample_gets_its_expected_status(night):
    _, out = night
    got = {sid: result(out, sid)["status"] for sid in fixed_ids()}
    assert got == {sid: truth(sid)["expected_status"] for sid in fixed_ids()}


def test_corrupt_zip_goes_to_manual_review_with_pipeline_error(night):
    _, out = night
    broken = result(out, "AR-2024-BROKEN")
    assert broken["status"] == "manual_review"
    assert "pipeline.error" in {f["rule"] for f in broken["findings"]}
    assert broken["recommended_total_nok"] is None and broken["payout_nok"] is None


def test_form_that_is_not_json_is_form_invalid(night):
    _, out = night
    garbage = result(out, "AR-2024-GARBAGE")
    assert garbage["status"] == "manual_review"
    assert "doc.form-invalid" in {f["rule"] for f in garbage["findings"]}


def test_letters_exist_for_decided_applications_only(night):
    _, out = night
    for sid in fixed_ids():
        letter = out / "applications" / sid / "vedtak-utkast.docx"
        assert letter.exists() == (result(out, sid)["status"] != "manual_review"), sid


@pytest.mark.parametrize("year, deadline", [("2024", "innen 1. april 2026"),
                                            ("2020", "innen fristen som er satt i regelverket")])
def test_a_letter_names_the_reporting_deadline_where_the_years_rules_give_one(night, year, deadline):
    _, out = night
    letters = [folder / "vedtak-utkast.docx" for folder in sorted((out / "applications").glob(f"AR-{year}-*"))
               if result(out, folder.name)["status"] in ("approve", "partial")]
    assert letters and all(deadline in text_of(letter.read_bytes()) for letter in letters)


def test_every_application_has_a_summary(night):
    _, out = night
    for sid in fixed_ids():
        assert (out / "applications" / sid / "summary.html").stat().st_size > 0


def test_batch_overview_files_are_written(night):
    _, out = night
    assert (out / "batch-summary.html").stat().st_size > 0
    assert zipfile.is_zipfile(out / "batch-summary.xlsx")


def test_no_temporary_files_are_left_behind(night):
    _, out = night
    assert not [p for p in out.rglob("*.tmp")]


def test_attachment_kinds_match_ground_truth(night):
    _, out = night
    for sid in fixed_ids():
        expected = {name: f["kind"] for name, f in truth(sid)["files"].items()}
        got = {a["file"]: a["kind"] for a in result(out, sid)["attachments"]}
        assert got == expected, sid


def test_single_rerun_replaces_one_result_and_keeps_the_batch(night, tmp_path):
    """Without PREFECT_API_URL: the temporary server Prefect starts for the command."""
    _, out = night
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    sid = fixed_ids()[0]
    (copy / "applications" / sid / "result.json").unlink()
    done = alis("run", entry(sid), "--out", copy)
    assert done.returncode == 0, done.stderr[-2000:]
    assert result(copy, sid)["status"] == truth(sid)["expected_status"]
    listed = [row["submission_id"] for row in json.loads((copy / "batch.json").read_text())["submissions"]]
    assert sorted(listed) == sorted(set(listed)) and sid in listed and len(listed) == len(fixed_ids()) + 2
