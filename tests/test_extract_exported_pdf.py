"""Agreements written in Word and exported to PDF by a real word processor (LibreOffice headless),
the way many municipalities produce their PDFs, read like any other.

One conversion run for the module. Without LibreOffice these tests skip, and say so in the
warnings summary as well as in the skip reason.
"""
from __future__ import annotations

import random
import subprocess
from decimal import Decimal

import pdfplumber
import pytest

from extractors import read_attachment
from samples.generator import agreement, new_context, scenarios
from samples.generator.docx_doc import DocxBuilder
from samples.generator.variation import set_wide
from tests.test_clients_letter_pdf import CONVERSION_SECONDS, soffice_or_skip

FIELDS = ("municipality_name", "doctor_name", "hpr_number", "position", "position_percent", "employment_start",
          "employment_end", "effective_from", "signed_municipality", "signed_doctor")
DRAWN = [(year, n) for year in (2020, 2024) for n in range(8)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """Each drawn agreement's truth and what the extractors read from its exported PDF; "folder" holds them."""
    soffice = soffice_or_skip("agreements exported from a word processor were NOT read")
    work = tmp_path_factory.mktemp("exported")
    truths, sources = {}, []
    set_wide(True)
    for year, n in DRAWN:
        rng = random.Random(f"exported:{year}:{n}")
        sub = scenarios.build(rng, new_context(), f"AR-{year}-0009{n:02d}", year, "approve", "clean")
        doctor = sub.doctors[0]
        draw = agreement.fastlegeavtale if sub.regime == "A" else agreement.alis_avtale
        source = work / f"avtale-{year}-{n}.docx"
        source.write_bytes(draw(rng, sub, doctor, DocxBuilder()))
        sources.append(str(source))
        truths[(year, n)] = {"municipality_name": sub.kommune.name, "doctor_name": doctor.name,
                             "hpr_number": doctor.hpr, "position": doctor.position,
                             "position_percent": Decimal(doctor.percent),
                             "employment_start": doctor.employment_start, "employment_end": doctor.employment_end,
                             "effective_from": doctor.effective_from,
                             "signed_municipality": doctor.signed_municipality, "signed_doctor": doctor.signed_doctor}
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(work), *sources],
                   check=True, capture_output=True, timeout=CONVERSION_SECONDS)
    return {key: (truths[key], read_attachment(work / f"avtale-{key[0]}-{key[1]}.pdf")) for key in DRAWN} | \
        {"folder": work}


def exported_paths(exported: dict) -> list:
    return sorted(exported["folder"].glob("avtale-*.pdf"))


@pytest.mark.parametrize("key", DRAWN, ids=[f"{year}-{n}" for year, n in DRAWN])
def test_an_agreement_exported_from_a_word_processor_is_read_field_by_field(exported, key):
    truth, attachment = exported[key]
    assert attachment.kind == "agreement"
    got = {name: getattr(attachment.agreement, name).value for name in FIELDS}
    assert got == truth


def test_the_pdfs_were_written_by_the_word_processor(exported):
    producers = {pdfplumber.open(path).metadata.get("Producer", "") for path in exported_paths(exported)}
    assert producers and all("LibreOffice" in p for p in producers)
