"""Training plans (individuell utdanningsplan) read from generated submissions match their truth."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from extractors.fields import Line
from extractors.training_plan import read_training_plan
from tests.extract_samples import mismatches, of_kind

FIELDS = ["doctor_name", "hpr_number", "supervisor", "enterprise", "specialisation_start"]


@pytest.fixture(scope="module")
def plans(generated):
    found = of_kind(generated, "training_plan")
    assert found, "the generator wrote no training plans"
    return found


@pytest.mark.parametrize("field", FIELDS)
def test_plan_field_matches_truth(plans, field):
    assert mismatches(plans, lambda s: s.attachment.training_plan, field) == []


def test_attachment_carries_the_plans_hpr(plans):
    assert all(s.attachment.hpr_number == s.truth["hpr_number"] for s in plans)


def test_planned_activities_are_read_with_their_learning_goal_codes(plans):
    for sample in plans:
        activities = sample.attachment.training_plan.activities
        assert activities, sample.name
        assert all(re.fullmatch(r"[A-Z]{3} \d{2,3}", goal) for a in activities for goal in a.goals)
        assert any(a.goals for a in activities)


def test_courses_are_read_with_their_costs_as_decimals(plans):
    for sample in plans:
        courses = sample.attachment.training_plan.courses
        assert courses and all(isinstance(c.cost, Decimal) and c.cost > 0 for c in courses), sample.name


def test_word_evidence_names_paragraph_or_table_row(plans):
    docx = [s for s in plans if s.name.lower().endswith(".docx")]
    assert docx
    for sample in docx:
        where = sample.attachment.training_plan.hpr_number.evidence.where
        assert re.fullmatch(r"(?:(?:topptekst|bunntekst) )?(?:avsnitt \d+|tabell \d+(?:\.\d+)* rad \d+)", where)


def _table(where: str, *rows: list[str]) -> list[Line]:
    return [Line(cells=cells, where=f"{where} rad {n}") for n, cells in enumerate(rows, start=1)]


def test_activity_table_is_found_by_its_headers_in_any_column_order():
    lines = _table("tabell 2", ["Læringsmål", "Tidspunkt", "Aktivitet"],
                   ["ALM 055, FEL-003", "høst 2023", "Hospitering på legevakt"])
    plan = read_training_plan(lines, "plan.docx")
    assert [(a.activity, a.when, a.goals) for a in plan.activities] == [
        ("Hospitering på legevakt", "høst 2023", ["ALM 055", "FEL 003"])]


def test_course_total_row_is_not_a_course():
    lines = _table("tabell 3", ["Kurs", "Kostnad"], ["Grunnkurs A", "7 900,00"], ["Sum", "7 900,00"])
    assert [c.name for c in read_training_plan(lines, "plan.docx").courses] == ["Grunnkurs A"]


def test_a_lower_case_label_opening_a_table_under_the_title_is_a_label_not_a_wrapped_sentence():
    lines = [Line(cells=["Individuell utdanningsplan – spesialistutdanning i allmennmedisin"], where="avsnitt 1"),
             *_table("tabell 1", ["hpr-nummer", "9688710", "UTDANNINGSVIRKSOMHETENS NAVN", "Osen kommune"],
                     ["Navn på ALIS", "Bjørn Moen", "", ""])]
    assert read_training_plan(lines, "plan.docx").hpr_number.value == "9688710"
