"""vedtak-utkast.docx as a word processor opens it: LibreOffice headless converts one letter of each kind.

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

from pipeline.render.format import kroner
from pipeline.render.letter import render_letter
from tests import result_examples as examples
from tests.result_examples import ROOT

ARTIFACTS = ROOT / "artifacts"
TODAY = date(2026, 11, 23)
LETTERS = {
    "innvilget": examples.approve(),
    "delvis-innvilget": examples.partial(),
    "avslag": examples.reject(),
}
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
def pdf_text(tmp_path_factory) -> dict[str, str]:
    """The text LibreOffice lays out for each letter, keyed by kind, with plain spaces."""
    soffice = soffice_or_skip("vedtak-utkast.docx was NOT checked in a word processor")
    work = tmp_path_factory.mktemp("letters")
    ARTIFACTS.mkdir(exist_ok=True)
    sources = []
    for kind, result in LETTERS.items():
        source = ARTIFACTS / f"vedtak-{kind}.docx"
        source.write_bytes(render_letter(result, TODAY))
        sources.append(str(source))
    subprocess.run(
        [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(ARTIFACTS), *sources],
        check=True, capture_output=True, timeout=CONVERSION_SECONDS,
    )
    texts = {}
    for kind in LETTERS:
        with pdfplumber.open(ARTIFACTS / f"vedtak-{kind}.pdf") as pdf:
            texts[kind] = "\n".join(page.extract_text() or "" for page in pdf.pages).replace("\xa0", " ")
    return texts


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


@pytest.mark.parametrize("kind", ["delvis-innvilget", "avslag"])
def test_letter_gives_the_reason_for_each_reduction_and_refusal(pdf_text, kind):
    flat = " ".join(pdf_text[kind].split())
    for f in LETTERS[kind].findings:
        if f.severity in ("reduce", "reject"):
            assert " ".join(plain(f.message).split()) in flat


def test_every_letter_says_there_is_no_right_of_appeal(pdf_text):
    for text in pdf_text.values():
        assert "forvaltningsloven § 28 er det ikke klagerett" in " ".join(text.split())
