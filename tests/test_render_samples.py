"""Every result of the fixed sample inbox renders: real-shaped data, not only hand-built examples."""
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline.render.batch_summary import render_batch_html, render_batch_xlsx
from pipeline.render.format import kroner, status_label
from pipeline.render.letter import render_letter
from pipeline.render.summary import render_summary
from tests.result_examples import sample_results


@pytest.fixture(scope="module")
def results():
    return list(sample_results())


def test_every_summary_opens_with_its_status_and_amount(results):
    for result in results:
        head = render_summary(result).split('class="verdict', 1)[1][:600]
        assert status_label(result.status) in head, result.submission_id
        if result.status != "manual_review":
            assert kroner(result.recommended_total_nok) in head, result.submission_id


def test_every_decided_sample_gets_a_letter_naming_its_doctors_and_manual_review_none(results):
    for result in results:
        if result.status == "manual_review":
            with pytest.raises(ValueError):
                render_letter(result, date(2026, 11, 23))
            continue
        doc = Document(BytesIO(render_letter(result, date(2026, 11, 23))))
        names = {row.cells[0].text for row in doc.tables[0].rows}
        assert {d.name for d in result.doctors if d.name} <= names, result.submission_id


def test_batch_overview_lists_every_sample(results):
    html = render_batch_html(results, None)
    for result in results:
        assert f"applications/{result.submission_id}/summary.html" in html
    sheet = load_workbook(BytesIO(render_batch_xlsx(results)))["Søknader"]
    assert sheet.max_row == len(results) + 1
