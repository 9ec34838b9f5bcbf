"""Budget (regime A) and claim (regime B) spreadsheets read from generated submissions match their truth."""
from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import pytest

from extractors import read_attachment
from extractors.labels import tables
from extractors.sheet_tables import header_field, match_header_row
from tests.extract_samples import of_kind, same

ROW_FIELDS = ["doctor_name", "hpr_number", "position", "total_cost", "cofunding", "requested"]
CLAIM_FIELDS = ["hpr_number", "doctor_name", "month", "absence_hours", "absence_rate", "supervision_hours",
                "supervision_rate", "learning_costs", "total"]


@pytest.fixture(scope="module")
def budgets(generated):
    found = of_kind(generated, "budget")
    assert found, "the generator wrote no budgets"
    return found


def _regime(budgets, regime):
    chosen = [s for s in budgets if ("rows" if regime == "A" else "claims") in s.truth["fields"]]
    assert chosen, f"no regime {regime} budgets generated"
    return chosen


def _row_mismatches(samples, key, fields):
    wrong = []
    for sample in samples:
        expected_rows = sample.truth["fields"][key]
        rows = getattr(sample.attachment.budget, key)
        for index, (expected, row) in enumerate(zip(expected_rows, rows)):
            for field in fields:
                if not same(expected[field], getattr(row, field).value):
                    wrong.append((sample.name, index, field, expected[field], getattr(row, field).value))
    return wrong


def test_regime_a_has_one_row_per_doctor_and_no_total_row(budgets):
    for sample in _regime(budgets, "A"):
        assert sample.attachment.budget.regime == "A"
        assert len(sample.attachment.budget.rows) == len(sample.truth["fields"]["rows"]), sample.name


@pytest.mark.parametrize("field", ROW_FIELDS)
def test_regime_a_row_field_matches_truth(budgets, field):
    assert _row_mismatches(_regime(budgets, "A"), "rows", [field]) == []


def test_regime_a_total_requested_matches_truth(budgets):
    wrong = [(s.name, s.truth["fields"]["total_requested"], s.attachment.budget.total_requested.value)
             for s in _regime(budgets, "A")
             if not same(s.truth["fields"]["total_requested"], s.attachment.budget.total_requested.value)]
    assert wrong == []


def test_regime_b_has_one_claim_per_doctor_month(budgets):
    for sample in _regime(budgets, "B"):
        assert sample.attachment.budget.regime == "B"
        assert len(sample.attachment.budget.claims) == len(sample.truth["fields"]["claims"]), sample.name


@pytest.mark.parametrize("field", CLAIM_FIELDS)
def test_regime_b_claim_field_matches_truth(budgets, field):
    assert _row_mismatches(_regime(budgets, "B"), "claims", [field]) == []


def test_regime_b_facilitation_matches_truth(budgets):
    wrong = [(s.name, s.truth["fields"]["facilitation"], s.attachment.budget.facilitation.value)
             for s in _regime(budgets, "B")
             if not same(s.truth["fields"]["facilitation"], s.attachment.budget.facilitation.value)]
    assert wrong == []


def test_regime_b_district_supplement_per_hpr_matches_truth(budgets):
    for sample in _regime(budgets, "B"):
        expected = {hpr: Decimal(v) for hpr, v in sample.truth["fields"]["district_supplement"].items()}
        found = {hpr: e.value for hpr, e in sample.attachment.budget.district_supplement.items()}
        assert found == expected, sample.name


def test_regime_b_total_claimed_matches_truth(budgets):
    wrong = [(s.name, s.truth["fields"]["total_claimed"], s.attachment.budget.total_claimed.value)
             for s in _regime(budgets, "B") if not same(s.truth["fields"]["total_claimed"], s.attachment.budget.total_claimed.value)]
    assert wrong == []


def test_formulas_without_stored_values_are_recomputed(budgets):
    computed = [s for s in budgets if s.truth.get("cells") == "formulas"]
    assert computed
    for sample in computed:
        budget = sample.attachment.budget
        totals = [r.total_cost for r in budget.rows] + [c.total for c in budget.claims]
        assert totals and all(t.found for t in totals), sample.name


def test_a_budget_whose_formulas_had_no_stored_values_is_flagged_and_one_with_them_is_not(budgets):
    flagged = {s.truth["cells"]: "formulas-recomputed" in s.attachment.flags
               for s in budgets if s.truth.get("cells") in ("formulas", "cached")}
    assert flagged == {"formulas": True, "cached": False}


def test_stale_stored_sum_is_an_arithmetic_mismatch_at_its_cell(budgets):
    for sample in budgets:
        where = {m.evidence.where for m in sample.attachment.budget.arithmetic}
        assert where == set(sample.truth.get("stale_cells", [])), sample.name


def test_money_evidence_names_sheet_and_cell(budgets):
    for sample in budgets:
        budget = sample.attachment.budget
        values = [r.requested for r in budget.rows] + [c.total for c in budget.claims]
        assert all(re.fullmatch(r"[^!]+![A-Z]{1,3}\d+", v.evidence.where) for v in values), sample.name
        assert all(v.evidence.file == sample.name for v in values)


def test_stored_value_that_disagrees_with_its_formula_is_replaced_by_the_recomputed_one(budgets, tmp_path):
    sample = next(s for s in budgets if s.truth.get("cells") in ("formulas", "cached"))
    stale = tmp_path / "budsjett.xlsx"
    changed: list[str] = []

    def store_wrong_value(match: re.Match) -> str:
        if changed:
            return match.group(0)
        changed.append(match.group(2))
        return f"{match.group(1)}<v>1</v>"

    with zipfile.ZipFile(sample.path) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            content = source.read(item)  # an .xlsm holds a binary part (vbaProject.bin) too
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(r'(<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f>)<v>[^<]*</v>', store_wrong_value,
                                 content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content)
    budget = read_attachment(stale).budget
    sheet = budget.arithmetic[0].evidence.where.split("!")[0]
    assert [m.evidence.where for m in budget.arithmetic] == [f"{sheet}!{changed[0]}"]
    assert budget.arithmetic[0].stored == Decimal(1) and budget.arithmetic[0].recomputed != Decimal(1)
    used = [e.value for e in _all_extracted(budget) if e.evidence and e.evidence.where.endswith(f"!{changed[0]}")]
    assert Decimal(1) not in used


def _all_extracted(budget):
    for row in budget.rows:
        yield from [row.total_cost, row.cofunding, row.requested, *row.costs.values()]
    for claim in budget.claims:
        yield from [claim.total, claim.absence_hours, claim.absence_rate, claim.learning_costs]
    yield from [budget.total_requested, budget.total_claimed, budget.facilitation]


@pytest.mark.parametrize("header, field", [
    ("Timepris veiledning", "supervision_rate"), ("Timepris fravær", "absence_rate"),
    ("Antall veiledningstimer", "supervision_hours"), ("Utgifter kurs", "learning_costs"),
])
def test_a_claim_header_is_named_by_the_word_its_compound_ends_in(header, field):
    regime = tables()["budget"]["regime_b"]
    assert header_field(header, regime["columns"], regime["keywords"])[1] == field


def test_a_rate_column_headed_only_sats_belongs_to_the_hours_column_left_of_it():
    regime = tables()["budget"]["regime_b"]
    row = ["Lege", "HPR-nummer", "Periode", "Fraværstimer", "Sats", "Veiledningstimer", "Sats", "Sum"]
    columns, _fields = match_header_row(row, regime["columns"], regime["keywords"], set())
    assert (columns["absence_rate"], columns["supervision_rate"]) == (5, 7)


REPEATED_PER_DOCTOR = ["Måned", "Fraværstimer", "Sats", "Veiledningstimer", "Sats", "Sum",
                      "Fraværstimer", "Sats", "Veiledningstimer", "Sats", "Sum"]


def test_a_rate_headed_only_sats_is_named_again_in_each_doctors_block():
    regime = tables()["budget"]["regime_b"]
    _columns, fields = match_header_row(REPEATED_PER_DOCTOR, regime["columns"], regime["keywords"], set())
    assert [fields[i] for i in (8, 10)] == ["absence_rate", "supervision_rate"]


def test_the_columns_that_name_fields_come_in_column_order():
    regime = tables()["budget"]["regime_b"]
    _columns, fields = match_header_row(REPEATED_PER_DOCTOR, regime["columns"], regime["keywords"], set())
    assert list(fields) == sorted(fields)


def test_a_column_that_names_nothing_takes_no_field_its_left_neighbour_already_has():
    regime = tables()["budget"]["regime_b"]
    row = ["Lege", "HPR-nummer", "Måned", "Fraværstimer", "Sats fravær", "Sum", "Merknad"]
    _columns, fields = match_header_row(row, regime["columns"], regime["keywords"], set())
    assert 7 not in fields
