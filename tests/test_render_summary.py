import re

import pytest

from checks.findings import rule_table
from checks.models import Evidence, Finding
from pipeline.render.actions import REVIEW_ACTIONS
from pipeline.render.summary import render_summary
from pipeline.result import Municipality
from tests import result_examples as examples


def plain(s: str) -> str:
    return s.replace("\xa0", " ")


def verdict(html: str) -> str:
    """The box at the top of the page, which a caseworker reads first."""
    return re.search(r'<section class="verdict.*?</section>', html, re.S).group(0)


@pytest.mark.parametrize(
    ("result", "label", "amount"),
    [
        (examples.approve(), "Innvilget", "512 345,50 kr"),
        (examples.partial(), "Delvis innvilget", "240 000 kr"),
        (examples.reject(), "Avslag", "0 kr"),
    ],
    ids=["approve", "partial", "reject"],
)
def test_status_and_recommended_amount_come_first(result, label, amount):
    top = plain(verdict(render_summary(result)))
    assert label in top
    assert f"Anbefalt: {amount}" in top


def test_manual_review_says_no_amount_was_computed():
    top = verdict(render_summary(examples.manual_review()))
    assert "Manuell behandling" in top
    assert "Beløp ikke beregnet" in top


def test_manual_review_lists_what_a_person_must_do_before_other_findings():
    html = render_summary(examples.manual_review())
    todo = html.index("Dette må en saksbehandler gjøre")
    assert todo < html.index("har ingen signaturdato") < html.index("<h2>Leger</h2>")


def test_finding_shows_message_evidence_and_source():
    html = plain(render_summary(examples.partial()))
    assert "Timesatsen for fravær 1 100 kr er over maksimum" in html
    where = "beregningsgrunnlag 2024.xlsx, arket «Beregningsgrunnlag», celle F7"
    assert f'Står i: <span class="file">{where}</span>' in html
    assert "alis.no, «ALIS-tilskudd» (Nasjonal ALIS og veiledning, 2024): 0,85 × salærsats 1 215 kr" in html
    assert "seed 001" not in html


def test_attachments_show_kind_and_why_it_was_classified():
    html = render_summary(examples.approve())
    assert "Budsjett/beregningsgrunnlag" in html
    assert "Arket «Beregningsgrunnlag» med kolonnene HPR-nr. og måned" in html


def test_attachment_flags_are_told_in_norwegian():
    result = examples.approve()
    result.attachments[1].flags = ["macros", "formulas-recomputed"]
    html = render_summary(result)
    assert "Inneholder makroer (ble ikke kjørt)" in html
    assert "Formler uten lagret verdi; summene er regnet ut på nytt" in html


def test_an_unreadable_attachment_says_why_in_its_row_not_as_a_code():
    result = examples.manual_review()
    result.attachments[0] = result.attachments[0].model_copy(update={"kind": "unreadable", "problem": "encrypted"})
    why = "Vedlegget «ALIS-avtale Kari Nordmann.pdf» kunne ikke leses: PDF er kryptert eller passordbeskyttet."
    result.findings.append(Finding(rule="doc.unreadable", severity="review", level="application", message=why,
                                   evidence=Evidence(file="ALIS-avtale Kari Nordmann.pdf", where="hele filen")))
    rows = render_summary(result).split("<h2>Vedlegg</h2>", 1)[1]
    assert why in rows
    assert "encrypted" not in rows


def test_doctor_facts_are_in_a_table():
    html = render_summary(examples.approve())
    assert "<td>Kari Nordmann</td>" in html
    assert "sep. 2023–jan. 2024 (5 mnd.)" in html


def test_municipality_markup_is_escaped():
    result = examples.approve().model_copy(update={"municipality": Municipality(name="<script>alert(1)</script>")})
    html = render_summary(result)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_bidi_and_zero_width_characters_are_removed():
    result = examples.approve().model_copy(update={"municipality": Municipality(name="Evil\u202e kommune\u200b")})
    html = render_summary(result)
    assert "Evil kommune" in html
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]", html)


def test_page_is_self_contained_and_sized_for_a4():
    html = render_summary(examples.partial())
    assert "@page { size: A4" in html
    assert not re.search(r"<(link|script|img)\b|src=|url\(", html)


def test_doctor_table_adds_up_to_the_totals_with_facilitation():
    html = plain(render_summary(examples.with_facilitation()))
    assert "Kommunens tilrettelegging og øvrige poster</td><td class=\"num\">12 500 kr" in html
    assert "Sum</td><td class=\"num\">262 500 kr" in html


def test_review_finding_says_what_to_do_next():
    html = render_summary(examples.manual_review())
    assert "Gjør dette: Kontroller at avtalen er signert og datert av begge parter." in html


def test_every_rule_that_stops_a_case_has_a_next_step():
    assert {rule for rule, spec in rule_table().items() if spec.severity == "review"} == set(REVIEW_ACTIONS)


def test_manual_review_says_no_letter_was_written():
    top = verdict(render_summary(examples.manual_review()))
    assert "Ingen utkast til vedtaksbrev er laget" in top


def test_manual_review_without_a_stopping_finding_still_says_what_to_do():
    html = render_summary(examples.manual_review().model_copy(update={"findings": []}))
    assert f"Gjør dette: {REVIEW_ACTIONS['pipeline.error']}" in html
