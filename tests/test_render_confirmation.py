"""bekreftelse.docx: the confirmation a granted letter says is enclosed, written beside the letter."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn

from pipeline.process import write_application
from pipeline.render.confirmation import render_confirmation
from tests import result_examples as examples
from tests.test_render_letter import text_of

TODAY = date(2026, 11, 23)
ENCLOSED = "Vedlagt ligger en bekreftelse"


def fields_of(docx: bytes) -> list[str]:
    """The names of the content controls the municipality fills in."""
    body = Document(BytesIO(docx)).element.body
    return [alias.get(qn("w:val")) for alias in body.iter(qn("w:alias"))]


def test_the_confirmation_states_the_grant_as_the_letter_does():
    text = text_of(render_confirmation(examples.approve(), TODAY))
    for expected in ("Bekreftelse av tilskudd til ALIS for 2024", "Tromsø kommune", "940101808", "AR-2024-000123",
                     "23. november 2026", "512 345,50 kr"):
        assert expected in text


def test_the_confirmation_confirms_the_allocated_amount_once_there_is_one():
    result = examples.approve().model_copy(update={"allocated_nok": Decimal("400000")})
    assert "400 000 kr" in text_of(render_confirmation(result, TODAY))


def test_the_municipality_fills_in_its_account_number_and_signs():
    fields = fields_of(render_confirmation(examples.partial(), TODAY))
    assert "Kontonummer for utbetaling (11 siffer)" in fields
    assert {"Sted og dato", "Underskrift", "Navn og stilling (blokkbokstaver)"} <= set(fields)


@pytest.mark.parametrize("result", [examples.reject(), examples.manual_review()], ids=["reject", "manual_review"])
def test_no_confirmation_without_a_grant(result):
    with pytest.raises(ValueError):
        render_confirmation(result, TODAY)


@pytest.mark.parametrize("result", [examples.approve(), examples.partial()], ids=["approve", "partial"])
def test_a_granted_letter_is_written_with_its_confirmation_beside_it(tmp_path, result):
    row = write_application(result, tmp_path, TODAY)
    folder = tmp_path / "applications" / result.submission_id
    assert ENCLOSED in text_of((folder / "vedtak-utkast.docx").read_bytes())
    assert (folder / "bekreftelse.docx").is_file()
    assert row.outputs["bekreftelse.docx"] == f"applications/{result.submission_id}/bekreftelse.docx"


def test_a_refusal_gets_its_letter_and_no_confirmation_nor_a_mention_of_one(tmp_path):
    row = write_application(examples.reject(), tmp_path, TODAY)
    folder = tmp_path / "applications" / "AR-2024-000125"
    assert ENCLOSED not in text_of((folder / "vedtak-utkast.docx").read_bytes())
    assert not (folder / "bekreftelse.docx").exists() and "bekreftelse.docx" not in row.outputs


def test_a_rerun_that_ends_in_manual_review_removes_the_letter_and_the_confirmation(tmp_path):
    write_application(examples.approve(), tmp_path, TODAY)
    again = examples.manual_review().model_copy(update={"submission_id": "AR-2024-000123"})
    row = write_application(again, tmp_path, TODAY)
    folder = tmp_path / "applications" / "AR-2024-000123"
    assert sorted(p.name for p in folder.iterdir()) == ["result.json", "summary.html"]
    assert set(row.outputs) == {"result.json", "summary.html"}
