"""Agreements (fastlegeavtale, ALIS-avtale) read from generated submissions match their truth."""
from __future__ import annotations

import random
import re

import pytest

from tests.extract_samples import mismatches, of_kind
from extractors import read_attachment
from extractors.pdf_text import pdf_lines
from samples.generator import agreement as agreement_pdf, new_context, scenarios
from samples.generator.pdf_canvas import CanvasPdfBuilder, Quirks
from extractors.agreement import read_agreement
from extractors.fields import FieldFinder, Line, value_parser
from extractors.models import Grade

FIELDS = ["municipality_name", "municipality_org_number", "doctor_name", "hpr_number", "position",
          "position_percent", "employment_start", "employment_end", "effective_from", "via_agency"]


@pytest.fixture(scope="module")
def agreements(generated):
    found = of_kind(generated, "agreement")
    assert found, "the generator wrote no agreements"
    return found


@pytest.mark.parametrize("field", FIELDS)
def test_agreement_field_matches_truth(agreements, field):
    assert mismatches(agreements, lambda s: s.attachment.agreement, field) == []


def test_signature_dates_match_truth_for_both_parties(agreements):
    wrong = mismatches(agreements, lambda s: s.attachment.agreement, "signed_municipality")
    wrong += mismatches(agreements, lambda s: s.attachment.agreement, "signed_doctor")
    assert wrong == []


def test_attachment_carries_the_agreements_hpr(agreements):
    assert all(s.attachment.hpr_number == s.truth["hpr_number"] for s in agreements)


def test_every_found_value_has_evidence_with_file_and_place(agreements):
    for sample in agreements:
        record = sample.attachment.agreement
        for field in FIELDS:
            extracted = getattr(record, field)
            if extracted.found and extracted.evidence is not None and extracted.evidence.route != "default":
                assert extracted.evidence.file == sample.name
                assert re.match(r"s\. \d+|avsnitt \d+|tabell \d+", extracted.evidence.where)


def test_pdf_evidence_has_a_bounding_box(agreements):
    pdfs = [s for s in agreements if s.name.lower().endswith(".pdf")]
    assert pdfs and all(s.attachment.agreement.hpr_number.evidence.bbox for s in pdfs)


def test_regime_b_agreements_are_recognised_as_the_directorates_template(agreements):
    regime_b = [s for s in agreements if s.submission_id.startswith("AR-2024")]
    assert regime_b and all(s.attachment.agreement.template == "alis-avtale" for s in regime_b)
    assert all(s.attachment.agreement.follows_directorate_template for s in regime_b)


def test_regime_a_fastlegeavtale_does_not_pass_as_the_template(agreements):
    regime_a = [s for s in agreements if s.submission_id.startswith("AR-2020")]
    assert regime_a and not any(s.attachment.agreement.follows_directorate_template for s in regime_a)


def _lines(*rows: list[str]) -> list[Line]:
    return [Line(cells=cells, where="s. 1") for cells in rows]


def test_label_value_pairs_on_one_line_are_split_at_the_next_label():
    record = read_agreement(_lines(["ALIS-avtale"], ["Legens navn: Kari Nordmann HPR-nr.: 1234567"]), "a.pdf")
    assert (record.doctor_name.value, record.hpr_number.value) == ("Kari Nordmann", "1234567")


def test_value_below_a_row_of_labels_is_read_by_column():
    lines = _lines(["Navn", "HPR-nr.", "Stilling"], ["Kari Nordmann", "1234567", "fastlegevikar"])
    record = read_agreement(lines, "a.pdf")
    assert (record.doctor_name.value, record.hpr_number.value, record.position.value) == (
        "Kari Nordmann", "1234567", "vikar")


def test_a_sentence_starting_with_a_label_word_is_not_a_value():
    finder = FieldFinder(_lines(["Legen er selvstendig næringsdrivende."]), ["Legen"])
    assert finder.find(["Legen"], value_parser({"value": "name"})) is None


def test_generic_name_label_is_taken_nearest_the_hpr_number():
    lines = _lines(["Kontaktperson"], ["Navn: Ola Hansen"], ["Lege"], ["Navn: Kari Nordmann"], ["HPR-nr.: 1234567"])
    assert read_agreement(lines, "a.pdf").doctor_name.value == "Kari Nordmann"


def test_an_hpr_number_of_seven_to_nine_digits_is_graded_found():
    for hpr in ("1234567", "123456789"):
        record = read_agreement(_lines(["ALIS-avtale"], [f"HPR-nr.: {hpr}"]), "a.pdf")
        assert (record.hpr_number.value, record.hpr_number.grade) == (hpr, Grade.found)


@pytest.mark.parametrize("hpr", ["12345", "123456", "1234567890"])
def test_an_hpr_number_of_other_length_is_kept_but_graded_low(hpr):
    record = read_agreement(_lines(["ALIS-avtale"], [f"HPR-nr.: {hpr}"]), "a.pdf")
    assert (record.hpr_number.value, record.hpr_number.grade) == (hpr, Grade.low)


def test_every_generated_agreements_hpr_number_is_graded_found(agreements):
    assert [(s.name, s.attachment.agreement.hpr_number.grade) for s in agreements
            if s.attachment.agreement.hpr_number.grade != Grade.found] == []


def test_silence_on_vikarbyraa_means_not_via_agency_with_low_grade():
    record = read_agreement(_lines(["ALIS-avtale"], ["HPR-nr.: 1234567"]), "a.pdf")
    assert (record.via_agency.value, record.via_agency.grade) == (False, Grade.low)


def test_a_stated_vikarbyraa_means_via_agency():
    lines = _lines(["ALIS-avtale"], ["Legen er ansatt gjennom vikarbyrå (Medvikar AS)."])
    assert read_agreement(lines, "a.pdf").via_agency.value is True


@pytest.mark.parametrize("answer, via_agency", [
    ("☒ Ja ☐ Nei", True), ("☐ Ja ☒ Nei", False), ("Ja ☐ Nei ☒", False), ("Ja [X] Nei [ ]", True),
    ("[ ] Ja [X] Nei", False),
])
def test_a_ticked_box_answers_the_vikarbyraa_question(answer, via_agency):
    lines = _lines(["ALIS-avtale"], ["Ansatt via vikarbyrå:", answer])
    record = read_agreement(lines, "a.pdf")
    assert (record.via_agency.value, record.via_agency.grade) == (via_agency, Grade.found)


def test_a_ticked_box_after_a_fill_in_line_answers_the_vikarbyraa_question():
    lines = _lines(["ALIS-avtale"], ["Ansatt via vikarbyrå: ______ ☒ Ja ☐ Nei"])
    assert read_agreement(lines, "a.pdf").via_agency.value is True


def test_tick_boxes_left_empty_are_no_answer():
    lines = _lines(["ALIS-avtale"], ["Ansatt via vikarbyrå:", "☐ Ja ☐ Nei"])
    assert read_agreement(lines, "a.pdf").via_agency.grade == Grade.low


@pytest.mark.parametrize("leader", ["______", "..........", "…"])
def test_a_value_written_after_a_fill_in_line_or_dot_leaders_is_read(leader):
    lines = _lines(["ALIS-avtale"], [f"Navn {leader} Kari Nordmann {leader} HPR-nr. {leader} 1234567"],
                   [f"Kommune: {leader}Alta kommune{leader}"])
    record = read_agreement(lines, "a.pdf")
    assert (record.doctor_name.value, record.hpr_number.value, record.municipality_name.value) == \
        ("Kari Nordmann", "1234567", "Alta kommune")


def test_one_party_signed_leaves_the_other_signature_missing():
    lines = _lines(["ALIS-avtale"], ["Underskrifter"], ["For kommunen", "Legen"],
                   ["Sted og dato", "", "Vardø, 12.01.2024"])
    lines[2].bboxes = [(100, 0, 180, 10), (300, 0, 340, 10)]
    lines[3].bboxes = [(10, 20, 60, 30), (100, 20, 150, 30), (300, 20, 380, 30)]
    record = read_agreement(lines, "a.pdf")
    assert (record.signed_municipality.found, record.signed_doctor.value.isoformat()) == (False, "2024-01-12")
    assert record.signing_date is None


@pytest.mark.parametrize("quirks", [Quirks(words_apart=True, char_space=0.4, ruled=False),
                                    Quirks(rotated=True, running_header=True)], ids=["words-apart", "rotated"])
def test_an_agreement_from_another_pdf_producer_is_read_like_any_other(tmp_path, quirks):
    rng = random.Random("canvas-agreement")
    sub = scenarios.build(rng, new_context(), "AR-2024-000904", 2024, "approve")
    doctor = sub.doctors[0]
    path = tmp_path / "avtale.pdf"
    path.write_bytes(agreement_pdf.alis_avtale(rng, sub, doctor, CanvasPdfBuilder(quirks, running_header="Avtale")))
    record = read_attachment(path).agreement
    assert (record.doctor_name.value, record.hpr_number.value, record.employment_start.value) == \
        (doctor.name, doctor.hpr, doctor.employment_start)


def test_a_ruling_line_parts_a_label_that_fills_its_cell_from_the_next_cell(tmp_path):
    pdf = CanvasPdfBuilder(Quirks(ruled=True))
    pdf.table([["HELSEPERSONELLNUMMER", "Arbeidssted"], ["1234567", "Alta legesenter"]], header=True, widths=[40, 60])
    path = tmp_path / "tabell.pdf"
    path.write_bytes(pdf.bytes())
    lines, _pages = pdf_lines(path)
    assert [line.cells for line in lines[:2]] == [["HELSEPERSONELLNUMMER", "Arbeidssted"], ["1234567", "Alta legesenter"]]


@pytest.mark.parametrize("dash", ["–", "-"], ids=["en-dash", "hyphen"])
def test_a_signature_date_after_its_party_and_a_dash_is_read_as_sure_for_both_parties(dash):
    lines = _lines(["ALIS-avtale"], ["Underskrifter"], [f"For kommunen {dash} dato: 12. mai 2016"],
                   ["Underskrift: ______"], [f"Legen {dash} dato: 9. mai 2016"], ["Underskrift: ______"])
    record = read_agreement(lines, "a.pdf")
    assert [(d.value.isoformat(), d.grade) for d in (record.signed_municipality, record.signed_doctor)] == \
        [("2016-05-12", Grade.found), ("2016-05-09", Grade.found)]
