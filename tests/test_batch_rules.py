"""Batch-level rules: a doctor claimed twice in one batch or in grant_history, and years already funded."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checks.registers import load_registers
from pipeline.batch_rules import against_written, with_batch_rules
from pipeline.inbox import list_submissions, submission_id
from pipeline.process import process_submission
from pipeline.settings import DEFAULT_REGISTERS
from tests import result_examples as examples
from tests.cli import alis

ROOT = Path(__file__).resolve().parents[1]
FIXED_INBOX = ROOT / "samples" / "inbox"
ORIGINAL, COPY, OTHER = "AR-2020-000101", "AR-2020-000901", "AR-2020-000102"


def copy_submission(inbox: Path, sid: str, new_id: str) -> None:
    """The same application sent again under another id: the same doctors for the same year."""
    shutil.copytree(FIXED_INBOX / sid, inbox / new_id)
    form = inbox / new_id / "skjema.json"
    data = json.loads(form.read_text(encoding="utf-8"))
    form.write_text(json.dumps(data | {"submission_id": new_id}, ensure_ascii=False), encoding="utf-8")


def small_inbox(base: Path) -> Path:
    inbox = base / "inbox"
    inbox.mkdir()
    for sid in (ORIGINAL, OTHER):
        shutil.copytree(FIXED_INBOX / sid, inbox / sid)
    copy_submission(inbox, ORIGINAL, COPY)
    return inbox


def doctors_of(sid: str) -> list[str]:
    truth = json.loads((FIXED_INBOX / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))
    return sorted({f["hpr_number"] for f in truth["files"].values() if f["kind"] == "agreement"})


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> dict:
    """The small inbox decided submission by submission, then the batch-level rules applied."""
    inbox = small_inbox(tmp_path_factory.mktemp("batch-rules"))
    registers = load_registers(DEFAULT_REGISTERS)
    results = [process_submission(entry, registers) for entry in list_submissions(inbox)]
    return {"before": {r.submission_id: r for r in results},
            "after": {r.submission_id: r for r in with_batch_rules(results)}}


def rules_of(result) -> set[str]:
    return {f.rule for f in result.findings}


def test_each_submission_is_decided_alone_without_a_double_claim(decided):
    assert all("id.double-claim" not in rules_of(r) for r in decided["before"].values())


def test_both_submissions_claiming_the_same_doctor_get_a_double_claim(decided):
    after = decided["after"]
    assert "id.double-claim" in rules_of(after[ORIGINAL]) and "id.double-claim" in rules_of(after[COPY])


def test_a_double_claim_in_the_batch_sends_both_to_manual_review_without_totals(decided):
    for sid in (ORIGINAL, COPY):
        result = decided["after"][sid]
        assert (result.status, result.recommended_total_nok, result.payout_nok) == ("manual_review", None, None)


def test_the_double_claim_names_the_other_submission(decided):
    messages = [f.message for f in decided["after"][ORIGINAL].findings if f.rule == "id.double-claim"]
    assert messages and all(COPY in m for m in messages)


def test_a_submission_sharing_no_doctor_is_left_as_it_was(decided):
    assert decided["after"][OTHER] == decided["before"][OTHER]


def regime_b(sid: str, months: list[str], year: int = 2024):
    return examples.result("approve", submission_id=sid, grant_year=year, ruleset=str(year),
                           doctors=[examples.doctor("Kari Nordmann", "1234567", "100", "100", claimed_months=months)])


def test_regime_b_claims_for_overlapping_months_are_a_double_claim():
    results = with_batch_rules([regime_b("A", ["2024-01", "2024-02"]), regime_b("B", ["2024-02", "2024-03"])])
    assert [r.status for r in results] == ["manual_review", "manual_review"]


def test_regime_b_claims_for_separate_months_are_no_double_claim():
    results = with_batch_rules([regime_b("A", ["2023-09", "2023-10"]), regime_b("B", ["2024-02", "2024-03"])])
    assert [r.status for r in results] == ["approve", "approve"]


def test_the_same_doctor_in_two_grant_years_is_no_double_claim():
    results = with_batch_rules([regime_b("A", ["2023-09"], year=2023), regime_b("B", ["2023-09"], year=2024)])
    assert all("id.double-claim" not in rules_of(r) for r in results)


def test_a_result_whose_processing_failed_takes_no_part():
    failed = examples.manual_review().model_copy(update={"ruleset": None, "doctors": regime_b("X", []).doctors})
    results = with_batch_rules([regime_b("A", ["2024-01"]), failed])
    assert "id.double-claim" not in rules_of(results[0])


@pytest.fixture(scope="module")
def with_history(tmp_path_factory) -> dict:
    """The fixed samples against a grant_history that funded one doctor four years and one this year."""
    registers_dir = tmp_path_factory.mktemp("registers")
    shutil.copytree(DEFAULT_REGISTERS, registers_dir, dirs_exist_ok=True)
    four_years, same_year = doctors_of(OTHER)[0], doctors_of(ORIGINAL)[0]
    rows = [f"{four_years},{year},911874245,240000.00" for year in (2016, 2017, 2018, 2019)]
    rows.append(f"{same_year},2020,911874245,240000.00")
    with (registers_dir / "grant_history.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    registers = load_registers(registers_dir)
    entries = {submission_id(e): e for e in list_submissions(FIXED_INBOX)}
    return {sid: process_submission(entries[sid], registers) for sid in (ORIGINAL, OTHER)}


def test_a_doctor_funded_in_four_earlier_years_is_rejected(with_history):
    result = with_history[OTHER]
    assert "elig.max-years" in rules_of(result)
    assert result.status == "reject" and result.recommended_total_nok == 0


def test_a_doctor_already_funded_this_year_is_a_double_claim_against_grant_history(with_history):
    result = with_history[ORIGINAL]
    assert "id.double-claim" in rules_of(result) and result.status == "manual_review"


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server) -> Path:
    """The small inbox through `alis batch`, as the operator runs it (against a running Prefect server)."""
    base = tmp_path_factory.mktemp("night")
    out = base / "out"
    done = alis("batch", small_inbox(base), "--out", out, "--workers", "2", env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def written(out: Path, sid: str) -> dict:
    return json.loads((out / "applications" / sid / "result.json").read_text(encoding="utf-8"))


def test_the_nightly_batch_writes_the_double_claim_into_both_results(night):
    for sid in (ORIGINAL, COPY):
        assert written(night, sid)["status"] == "manual_review", sid
        assert "id.double-claim" in {f["rule"] for f in written(night, sid)["findings"]}, sid
        assert not (night / "applications" / sid / "vedtak-utkast.docx").exists(), sid


def test_the_nightly_batch_json_shows_the_double_claims(night):
    rows = {row["submission_id"]: row for row in json.loads((night / "batch.json").read_text())["submissions"]}
    assert rows[ORIGINAL]["status"] == rows[COPY]["status"] == "manual_review"
    assert rows[OTHER]["status"] == written(night, OTHER)["status"] != "manual_review"


def test_allocation_after_the_batch_serves_only_what_is_granted(night, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(night, out)
    done = alis("allocate", "--year", "2020", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    other = written(out, OTHER)
    assert other["allocated_nok"] == other["recommended_total_nok"] > 0
    assert written(out, ORIGINAL)["allocated_nok"] is None
    listed = [a["submission_id"] for a in json.loads((out / "allocation-2020.json").read_text())["applications"]]
    assert listed == [OTHER]


def test_a_single_re_run_keeps_the_double_claim_found_against_results_already_written(night, tmp_path,
                                                                                        prefect_server):
    out = tmp_path / "out"
    shutil.copytree(night, out)
    done = alis("run", night.parent / "inbox" / COPY, "--out", out, env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    rerun = written(out, COPY)
    messages = [f["message"] for f in rerun["findings"] if f["rule"] == "id.double-claim"]
    assert rerun["status"] == "manual_review" and messages and all(ORIGINAL in m for m in messages)


def test_a_re_run_checked_against_written_results_changes_only_itself():
    earlier = with_batch_rules([regime_b("A", ["2024-01"]), regime_b("C", ["2024-05"])])
    rerun = against_written(regime_b("B", ["2024-01"]), earlier)
    assert rerun.status == "manual_review" and "id.double-claim" in rules_of(rerun)
    assert [r.status for r in earlier] == ["approve", "approve"]
