"""`alis correct` as a caseworker runs it, and a corrected application through `alis run` and the nightly
`alis batch` (on the session's Prefect server): the correction is applied on every later run."""
from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.corrections import corrections_path
from tests.cli import alis
from tests.test_corrections import FIXED, norwegian, planned

WHY = "Sluttdatoen står i arbeidsavtalen kommunen sendte 01.12.2026."


def _result(out: Path, sid: str) -> dict:
    return json.loads((out / "applications" / sid / "result.json").read_text(encoding="utf-8"))


def _row(out: Path, sid: str) -> dict:
    return next(r for r in json.loads((out / "batch.json").read_text(encoding="utf-8"))["submissions"]
                if r["submission_id"] == sid)


@pytest.fixture(scope="module")
def corrected(tmp_path_factory, prefect_server):
    """A batch, a refused and an accepted correction, `alis run` of the corrected case, then the next batch."""
    case, done = planned(tmp_path_factory.mktemp("corrected-night"), 2024, "reject", "vikar-too-short",
                         "corr:cli", "end-dropped")
    shutil.copytree(FIXED / "AR-2020-000101", case.inbox / "AR-2020-000101")
    env = prefect_server.env
    steps = {"first batch": alis("batch", case.inbox, "--out", case.out, env=env)}
    steps["first result"] = _result(case.out, case.sid)
    end = norwegian(case.truth["files"][done.file]["fields"]["employment_end"])
    correcting = ["--value", end, "--why", WHY, "--by", "Kari Saksbehandler"]
    steps["refused"] = alis("correct", case.sid, "--out", case.out, "--field", "doctor:1111111:employment_end",
                            *correcting)
    steps["stored after refusal"] = corrections_path(case.out, case.sid).exists()
    steps["correct"] = alis("correct", case.sid, "--out", case.out, "--field", f"doctor:{done.hpr}:employment_end",
                            *correcting)
    steps["run"] = alis("run", case.entry, "--out", case.out, env=env)
    steps["after run"] = _result(case.out, case.sid)
    steps["next batch"] = alis("batch", case.inbox, "--out", case.out, env=env)
    return case, steps


def test_the_first_batch_sends_the_garbled_case_to_a_person(corrected):
    _, steps = corrected
    assert steps["first batch"].returncode == 0, steps["first batch"].stderr[-2000:]
    assert steps["first result"]["status"] == "manual_review"


def test_correct_refuses_an_unknown_doctor_with_exit_2_in_norwegian_and_stores_nothing(corrected):
    _, steps = corrected
    assert steps["refused"].returncode == 2
    assert "ingen lege «1111111»" in steps["refused"].stderr and "Traceback" not in steps["refused"].stderr
    assert steps["stored after refusal"] is False


def test_correct_stores_the_correction_and_says_what_was_read(corrected):
    case, steps = corrected
    assert steps["correct"].returncode == 0, steps["correct"].stderr
    assert "(lest: –)" in steps["correct"].stdout
    assert corrections_path(case.out, case.sid).is_file()


def test_alis_run_decides_the_corrected_case_as_the_truth_says(corrected):
    case, steps = corrected
    assert steps["run"].returncode == 0, steps["run"].stderr[-2000:]
    result = steps["after run"]
    assert (result["status"], Decimal(str(result["recommended_total_nok"]))) == (
        case.truth["expected_status"], Decimal(case.truth["expected_recommended_total"]))
    assert [c["state"] for c in result["corrections"]] == ["applied"]
    assert "Korrigert av Kari Saksbehandler" in (case.out / "applications" / case.sid / "summary.html").read_text()


def test_the_next_nightly_batch_keeps_the_correction(corrected):
    case, steps = corrected
    assert steps["next batch"].returncode == 0, steps["next batch"].stderr[-2000:]
    assert _result(case.out, case.sid)["status"] == _row(case.out, case.sid)["status"] == case.truth["expected_status"]
    assert _result(case.out, case.sid)["corrections"][0]["by"] == "Kari Saksbehandler"


@pytest.mark.parametrize("args", [["--field", "form:org_number"], ["--accept", "x", "--field", "form:org_number",
                                                                     "--value", "1"], ["--value", "1"]])
def test_correct_with_options_that_do_not_go_together_is_bad_usage(tmp_path, args):
    done = alis("correct", "AR-2024-000001", "--out", tmp_path, *args, "--why", "x", "--by", "Kari")
    assert done.returncode == 2 and "Traceback" not in done.stderr
