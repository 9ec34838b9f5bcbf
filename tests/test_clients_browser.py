"""summary.html and batch-summary.html as a caseworker's browser shows them (headless Chromium).

One browser for the module. The screenshots and the printed summary land in artifacts/
(README "What a caseworker sees first"). Without Chromium or Playwright these tests skip,
and say so in the warnings summary as well as in the skip reason.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pdfplumber
import pytest

from pipeline.batch import appropriations
from pipeline.render.batch_summary import render_batch_html
from pipeline.render.format import evidence_place, kroner, status_label
from pipeline.render.summary import render_summary
from tests import result_examples as examples
from tests.result_examples import ROOT

ARTIFACTS = ROOT / "artifacts"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
A4_POINTS = (595, 842)


class ClientMissing(UserWarning):
    """A real-client test could not run: the program it needs is not installed."""


def skip_loudly(reason: str):
    warnings.warn(ClientMissing(reason))
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        skip_loudly("Chromium is not installed (no `chromium` on PATH): apt-get install chromium; "
                    "summary.html and batch-summary.html were NOT checked in a browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_loudly("Playwright for Python is not installed (pip install -e '.[dev]'); "
                    "summary.html and batch-summary.html were NOT checked in a browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Opened:
    """A page opened from a file, with everything it logged and asked for."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport=VIEWPORT)
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.uri = path.as_uri()

    def text(self, selector: str) -> str:
        return self.page.locator(selector).inner_text().replace("\xa0", " ")

    def on_first_screen(self, selector: str) -> bool:
        """Visible without scrolling: what a caseworker sees the moment the page opens."""
        locator = self.page.locator(selector).first
        box = locator.bounding_box()
        return locator.is_visible() and box is not None and box["y"] + box["height"] <= VIEWPORT["height"]


def plain(s: str) -> str:
    return s.replace("\xa0", " ")


def open_summary(browser, tmp_path_factory, result) -> tuple[Opened, object]:
    path = tmp_path_factory.mktemp("summary") / "summary.html"
    path.write_text(render_summary(result), encoding="utf-8")
    return Opened(browser, path), result


def shown_summary(browser, tmp_path_factory, result, screenshot: str):
    """The summary opened, its screenshot left in artifacts/, closed when the module is done."""
    opened, result = open_summary(browser, tmp_path_factory, result)
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=ARTIFACTS / screenshot, full_page=True)
    yield opened, result
    opened.page.close()


@pytest.fixture(scope="module")
def partial_summary(browser, tmp_path_factory):
    yield from shown_summary(browser, tmp_path_factory, examples.partial(), "summary-delvis-innvilget.png")


@pytest.fixture(scope="module")
def review_summary(browser, tmp_path_factory):
    yield from shown_summary(browser, tmp_path_factory, examples.manual_review(), "summary-manuell-behandling.png")


@pytest.fixture(scope="module")
def corrected_summary(browser, tmp_path_factory):
    yield from shown_summary(browser, tmp_path_factory, examples.corrected(), "summary-korrigert.png")


@pytest.fixture(scope="module")
def batch_page(browser, tmp_path_factory):
    results = [*examples.all_kinds(), examples.with_facilitation(), examples.corrected()]
    path = tmp_path_factory.mktemp("batch") / "batch-summary.html"
    path.write_text(render_batch_html(results, appropriations(results)), encoding="utf-8")
    opened = Opened(browser, path)
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=ARTIFACTS / "batch-summary.png", full_page=True)
    yield opened, results
    opened.page.close()


def test_summary_shows_status_and_recommended_amount_on_the_first_screen(partial_summary):
    opened, result = partial_summary
    assert opened.on_first_screen(".verdict")
    verdict = opened.text(".verdict")
    assert status_label(result.status) in verdict
    assert f"Anbefalt: {plain(kroner(result.recommended_total_nok))}" in verdict


def test_summary_logs_no_errors_and_loads_nothing_from_outside(partial_summary):
    opened, _ = partial_summary
    assert opened.problems == []
    assert opened.requests == [opened.uri]


def test_summary_shows_each_reduction_with_where_it_stands(partial_summary):
    opened, result = partial_summary
    findings = opened.text("body")
    for f in result.findings:
        if f.severity == "reduce":
            assert plain(f.message) in findings
            assert f.evidence is None or plain(evidence_place(f.evidence)) in findings


def test_manual_review_summary_says_what_to_do_on_the_first_screen(review_summary):
    opened, _ = review_summary
    assert opened.on_first_screen(".verdict")
    assert "Manuell behandling" in opened.text(".verdict")
    assert "Ingen utkast til vedtaksbrev" in opened.text(".verdict")
    assert "Gjør dette:" in opened.text(".todo")
    assert opened.problems == []


def test_summary_prints_on_a4_with_the_status_on_page_one(partial_summary):
    opened, result = partial_summary
    pdf = ARTIFACTS / "summary-delvis-innvilget-utskrift.pdf"
    opened.page.emulate_media(media="print")
    opened.page.pdf(path=pdf, prefer_css_page_size=True, print_background=True)
    opened.page.emulate_media(media="screen")
    with pdfplumber.open(pdf) as doc:
        first = doc.pages[0]
        assert (round(first.width), round(first.height)) == A4_POINTS
        text = plain(first.extract_text())
    assert status_label(result.status) in text
    assert plain(kroner(result.recommended_total_nok)) in text


def test_batch_page_puts_manual_review_first_and_logs_no_errors(batch_page):
    opened, _ = batch_page
    assert opened.problems == []
    assert opened.requests == [opened.uri]
    assert opened.text("table.queue tbody tr:first-child .status") == "Manuell behandling"
    assert opened.on_first_screen("table.queue tbody tr:first-child")


def test_batch_page_shows_every_status_and_amount(batch_page):
    opened, results = batch_page
    queue = opened.text("table.queue")
    for result in results:
        assert result.submission_id in queue
        if result.status != "manual_review":
            assert plain(kroner(result.recommended_total_nok)) in queue


def test_batch_page_shows_totals_against_the_appropriation(batch_page):
    opened, results = batch_page
    years = opened.text("table.years")
    for year, appropriation in appropriations(results).items():
        assert str(year) in years
        assert plain(kroner(appropriation)) in years


def test_batch_filter_shows_only_the_chosen_status_and_its_sum(batch_page):
    opened, results = batch_page
    page = opened.page
    page.locator("label[for=f-reject]").click()
    try:
        shown = [row for row in page.locator("table.queue tbody tr").all() if row.is_visible()]
        rejected = [r for r in results if r.status == "reject"]
        assert len(shown) == len(rejected)
        assert all(plain(row.inner_text()).startswith("Avslag") for row in shown)
        requested = sum(r.requested_total_nok for r in rejected)
        assert page.locator("tr.sum-reject").is_visible()
        assert not page.locator("tr.sum-all").is_visible()
        assert plain(kroner(requested)) in plain(page.locator("tr.sum-reject").inner_text())
        page.screenshot(path=ARTIFACTS / "batch-summary-avslag.png", full_page=True)
    finally:
        page.locator("label[for=f-all]").click()


def test_a_corrected_summary_shows_each_correction_at_its_value_and_who_settled_what(corrected_summary):
    opened, _ = corrected_summary
    assert opened.problems == []
    corrections = opened.text(".corrections")
    assert "Sluttdato for Kari Nordmann" in corrections
    assert "Korrigert av Kari Saksbehandler 02.12.2026: 30.06.2024 (lest: –)" in corrections
    assert "Avklart av Kari Saksbehandler 02.12.2026" in opened.text(".finding.f-info")
    assert opened.on_first_screen(".corrections")
