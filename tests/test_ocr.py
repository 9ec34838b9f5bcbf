"""Scanned and photographed agreements are read by OCR, and a value read so decides nothing unconfirmed.

OCR takes seconds a page, so the documents are drawn and read once per module (a handful of pages).
"""
from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from checks import decide as decide_module
from checks.models import ApplicationFacts
from checks.parameters import load_parameters
from checks.registers import load_registers
from checks.rules import ocr as ocr_rules
from extractors import ocr, read_attachment, read_form
from extractors.models import Attachment
from pipeline.process import process_submission
from pipeline.settings import DEFAULT_REGISTERS
from samples.generator import agreement, budget_xlsx, new_context, scenarios, truth, write
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.scan import ScanStyle, faint, scanned

REGISTERS = load_registers(DEFAULT_REGISTERS)


def _plan(seed: str, year: int = 2020):
    """A clean plan with one doctor who is not a vikar (whose dates no other document confirms)."""
    ctx = new_context()
    for attempt in range(50):
        rng = random.Random(f"{seed}:{attempt}")
        sub = scenarios.build(rng, ctx, f"AR-{year}-99{attempt:04d}", year, "approve", "clean")
        if len(sub.doctors) == 1 and sub.doctors[0].position != "vikar":
            return sub, rng
    raise AssertionError("no one-doctor plan")


@dataclass
class Scanned:
    folder: Path
    name: str
    fields: dict
    attachments: list[Attachment]

    @property
    def agreement(self) -> Attachment:
        return next(a for a in self.attachments if a.file == self.name)

    def facts(self, attachments: list[Attachment] | None = None) -> ApplicationFacts:
        return ApplicationFacts(submission_id=self.folder.name, form=read_form(self.folder / "skjema.json"),
                                attachments=attachments or self.attachments)


@pytest.fixture(scope="module")
def submission(tmp_path_factory) -> Scanned:
    """A regime A submission whose agreement came as a scan (the generator draws the scan's style)."""
    sub, rng = _plan("ocr-scan")
    sub.doctors[0].scan = "legible"
    sub.doctors[0].scan_dpi = 200
    out = tmp_path_factory.mktemp("ocr-inbox")
    write(out, sub, rng)
    facts = json.loads((out / ".truth" / f"{sub.submission_id}.json").read_text(encoding="utf-8"))
    name = next(n for n, f in facts["files"].items() if "scan" in f)
    folder = out / sub.submission_id
    attachments = [read_attachment(folder / n, n) for n in facts["files"]]
    return Scanned(folder, name, facts["files"][name]["fields"], attachments)


def _decide(facts: ApplicationFacts):
    return decide_module.decide(facts, load_parameters(facts.form.grant_year), REGISTERS)


def test_a_scanned_agreement_is_read_with_every_value_carrying_its_ocr_confidence(submission):
    record = submission.agreement.agreement
    read = {name: getattr(record, name) for name in submission.fields}
    assert {n: str(v.value) for n, v in read.items() if v.value is not None and n in ("hpr_number", "doctor_name")} \
        == {n: submission.fields[n] for n in ("hpr_number", "doctor_name")}
    assert all(0 < v.evidence.ocr_confidence <= 1 for v in read.values() if v.found and v.evidence.route != "default")


def test_a_scanned_agreement_is_flagged_ocr_with_its_confidence_for_the_caseworker(submission):
    attachment = submission.agreement
    assert "ocr" in attachment.flags and attachment.ocr.mean_confidence is not None
    assert "lest med OCR" in attachment.reason
    read_findings = [f for f in _decide(submission.facts()).findings if f.rule == "doc.ocr-read"]
    assert [f.evidence.file for f in read_findings] == [submission.name]
    assert read_findings[0].severity == "info" and "sikkerhet i snitt" in read_findings[0].message


def test_a_value_read_below_the_threshold_sends_the_doctor_to_a_person(submission, monkeypatch):
    monkeypatch.setattr(ocr_rules, "settings", lambda: ocr_rules.OcrSettings(threshold=1.01, source="test"))
    decision = _decide(submission.facts())
    uncertain = [f for f in decision.findings if f.rule == "doc.ocr-uncertain"]
    assert uncertain and decision.status == "manual_review"
    assert any("er lest med OCR (sikkerhet" in f.message and "under terskelen 1,01" in f.message
               and "kontroller mot avtalen" in f.message for f in uncertain)


def test_an_ocr_name_the_budget_contradicts_is_uncertain_and_decides_nothing(submission, tmp_path):
    sub, rng = _plan("ocr-scan")
    sub.doctors[0].name = "Annen " + sub.doctors[0].name.split()[-1]
    data, _cells, _ext = budget_xlsx.render(rng, sub)
    other_budget = tmp_path / "budsjett.xlsx"
    other_budget.write_bytes(data)
    attachments = [a for a in submission.attachments if a.kind != "budget"] + [read_attachment(other_budget)]
    decision = _decide(submission.facts(attachments))
    rules = {f.rule for f in decision.findings}
    ocr_name = submission.agreement.agreement.doctor_name.value
    confirmed_by_plan = any(a.kind == "training_plan" and "ocr" not in a.flags
                            and a.training_plan.doctor_name.value == ocr_name for a in attachments)
    assert "id.doctor-mismatch" in rules and ("doc.ocr-uncertain" in rules or confirmed_by_plan)
    assert decision.status == "manual_review" and decision.recommended_total_nok is None


def test_the_batch_decides_a_scanned_agreement_right_or_sends_it_to_a_person_with_reasons(submission):
    truth_file = submission.folder.parent / ".truth" / f"{submission.folder.name}.json"
    expected = json.loads(truth_file.read_text(encoding="utf-8"))
    result = process_submission(submission.folder, REGISTERS)
    if result.status == "manual_review":
        stopping = [f for f in result.findings if f.severity == "review"]
        assert stopping and all(f.rule.startswith("doc.") and f.message for f in stopping)
        assert result.recommended_total_nok is None
    else:
        assert result.status == expected["expected_status"]
        assert result.recommended_total_nok == Decimal(expected["expected_recommended_total"])


def test_a_photo_held_sideways_is_turned_upright_and_read(tmp_path):
    sub, rng = _plan("ocr-photo")
    pdf = agreement.fastlegeavtale(rng, sub, sub.doctors[0], PdfBuilder())
    style = ScanStyle(kind="photo", dpi=200, tilt=0.7, turned=90, exif=False, image_format="JPEG")
    data, ext = scanned(pdf, style, random.Random(3))
    photo = tmp_path / f"IMG_0001.{ext}"
    photo.write_bytes(data)
    read = read_attachment(photo)
    assert (read.kind, read.agreement.hpr_number.value) == ("agreement", sub.doctors[0].hpr)
    assert read.agreement.hpr_number.evidence.ocr_confidence is not None


def _signature_page(party_date: str, doctor_date: str) -> bytes:
    """An agreement whose signatures stand as a label line with its date line under it."""
    sub, rng = _plan("ocr-signatures")
    doc = PdfBuilder()
    doc.title("Fastlegeavtale")
    doc.fields([("Legens navn:", sub.doctors[0].name), ("HPR-nr.:", sub.doctors[0].hpr)], as_table=False)
    doc.heading("Underskrifter")
    doc.para("Underskrift kommunen")
    doc.para(f"Sted/dato: Bodø, {party_date}")
    doc.para("Underskrift lege i spesialisering")
    doc.para(f"Sted/dato: Bodø, {doctor_date}")
    return doc.bytes()


def test_a_date_whose_party_a_signature_made_unreadable_stays_missing(tmp_path):
    pdf = _signature_page("12.03.2020", "09.03.2020")
    style = ScanStyle(dpi=200, tilt=0.8, scribble="municipality")
    data, _ = scanned(pdf, style, random.Random(1))
    path = tmp_path / "signert.pdf"
    path.write_bytes(data)
    record = read_attachment(path).agreement
    assert record.signed_municipality.value is None
    assert record.signed_doctor.value.isoformat() == "2020-03-09"


def test_a_scanned_value_wrapped_under_its_side_by_side_label_is_read_whole(tmp_path):
    doc = PdfBuilder()
    doc.title("Fastlegeavtale")
    doc.fields([("Kommunens navn:", "Rana kommune"), ("Org.nr.:", "985014892"), ("Legens navn:", "Anders Andersen"),
                ("HPR-nr.:", "5780120")], False, "wrapped-pairs")
    style = ScanStyle(dpi=300, paper=228, blur=0.67, tilt=1.5, noise=6.4)  # "kommune" boxed tight under "Rana"
    data, _ = scanned(doc.bytes(), style, random.Random(3))
    path = tmp_path / "avtale.pdf"
    path.write_bytes(data)
    assert read_attachment(path).agreement.municipality_name.value == "Rana kommune"


def test_a_picture_without_words_stays_other(tmp_path):
    picture = Image.new("L", (1600, 1200), 170)
    draw = ImageDraw.Draw(picture)
    draw.rectangle([300, 500, 1300, 1150], fill=90)
    draw.polygon([(250, 520), (800, 150), (1350, 520)], fill=60)
    for x in range(400, 1250, 220):
        draw.rectangle([x, 650, x + 120, 800], fill=230)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    path = tmp_path / "bygget.jpg"
    path.write_bytes(buffer.getvalue())
    read = read_attachment(path)
    assert (read.kind, read.problem, "ocr" in read.flags) == ("other", None, False)


def test_a_scan_whose_words_are_gone_has_no_text_layer(tmp_path):
    sub, rng = _plan("ocr-faint")
    path = tmp_path / "skannet.pdf"
    path.write_bytes(faint(agreement.fastlegeavtale(rng, sub, sub.doctors[0], PdfBuilder()), random.Random(1)))
    read = read_attachment(path)
    assert (read.kind, read.problem.code) == ("unreadable", "no-text-layer")


def _tight_table() -> bytes:
    """Label and value cells ruled with a heavy line, the value written over the line as a hurried hand does."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("Helvetica-Bold", 15)
    page.drawString(57, 780, "Fastlegeavtale")
    page.setFont("Helvetica", 10)
    page.setLineWidth(1.4)
    y = 720
    for label, value in (("Legens navn", "Kari Nordmann"), ("HPR-nr.", "9306163"), ("Tiltredelse", "01.09.2019")):
        width = page.stringWidth(label, "Helvetica", 10) + 3
        page.rect(57, y - 4, width, 16)
        page.rect(57 + width, y - 4, 110, 16)
        page.drawString(60, y, label)
        page.drawString(57 + width - 1, y, value)
        y -= 16
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tight_scan(tmp_path_factory) -> Path:
    data, _ = scanned(_tight_table(), ScanStyle(dpi=200, tilt=0.8, blur=0.7, noise=5), random.Random(1))
    path = tmp_path_factory.mktemp("tight") / "avtale.pdf"
    path.write_bytes(data)
    return path


def test_a_glyph_standing_on_a_ruling_line_is_not_read_into_the_value(tight_scan):
    cells = [line.cells for line in ocr.read_pdf_pages(tight_scan, [1]).lines]
    assert ["HPR-nr.", "9306163"] in cells and ["Tiltredelse", "01.09.2019"] in cells


def test_a_page_over_its_time_limit_is_skipped_with_a_reason(tight_scan, monkeypatch):
    monkeypatch.setattr(ocr, "LIMITS", ocr.LIMITS.__class__(ocr_page_seconds=0.001))
    read = ocr.read_pdf_pages(tight_scan, [1])
    assert read.read == [] and "tok mer enn" in read.skipped[1]


def test_a_long_scan_keeps_its_first_pages_and_its_last_two():
    chosen, skipped = ocr.capped(list(range(1, 21)))
    assert chosen == [1, 2, 3, 4, 5, 6, 19, 20] and skipped == list(range(7, 19))


def test_the_truth_marks_a_scanned_agreement_and_keeps_the_original_fields(submission):
    facts = json.loads((submission.folder.parent / ".truth" / f"{submission.folder.name}.json").read_text("utf-8"))
    scan = facts["files"][submission.name]["scan"]
    assert scan["legible"] and scan["dpi"] == 200
    sub, _ = _plan("ocr-scan")
    assert submission.fields == truth.agreement(sub, sub.doctors[0])["fields"]
