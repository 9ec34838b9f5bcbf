"""Never silently wrong: a generated submission whose decisive values were removed, moved into running
text or garbled (samples/generator/garble.py) goes to a person instead of to a wrong decision, and an
ordinary one is still decided."""
from __future__ import annotations

import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from checks.registers import load_registers
from extractors import read_attachment
from extractors.agreement import read_agreement
from extractors.fields import Line
from extractors.models import Grade
from pipeline.inbox import list_submissions, submission_id
from pipeline.process import process_submission
from samples.generator import garble, generate, new_context, scenarios

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def registers():
    return load_registers(ROOT / "samples" / "registers")


def _garbled(out: Path, year: int, status: str, variant: str, kind: str, seed: str) -> garble.Garble:
    """The first of a few plans for the scenario that the garble applies to (a budget split over one
    sheet per doctor has no amount row to garble, say), written and garbled into `out`."""
    for attempt in range(10):
        plan_seed = f"{seed}:{attempt}" if attempt else seed
        sub = scenarios.build(random.Random(plan_seed), new_context(), f"AR-{year}-900001", year, status, variant)
        sub.zipped = False  # a folder, so that a test can open the garbled file
        done = garble.write_garbled(out, sub, random.Random(f"{plan_seed}:draw"), random.Random(f"{plan_seed}:garble"),
                                    (kind,))
        if done is not None:
            assert done.kind == kind
            return done
        shutil.rmtree(out)
        out.mkdir()
    pytest.fail(f"no plan for {year} {variant} allows the garble {kind}")


def _truth(out: Path, sid: str) -> dict:
    return json.loads((out / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("year, status, variant, kind", [
    (2020, "approve", "clean", "position-described"),  # the body's "inntak av vikar" read as the position
    (2020, "approve", "clean", "position-unknown-label"),
    (2024, "reject", "vikar-too-short", "end-dropped"),  # a vikariat without its end date paid in full
    (2024, "approve", "clean", "agency-in-passing"),  # a vikarbyrå named in passing read as the doctor's employer
    (2024, "approve", "clean", "amount-garbled"),  # an hours or rate cell that is no number counted as 0
    (2024, "approve", "clean", "summary-garbled"),  # a district supplement that is no number left out
])
def test_a_garbled_submission_goes_to_manual_review_instead_of_a_wrong_decision(tmp_path, registers, year, status,
                                                                                  variant, kind):
    _garbled(tmp_path, year, status, variant, kind, f"failsafe:{kind}:1")
    result = process_submission(next(iter(list_submissions(tmp_path))), registers)
    rules = {f.rule for f in result.findings if f.severity == "review"}
    assert result.status == "manual_review", [f.message for f in result.findings]
    assert rules & {"doc.field-missing", "id.doctor-mismatch"}


def test_no_garbled_submission_is_decided_wrongly_without_a_person(tmp_path, registers):
    garble.generate(tmp_path, 12, 23, share=1.0)
    wrong = []
    for entry in list_submissions(tmp_path):
        truth = _truth(tmp_path, submission_id(entry))
        result = process_submission(entry, registers)
        expected = truth["expected_recommended_total"]
        right = result.status == truth["expected_status"] and (
            expected is None or result.recommended_total_nok == Decimal(expected))
        if result.status != "manual_review" and not right:
            wrong.append((truth["submission_id"], truth.get("garbled"), result.status, result.recommended_total_nok))
    assert wrong == []


def test_an_ordinary_generated_inbox_is_decided_as_its_truth_says(tmp_path, registers):
    generate(tmp_path, 12, 29, scans=0)
    got = {submission_id(e): process_submission(e, registers).status for e in list_submissions(tmp_path)}
    assert got == {sid: _truth(tmp_path, sid)["expected_status"] for sid in got}


def test_a_position_label_whose_text_cannot_be_read_keeps_that_text_and_takes_no_word_from_the_body(tmp_path):
    done = _garbled(tmp_path, 2020, "approve", "clean", "position-described", "failsafe:position-described")
    position = read_attachment(tmp_path / "AR-2020-900001" / done.file).agreement.position
    assert (position.value, position.grade, position.evidence.value) == (None, Grade.missing, done.detail)


def test_a_summary_amount_that_is_no_number_is_kept_as_unreadable_text(tmp_path):
    done = _garbled(tmp_path, 2024, "approve", "clean", "summary-garbled", "failsafe:summary-garbled:1")
    where, change = done.detail.split(": ", 1)
    budget = read_attachment(tmp_path / "AR-2024-900001" / done.file).budget
    kept = [(v.value, v.evidence.value) for v in [budget.facilitation, *budget.district_supplement.values()]
            if v.evidence is not None and v.evidence.where == where]
    assert kept == [(None, change.split(" -> ")[1])]


def _lines(*rows: list[str]) -> list[Line]:
    return [Line(cells=cells, where="s. 1") for cells in rows]


def test_a_date_alone_on_the_line_under_its_label_is_graded_found():
    lines = _lines(["ALIS-avtale"], ["HPR-nr.: 1234567"], ["Tiltredelsesdato"], ["12.7.2017"])
    start = read_agreement(lines, "a.pdf").employment_start
    assert (str(start.value), start.evidence.route, start.grade) == ("2017-07-12", "label-next-line", Grade.found)


def test_a_sentence_under_an_empty_label_is_graded_low():
    lines = _lines(["ALIS-avtale"], ["HPR-nr.: 1234567"], ["Sluttdato:"], ["Avtalen ble fornyet 01.03.2024 etter møte."])
    assert read_agreement(lines, "a.pdf").employment_end.grade == Grade.low


def test_an_end_date_written_in_words_is_read_as_the_month_and_graded_low():
    lines = _lines(["ALIS-avtale"], ["HPR-nr.: 1234567"], ["Sluttdato: til og med utgangen av august 2024"])
    end = read_agreement(lines, "a.pdf").employment_end
    assert (str(end.value), end.grade) == ("2024-08-31", Grade.low)


@pytest.mark.parametrize("line", ["Vikariatet varer: t.o.m. august 2024", "Sluttdato (t.o.m.): august 2024",
                                  "Vikariat til og med august 2024"])
def test_a_month_after_its_inclusive_qualifier_is_read_as_its_last_day_and_graded_found(line):
    end = read_agreement(_lines(["ALIS-avtale"], ["HPR-nr.: 1234567"], [line]), "a.pdf").employment_end
    assert (str(end.value), end.grade) == ("2024-08-31", Grade.found)


def test_a_month_named_alone_under_an_end_label_is_graded_low():
    end = read_agreement(_lines(["ALIS-avtale"], ["HPR-nr.: 1234567"], ["Sluttdato: august 2024"]), "a.pdf").employment_end
    assert (str(end.value), end.grade) == ("2024-08-31", Grade.low)


def test_an_end_date_in_words_without_a_date_is_kept_as_unreadable_text():
    lines = _lines(["ALIS-avtale"], ["HPR-nr.: 1234567"], ["Sluttdato: ut skoleåret"])
    end = read_agreement(lines, "a.pdf").employment_end
    assert (end.value, end.evidence.value) == (None, "ut skoleåret")
