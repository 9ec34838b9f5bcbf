"""Reading one attachment: what it is decided from its content, then its record (extractors/__init__.py).

Never raises for a bad file: what went wrong is in the record (Attachment.problem).
"""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from extractors.agreement import read_agreement
from extractors.classify import Format, classify_text, classify_workbook, format_name, sniff
from extractors.convert import converted
from extractors.docx_text import docx_lines
from extractors.fields import Line
from extractors.models import Attachment, ExtractionProblem
from extractors import ocr
from extractors.pdf_text import pdf_lines
from extractors.training_plan import read_training_plan
from extractors.odf import OdsWorkbook, odt_lines
from extractors.safety import LIMITS, Rejected, check_pdf, check_zip, ole_kind, problem
from extractors.workbook import Workbook, XlsWorkbook, XlsxWorkbook
from extractors.xlsx_budget import budget_table, read_budget


MAX_BYTES = LIMITS.file_bytes
_MIN_TEXT_CHARS = 20
# extensions that promise a document; a file so named holding plain text or unknown bytes is mislabelled
_DOCUMENT_SUFFIXES = {".pdf", ".docx", ".docm", ".doc", ".xlsx", ".xlsm", ".xls", ".odt", ".ods"}


def _unreadable(attachment: Attachment, found: ExtractionProblem, fmt: Format | None = None) -> Attachment:
    """The reason keeps what the bytes showed, so a caseworker sees a "PDF" that failed, not just a failure."""
    attachment.kind = "unreadable"
    attachment.problem = found
    attachment.reason = f"{_capitalised(fmt)} (etter innholdet) som ikke kunne leses" if fmt else "Kunne ikke leses"
    return attachment


def read_attachment(path: Path, name: str | None = None) -> Attachment:
    """Classify one attachment by its content and extract its record; never raises for a bad file.

    The safety checks (extractors/safety.py) run first; a MemoryError is let
    through so the isolating parent reports the memory limit, not corruption.
    """
    path = Path(path)
    file = name or path.name
    try:
        size = path.stat().st_size
        attachment = Attachment(file=file, sha256=_sha256(path), kind="other")
    except OSError:
        return _unreadable(Attachment(file=file, sha256="", kind="unreadable"), problem("corrupt", name="Filen"))
    if size > LIMITS.file_bytes:
        return _unreadable(attachment, problem("too-large", limit=LIMITS.file_bytes // 1_000_000))
    fmt = sniff(path)
    try:
        return _read(path, fmt, attachment)
    except Rejected as rejected:
        return _unreadable(attachment, rejected.problem, fmt)
    except Exception as error:  # noqa: BLE001 - any parser failure on a bad file is "corrupt", not a crash
        if _out_of_memory(error):
            raise MemoryError from error
        return _unreadable(attachment, problem("corrupt", name=_capitalised(fmt)), fmt)


def _read(path: Path, fmt: Format, attachment: Attachment) -> Attachment:
    if fmt == "pdf":
        attachment.flags.extend(check_pdf(path, _capitalised(fmt)))
        return _read_pdf(path, attachment)
    if fmt in ("docx", "xlsx", "odt", "ods"):
        attachment.flags.extend(check_zip(path, _capitalised(fmt)))
    if fmt == "docx":
        return _read_docx(path, attachment)
    if fmt == "xlsx":
        return _read_workbook("xlsx", XlsxWorkbook(path, attachment.file), attachment)
    if fmt == "odt":
        return _read_text_document("odt", odt_lines(path), attachment)
    if fmt == "ods":
        return _read_workbook("ods", OdsWorkbook(path, attachment.file), attachment)
    if fmt == "ole":
        return _read_ole(path, attachment)
    if fmt == "image":
        return _read_image(path, attachment)
    return _other_format(fmt, attachment)


def _xlrd_installed() -> bool:
    return importlib.util.find_spec("xlrd") is not None


def _capitalised(fmt: Format) -> str:
    label = format_name(fmt)
    return label[:1].upper() + label[1:]


def _out_of_memory(error: BaseException | None) -> bool:
    """pdfminer wraps a failed allocation in its own exception; the cause still says MemoryError.
    onnxruntime (OCR) says std::bad_alloc in its message."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, MemoryError) or any(isinstance(arg, MemoryError) for arg in getattr(error, "args", ())):
            return True
        if "std::bad_alloc" in str(error):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _other_format(fmt: Format, attachment: Attachment) -> Attachment:
    suffix = Path(attachment.file).suffix.lower()
    if fmt == "empty":
        return _unreadable(attachment, problem("empty"), fmt)
    if fmt in ("text", "unknown") and suffix in _DOCUMENT_SUFFIXES:
        return _unreadable(attachment, problem("type-mismatch", ext=suffix, actual=format_name(fmt)), fmt)
    if fmt == "text":
        attachment.reason = f"{_capitalised(fmt)}, ikke et dokument som leses automatisk"
        return attachment
    return _unreadable(attachment, problem("unsupported", name=format_name(fmt)), fmt)


def _read_ole(path: Path, attachment: Attachment) -> Attachment:
    """Encrypted OOXML is refused; .xls is read by xlrd, and what xlrd cannot parse (a record it
    does not know) goes through LibreOffice like .doc, when it is installed."""
    legacy = ole_kind(path)
    if legacy == "encrypted":
        raise Rejected("encrypted", name="Office-filen")
    xlrd_failure: Exception | None = None
    if legacy == "xls" and _xlrd_installed():
        try:
            book = XlsWorkbook(path, attachment.file)
        except (Rejected, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - any xlrd failure: LibreOffice may still read the file
            xlrd_failure = error
        else:
            attachment.flags.append("legacy-xls")
            return _read_workbook("xls", book, attachment)
    with converted(path, legacy) as modern:
        if modern is None and xlrd_failure is not None:
            raise xlrd_failure
        if modern is None:
            names = {"doc": ".doc (Word 97–2003)", "xls": ".xls (Excel 97–2003)", "ppt": ".ppt (PowerPoint)"}
            raise Rejected("legacy-format", name=names.get(legacy, "eldre Office-fil"))
        attachment.flags.append(f"converted-from-{legacy}")
        fmt = sniff(modern)
        attachment.flags.extend(check_zip(modern, _capitalised(fmt)))
        if fmt == "docx":
            return _read_docx(modern, attachment)
        return _read_workbook("xlsx", XlsxWorkbook(modern, attachment.file), attachment)


def _read_pdf(path: Path, attachment: Attachment) -> Attachment:
    """The kind from the first pages; the rest is read only for an agreement or a plan, up to a cap
    (flagged "pages-capped"), so a report of hundreds of pages costs what its first pages cost.
    Pages that are only a picture are read by OCR: all of a scan, or the signed page scanned into an
    otherwise typed file."""
    first = LIMITS.pdf_classify_pages
    lines, pages, read = _pdf_pages(path, 1, first, ocr.OcrPages())
    if _characters(lines) >= _MIN_TEXT_CHARS:
        kind, _reason = classify_text("pdf", [line.text for line in lines])
        if kind in ("agreement", "training_plan") and pages > first:
            more, _pages, read = _pdf_pages(path, first + 1, LIMITS.pdf_read_pages, read)
            lines += more
            if pages > LIMITS.pdf_read_pages:
                attachment.flags.append("pages-capped")
    if read.read or read.skipped:
        _note_ocr(attachment, read)
    if _characters(lines) < _MIN_TEXT_CHARS:
        return _unreadable(attachment, problem("no-text-layer"), "pdf")
    return _with_ocr_note(_read_text_document("pdf", lines, attachment))


def _pdf_pages(path: Path, first: int, last: int, read: ocr.OcrPages) -> tuple[list[Line], int, ocr.OcrPages]:
    """Pages `first` to `last`: the text layer, and OCR of those that are only a picture (all of them
    when the range holds next to no text), added to what OCR read before."""
    lines, pages = pdf_lines(path, first=first, last=last)
    wanted = range(first, min(last, pages) + 1)
    with_text = {line.where for line in lines}
    if _characters(lines) < _MIN_TEXT_CHARS:
        scanned = list(wanted)
    elif len(with_text) < len(wanted):
        scanned = [n for n in ocr.image_only_pages(path) if n in wanted and f"s. {n}" not in with_text]
    else:
        scanned = []
    if not scanned:
        return lines, pages, read
    more = ocr.read_pdf_pages(path, scanned, already_read=len(read.read))
    return sorted(lines + more.lines, key=_page_number), pages, read.merged(more)


def _read_image(path: Path, attachment: Attachment) -> Attachment:
    """A photographed or scanned page sent as a picture: read by OCR, a document if its words say so.

    A picture that cannot be decoded stays `other`: were it the agreement, the missing agreement
    is its own finding; any other picture need not stop the case."""
    try:
        read = ocr.read_image_file(path)
    except (OSError, ValueError, SyntaxError):  # what Pillow raises for a broken or truncated image
        attachment.reason = "Bilde som ikke kunne åpnes (skadet fil), ikke et dokument som leses automatisk"
        return attachment
    _note_ocr(attachment, read)
    if read.characters < _MIN_TEXT_CHARS:
        attachment.reason = "Bilde uten lesbar tekst, ikke et dokument som leses automatisk"
        return attachment
    return _with_ocr_note(_read_text_document("image", read.lines, attachment))


def _characters(lines: list[Line]) -> int:
    return sum(len(line.text) for line in lines)


def _page_number(line: Line) -> int:
    return int(line.where.removeprefix("s. "))


def _note_ocr(attachment: Attachment, read: ocr.OcrPages) -> None:
    """The OCR reading kept on the attachment; the flag only when OCR found text to use."""
    attachment.ocr = read.reading()
    if read.characters >= _MIN_TEXT_CHARS:
        attachment.flags.append("ocr")


def _with_ocr_note(attachment: Attachment) -> Attachment:
    """The reason says how sure OCR was, so the caseworker sees it beside the file."""
    if "ocr" in attachment.flags and attachment.ocr is not None:
        attachment.reason = f"{attachment.reason}; {attachment.ocr.summary()}"
    return attachment


def _read_docx(path: Path, attachment: Attachment) -> Attachment:
    lines, hidden_text = docx_lines(path)
    if hidden_text:
        attachment.flags.append("hidden-text")
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


def _read_workbook(fmt: Format, book: Workbook, attachment: Attachment) -> Attachment:
    if not book.sheet_names:
        return _unreadable(attachment, problem("corrupt", name="Regnearket"))
    kind, reason = classify_workbook(fmt, book.grids(rows=30))  # type: ignore[arg-type]
    found = budget_table(book) if kind != "budget" else None  # no budget word: a table of doctors still is one
    if found is not None:
        kind, reason = "budget", f"{_capitalised(fmt)} med {found[1]}"
    attachment.kind = kind  # type: ignore[assignment]
    attachment.reason = reason
    if kind == "budget":
        attachment.budget = found[0] if found is not None else read_budget(book)
        if book.unstored_formulas:
            attachment.flags.append("formulas-recomputed")
    return attachment
