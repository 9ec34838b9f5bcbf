"""Budgets and claims laid out as real offices do beside the one table (docs/documents.md): split over
one sheet per doctor, with or without a summary sheet, and turned, with the doctors in columns.
Each is drawn by the generator and read by labels and structure."""
from __future__ import annotations

import io
import random
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.cell_range import CellRange

from checks.rules.identity import budget_arithmetic
from extractors import read_attachment
from extractors.models import Grade
from samples.generator import budget_xlsx, new_context, scenarios
from samples.generator.plan import Submission
from samples.generator.variation import force


def _drawn(tmp_path, year: int, layout: str, ext: str = "xlsx", wanted=lambda cells, sub: len(sub.doctors) > 1):
    """The first budget drawn in `layout` whose truth (cells, plan) `wanted` accepts, and its reading."""
    sub, _cells, attachment = _drawn_with_truth(tmp_path, year, layout, ext, wanted)
    return sub, attachment


def _drawn_with_truth(tmp_path, year: int, layout: str, ext: str, wanted):
    for n in range(300):
        rng = random.Random(f"layouts:{layout}:{year}:{n}")
        sub = scenarios.build(rng, new_context(), f"AR-{year}-000904", year, "approve")
        data, cells, written_ext = budget_xlsx.render(rng, sub, ext, layout.split("+")[0])
        if cells["layout"].startswith(layout) and wanted(cells, sub):
            break
    else:
        pytest.fail(f"the generator drew no {layout} budget in 300 tries")
    path = tmp_path / f"budsjett.{written_ext}"
    path.write_bytes(data)
    return sub, cells, read_attachment(path)


def _rows(attachment) -> dict[str, tuple]:
    return {r.hpr_number.value: (r.doctor_name.value, r.position.value, r.total_cost.value, r.cofunding.value,
                                 r.requested.value) for r in attachment.budget.rows}


def _planned_rows(sub: Submission) -> dict[str, tuple]:
    return {d.hpr: (d.name, d.position, d.total_cost, d.cofunding, d.requested) for d in sub.doctors}


def _claims(attachment) -> list[tuple]:
    return sorted((c.hpr_number.value, c.doctor_name.value, c.month.value, c.absence_hours.value, c.total.value)
                  for c in attachment.budget.claims)


def _planned_claims(sub: Submission) -> list[tuple]:
    return sorted((d.hpr, d.name, c.key, c.absence_hours, c.total) for d in sub.doctors for c in d.claims)


def test_a_budget_over_one_sheet_per_doctor_reads_every_doctors_sheet(tmp_path):
    sub, attachment = _drawn(tmp_path, 2020, "sheets", wanted=lambda c, s: c["layout"] == "sheets" and len(s.doctors) > 1)
    assert attachment.kind == "budget"
    assert _rows(attachment) == _planned_rows(sub)
    assert attachment.budget.total_requested.value == sub.total_requested


def test_a_summary_sheet_beside_the_doctors_sheets_adds_no_doctor_and_gives_the_total(tmp_path):
    sub, attachment = _drawn(tmp_path, 2021, "sheets+summary")
    assert _rows(attachment) == _planned_rows(sub)
    total = attachment.budget.total_requested
    assert total.value == sub.total_requested and total.evidence.where.split("!")[0] in \
        {"Oppsummering", "Sammendrag", "Totalt"}


def test_a_summary_sheet_that_disagrees_with_a_doctors_sheet_is_a_mismatch_and_the_doctors_sheet_counts(tmp_path):
    sub, _cells, _ = _drawn_with_truth(tmp_path, 2020, "sheets+summary", "xlsx",
                                       lambda cells, s: cells["cells"] == "values" and not cells["text_numbers"])
    path = tmp_path / "budsjett.xlsx"
    book = load_workbook(path)
    summary = next(ws for ws in book.worksheets if ws.title in ("Oppsummering", "Sammendrag", "Totalt"))
    row = next(r for r in summary.iter_rows() if str(r[1].value) == sub.doctors[0].hpr)
    row[4].value += 1000  # the requested amount typed into the summary differs from the doctor's sheet
    book.save(path)
    budget = read_attachment(path).budget
    assert [m.evidence.where for m in budget.arithmetic] == [f"{summary.title}!{row[4].coordinate}"]
    assert _rows(read_attachment(path)) == _planned_rows(sub)


def test_a_turned_budget_reads_a_doctor_per_column_and_no_doctor_from_the_total_column(tmp_path):
    sub, attachment = _drawn(tmp_path, 2019, "turned")
    assert _rows(attachment) == _planned_rows(sub)
    assert attachment.budget.total_requested.value == sub.total_requested


def test_claims_on_one_sheet_per_doctor_take_the_doctor_from_above_each_table(tmp_path):
    sub, attachment = _drawn(tmp_path, 2024, "sheets")
    assert _claims(attachment) == _planned_claims(sub)
    assert attachment.budget.total_claimed.value == sub.total_claimed


def test_turned_claims_read_a_block_of_columns_per_doctor_and_only_the_months_each_claims(tmp_path):
    sub, attachment = _drawn(tmp_path, 2023, "turned",
                             wanted=lambda c, s: len({(x.year, x.month) for d in s.doctors for x in d.claims})
                             > min(len(d.claims) for d in s.doctors))
    assert _claims(attachment) == _planned_claims(sub)
    assert attachment.budget.facilitation.value == sub.facilitation


def test_turned_claims_whose_rates_are_headed_only_sats_read_each_doctors_rates(tmp_path):
    force("bare-sats")
    try:
        sub, attachment = _drawn(tmp_path, 2024, "turned")
    finally:
        force()
    read = sorted((c.hpr_number.value, c.month.value, c.absence_rate.value, c.supervision_rate.value)
                  for c in attachment.budget.claims)
    assert read == sorted((d.hpr, c.key, c.absence_rate, c.supervision_rate) for d in sub.doctors for c in d.claims)


@pytest.mark.parametrize("layout", ["sheets", "turned"])
@pytest.mark.parametrize("ext", ["ods", "xls"])
@pytest.mark.parametrize("year", [2020, 2024])
def test_split_and_turned_layouts_read_alike_from_ods_and_xls(tmp_path, layout, ext, year):
    sub, attachment = _drawn(tmp_path, year, layout, ext)
    if sub.regime == "A":
        assert _rows(attachment) == _planned_rows(sub)
    else:
        assert _claims(attachment) == _planned_claims(sub)


@pytest.mark.parametrize("year, layout", [(2020, "sheets"), (2020, "turned"), (2024, "sheets"), (2024, "turned")])
def test_a_stale_stored_sum_in_a_split_or_turned_budget_reaches_the_checks_as_id_budget_arithmetic(
        tmp_path, year, layout):
    sub, cells, attachment = _drawn_with_truth(tmp_path, year, layout, "xlsx",
                                               lambda cells, _sub: cells["cells"] == "stale" and cells["stale_cells"])
    mismatches = attachment.budget.arithmetic
    assert [m.evidence.where for m in mismatches] == cells["stale_cells"]
    assert {f.rule for f in budget_arithmetic(mismatches)} == {"id.budget-arithmetic"}
    if sub.regime == "A":
        assert _rows(attachment) == _planned_rows(sub)
    else:
        assert _claims(attachment) == _planned_claims(sub)


def test_a_workbook_no_sheet_name_or_heading_calls_a_budget_is_one_by_its_table_of_doctors(tmp_path):
    sub, _ = _drawn(tmp_path, 2020, "turned")
    path = tmp_path / "budsjett.xlsx"
    book = load_workbook(path)
    for ws in book.worksheets:
        ws.title = f"Ark{book.index(ws) + 1}"
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("Budsjett", "Søknadsbeløp", "Omsøkt")):
                    cell.value = "Søkt tilskudd" if not cell.value.startswith("Budsjett") else None
    book.save(path)
    attachment = read_attachment(path)
    assert attachment.kind == "budget" and "tabell over leger og beløp" in attachment.reason
    assert _rows(attachment) == _planned_rows(sub)


def test_a_claim_sheet_that_names_only_the_hpr_above_its_table_takes_the_name_from_its_tab(tmp_path):
    for n in range(100):
        rng = random.Random(f"layouts:tabs:{n}")
        sub = scenarios.build(rng, new_context(), "AR-2024-000906", 2024, "approve")
        data, _cells, _ext = budget_xlsx.render(rng, sub, "xlsx", "sheets", "excel")
        book = load_workbook(io.BytesIO(data))
        if len(sub.doctors) > 1 and all(d.name in book.sheetnames for d in sub.doctors):
            break
    else:
        pytest.fail("no claim workbook with tabs named after the doctors in 100 tries")
    for d in sub.doctors:  # the name written above the table is taken away
        for row in book[d.name].iter_rows(max_row=6):
            for cell in row:
                if cell.value == d.name or (isinstance(cell.value, str) and cell.value.endswith(f": {d.name}")):
                    cell.value = None
    book.save(tmp_path / "budsjett.xlsx")
    claims = read_attachment(tmp_path / "budsjett.xlsx").budget.claims
    assert {(c.hpr_number.value, c.doctor_name.value) for c in claims} == {(d.hpr, d.name) for d in sub.doctors}
    assert {c.doctor_name.grade for c in claims} == {Grade.low}


PREAMBLE = ["Søknad om ALIS-tilskudd", "Kommune: se søknadsskjemaet", "Kontaktperson: postmottak", "",
            "Slik fyller du ut arket:", "Én rad per lege, beløp i hele kroner.", "Summer regnes ut av arket.", "",
            "Frist: se utlysningen", "Spørsmål: tilskudd@helsedir.no"]


def _below_a_preamble(path, lines: list[str]) -> None:
    """The workbook's first sheet pushed down under a preamble of `lines` rows, its merged cells moved along."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    merged = [cells.coord for cells in sheet.merged_cells.ranges]
    for coord in merged:
        sheet.unmerge_cells(coord)
    sheet.insert_rows(1, amount=len(lines))
    for coord in merged:
        sheet.merge_cells(_shifted(coord, len(lines)))
    for row, line in enumerate(lines, start=1):
        sheet.cell(row, 1, line or None)
    book.save(path)


def _shifted(coord: str, rows: int) -> str:
    cells = CellRange(coord)
    cells.shift(row_shift=rows)
    return cells.coord


@pytest.mark.parametrize(("year", "field"), [(2020, "rows"), (2024, "claims")])
def test_a_table_whose_header_stands_below_a_long_preamble_is_read_whole(tmp_path, year, field):
    """The header at row 11 or lower: offices put instructions and addresses above the table."""
    sub, _cells, _ = _drawn_with_truth(tmp_path, year, "table", "xlsx",
                                       lambda cells, s: cells["cells"] == "values" and cells["writer"] == "excel")
    path = tmp_path / "budsjett.xlsx"
    _below_a_preamble(path, PREAMBLE)
    attachment = read_attachment(path)
    first = getattr(attachment.budget, field)[0].hpr_number.evidence.where
    assert int("".join(ch for ch in first.split("!")[1] if ch.isdigit())) >= 12, first  # the header at row 11 or lower
    if field == "rows":
        assert _rows(attachment) == _planned_rows(sub)
    else:
        assert _claims(attachment) == _planned_claims(sub)
