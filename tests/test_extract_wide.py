"""What the widest variation of real files brings, one behaviour each: synonyms as data,
Word's hidden text and tracked changes, .xlsm/.ods/.xls budgets, and a missing field
that the checks must report rather than fill in."""
from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from checks.decide import decide
from checks.models import ApplicationFacts
from checks.parameters import load_parameters
from checks.registers import load_registers
from checks.rules.identity import budget_arithmetic
from extractors import read_attachment, read_form
from extractors.labels import tables
from samples.generator import budget_xlsx, new_context, scenarios, write
from samples.generator.docx_doc import DocxBuilder

REGISTERS_DIR = Path(__file__).resolve().parents[1] / "samples" / "registers"


PLAN_FIELDS = [("Navn på lege", "Kari Nordmann"), ("HPR-nr.", "1234567"), ("Veileder", "Ola Hansen"),
               ("Utdanningsvirksomhet", "Alta kommune"), ("Start spesialisering", "1. september 2023")]


def _plan(tmp_path, pairs=PLAN_FIELDS, hidden: str = "", tracked: bool = False, layout: str = "lines",
          controls: bool = False):
    doc = DocxBuilder()
    doc.tracked_values = tracked
    doc.content_controls = controls
    if hidden:
        doc.para(hidden, hidden=True)
    doc.title("Individuell utdanningsplan")
    doc.para("Planen er utarbeidet etter spesialistforskriften § 25.")
    doc.fields(pairs, False, layout)
    doc.heading("Planlagte læringsaktiviteter")
    doc.table([["Aktivitet", "Når", "Læringsmål"], ["Veiledning", "høst 2023", "ALM 001"]], header=True)
    path = tmp_path / "plan.docx"
    path.write_bytes(doc.bytes())
    return read_attachment(path)


def test_a_new_label_synonym_is_one_line_in_labels_yaml(tmp_path, monkeypatch):
    pairs = [("Autorisasjonsnummer", "1234567") if k == "HPR-nr." else (k, v) for k, v in PLAN_FIELDS]
    assert _plan(tmp_path, pairs).training_plan.hpr_number.value is None
    labels = tables()["training_plan"]["fields"]["hpr_number"]["labels"]
    monkeypatch.setitem(tables()["training_plan"]["fields"]["hpr_number"], "labels", [*labels, "Autorisasjonsnummer"])
    assert _plan(tmp_path, pairs).training_plan.hpr_number.value == "1234567"


def test_hidden_word_text_is_flagged_and_never_read_as_a_value(tmp_path):
    attachment = _plan(tmp_path, hidden="Veileder: Per Utkast")
    assert "hidden-text" in attachment.flags
    assert attachment.training_plan.supervisor.value == "Ola Hansen"


def test_values_typed_as_tracked_insertions_are_read(tmp_path):
    attachment = _plan(tmp_path, tracked=True)
    assert zipfile.ZipFile(tmp_path / "plan.docx").read("word/document.xml").count(b"<w:ins ") >= 5
    assert attachment.training_plan.hpr_number.value == "1234567"
    assert attachment.training_plan.supervisor.value == "Ola Hansen"


@pytest.mark.parametrize("layout", ["lines", "table", "nested", "two-column", "above"])
def test_values_in_word_content_controls_are_read_in_every_layout(tmp_path, layout):
    plan = _plan(tmp_path, layout=layout, controls=True).training_plan
    assert zipfile.ZipFile(tmp_path / "plan.docx").read("word/document.xml").count(b"<w:sdt>") >= 5
    assert (plan.doctor_name.value, plan.hpr_number.value, plan.supervisor.value) == \
        ("Kari Nordmann", "1234567", "Ola Hansen")
    assert [a.goals for a in plan.activities] == [["ALM 001"]]


@pytest.mark.parametrize("layout", ["nested", "two-column", "above"])
def test_plan_fields_are_read_from_every_table_layout(tmp_path, layout):
    plan = _plan(tmp_path, layout=layout).training_plan
    assert (plan.doctor_name.value, plan.hpr_number.value, plan.supervisor.value) == \
        ("Kari Nordmann", "1234567", "Ola Hansen")
    assert plan.specialisation_start.value.isoformat() == "2023-09-01"


def _budget_file(tmp_path, ext: str, year: int = 2020):
    rng = random.Random(f"wide-budget:{ext}:{year}")
    sub = scenarios.build(rng, new_context(), f"AR-{year}-000901", year, "approve")
    data, _cells, written_ext = budget_xlsx.render(rng, sub, ext)
    path = tmp_path / f"budsjett.{written_ext}"
    path.write_bytes(data)
    return sub, read_attachment(path)


@pytest.mark.parametrize("ext", ["xlsm", "ods", "xls"])
def test_budget_in_other_spreadsheet_formats_is_read_like_xlsx(tmp_path, ext):
    sub, attachment = _budget_file(tmp_path, ext)
    assert attachment.kind == "budget"
    rows = {r.hpr_number.value: r.requested.value for r in attachment.budget.rows}
    assert rows == {d.hpr: d.requested for d in sub.doctors}


def test_claims_in_an_xls_file_keep_their_months(tmp_path):
    sub, attachment = _budget_file(tmp_path, "xls", year=2024)
    months = {(c.hpr_number.value, c.month.value) for c in attachment.budget.claims}
    assert months == {(d.hpr, f"{c.year:04d}-{c.month:02d}") for d in sub.doctors for c in d.claims}


def test_xlsm_budget_is_flagged_for_macros_and_the_macros_never_run(tmp_path):
    _, attachment = _budget_file(tmp_path, "xlsm")
    assert "macros" in attachment.flags
    assert attachment.budget.rows


def test_xlsx_budget_has_no_macro_flag(tmp_path):
    _, attachment = _budget_file(tmp_path, "xlsx")
    assert "macros" not in attachment.flags


def test_a_field_the_rules_need_that_no_label_gives_ends_as_doc_field_missing(tmp_path):
    rng = random.Random("wide:missing-position")
    sub = scenarios.build(rng, new_context(), "AR-2024-000977", 2024, "approve", "clean")
    for doctor in sub.doctors:
        doctor.position_label = ""
    write(tmp_path, sub, rng)
    folder = tmp_path / sub.submission_id
    if not folder.is_dir():
        with zipfile.ZipFile(tmp_path / f"{sub.submission_id}.zip") as archive:
            archive.extractall(folder)
    attachments = [read_attachment(p) for p in sorted(folder.iterdir()) if p.name != "skjema.json"]
    agreements = [a.agreement for a in attachments if a.kind == "agreement"]
    assert agreements and all(a.position.value is None for a in agreements)
    facts = ApplicationFacts(submission_id=sub.submission_id, form=read_form(folder / "skjema.json"),
                             attachments=attachments)
    decision = decide(facts, load_parameters(2024), load_registers(REGISTERS_DIR))
    assert "doc.field-missing" in {f.rule for f in decision.findings}


def test_a_stale_stored_sum_reaches_the_checks_as_id_budget_arithmetic(tmp_path):
    for n in range(300):
        rng = random.Random(f"wide-stale:{n}")
        sub = scenarios.build(rng, new_context(), "AR-2020-000902", 2020, "approve")
        data, cells, ext = budget_xlsx.render(rng, sub, "xlsx")
        if cells["cells"] == "stale":
            break
    else:
        pytest.fail("the generator drew no stale workbook in 300 tries")
    path = tmp_path / "budsjett.xlsx"
    path.write_bytes(data)
    mismatches = read_attachment(path).budget.arithmetic
    findings = budget_arithmetic(mismatches)
    assert [m.evidence.where for m in mismatches] == cells["stale_cells"]
    assert {f.rule for f in findings} == {"id.budget-arithmetic"}


def _drawn_budget(tmp_path, seed: str, year: int, ext: str, wanted):
    """The first budget the generator draws whose truth (cells, submission) is `wanted`, and its reading."""
    for n in range(400):
        rng = random.Random(f"{seed}:{year}:{n}")
        sub = scenarios.build(rng, new_context(), f"AR-{year}-000903", year, "approve")
        data, cells, written_ext = budget_xlsx.render(rng, sub, ext)
        if wanted(cells, sub):
            break
    else:
        pytest.fail(f"the generator drew no {seed} budget in 400 tries")
    path = tmp_path / f"budsjett.{written_ext}"
    path.write_bytes(data)
    return sub, read_attachment(path)


def _grouped_budget(tmp_path, year: int, ext: str):
    """A budget under a two-row header: group labels over short labels, the other columns labelled
    in the top row only."""
    return _drawn_budget(tmp_path, "wide-grouped", year, ext,
                         lambda cells, _sub: cells["header_rows"] == 2 and not cells["labels_merged_down"])


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_a_budget_under_a_two_row_header_is_read_column_by_column(tmp_path, ext):
    sub, attachment = _grouped_budget(tmp_path, 2020, ext)
    rows = {r.hpr_number.value: (r.doctor_name.value, r.costs["kurs"].value, r.requested.value)
            for r in attachment.budget.rows}
    assert rows == {d.hpr: (d.name, d.costs["kurs"], d.requested) for d in sub.doctors}


def test_claims_under_group_labels_tell_absence_from_supervision_hours(tmp_path):
    sub, attachment = _grouped_budget(tmp_path, 2024, "xlsx")
    claims = {(c.hpr_number.value, c.month.value): (c.absence_hours.value, c.supervision_rate.value)
              for c in attachment.budget.claims}
    assert claims == {(d.hpr, f"{c.year:04d}-{c.month:02d}"): (c.absence_hours, c.supervision_rate)
                      for d in sub.doctors for c in d.claims}


def test_a_subtotal_under_each_doctors_months_is_passed_over_and_every_month_is_read(tmp_path):
    sub, attachment = _drawn_budget(tmp_path, "wide-subtotals", 2024, "xlsx",
                                    lambda cells, sub: cells["subtotals"] and len(sub.doctors) > 1)
    budget = attachment.budget
    assert sorted((c.hpr_number.value, c.month.value) for c in budget.claims) == \
        sorted((d.hpr, f"{c.year:04d}-{c.month:02d}") for d in sub.doctors for c in d.claims)
    assert budget.total_claimed.value == sub.total_claimed


@pytest.mark.parametrize("year, total_row", [(2020, True), (2024, False)])
def test_a_contact_person_written_under_the_table_is_not_read_as_a_doctor(tmp_path, year, total_row):
    sub, attachment = _drawn_budget(tmp_path, "wide-note", year, "xlsx",
                                    lambda cells, _sub: cells["note_under"] and cells["total_row"] == total_row)
    budget = attachment.budget
    entries = [(r.hpr_number.value, None) for r in budget.rows] + \
        [(c.hpr_number.value, c.month.value) for c in budget.claims]
    expected = [(d.hpr, None) for d in sub.doctors] if year < 2023 else \
        [(d.hpr, f"{c.year:04d}-{c.month:02d}") for d in sub.doctors for c in d.claims]
    assert sorted(entries, key=str) == sorted(expected, key=str)
