"""Attachments are classified by their content, never by their file name."""
from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from reportlab.pdfgen import canvas

from extractors import convert, read_attachment
from extractors.safety import ole_kind
from pipeline.isolation import Limits, read_isolated
from samples import hostile
from samples.generator.docx_doc import DocxBuilder
from tests.extract_samples import expected_kind


def test_every_generated_attachment_gets_the_kind_of_its_truth(generated):
    wrong = [(f"{s.submission_id}/{s.name}", expected_kind(s), s.attachment.kind, s.attachment.reason)
             for s in generated if s.attachment.kind != expected_kind(s)]
    assert wrong == []


def test_faint_generated_scans_are_unreadable_for_lack_of_a_text_layer(generated):
    scans = [s.attachment for s in generated if s.truth.get("scan", {}).get("legible") is False]
    assert scans and all(a.problem and a.problem.code == "no-text-layer" for a in scans)


def test_every_classified_attachment_says_why_in_norwegian(generated):
    readable = [s.attachment for s in generated if s.attachment.kind != "unreadable"]
    assert readable and all(a.reason and ("med" in a.reason or "uten" in a.reason) for a in readable)


def test_sha256_is_the_digest_of_the_bytes(generated):
    import hashlib

    sample = generated[0]
    assert sample.attachment.sha256 == hashlib.sha256(sample.path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", ["agreement", "training_plan", "budget"])
def test_a_misleading_file_name_does_not_change_the_kind(generated, tmp_path, kind):
    sample = next(s for s in generated if expected_kind(s) == kind)
    renamed = tmp_path / "budsjett avtale utdanningsplan.txt"
    shutil.copy(sample.path, renamed)
    assert read_attachment(renamed).kind == kind


def test_display_name_is_used_as_the_attachments_file(generated):
    sample = generated[0]
    assert read_attachment(sample.path, "Vedlegg 1.pdf").file == "Vedlegg 1.pdf"


def test_pdf_without_text_is_unreadable_for_lack_of_a_text_layer(tmp_path):
    scan = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(scan))
    page.rect(50, 50, 400, 600, fill=1)
    page.save()
    attachment = read_attachment(scan)
    assert (attachment.kind, attachment.problem.code) == ("unreadable", "no-text-layer")


@pytest.mark.parametrize("content, code", [
    (b"%PDF-1.7\n1 0 obj broken", "corrupt"),
    (b"PK\x03\x04 not really a zip", "type-mismatch"),
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "corrupt"),
])
def test_bad_files_are_unreadable_with_a_reason_and_never_raise(tmp_path, content, code):
    bad = tmp_path / "vedlegg.pdf"
    bad.write_bytes(content)
    attachment = read_attachment(bad)
    assert (attachment.kind, attachment.problem.code) == ("unreadable", code)
    assert attachment.problem.message


def test_truncated_office_file_is_corrupt(generated, tmp_path):
    sample = next(s for s in generated if s.truth["kind"] == "budget")
    cut = tmp_path / "budsjett.xlsx"
    cut.write_bytes(sample.path.read_bytes()[:2000])
    assert read_attachment(cut).kind == "unreadable"


def test_office_file_missing_its_main_part_is_corrupt(generated, tmp_path):
    sample = next(s for s in generated if s.truth["kind"] == "budget" and s.name.endswith(".xlsx"))
    broken = tmp_path / "budsjett.xlsx"
    with zipfile.ZipFile(sample.path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item))
    attachment = read_attachment(broken)
    assert (attachment.kind, attachment.problem.code) == ("unreadable", "corrupt")


def test_picture_is_other_not_unreadable(tmp_path):
    photo = tmp_path / "bilde.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    assert read_attachment(photo).kind == "other"


def test_password_protected_pdf_is_unreadable_as_encrypted(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    locked = tmp_path / "avtale.pdf"
    page = canvas.Canvas(str(locked), encrypt=StandardEncryption("hemmelig"))
    page.drawString(100, 700, "ALIS-avtale")
    page.save()
    attachment = read_attachment(locked)
    assert (attachment.kind, attachment.problem.code) == ("unreadable", "encrypted")


def test_plain_text_named_as_text_is_other_not_a_mismatch(tmp_path):
    note = tmp_path / "notat.txt"
    note.write_text("Hei, her er søknaden.", encoding="utf-8")
    attachment = read_attachment(note)
    assert (attachment.kind, attachment.problem) == ("other", None)
    assert attachment.reason.startswith("Tekstfil")


@pytest.mark.parametrize("streams, kind", [
    (["EncryptionInfo", "EncryptedPackage"], "encrypted"),
    (["WordDocument", "1Table"], "doc"),
    (["Workbook"], "xls"),
    (["Book"], "xls"),
    (["PowerPoint Document"], "ppt"),
    (["Something"], "unknown"),
])
def test_compound_file_is_told_apart_by_its_directory(tmp_path, streams, kind):
    path = tmp_path / "fil.bin"
    path.write_bytes(hostile.ole_container(streams, size=4096))
    assert ole_kind(path) == kind


def test_legacy_file_with_an_empty_main_stream_is_corrupt_without_conversion(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "converter", lambda: pytest.fail("LibreOffice started for an empty .doc"))
    path = tmp_path / "avtale.doc"
    path.write_bytes(hostile.ole_container(["WordDocument"]))
    assert read_attachment(path).problem.code == "corrupt"


def test_legacy_word_without_libreoffice_asks_for_docx_or_pdf(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "converter", lambda: None)
    path = tmp_path / "avtale.doc"
    path.write_bytes(hostile.ole_container(["WordDocument"], size=4096))
    attachment = read_attachment(path)
    assert (attachment.kind, attachment.problem.code) == ("unreadable", "legacy-format")
    assert ".docx" in attachment.problem.message and "PDF" in attachment.problem.message


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory):
    """A real .doc, made by LibreOffice from a generated-style agreement."""
    if convert.converter() is None:
        pytest.skip("LibreOffice (soffice) is not installed: .doc conversion is NOT tested here; "
                    "install libreoffice-writer-nogui to run it")
    folder = tmp_path_factory.mktemp("doc")
    source = folder / "avtale.docx"
    source.write_bytes(hostile.simple_docx())
    subprocess.run([convert.converter(), f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--convert-to", "doc", "--outdir", str(folder), str(source)], check=True, capture_output=True,
                   timeout=120)
    return folder / "avtale.doc"


def test_legacy_word_is_converted_with_libreoffice_and_read(legacy_doc):
    attachment = read_isolated(legacy_doc, "avtale.doc", Limits(seconds=90))
    assert (attachment.kind, attachment.hpr_number) == ("agreement", "1234567")
    assert "converted-from-doc" in attachment.flags


def test_conversion_leaves_the_original_untouched(legacy_doc):
    before = legacy_doc.read_bytes()
    read_attachment(legacy_doc)
    assert legacy_doc.read_bytes() == before


@pytest.mark.parametrize("title", ["INDIVIDUELL PLAN FOR ALIS", "Opplæringsplan for lege i spesialisering",
                                   "Læringsplan ALIS"])
def test_a_plan_named_only_by_its_title_is_a_training_plan(tmp_path, title):
    doc = DocxBuilder()
    doc.title(title)
    doc.fields([("Navn:", "Ola Nordmann"), ("Veileder:", "Anne Berg")], False)
    path = tmp_path / "plan.docx"
    path.write_bytes(doc.bytes())
    assert read_attachment(path).kind == "training_plan"
