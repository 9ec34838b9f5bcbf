import re
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from pipeline.render.batch_summary import deciding_rules, render_batch_html, render_batch_xlsx
from pipeline.result import Municipality
from tests import result_examples as examples


def plain(s: str) -> str:
    return s.replace("\xa0", " ")


def queue_statuses(html: str) -> list[str]:
    return re.findall(r'<tr class="s-(\w+)">', html)


def test_queue_puts_manual_review_first_then_reject_partial_approve():
    results = [examples.approve(), examples.partial(), examples.manual_review(), examples.reject()]
    assert queue_statuses(render_batch_html(results, None)) == ["manual_review", "reject", "partial", "approve"]


def test_row_names_the_findings_that_decided_it():
    html = render_batch_html([examples.partial()], None)
    row = re.search(r'<tr class="s-partial">.*?</tr>', html, re.S).group(0)
    assert "amount.absence-rate-above-max" in row
    assert "id.budget-arithmetic" not in row


def test_warnings_do_not_count_as_deciding():
    assert deciding_rules(examples.partial()) == ["amount.absence-rate-above-max"]


def test_row_links_to_the_application_summary():
    html = render_batch_html([examples.partial()], None)
    assert 'href="applications/AR-2024-000124/summary.html"' in html


def test_totals_sum_requested_and_recommended():
    html = plain(render_batch_html([examples.partial(), examples.reject()], None))
    assert "<td class=\"num\">550 000 kr</td><td class=\"num\">240 000 kr</td>" in html


def test_totals_show_when_the_appropriation_is_exceeded():
    html = plain(render_batch_html([examples.approve(), examples.partial()], {2024: Decimal("500000")}))
    assert "Overskredet med 252 345,50 kr" in html


def test_status_filter_needs_no_script():
    html = render_batch_html(examples.all_kinds(), None)
    assert 'id="f-manual_review"' in html
    assert "<script" not in html


def test_municipality_markup_is_escaped_in_the_queue():
    evil = examples.approve().model_copy(update={"municipality": Municipality(name="<script>x</script>")})
    assert "<script>x" not in render_batch_html([evil], None)


def sheet_rows(results):
    ws = load_workbook(BytesIO(render_batch_xlsx(results)))["Søknader"]
    return list(ws.iter_rows(min_row=2))


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    evil = examples.approve().model_copy(update={"municipality": Municipality(name="=1+1")})
    municipality = sheet_rows([evil])[0][3]
    assert municipality.value == "=1+1"
    assert municipality.data_type == "s"


def test_xlsx_amounts_are_numbers():
    requested = sheet_rows([examples.partial()])[0][7]
    assert requested.data_type == "n"
    assert requested.value == 250000


def test_xlsx_rows_follow_the_same_queue_order():
    statuses = [row[0].value for row in sheet_rows(examples.all_kinds())]
    assert statuses == ["Manuell behandling", "Avslag", "Delvis innvilget", "Innvilget"]


def test_row_gives_the_deciding_findings_in_plain_norwegian():
    html = plain(render_batch_html([examples.reject()], None))
    row = re.search(r'<tr class="s-reject">.*?</tr>', html, re.S).group(0)
    assert "etter søknadsfristen 1. september 2024" in row


def test_each_status_filter_has_its_own_sum_row():
    html = plain(render_batch_html([examples.partial(), examples.reject(), examples.approve()], None))
    row = re.search(r'<tr class="sum-status sum-reject">.*?</tr>', html, re.S).group(0)
    assert '<td class="num">300 000 kr</td><td class="num">0 kr</td>' in row


def test_xlsx_reasons_are_text_cells():
    evil = examples.reject().model_copy(update={"findings": [
        examples.reject().findings[0].model_copy(update={"message": "=HYPERLINK(\"x\")"})]})
    reasons = sheet_rows([evil])[0][11]
    assert reasons.value == "=HYPERLINK(\"x\")"
    assert reasons.data_type == "s"


def test_row_of_an_application_a_caseworker_corrected_says_so():
    html = plain(render_batch_html([examples.corrected(), examples.partial()], None))
    corrected = re.search(r'<tr class="s-approve">.*?</tr>', html, re.S).group(0)
    untouched = re.search(r'<tr class="s-partial">.*?</tr>', html, re.S).group(0)
    assert "korrigert av saksbehandler" in corrected and "korrigert" not in untouched
