"""A decision is kept with digests of everything it was made from, and reused only while all are unchanged.

A changed attachment, register row or rate of the year is decided anew; a
pipeline failure is never kept. The decisions here are stand-ins that count
how often they were made; the submissions and registers are the shipped samples.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.findings import pipeline_error
from checks.parameters import PARAMETER_DIR
from pipeline import ledger as ledger_module
from pipeline.corrections import corrections_path
from pipeline.inbox import Submission
from pipeline.ledger import Ledger
from pipeline.result import Municipality, Result
from pipeline.settings import DEFAULT_REGISTERS

FIXED = Path(__file__).resolve().parents[1] / "samples" / "inbox"


class Decisions:
    """A decide function that counts its calls and returns what it is told to."""

    def __init__(self, **result):
        self.made = 0
        self.result = result

    def __call__(self, submission: Submission) -> Result:
        self.made += 1
        return Result(submission_id=submission.sid, municipality=Municipality(),
                      **{"status": "approve", "grant_year": 2024, **self.result})


@pytest.fixture
def world(tmp_path) -> dict:
    shutil.copytree(FIXED / "AR-2024-000201", tmp_path / "inbox" / "AR-2024-000201")
    shutil.copytree(DEFAULT_REGISTERS, tmp_path / "registers")
    return {"submission": Submission(tmp_path / "inbox" / "AR-2024-000201", "AR-2024-000201"),
            "registers": tmp_path / "registers", "out": tmp_path / "out"}


def twice(world, change=lambda: None, decisions=None) -> int:
    """How many decisions two runs make with `change` made between them."""
    decisions = decisions or Decisions()
    Ledger(world["out"], world["registers"]).decided(world["submission"], decisions)
    change()
    Ledger(world["out"], world["registers"]).decided(world["submission"], decisions)
    return decisions.made


def test_an_unchanged_submission_is_not_decided_again(world):
    assert twice(world) == 1


def test_a_reused_decision_is_the_decision_that_was_made(world):
    Ledger(world["out"], world["registers"]).decided(world["submission"], Decisions(status="partial"))
    result, reused = Ledger(world["out"], world["registers"]).decided(world["submission"], Decisions())
    assert reused and result.status == "partial"


def test_a_changed_attachment_is_decided_anew(world):
    attachment = next(p for p in world["submission"].entry.iterdir() if p.suffix == ".pdf")
    assert twice(world, lambda: attachment.write_bytes(attachment.read_bytes() + b"\n")) == 2


def test_a_changed_register_row_is_decided_anew(world):
    history = world["registers"] / "grant_history.csv"
    assert twice(world, lambda: history.write_text(history.read_text().replace("240000.00", "239000.00", 1))) == 2


def test_a_changed_rate_of_the_year_is_decided_anew(world, tmp_path, monkeypatch):
    parameters = Path(shutil.copytree(PARAMETER_DIR, tmp_path / "parameters"))
    monkeypatch.setattr(ledger_module, "PARAMETER_DIR", parameters)
    year = parameters / "2024.yaml"
    assert twice(world, lambda: year.write_text(year.read_text() + "\n# endret sats\n")) == 2


def test_a_changed_rate_of_another_year_keeps_the_decision(world, tmp_path, monkeypatch):
    parameters = Path(shutil.copytree(PARAMETER_DIR, tmp_path / "parameters"))
    monkeypatch.setattr(ledger_module, "PARAMETER_DIR", parameters)
    other = parameters / "2020.yaml"
    assert twice(world, lambda: other.write_text(other.read_text() + "\n# endret sats\n")) == 1


def test_changed_code_or_tables_decide_anew(world, monkeypatch):
    def deploy() -> None:
        monkeypatch.setattr(ledger_module, "code_digest", lambda: "a later version")

    assert twice(world, deploy) == 2


def test_a_pipeline_failure_is_not_kept(world):
    decisions = Decisions(status="manual_review", findings=[pipeline_error("uventet feil (OSError)")])
    assert twice(world, decisions=decisions) == 2


def test_asked_not_to_reuse_it_decides_again(world):
    decisions = Decisions()
    for _ in range(2):
        Ledger(world["out"], world["registers"]).decided(world["submission"], decisions, reuse=False)
    assert decisions.made == 2


def _correct(world, text: str) -> None:
    path = corrections_path(world["out"], world["submission"].sid)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_new_correction_is_decided_anew(world):
    assert twice(world, lambda: _correct(world, "submission_id: AR-2024-000201\n")) == 2


def test_corrections_unchanged_since_the_decision_keep_it(world):
    _correct(world, "submission_id: AR-2024-000201\n")
    assert twice(world) == 1
