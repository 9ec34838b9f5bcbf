"""Layouts of real text documents, drawn by the generator on request (variation.force), read field by field:
dates with month names, inclusive start and end labels, positions described under their own labels,
.odt agreements, fpdf2's centred table cells, justified text, letters and advertisements that name
agreements, and reports of hundreds of pages."""
from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date

import pytest

import extractors.pdf_text
from extractors import read_attachment
from extractors.agreement import read_agreement
from extractors.fields import Line
from extractors.models import Grade
from extractors.pdf_text import group_words, pdf_lines
from extractors.safety import LIMITS
from samples.generator import agreement, cover_letter, new_context, notices, scenarios, truth
from samples.generator.docx_doc import DocxBuilder
from samples.generator.odt_doc import OdtBuilder
from samples.generator.pdf_canvas import CanvasPdfBuilder, Quirks
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.pdf_fpdf import FpdfBuilder
from samples.generator.plan import Submission
from samples.generator.variation import force

FIELDS = ["municipality_name", "doctor_name", "hpr_number", "position", "position_percent", "employment_start",
          "employment_end", "effective_from", "signed_municipality", "signed_doctor"]


@contextmanager
def forced(*layouts: str):
    force(*layouts)
    try:
        yield
    finally:
        force()


def _plans(layout: str, year: int, count: int, variant: str | None = None) -> list[tuple[random.Random, Submission]]:
    plans = []
    for n in range(count):
        rng = random.Random(f"layouts:{layout}:{year}:{n}")
        status = "reject" if variant == "vikar-too-short" else "approve"
        plans.append((rng, scenarios.build(rng, new_context(), f"AR-{year}-0008{n:02d}", year, status, variant)))
    return plans


def _agreements(tmp_path, layout: str, year: int = 2024, count: int = 4, variant: str | None = None):
    """`count` agreements drawn with the layout forced: (truth fields, what was read) for each."""
    read = []
    for index, (rng, sub) in enumerate(_plans(layout, year, count, variant)):
        doctor = sub.doctors[0]
        with forced(layout):
            data, ext, _scan = agreement.render(rng, sub, doctor)
        path = tmp_path / f"avtale{index}.{ext}"
        path.write_bytes(data)
        read.append((truth.agreement(sub, doctor)["fields"], read_attachment(path)))
    return read


def _wrong(read) -> list:
    """(field, truth, read) wherever a field differs from the truth."""
    wrong = []
    for fields, attachment in read:
        record = attachment.agreement
        for name in FIELDS:
            value = getattr(record, name).value if record else None
            shown = value.isoformat() if isinstance(value, date) else value
            expected = fields[name]
            if name == "position_percent" and value is not None:
                shown = f"{value:.2f}"
            if shown != expected:
                wrong.append((name, expected, shown))
    return wrong


def _pdf(tmp_path, builder, name: str = "dok.pdf"):
    path = tmp_path / name
    path.write_bytes(builder.bytes())
    return path


def _fields_read(tmp_path, pairs: list[tuple[str, str]], layout: str = "table"):
    """An ALIS-avtale holding an HPR number and these label/value pairs, as the agreement read from it."""
    builder = PdfBuilder()
    builder.title("ALIS-avtale")
    builder.fields([("HPR-nr.:", "1234567"), *pairs], False, layout)
    return read_attachment(_pdf(tmp_path, builder)).agreement


# --- dates ---------------------------------------------------------------------------------------

def test_a_month_named_without_a_day_is_its_first_day_and_graded_low(tmp_path):
    record = _fields_read(tmp_path, [("Tiltredelse:", "mars 2024")])
    assert (record.employment_start.value, record.employment_start.grade) == (date(2024, 3, 1), Grade.low)


def test_an_inclusive_end_given_as_a_month_is_the_months_last_day(tmp_path):
    assert _fields_read(tmp_path, [("Vikariat t.o.m.:", "juni 2024")], "lines").employment_end.value == date(2024, 6, 30)


# --- start and end labels --------------------------------------------------------------------------

def test_vikariat_agreements_under_inclusive_start_and_end_labels_are_read(tmp_path):
    assert _wrong(_agreements(tmp_path, "qualified-dates", 2024, count=6, variant="via-agency")) == []


@pytest.mark.parametrize("layout, label", [
    ("lines", "Vikariat t.o.m."),
    *[(layout, label) for layout in ("table", "above")
      for label in ("Vikariat t.o.m.", "Vikariatet varer til og med", "Sluttdato for vikariatet i kommunen:",
                    "SLUTTDATO T.O.M.")],
])
def test_an_end_date_under_an_inclusive_label_is_read_inline_and_in_table_cells(tmp_path, layout, label):
    record = _fields_read(tmp_path, [("Tiltredelse:", "01.09.2023"), (label, "31.08.2024")], layout)
    assert (record.employment_start.value, record.employment_end.value) == (date(2023, 9, 1), date(2024, 8, 31))


@pytest.mark.parametrize("label", ["Tiltredelse f.o.m.", "Ansatt fra og med:"])
def test_a_start_date_under_an_inclusive_label_is_read(tmp_path, label):
    assert _fields_read(tmp_path, [(label, "1. sept. 2023")], "table").employment_start.value == date(2023, 9, 1)


@pytest.mark.parametrize("label, value", [("Periode:", "01.09.2023 – 31.08.2024"),
                                          ("Periode:", "f.o.m. 01.09.2023 t.o.m. 31.08.2024"),
                                          ("Vikariatet varer", "fra og med 1. september 2023 til og med 31. august 2024"),
                                          ("Vikariat", "fra 01.09.2023 til 31.08.2024")])
def test_one_period_label_over_both_dates_gives_start_and_end(tmp_path, label, value):
    record = _fields_read(tmp_path, [(label, value)], "lines")
    assert (record.employment_start.value, record.employment_end.value) == (date(2023, 9, 1), date(2024, 8, 31))


def test_an_end_qualifier_never_makes_a_start_date(tmp_path):
    record = _fields_read(tmp_path, [("Ansatt t.o.m.:", "31.08.2024")], "table")
    assert (record.employment_start.found, record.employment_end.value) == (False, date(2024, 8, 31))


def test_a_header_row_whose_labels_run_on_holds_its_values_below(tmp_path):
    record = _fields_read(tmp_path, [("Stillingsandel", "100 %"), ("Tiltredelse i stillingen", "07.09.23")], "above")
    assert (str(record.position_percent.value), record.employment_start.value) == ("100", date(2023, 9, 7))


def test_a_date_label_inside_a_longer_label_of_another_field_is_not_that_label(tmp_path):
    record = _fields_read(tmp_path, [("Avtalens startdato:", "01.03.2024")], "table")
    assert (record.employment_start.found, record.effective_from.value) == (False, date(2024, 3, 1))


# --- positions ----------------------------------------------------------------------------------------

def test_a_position_described_under_its_own_label_decides_over_positions_named_in_passing(tmp_path):
    read = _agreements(tmp_path, "described-position", 2020, count=6)
    assert _wrong(read) == []
    assert all(a.agreement.position.evidence.route != "running-text" for _, a in read)


def test_positions_named_only_in_passing_decide_nothing(tmp_path):
    builder = PdfBuilder()
    builder.title("Fastlegeavtale")
    builder.fields([("HPR-nr.:", "1234567")], False, "lines")
    builder.para("Ved fravær sørger legen for inntak av vikar etter avtale med kommunen.")
    assert read_attachment(_pdf(tmp_path, builder)).agreement.position.found is False


# --- OpenDocument -------------------------------------------------------------------------------------

def test_odt_agreements_are_read_field_by_field(tmp_path):
    assert _wrong(_agreements(tmp_path, "odt", 2024, count=6)) == []


def test_fields_set_in_an_odt_frame_are_read(tmp_path):
    odt = OdtBuilder()
    odt.framed_fields = True
    odt.title("ALIS-avtale")
    odt.fields([("Navn:", "Kari Nordmann"), ("HPR-nr.:", "1234567")], False, "table")
    path = tmp_path / "avtale.odt"
    path.write_bytes(odt.bytes())
    record = read_attachment(path).agreement
    assert (record.doctor_name.value, record.hpr_number.value) == ("Kari Nordmann", "1234567")


def test_an_odt_page_header_is_read(tmp_path):
    odt = OdtBuilder()
    odt.header("Alta kommune – Org.nr. 940 123 450")
    odt.title("ALIS-avtale")
    odt.fields([("HPR-nr.:", "1234567")], False, "lines")
    path = tmp_path / "avtale.odt"
    path.write_bytes(odt.bytes())
    assert read_attachment(path).agreement.municipality_org_number.value == "940123450"


# --- fpdf2's tables ----------------------------------------------------------------------------------------

def test_agreements_from_fpdf2_are_read_field_by_field(tmp_path):
    assert _wrong(_agreements(tmp_path, "fpdf2", 2020, count=6)) == []


def test_a_label_wrapped_around_its_vertically_centred_value_is_one_row(tmp_path):
    pdf = FpdfBuilder()
    pdf.table([["Sluttdato for vikariatet i kommunen (t.o.m.)", "31.08.2024"]], widths=[40, 60])
    lines, _pages = pdf_lines(_pdf(tmp_path, pdf))
    assert [line.cells for line in lines] == [["Sluttdato for vikariatet i kommunen (t.o.m.)", "31.08.2024"]]


# --- justified text ----------------------------------------------------------------------------------------

def test_justified_agreements_written_one_word_at_a_time_are_read_field_by_field(tmp_path):
    assert _wrong(_agreements(tmp_path, "justified", 2020, count=6)) == []


def test_a_justified_line_of_long_words_spaced_wide_is_one_cell(tmp_path):
    pdf = CanvasPdfBuilder(Quirks(words_apart=True, justified=True))
    pdf.para("Kvalitetsforbedringsarbeidet i allmennlegetjenesten og spesialistutdanningsprogrammet "
             "kommunehelsetjenesteloven og helsepersonelloven gjelder.")
    lines, _pages = pdf_lines(_pdf(tmp_path, pdf))
    assert [len(line.cells) for line in lines if "Side" not in line.text] == [1, 1]


def test_field_lines_spread_across_a_justified_paragraph_keep_label_and_value_together(tmp_path):
    pdf = CanvasPdfBuilder(Quirks(words_apart=True, justified=True))
    pdf.title("ALIS-avtale")
    pdf.fields([("Legens navn:", "Kari Nordmann"), ("Stillingsprosent:", "80 %"), ("HPR-nr.:", "1234567")], False,
               "lines")
    record = read_attachment(_pdf(tmp_path, pdf)).agreement
    assert (record.doctor_name.value, str(record.position_percent.value)) == ("Kari Nordmann", "80")



def test_a_justified_field_line_is_one_cell_though_letter_spacing_carries_lines_past_the_margin(tmp_path):
    pdf = CanvasPdfBuilder(Quirks(words_apart=True, justified=True, char_space=0.4))
    pdf.title("ALIS-avtale")
    pdf.para(2 * ("Kommunen kompenserer ALIS for fravær fra praksis til læringsaktiviteter etter Helsedirektoratets "
                  "veiledende satser, for 2022/2023 inntil 969 kr per time ved fravær og 1 311,00 kr per time for "
                  "veiledning. "))
    pdf.fields([("Andel stilling", "50 prosent"), ("Tiltredelse (F.o.m.)", "2021-02-12")], False, "lines")
    record = read_attachment(_pdf(tmp_path, pdf)).agreement
    assert (str(record.position_percent.value), record.employment_start.value) == ("50", date(2021, 2, 12))

# --- side-by-side pairs whose labels wrap ------------------------------------------------------------

def test_agreements_whose_side_by_side_labels_wrap_are_read_field_by_field(tmp_path):
    read = _agreements(tmp_path, "wrapped-pairs", 2020, count=6)
    assert _wrong(read) == []
    assert [name for _, a in read for name in FIELDS if getattr(a.agreement, name).grade == Grade.low] == []


def _wrapped_pairs(tmp_path, pairs: list[tuple[str, str]]):
    """An ALIS-avtale whose fields stand two pairs a row in unruled columns of text: its lines and its record."""
    builder = PdfBuilder()
    builder.title("ALIS-avtale")
    builder.fields(pairs, False, "wrapped-pairs")
    path = _pdf(tmp_path, builder)
    return pdf_lines(path)[0], read_attachment(path).agreement


def test_a_label_wrapped_in_its_column_beside_another_pair_is_one_cell_of_its_row(tmp_path):
    lines, _record = _wrapped_pairs(tmp_path, [("Navn lege:", "Kari Hansen"), ("HPR-nummer:", "9306163"),
                                               ("Tiltredelse i stillingen:", "01.09.2023"),
                                               ("Sluttdato for vikariatet i kommunen:", "31.08.2028")])
    assert [line.cells for line in lines[1:]] == [
        ["Navn lege: Kari Hansen", "HPR-nummer: 9306163"],
        ["Tiltredelse i stillingen: 01.09.2023", "Sluttdato for vikariatet i kommunen: 31.08.2028"]]


def test_a_name_wrapped_under_its_side_by_side_label_is_read_whole_and_graded_found(tmp_path):
    _lines, record = _wrapped_pairs(tmp_path, [("Kommunens navn:", "Ålesund kommune"),
                                               ("Legens fulle navn:", "Eline Marie Pedersen"), ("HPR-nr.:", "8122178")])
    read = [(f.value, f.grade, f.evidence.route) for f in (record.municipality_name, record.doctor_name)]
    assert read == [("Ålesund kommune", Grade.found, "label-inline"),
                    ("Eline Marie Pedersen", Grade.found, "label-inline")]


def test_a_pair_alone_under_side_by_side_pairs_is_read_across_its_wrapped_line(tmp_path):
    _lines, record = _wrapped_pairs(tmp_path, [("HPR-nr.:", "8122178"), ("Stillingsandel:", "100 %"),
                                               ("Dato for tiltredelse", "27. september 2018")])
    start = record.employment_start
    assert (start.value, start.grade, start.evidence.value) == (date(2018, 9, 27), Grade.found, "27. september 2018")


def _typed(rows: list[list[tuple[float, str]]], top: float = 100.0, leading: float = 11.0) -> list[dict]:
    """Words of text typed at these x positions, one row every `leading` points (10 pt text, 5 pt a letter)."""
    words = []
    for number, row in enumerate(rows):
        for x, text in row:
            for word in text.split():
                words.append({"text": word, "x0": x, "x1": x + 5 * len(word), "top": top + number * leading,
                              "bottom": top + number * leading + 10})
                x += 5 * len(word) + 2.5
    return words


def test_the_next_row_of_side_by_side_pairs_close_under_a_row_with_room_left_stays_a_row():
    lines = group_words(_typed([[(60, "Navn: Kari Hansen"), (300, "HPR-nr.: 1234567")],
                                [(60, "Stilling: Vikar"), (300, "Sluttdato: 31.08.2024")]]), "s. 1")
    assert [line.cells for line in lines] == [["Navn: Kari Hansen", "HPR-nr.: 1234567"],
                                              ["Stilling: Vikar", "Sluttdato: 31.08.2024"]]


def test_a_label_broken_off_before_its_column_is_full_gives_no_sure_value():
    lines = group_words(_typed([[(60, "Navn lege: Kari Hansen"), (300, "HPR-nummer: 9306163")],
                                [(60, "Tiltredelse i"), (300, "Avtalen gjelder")],
                                [(60, "stillingen: 01.09.2023"), (300, "til: 31.08.2028")]]), "s. 1")
    record = read_agreement(lines, "avtale.pdf")
    assert Grade.found not in (record.employment_start.grade, record.employment_end.grade)


# --- Word fields typed apart with spaces ---------------------------------------------------------------

def test_two_fields_typed_on_one_word_line_apart_with_spaces_are_each_read_from_their_own_label(tmp_path):
    docx = DocxBuilder()
    docx.typed_columns = True
    docx.title("ALIS-avtale")
    docx.fields([("Legens navn:", "Kari Nordmann"), ("HPR-nr.:", "1234567"),
                 ("Stilling:", "Vikar"), ("Sluttdato:", "31.08.2024")], False, "two-column")
    path = tmp_path / "avtale.docx"
    path.write_bytes(docx.bytes())
    record = read_attachment(path).agreement
    read = [(f.value, f.grade) for f in (record.doctor_name, record.hpr_number, record.position, record.employment_end)]
    assert read == [("Kari Nordmann", Grade.found), ("1234567", Grade.found), ("vikar", Grade.found),
                    (date(2024, 8, 31), Grade.found)]


# --- wrapped paragraphs ------------------------------------------------------------------------------

WRAPPED = ["Kommunen kompenserer ALIS for fravær etter Helsedirektoratets veiledende satser. ALIS-avtalen",
           "gjelder fra signering, og det kan ikke søkes tilskudd for periode før signeringsdato."]


def test_a_line_carrying_on_a_wrapped_sentence_is_not_read_as_a_label_it_starts_like():
    record = read_agreement([Line(cells=[text], where=f"s. 1 linje {n}") for n, text in enumerate(WRAPPED)], "a.pdf")
    assert (record.effective_from.grade, record.effective_from.evidence) == (Grade.missing, None)


def test_the_same_words_after_a_short_line_are_still_a_label_with_a_value_that_cannot_be_read():
    lines = [Line(cells=["Osen kommune"], where="s. 1 linje 1"), Line(cells=[WRAPPED[1]], where="s. 1 linje 2")]
    record = read_agreement(lines, "a.pdf")
    assert record.effective_from.grade == Grade.missing and record.effective_from.evidence.value.startswith("signering")


def test_a_label_word_inside_a_sentence_takes_no_value_from_further_on_in_it():
    line = Line(cells=["Avtale mellom Vinje kommune og lege Kari Hansen (HPR 1234567) om vikariat."], where="avsnitt 2")
    record = read_agreement([Line(cells=["Fastlegeavtale"], where="avsnitt 1"), line], "avtale.docx")
    assert record.municipality_name.value != "Kari Hansen"
    assert (record.hpr_number.value, record.hpr_number.grade) == ("1234567", Grade.low)


def test_a_lower_case_label_with_dot_leaders_under_a_long_line_is_still_a_label():
    lines = [Line(cells=[WRAPPED[0]], where="s. 1 linje 1"), Line(cells=["stillingsprosent … 60 %"], where="s. 1 linje 2")]
    record = read_agreement(lines, "a.pdf")
    assert (str(record.position_percent.value), record.position_percent.grade) == ("60", Grade.found)


# --- documents that are not agreements ----------------------------------------------------------------

def _read_pdf_bytes(tmp_path, data: bytes):
    path = tmp_path / "vedlegg.pdf"
    path.write_bytes(data)
    return read_attachment(path)


@pytest.mark.parametrize("draw", [notices.job_advertisement, notices.information_letter],
                         ids=["job-advertisement", "information-letter"])
def test_a_notice_whose_heading_is_followed_by_text_naming_an_agreement_is_other(tmp_path, draw):
    rng, sub = _plans("not-agreement", 2020, 1)[0]
    assert _read_pdf_bytes(tmp_path, draw(rng, sub, PdfBuilder())).kind == "other"


def test_a_cover_letter_naming_the_agreements_it_sends_is_other(tmp_path):
    rng, sub = _plans("not-agreement", 2020, 1)[0]
    with forced("not-agreement"):
        data = cover_letter.render(rng, sub, as_pdf=True)
    assert _read_pdf_bytes(tmp_path, data).kind == "other"


def test_every_notice_the_generator_draws_is_other(tmp_path):
    kinds = set()
    for index, (rng, sub) in enumerate(_plans("notices", 2024, 8)):
        data, ext = notices.render(rng, sub)
        path = tmp_path / f"vedlegg{index}.{ext}"
        path.write_bytes(data)
        kinds.add(read_attachment(path).kind)
    assert kinds == {"other"}


# --- long PDFs ---------------------------------------------------------------------------------------

def _pages_laid_out(monkeypatch) -> list[str]:
    laid_out: list[str] = []
    group = extractors.pdf_text.group_words

    def counting(words, where, *args):
        laid_out.append(where)
        return group(words, where, *args)

    monkeypatch.setattr(extractors.pdf_text, "group_words", counting)
    return laid_out


def test_a_report_of_hundreds_of_pages_is_classified_from_its_first_pages(tmp_path, monkeypatch):
    rng, sub = _plans("long-pdf", 2024, 1)[0]
    path = tmp_path / "plan.pdf"
    path.write_bytes(notices.long_report(rng, sub, 350))
    laid_out = _pages_laid_out(monkeypatch)
    attachment = read_attachment(path)
    assert (attachment.kind, len(laid_out)) == ("other", LIMITS.pdf_classify_pages)


def test_a_long_agreement_is_read_up_to_the_page_cap_and_flagged(tmp_path, monkeypatch):
    builder = PdfBuilder()
    builder.title("ALIS-avtale")
    builder.fields([("Navn:", "Kari Nordmann"), ("HPR-nr.:", "1234567")], False, "table")
    for _ in range(LIMITS.pdf_read_pages + 5):
        builder.page_break()
        builder.para("Vedlegg: rammeavtalen mellom KS og Den norske legeforening.")
    laid_out = _pages_laid_out(monkeypatch)
    attachment = read_attachment(_pdf(tmp_path, builder))
    assert (attachment.agreement.hpr_number.value, attachment.flags) == ("1234567", ["pages-capped"])
    assert len(laid_out) == LIMITS.pdf_read_pages
