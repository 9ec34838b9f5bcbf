"""What a caseworker reads names documents they know, never the project's files, keys or rule ids.

Rule ids stay for the expert, in small print (`span.rule`) after the reason they belong to.
"""
from __future__ import annotations

import html as html_text
import re
from datetime import datetime

import pytest

from checks.findings import finding, rule_table
from checks.parameters import describe, known_years, load_parameters
from checks.sources import named
from extractors.models import Evidence
from pipeline.render.batch_summary import render_batch_html
from pipeline.render.summary import render_summary
from tests import result_examples as examples

INTERNAL = re.compile(
    r"\.md\b|\.csv\b|\.ya?ml\b|skjema\.json|seed \d{3}|FACTS|domain \d|"
    r"\b(?:municipality|contact)\.[a-z_]+|\b(?:grant_year|submitted_at|requested_amount_nok|org_number)\b|"
    r"\b(?:pipeline|doc|id|elig|amount)\.[a-z]+(?:-[a-z]+)+\b|\b(?:pipeline\.error|id\.double-claim)\b")
FORM_KEYS = ("grant_year", "submitted_at", "municipality", "municipality.org_number", "requested_amount_nok",
             "skjema.json")


def visible(page: str) -> str:
    """The text a caseworker reads: no styles, no attribute values, no small print for the expert."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'<span class="rule"[^>]*>.*?</span>', " ", page, flags=re.S)
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def every_source_finding() -> list:
    """One finding per rule with the table's source, and one per parameter source of every year, on the form."""
    found = [finding(rule, "Melding.", evidence=Evidence(file="skjema.json", where=FORM_KEYS[i % len(FORM_KEYS)]))
             for i, rule in enumerate(rule_table())]
    found += [finding("amount.cap-per-alis", "Melding.", source=row.source)
              for year in known_years() for row in describe(load_parameters(year))]
    return found


def test_every_rule_and_parameter_source_reads_as_a_document_in_the_summary():
    result = examples.manual_review().model_copy(update={"findings": every_source_finding()})
    assert INTERNAL.findall(visible(render_summary(result))) == []


def test_the_sample_inbox_summaries_and_overview_name_no_internal_file_or_rule_id():
    results = list(examples.sample_results())
    pages = [render_summary(r) for r in results] + [render_batch_html(results, None)]
    assert [hit for page in pages for hit in INTERNAL.findall(visible(page))] == []


def test_a_rule_of_the_rule_book_is_named_as_the_years_rules():
    result = examples.approve().model_copy(update={"findings": [finding("id.amount-mismatch", "Beløpene avviker.")]})
    assert "Regelgrunnlag: Regelverket for ALIS-tilskuddet (utlysningen 2024)" in visible(render_summary(result))


def test_a_register_is_named_as_the_register_caseworkers_know():
    result = examples.manual_review().model_copy(update={"findings": [
        finding("id.municipality-unknown", "Kommunen finnes ikke.")]})
    assert "Regelgrunnlag: Kommuneregisteret" in visible(render_summary(result))


def test_a_value_from_the_form_stands_in_the_form_under_its_own_name():
    evidence = Evidence(file="skjema.json", where="municipality.org_number", value="940101808")
    result = examples.reject().model_copy(update={"findings": [
        finding("elig.not-education-enterprise", "Ikke utdanningsvirksomhet.", evidence=evidence)]})
    assert "Står i: søknadsskjemaet, organisasjonsnummer – verdi: «940101808»" in visible(render_summary(result))


def test_the_rule_id_is_small_print_after_the_reason_not_its_most_visible_text():
    page = render_summary(examples.partial())
    block = re.search(r'<div class="finding f-reduce">.*?</div>\n</div>', page, re.S).group(0)
    assert block.index("Timesatsen for fravær") < block.index('<span class="rule"')
    assert re.search(r'<span class="rule"[^>]*>· amount\.absence-rate-above-max</span>', block)
    assert "amount.absence-rate-above-max" not in visible(block)


def test_the_queue_gives_reasons_with_their_rule_ids_in_small_print_only():
    row = re.search(r'<tr class="s-reject">.*?</tr>', render_batch_html([examples.reject()], None), re.S).group(0)
    assert "etter søknadsfristen" in visible(row)
    assert "elig.after-deadline" not in visible(row)
    assert '<span class="rule" title="Regel-id for fagansvarlig">(elig.after-deadline)</span>' in row


def test_the_overview_says_when_it_was_made():
    page = render_batch_html(examples.all_kinds(), None, made=datetime(2026, 12, 2, 3, 17))
    assert "Laget 2. desember 2026 kl. 03.17" in visible(page)


def sum_row(page: str, name: str) -> list[str]:
    row = re.search(rf'<tr class="[^"]*{name}">.*?</tr>', page, re.S).group(0)
    return [visible(cell).strip() for cell in re.findall(r'<td class="num">(.*?)</td>', row)]


def test_the_footnote_under_the_queue_says_what_each_sum_counts():
    """Søkt counts the manual review too; Anbefalt and Til utbetaling only what was decided, as the note says."""
    manual, approved = examples.manual_review(), examples.approve()
    page = render_batch_html([manual, approved], None)
    assert sum_row(page, "sum-all") == ["1 024 691 kr", "512 345,50 kr", "512 345,50 kr"]
    note = visible(page)
    assert ("Søkt er summen av alle søknadene i listen, også de til manuell behandling. Anbefalt og Til utbetaling "
            "gjelder bare avgjorte søknader: den ene søknaden til manuell behandling er ikke med før den er avgjort."
            ) in note
    assert "Søknader til manuell behandling er ikke med i summene" not in note


def test_the_manual_review_sum_row_shows_no_recommended_amount():
    page = render_batch_html([examples.manual_review()], None)
    assert sum_row(page, "sum-manual_review") == ["512 345,50 kr", "–", "–"]


@pytest.mark.parametrize("year", [2024, None])
def test_a_reference_to_the_rule_book_names_the_year_only_when_known(year):
    expected = "Regelverket for ALIS-tilskuddet" + (" (utlysningen 2024)" if year else "")
    assert named("docs/rules.md §4", year) == expected


def test_a_source_the_table_does_not_know_is_shown_as_written():
    assert named("Brønnøysundregistrene (modulus 11)", 2024) == "Brønnøysundregistrene (modulus 11)"

