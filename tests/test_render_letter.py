from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document

from pipeline.render import letter
from pipeline.render.letter import render_letter
from pipeline.result import Municipality
from tests import result_examples as examples

TODAY = date(2026, 11, 23)


def text_of(docx: bytes) -> str:
    """Everything a reader of the letter sees: header, paragraphs, table cells, with plain spaces."""
    doc = Document(BytesIO(docx))
    section = doc.sections[0]
    parts = [p.text for header in (section.first_page_header, section.header) for p in header.paragraphs]
    parts += [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts).replace("\xa0", " ")


def test_partial_letter_gives_the_reduction_reason():
    text = text_of(render_letter(examples.partial(), TODAY))
    assert "delvis innvilget" in text
    assert "Timesatsen for fravær 1 100 kr er over maksimum 1 032,75 kr per time" in text


def test_partial_letter_gives_amounts_per_doctor_and_total_norwegian_style():
    doc = Document(BytesIO(render_letter(examples.partial(), TODAY)))
    rows = [[c.text.replace("\xa0", " ") for c in row.cells] for row in doc.tables[0].rows]
    assert ["Kari Nordmann", "1234567", "250 000 kr", "240 000 kr"] in rows
    assert ["Sum", "", "250 000 kr", "240 000 kr"] in rows


def test_letter_has_letterhead_address_reference_and_date():
    text = text_of(render_letter(examples.approve(), TODAY))
    for expected in ("Helsedirektoratet", "Tromsø kommune", "Org.nr. 940101808",
                     "Vår referanse: AR-2024-000123", "Dato: 23. november 2026"):
        assert expected in text


def test_granted_letter_states_the_conditions():
    text = text_of(render_letter(examples.approve(), TODAY, reporting_deadline=date(2025, 4, 1)))
    assert "uten skriftlig godkjenning" in text
    assert "revisoruttalelse innen 1. april 2025" in text
    assert "betales tilbake" in text


def test_every_letter_says_there_is_no_right_of_appeal():
    for result in (examples.approve(), examples.reject()):
        assert "forvaltningsloven § 28 er det ikke klagerett" in text_of(render_letter(result, TODAY))


def test_refusal_gives_its_reason_and_no_conditions():
    text = text_of(render_letter(examples.reject(), TODAY))
    assert "Søknaden er avslått" in text
    assert "etter søknadsfristen 1. september 2024" in text
    assert "Vilkår for tilskuddet" not in text


def test_allocated_amount_is_what_the_letter_grants():
    result = examples.approve().model_copy(update={"allocated_nok": Decimal("400000")})
    text = text_of(render_letter(result, TODAY))
    assert "tilskudd på 400 000 kr" in text
    assert "avkortet fra 512 345,50 kr til 400 000 kr" in text


def test_manual_review_gets_no_letter():
    with pytest.raises(ValueError):
        render_letter(examples.manual_review(), TODAY)


def test_template_variable_missing_from_the_context_raises(monkeypatch):
    full = letter.letter_context
    monkeypatch.setattr(letter, "letter_context", lambda *a: {k: v for k, v in full(*a).items() if k != "title"})
    with pytest.raises(ValueError, match="title"):
        render_letter(examples.approve(), TODAY)


def test_municipality_markup_is_escaped_and_the_letter_stays_readable():
    name = "<b>Ås & Vestby</b>\u202e"
    result = examples.approve().model_copy(update={"municipality": Municipality(name=name, org_number="1")})
    assert "<b>Ås & Vestby</b>" in text_of(render_letter(result, TODAY))


def test_facilitation_gets_its_own_row_so_the_table_adds_up():
    doc = Document(BytesIO(render_letter(examples.with_facilitation(), TODAY)))
    rows = [[c.text.replace("\xa0", " ") for c in row.cells] for row in doc.tables[0].rows]
    assert ["Kommunens tilrettelegging og øvrige poster", "", "12 500 kr", "12 500 kr"] in rows
    assert ["Sum", "", "262 500 kr", "262 500 kr"] in rows


def test_no_facilitation_row_when_the_doctors_add_up():
    doc = Document(BytesIO(render_letter(examples.partial(), TODAY)))
    assert len(doc.tables[0].rows) == 3


def test_appeal_text_is_one_paragraph_of_the_template_right_under_its_heading():
    paragraphs = [p.text for p in Document(letter.TEMPLATE).paragraphs]
    holding = [i for i, text in enumerate(paragraphs) if "klagerett" in text]
    assert len(holding) == 1
    assert paragraphs[holding[0] - 1] == "Klageadgang"


def test_later_pages_carry_the_reference_in_their_header():
    doc = Document(BytesIO(render_letter(examples.approve(), TODAY)))
    assert "Vår referanse: AR-2024-000123" in doc.sections[0].header.paragraphs[0].text


def test_the_closing_keeps_with_the_paragraph_before_it_so_no_page_break_parts_them():
    paragraphs = Document(BytesIO(render_letter(examples.partial(), TODAY))).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if "klagerett" in p.text)
    block = paragraphs[start:]
    assert [p.text for p in block[1:]] == ["Spørsmål om tilskuddet kan rettes til tilskudd@helsedir.no.",
                                            "Med hilsen", "Helsedirektoratet", "[Navn, tittel]"]
    assert [bool(p.paragraph_format.keep_with_next) for p in block] == [True, True, True, True, False]
