"""What `alis` prints: Norwegian statuses in a small table, data as plain text, no library warnings, Norwegian help.

The commands that run a flow use the session's Prefect server; the rest never start one.
"""
from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.inbox import SubmissionNotFound, submission_at
from pipeline.report import batch_report, run_report
from pipeline.result import BatchEntry
from samples import hostile
from tests.cli import alis

FIXED_INBOX = Path(__file__).resolve().parents[1] / "samples" / "inbox"
MARKUP_NAME = "[bold]x[/bold] kommune"
ENGLISH_STATUS = re.compile(r"\b(approve|partial|reject|manual_review)\b")


def printed(renderable) -> str:
    """What a terminal shows, through a console that reads markup in plain strings (rich's default)."""
    console = Console(record=True, width=100, markup=True)
    console.print(renderable)
    return console.export_text()


def entry(sid: str, status: str, municipality: str | None = "Frøya kommune",
          recommended: str | None = "1000") -> BatchEntry:
    return BatchEntry(submission_id=sid, status=status, grant_year=2024, municipality=municipality,
                      recommended_total_nok=None if recommended is None else Decimal(recommended))


def test_batch_report_counts_each_status_in_norwegian_in_a_table():
    rows = [entry("AR-1", "approve"), entry("AR-2", "approve", recommended="500.5"), entry("AR-3", "partial"),
            entry("AR-4", "manual_review", recommended=None)]
    text = printed(batch_report(rows, Path("/ut"))).replace("\xa0", " ")
    assert re.search(r"Innvilget\s+│\s+2\s+│\s+1 500,50 kr", text)
    assert re.search(r"Manuell behandling\s+│\s+1\s+│\s+–", text)
    assert "4 søknader behandlet. Resultater i /ut" in text
    assert not ENGLISH_STATUS.search(text) and "{" not in text


def test_batch_report_names_the_applications_a_person_must_decide_first():
    rows = [entry("AR-1", "approve"), entry("AR-2", "manual_review", recommended=None)]
    assert "Må behandles manuelt først: AR-2 (Frøya kommune)" in printed(batch_report(rows, Path("/ut")))


def test_a_municipality_name_with_markup_is_printed_as_written():
    rows = [entry("AR-2", "manual_review", municipality=MARKUP_NAME, recommended=None)]
    assert f"AR-2 ({MARKUP_NAME})" in printed(batch_report(rows, Path("/ut")))
    assert f"AR-2 ({MARKUP_NAME}): Manuell behandling" in printed(run_report(rows[0], Path("/ut")))


def test_run_report_gives_the_status_in_norwegian_and_the_amount():
    text = printed(run_report(entry("AR-1", "partial", recommended="240000"), Path("/ut"))).replace("\xa0", " ")
    assert text.strip() == ("AR-1 (Frøya kommune): Delvis innvilget, anbefalt 240 000 kr. "
                            "Resultater i /ut/applications/AR-1")


@pytest.fixture
def zipped_only(tmp_path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXED_INBOX / "AR-2024-000202.zip", inbox)
    return inbox


@pytest.mark.parametrize("given", ["AR-2024-000202", "AR-2024-000202.zip"])
def test_run_finds_a_submission_by_its_id_or_its_zip(zipped_only, given):
    found = submission_at(zipped_only / given)
    assert (found.entry.name, found.sid) == ("AR-2024-000202.zip", "AR-2024-000202")


def test_run_finds_the_folder_of_an_id_given_with_zip(tmp_path):
    shutil.copytree(FIXED_INBOX / "AR-2024-000201", tmp_path / "AR-2024-000201")
    assert submission_at(tmp_path / "AR-2024-000201.zip").entry.name == "AR-2024-000201"


def test_run_of_an_id_with_neither_folder_nor_zip_says_so(zipped_only):
    with pytest.raises(SubmissionNotFound, match="verken AR-2024-000999 eller AR-2024-000999.zip"):
        submission_at(zipped_only / "AR-2024-000999")


def test_an_inbox_that_is_a_file_is_named_as_a_file(tmp_path):
    inbox = tmp_path / "innboks"
    inbox.write_text("x")
    done = alis("batch", inbox, "--out", tmp_path / "out")
    assert done.returncode == 1
    assert f"innboksen {inbox} er en fil, ikke en mappe" in done.stderr


def test_run_in_an_inbox_that_is_a_file_says_so(tmp_path):
    inbox = tmp_path / "innboks"
    inbox.write_text("x")
    done = alis("run", inbox / "AR-1", "--out", tmp_path / "out")
    assert done.returncode == 1 and "er en fil, ikke en mappe" in done.stderr


@pytest.mark.parametrize("command", [(), ("batch",), ("run",), ("serve",), ("allocate",), ("rules",), ("samples",)])
def test_help_is_norwegian(command):
    text = alis(*command, "--help").stdout
    assert "Bruk: alis" in text and "Vis denne hjelpen og avslutt." in text
    for english in ("Usage:", "Options", "Show this message", "Where the outputs go", "Submissions processed",
                    "The nightly", "[default", "[required]"):
        assert english not in text, english


@pytest.fixture(scope="module")
def night(tmp_path_factory, prefect_server):
    """A batch whose inbox holds a zip, and a form naming its municipality in markup with a kommunenummer no
    register knows (so it is listed for a person) beside a PDF pdfminer complains of."""
    base = tmp_path_factory.mktemp("cli-night")
    inbox = base / "inbox"
    inbox.mkdir()
    shutil.copy(FIXED_INBOX / "AR-2024-000202.zip", inbox)
    odd = inbox / "AR-2024-000901"
    shutil.copytree(FIXED_INBOX / "AR-2024-000201", odd)
    form = json.loads((odd / "skjema.json").read_text(encoding="utf-8"))
    form["municipality"].update(name=MARKUP_NAME, kommunenummer="9999")  # unknown: a person must look
    (odd / "skjema.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    (odd / "sirkel.pdf").write_bytes(hostile.circular_xobject_pdf())
    out = base / "out"
    return inbox, out, alis("batch", inbox, "--out", out, env=prefect_server.env)


def test_batch_prints_norwegian_statuses_and_the_markup_name_as_written(night):
    _, _, done = night
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Delvis innvilget" in done.stdout and "Manuell behandling" in done.stdout
    assert not ENGLISH_STATUS.search(done.stdout) and "{'" not in done.stdout
    assert f"AR-2024-000901 ({MARKUP_NAME})" in done.stdout


def test_batch_output_has_our_log_lines_and_no_library_warnings(night):
    _, _, done = night
    assert "Søknader avgjort" in done.stderr
    assert "Refusing to execute circular reference" not in done.stderr
    assert "Warning:" not in done.stderr


def test_run_takes_the_id_of_a_zipped_submission(night, prefect_server):
    inbox, out, _ = night
    done = alis("run", inbox / "AR-2024-000202", "--out", out, env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"^AR-2024-000202 \(.+\): Delvis innvilget, anbefalt ", done.stdout, re.M)
