"""Agreements and training plans written in Word and exported to PDF by a real word processor
(LibreOffice headless), the way many municipalities produce their PDFs, read like any other; half
the agreements use the phrasings of municipalities' own templates (inclusive start and end labels,
positions described, month names), and some are saved as OpenDocument (.odt) by the same program.

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
from samples.generator import agreement, new_context, scenarios, training_plan
from samples.generator.docx_doc import DocxBuilder
from samples.generator.plan import Doctor, Submission
from samples.generator.variation import force, set_wide
from tests.test_clients_letter_pdf import CONVERSION_SECONDS, soffice_or_skip

AGREEMENTS = [f"avtale-{year}-{n}" for year in (2020, 2024) for n in range(8)]
PLANS = [f"plan-2020-{n}" for n in range(6)]
ODT = [name for name in AGREEMENTS if name.endswith(("-1", "-2"))]
TEMPLATE_PHRASINGS = ("qualified-dates", "described-position", "month-dates")


def _agreement(rng: random.Random, sub: Submission, doctor: Doctor) -> tuple[bytes, dict]:
    draw = agreement.fastlegeavtale if sub.regime == "A" else agreement.alis_avtale
    truth = {"municipality_name": sub.kommune.name, "doctor_name": doctor.name, "hpr_number": doctor.hpr,
             "position": doctor.position, "position_percent": Decimal(doctor.percent),
             "employment_start": doctor.employment_start, "employment_end": doctor.employment_end,
             "effective_from": doctor.effective_from,
             "signed_municipality": doctor.signed_municipality, "signed_doctor": doctor.signed_doctor}
    return draw(rng, sub, doctor, DocxBuilder()), truth


def _plan(rng: random.Random, sub: Submission, doctor: Doctor) -> tuple[bytes, dict]:
    truth = {"doctor_name": doctor.name, "hpr_number": doctor.hpr, "supervisor": doctor.supervisor,
             "enterprise": sub.kommune.name, "specialisation_start": doctor.specialisation_start}
    return training_plan.draw(rng, sub, doctor, DocxBuilder()), truth


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """Each drawn document's truth and what the extractors read from its exported PDF; "folder" holds them."""
    soffice = soffice_or_skip("documents exported from a word processor were NOT read")
    work = tmp_path_factory.mktemp("exported")
    truths = {}
    set_wide(True)
    for name in AGREEMENTS + PLANS:
        kind, year, n = name.split("-")
        rng = random.Random(f"exported:{name}")
        variant = "vikar-too-short" if kind == "avtale" and year == "2024" and int(n) % 4 == 1 else "clean"
        status = "reject" if variant == "vikar-too-short" else "approve"
        sub = scenarios.build(rng, new_context(), f"AR-{year}-0009{int(n):02d}", int(year), status, variant)
        force(*(TEMPLATE_PHRASINGS if int(n) % 2 else ()))
        try:
            data, truths[name] = (_agreement if kind == "avtale" else _plan)(rng, sub, sub.doctors[0])
        finally:
            force()
        (work / f"{name}.docx").write_bytes(data)
    for target, names in (("pdf", AGREEMENTS + PLANS), ("odt", ODT)):
        subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(work / target),
                        *sorted(str(work / f"{name}.docx") for name in names)],
                       check=True, capture_output=True, timeout=CONVERSION_SECONDS)
    read = {name: (truth, read_attachment(work / "pdf" / f"{name}.pdf")) for name, truth in truths.items()}
    read |= {f"{name}.odt": (truths[name], read_attachment(work / "odt" / f"{name}.odt")) for name in ODT}
    return read | {"folder": work / "pdf"}


@pytest.mark.parametrize("name", AGREEMENTS)
def test_an_agreement_exported_from_a_word_processor_is_read_field_by_field(exported, name):
    truth, attachment = exported[name]
    assert attachment.kind == "agreement"
    assert {field: getattr(attachment.agreement, field).value for field in truth} == truth


@pytest.mark.parametrize("name", ODT)
def test_an_agreement_saved_as_odt_by_a_word_processor_is_read_field_by_field(exported, name):
    truth, attachment = exported[f"{name}.odt"]
    assert attachment.kind == "agreement"
    assert {field: getattr(attachment.agreement, field).value for field in truth} == truth


@pytest.mark.parametrize("name", PLANS)
def test_a_training_plan_exported_from_a_word_processor_is_read_field_by_field(exported, name):
    truth, attachment = exported[name]
    assert attachment.kind == "training_plan"
    assert {field: getattr(attachment.training_plan, field).value for field in truth} == truth
    assert attachment.training_plan.activities and attachment.training_plan.courses


def test_the_pdfs_were_written_by_the_word_processor(exported):
    producers = {pdfplumber.open(path).metadata.get("Producer", "") for path in exported["folder"].glob("*.pdf")}
    assert producers and all("LibreOffice" in p for p in producers)
