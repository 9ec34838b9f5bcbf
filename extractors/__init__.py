"""Files in, records out: the two calls the pipeline makes.

`read_form` reads skjema.json; `read_attachment` decides what a file is from
its content and reads it. Neither raises for a bad file: what went wrong is
in the record (FormRecord.problems, Attachment.problem).
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from extractors.agreement import read_agreement
from extractors.classify import Format, classify_text, classify_workbook, format_name, sniff
from extractors.docx_text import docx_lines
from extractors.fields import Line
from extractors.form import read_form
from extractors.models import Attachment, ExtractionProblem
from extractors.pdf_text import pdf_lines
from extractors.training_plan import read_training_plan
from extractors.odf import OdsWorkbook, odt_lines
from extractors.workbook import Workbook, XlsxWorkbook
from extractors.xlsx_budget import read_budget

__all__ = ["read_attachment", "read_form"]

MAX_BYTES = 50_000_000
_MIN_TEXT_CHARS = 20


def _problem(attachment: Attachment, code: str, message: str) -> Attachment:
    attachment.kind = "unreadable"
    attachment.problem = ExtractionProblem(code=code, message=message)
    return attachment


def read_attachment(path: Path, name: str | None = None) -> Attachment:
    """Classify one attachment by its content and extract its record; never raises for a bad file."""
    path = Path(path)
    file = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _problem(Attachment(file=file, sha256=_sha256(path), kind="unreadable"), "too-large",
                            f"Filen er for stor ({size // 1_000_000} MB) til å leses automatisk.")
        attachment = Attachment(file=file, sha256=_sha256(path), kind="other")
    except OSError:
        return _problem(Attachment(file=file, sha256="", kind="unreadable"), "corrupt", "Filen kunne ikke leses.")
    fmt = sniff(path)
    try:
        if fmt == "pdf":
            return _read_pdf(path, attachment)
        if fmt == "docx":
            return _read_docx(path, attachment)
        if fmt == "xlsx":
            return _read_workbook("xlsx", XlsxWorkbook(path, attachment.file), path, attachment)
        if fmt == "odt":
            return _read_text_document("odt", odt_lines(path), attachment)
        if fmt == "ods":
            return _read_workbook("ods", OdsWorkbook(path, attachment.file), path, attachment)
    except _Encrypted:
        return _problem(attachment, "encrypted", f"{format_name(fmt)} er kryptert eller passordbeskyttet.")
    except Exception as error:  # noqa: BLE001 - any parser failure on a bad file is "corrupt", not a crash
        return _problem(attachment, "corrupt",
                        f"{format_name(fmt)} er skadet og kunne ikke leses ({type(error).__name__}).")
    return _other_format(path, fmt, attachment)


class _Encrypted(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _other_format(path: Path, fmt: Format, attachment: Attachment) -> Attachment:
    if fmt == "ole":
        if _is_encrypted_ooxml(path):
            return _problem(attachment, "encrypted", "Office-filen er kryptert eller passordbeskyttet.")
        return _problem(attachment, "unsupported",
                        "Filen er i et eldre Office-format (.doc/.xls) som ikke leses automatisk; be om .docx/.xlsx.")
    if fmt == "empty":
        return _problem(attachment, "corrupt", "Filen er tom.")
    if fmt in ("image", "text"):
        attachment.reason = f"{format_name(fmt).capitalize()}, ikke et dokument som leses automatisk"
        return attachment
    return _problem(attachment, "unsupported", f"Filformatet er ukjent ({format_name(fmt)}) og kan ikke leses.")


def _is_encrypted_ooxml(path: Path) -> bool:
    return "EncryptedPackage".encode("utf-16-le") in path.read_bytes()[:2_000_000]


def _read_pdf(path: Path, attachment: Attachment) -> Attachment:
    try:
        lines, _pages = pdf_lines(path)
    except Exception as error:
        if _pdf_is_encrypted(path) or "password" in type(error).__name__.lower():
            raise _Encrypted from error
        raise
    if sum(len(line.text) for line in lines) < _MIN_TEXT_CHARS:
        return _problem(attachment, "no-text-layer",
                        "PDF-en har ikke tekstlag (trolig skannet); innholdet må leses manuelt.")
    return _read_text_document("pdf", lines, attachment)


def _pdf_is_encrypted(path: Path) -> bool:
    return re.search(rb"/Encrypt\s", path.read_bytes()[-100_000:]) is not None


def _read_docx(path: Path, attachment: Attachment) -> Attachment:
    lines, hidden_text = docx_lines(path)
    if hidden_text:
        attachment.flags.append("hidden-text")
    if _has_macros(path):
        attachment.flags.append("macros")
    return _read_text_document("docx", lines, attachment)


def _read_text_document(fmt: Format, lines: list[Line], attachment: Attachment) -> Attachment:
    kind, reason = classify_text(fmt, [line.text for line in lines])
    attachment.kind = kind  # type: ignore[assignment]
    attachment.reason = reason
    if kind == "agreement":
        attachment.agreement = read_agreement(lines, attachment.file)
        attachment.hpr_number = attachment.agreement.hpr_number.value
    elif kind == "training_plan":
        attachment.training_plan = read_training_plan(lines, attachment.file)
        attachment.hpr_number = attachment.training_plan.hpr_number.value
    return attachment


def _read_workbook(fmt: Format, book: Workbook, path: Path, attachment: Attachment) -> Attachment:
    if not book.sheet_names:
        return _problem(attachment, "corrupt", "Regnearket har ingen lesbare ark.")
    if _has_macros(path):
        attachment.flags.append("macros")
    sheets = {sheet: book.grid(sheet, rows=30) for sheet in book.sheet_names}
    kind, reason = classify_workbook(fmt, sheets)
    attachment.kind = kind  # type: ignore[assignment]
    attachment.reason = reason
    if kind == "budget":
        attachment.budget = read_budget(book)
    return attachment


def _has_macros(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.lower().endswith("vbaproject.bin") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
