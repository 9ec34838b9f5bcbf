"""vedtak-utkast.docx and bekreftelse.docx as a word processor opens them: LibreOffice headless converts
a letter of every status under both regimes (2024 by hand, 2020 and 2024 from the fixed sample inbox)
and the confirmation a granted letter encloses.

One conversion run for the module; the PDFs (and the .docx they came from) land in artifacts/.
Without LibreOffice these tests skip, and say so in the warnings summary as well as in the skip reason.
"""
from __future__ import annotations

import shutil
import subprocess
import warnings
from datetime import date

import pdfplumber
import pytest

from pipeline.render.confirmation import render_confirmation
from pipeline.render.format import kroner
from pipeline.render.letter import render_letter
from tests import result_examples as examples
from tests.result_examples import ROOT

ARTIFACTS = ROOT / "artifacts"
TODAY = date(2026, 11, 23)
SLUG = {"approve": "innvilget", "partial": "delvis-innvilget", "reject": "avslag"}
LETTERS = {
    "innvilget": examples.approve(),
    "delvis-innvilget": examples.partial(),
    "avslag": examples.reject(),
    **{f"{r.grant_year}-{SLUG[r.status]}-{r.submission_id}": r for r in examples.sample_results()
       if r.status in SLUG and r.grant_year in (2020, 2024)},
}
CONFIRMATIONS = {"innvilget": examples.approve()}
CLOSING = ("Spørsmål om tilskuddet kan rettes til tilskudd@helsedir.no.", "Med hilsen", "Helsedirektoratet",
           "[Navn, tittel]")
LAST_OF_BODY = "I henhold til forvaltningsloven § 28 er det ikke klagerett."
CONVERSION_SECONDS = 180


class ClientMissing(UserWarning):
    """A real-client test could not run: the program it needs is not installed."""


def soffice_or_skip(unchecked: str) -> str:
    """LibreOffice's program; without it the test skips, saying what went unchecked, in the warnings too."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        reason = ("LibreOffice is not installed (no `soffice` on PATH): apt-get install libreoffice-writer-nogui; "
                  f"{unchecked}")
        warnings.warn(ClientMissing(reason))
        pytest.skip(reason)
    return soffice


@pytest.fixture(scope="module")
def pdf_pages(tmp_path_factory) -> dict[str, list[str]]:
    """The text LibreOffice lays out on each page of each letter ("vedtak-…") and confirmation ("bekreftelse-…")."""
    soffice = soffice_or_skip("vedtak-utkast.docx and bekreftelse.docx were NOT checked in a word processor")
    work = tmp_path_factory.mktemp("letters")
    ARTIFACTS.mkdir(exist_ok=True)
    documents = {f"vedtak-{kind}": render_letter(r, TODAY) for kind, r in LETTERS.items()}
    documents |= {f"bekreftelse-{kind}": render_confirmation(r, TODAY) for kind, r in CONFIRMATIONS.items()}
    for name, data in documents.items():
        (ARTIFACTS / f"{name}.docx").write_bytes(data)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(ARTIFACTS), *(str(ARTIFACTS / f"{n}.docx") for n in documents)],
        check=True, capture_output=True, timeout=CONVERSION_SECONDS,
    )
    pages = {}
    for name in documents:
        with pdfplumber.open(ARTIFACTS / f"{name}.pdf") as pdf:
            pages[name] = [(page.extract_text() or "").replace("\xa0", " ") for page in pdf.pages]
    return pages


@pytest.fixture(scope="module")
def pdf_text(pdf_pages) -> dict[str, str]:
    """Each letter's whole text, keyed by kind."""
    return {kind: "\n".join(pdf_pages[f"vedtak-{kind}"]) for kind in LETTERS}


def plain(s: str) -> str:
    return s.replace("\xa0", " ")


@pytest.mark.parametrize("kind", LETTERS)
def test_letter_opens_and_shows_the_amount_per_doctor_and_in_total(pdf_text, kind):
    result = LETTERS[kind]
    text = pdf_text[kind]
    for doctor in result.doctors:
        assert doctor.name in text
        assert plain(kroner(doctor.recommended_nok)) in text
    assert plain(kroner(result.requested_total_nok)) in text
    assert plain(kroner(result.recommended_total_nok)) in text


@pytest.mark.parametrize(("kind", "words"), [
    ("innvilget", "innvilget"), ("delvis-innvilget", "delvis innvilget"), ("avslag", "avslag"),
])
def test_letter_states_its_decision_in_the_title(pdf_text, kind, words):
    assert f"Søknad om tilskudd til ALIS for 2024 – {words}" in pdf_text[kind]


def test_the_letters_cover_every_status_under_both_regimes():
    assert {(r.grant_year, r.status) for r in LETTERS.values()} >= {
        (year, status) for year in (2020, 2024) for status in SLUG}


@pytest.mark.parametrize("kind", LETTERS)
def test_the_closing_stands_on_the_page_of_the_last_paragraph_before_it(pdf_pages, kind):
    """The appeal paragraph's last sentence and every line of the closing, in order, on one page."""
    block = " ".join((LAST_OF_BODY, *CLOSING))
    pages = [" ".join(page.split()) for page in pdf_pages[f"vedtak-{kind}"]]
    assert any(block in page for page in pages), [page[-300:] for page in pages]


def test_the_confirmation_opens_with_the_grant_and_the_fields_to_fill_in(pdf_pages):
    text = " ".join(" ".join(pdf_pages["bekreftelse-innvilget"]).split())
    result = CONFIRMATIONS["innvilget"]
    for expected in ("Bekreftelse av tilskudd til ALIS for 2024", result.municipality.name, result.submission_id,
                     plain(kroner(result.recommended_total_nok)), "Kontonummer for utbetaling", "Underskrift"):
        assert expected in text


@pytest.mark.parametrize("kind", ["delvis-innvilget", "avslag"])
def test_letter_gives_the_reason_for_each_reduction_and_refusal(pdf_text, kind):
    flat = " ".join(pdf_text[kind].split())
    for f in LETTERS[kind].findings:
        if f.severity in ("reduce", "reject"):
            assert " ".join(plain(f.message).split()) in flat


def test_every_letter_says_there_is_no_right_of_appeal(pdf_text):
    for text in pdf_text.values():
        assert "forvaltningsloven § 28 er det ikke klagerett" in " ".join(text.split())
