"""What a file is, decided from its bytes and its words, never from its name.

First the container by magic bytes (PDF, OOXML zip parts, OLE, ODF), then
the kind by keywords in its text. The reason is kept, in Norwegian, for the
caseworker. A compound (OLE) file is told apart further by its directory
(extractors/safety.py: encrypted OOXML, .doc, .xls).
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Literal

from extractors.labels import header_matches, header_starts_with, label_inside, tables

Format = Literal["pdf", "docx", "xlsx", "odt", "ods", "ole", "xls", "zip", "image", "text", "empty", "unknown"]

_FORMAT_NAMES = {
    "pdf": "PDF", "docx": "Word-dokument", "xlsx": "regneark", "odt": "OpenDocument-tekst",
    "ods": "OpenDocument-regneark", "ole": "eldre Office-fil (.doc/.xls)", "xls": "regneark i eldre format (.xls)",
    "zip": "zip-arkiv", "image": "bilde", "text": "tekstfil", "empty": "tom fil", "unknown": "ukjent filformat",
}


def format_name(fmt: Format) -> str:
    return _FORMAT_NAMES[fmt]


def sniff(path: Path) -> Format:
    """The container format from the first bytes and, for zips, the parts inside."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    if head.startswith(b"PK"):
        return _zip_format(path)
    if _looks_like_text(head):
        return "text"
    return "unknown"


# An Office package's main part by its content type, for packages that keep it elsewhere than
# Excel and Word do (a workbook at the root, names with backslashes, written by other programs).
_MAIN_CONTENT_TYPES = ((b"spreadsheetml.sheet.main", "xlsx"), (b"spreadsheetml.template.main", "xlsx"),
                       (b"ms-excel.sheet.macroenabled.main", "xlsx"), (b"wordprocessingml.document.main", "docx"))


def _zip_format(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.replace("\\", "/").lower(): name for name in archive.namelist()}
            mimetype = _head(archive, names.get("mimetype")).decode("ascii", "replace")
            content_types = _head(archive, names.get("[content_types].xml")).lower()
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError, EOFError, zlib.error):
        return "unknown"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "opendocument.text" in mimetype:
        return "odt"
    if "opendocument.spreadsheet" in mimetype:
        return "ods"
    return next((fmt for marker, fmt in _MAIN_CONTENT_TYPES if marker in content_types), "zip")


def _head(archive: zipfile.ZipFile, name: str | None) -> bytes:
    """The start of a small part, read with a cap (these checks run before the zip's own)."""
    if name is None:
        return b""
    with archive.open(name) as part:
        return part.read(65_536)


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _quoted(words: list[str]) -> str:
    return " og ".join(f"«{w}»" for w in words)


def _found(words: list[str], text: str) -> list[str]:
    """The words that occur in the text as whole words ("ALIS-avtaler" is not "ALIS-avtale")."""
    return [w for w in words if label_inside(w).search(text)]


def _is_heading(line: str, most_words: int) -> bool:
    """A title line: short, not a sentence (no full stop or comma at its end), not a wrapped sentence's
    continuation (lower case). A running-text line right under a heading never counts as a title."""
    text = line.strip()
    return bool(text) and len(text.split()) <= most_words and text[-1] not in ".,;!?" and not text[0].islower()


def classify_text(fmt: Format, lines: list[str]) -> tuple[str, str]:
    """The kind of a text document (PDF, Word) and why: a heading naming it, or two of its signals,
    more than any other kind shows. Letters and advertisements have signals of their own (kind
    other), and a letter headed "Oversendelse av ALIS-avtale" is still a letter."""
    spec = tables()["classify"]
    label = format_name(fmt)
    text = "\n".join(lines)
    signals = {kind: _found(spec[kind]["signals"], text) for kind in ("training_plan", "agreement", "other")}
    best, runner_up = sorted(signals, key=lambda k: len(signals[k]), reverse=True)[:2]
    clear = len(signals[best]) >= 2 and len(signals[best]) > len(signals[runner_up])
    headings = [line for line in lines[: spec["title_lines"]] if _is_heading(line, spec["title_words"])]
    for kind in ("training_plan", "agreement"):
        named = _found(spec[kind]["title"], "\n".join(headings))
        if named and not (clear and best == "other"):
            return kind, f"{label} med tittelen «{named[0]}»"
    if clear:
        return best, f"{label} med teksten {_quoted(signals[best][:2])}"
    return "other", f"{label} uten kjennetegn på avtale, utdanningsplan eller budsjett"


def classify_workbook(fmt: Format, sheets: dict[str, list[list[object]]]) -> tuple[str, str]:
    """A spreadsheet is a budget when a sheet or a header says so."""
    spec = tables()["classify"]
    label = format_name(fmt)
    for name in sheets:
        hit = header_matches(name, spec["budget_sheets"])
        if hit:
            return "budget", f"{label} med arket «{name}»"
    for name, rows in sheets.items():
        for row in rows[:30]:
            for cell in row:
                if isinstance(cell, str):
                    hit = header_matches(cell, spec["budget_headers"]) or header_starts_with(cell, spec["budget_headers"])
                    if hit:
                        return "budget", f"{label} med overskriften «{cell.strip()}» i arket «{name}»"
    return "other", f"{label} uten budsjettark eller budsjettoverskrifter"
