"""Checks a file must pass before a parser sees it, with every limit in one place.

No parser on the list protects itself (RELIABILITY.md): pdfminer inflates
streams without bound, python-docx silently drops external entities, zipfile
trusts declared sizes. So the cheap, bounded checks run first and a file that
fails one is `unreadable` with a stable code. They run inside the isolated
child like the parsers, because they read hostile bytes too.
"""
from __future__ import annotations

import base64
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from extractors.models import ExtractionProblem


@dataclass(frozen=True)
class SafetyLimits:
    """Starting values from RELIABILITY.md; tune on the municipalities' real files."""

    file_bytes: int = 50_000_000
    pdf_pages: int = 500
    pdf_classify_pages: int = 3  # a PDF's kind is decided from its first pages
    pdf_read_pages: int = 40  # an agreement or plan is read this far; a longer one is flagged "pages-capped"
    pdf_stream_inflated: int = 50_000_000  # one non-image stream, after all its filters
    pdf_inflated_total: int = 200_000_000  # all non-image streams together
    zip_entries: int = 1_000
    zip_total_bytes: int = 200_000_000
    zip_ratio: int = 100  # inflated:compressed, checked above the grace size
    zip_ratio_grace: int = 1_000_000
    xml_prolog_bytes: int = 65_536  # a DTD can only stand before the root element
    sheet_rows: int = 100_000
    sheet_columns: int = 1_000
    sheet_cells: int = 2_000_000
    # OCR runs inside the attachment's child (pipeline/isolation.py: 60 s wall). A page takes about
    # 2.5 s of CPU (a photo held sideways up to three times that), so 8 pages (the first six and the
    # last two) and 40 s of CPU in all; the seconds are CPU time, so a busy machine skips no page a
    # free one reads (the child's wall limit still ends a file that waits too long for a core).
    ocr_pages: int = 8
    ocr_page_seconds: float = 15.0
    ocr_file_seconds: float = 40.0
    image_pixels: int = 60_000_000  # a 48-megapixel phone photo passes; a decompression bomb does not


LIMITS = SafetyLimits()

# code -> the Norwegian message the caseworker sees; codes are stable, tests and rules key on them.
MESSAGES = {
    "empty": "Filen er tom.",
    "type-mismatch": "Filen heter {ext}, men innholdet er {actual}; den leses ikke som {ext}.",
    "too-large": "Filen er større enn tillatt ({limit} MB) og leses ikke automatisk.",
    "corrupt": "{name} er skadet og kunne ikke leses.",
    "encrypted": "{name} er kryptert eller passordbeskyttet; be om en kopi uten passord.",
    "no-text-layer": "PDF-en har ikke tekstlag (trolig skannet), og OCR fant ingen lesbar tekst; innholdet må leses manuelt.",
    "image-too-large": "Bildet er større enn tillatt ({limit} megapiksler) og leses ikke automatisk.",
    "no-pages": "PDF-en har ingen sider som kan leses (ødelagt sidetre).",
    "too-many-pages": "PDF-en har flere enn {limit} sider og leses ikke automatisk.",
    "unpacks-too-large": "{name} pakker seg ut til en mistenkelig stor mengde data (mulig komprimeringsbombe).",
    "too-many-entries": "{name} består av flere enn {limit} deler og leses ikke automatisk.",
    "xml-dtd": "{name} inneholder en XML-DTD, som Office-filer aldri trenger; filen leses ikke av sikkerhetshensyn.",
    "sheet-too-large": "Regnearket har celler utenfor tillatt størrelse ({rows} rader, {columns} kolonner).",
    "legacy-format": ("Filen er i det eldre formatet {name}, som ikke kan leses automatisk; "
                      "be om .docx, .xlsx eller PDF."),
    "unsupported": "Filformatet er ukjent ({name}) og kan ikke leses.",
    "timeout": "Lesingen av filen tok for lang tid og ble stoppet.",
    "memory": "Filen krever mer minne enn tillatt å lese.",
    "crashed": "Lesingen av filen krasjet.",
    "extractor-error": "Filen kunne ikke leses på grunn av en feil i innlesingen ({error}).",
}


def problem(code: str, **details: object) -> ExtractionProblem:
    return ExtractionProblem(code=code, message=MESSAGES[code].format(**details))


class Rejected(Exception):
    """A file that failed a check; carries the problem to record."""

    def __init__(self, code: str, **details: object):
        super().__init__(code)
        self.problem = problem(code, **details)


# --- PDF --------------------------------------------------------------------------------------

_STREAM = re.compile(rb"obj\s*(<<.{0,4000}?>>)\s*stream\r?\n", re.DOTALL)
_FILTERS = re.compile(rb"/(FlateDecode|Fl|ASCII85Decode|A85|ASCIIHexDecode|AHx)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")


def check_pdf(path: Path, name: str, limits: SafetyLimits = LIMITS) -> list[str]:
    """Inflation, encryption and page count checked before pdfplumber lays out a page; returns flags."""
    data = path.read_bytes()
    _check_pdf_streams(data, name, limits)
    flags = ["polyglot-suspected"] if _zip_after_pdf_end(data) else []
    return flags + _check_pdf_document(path, name, limits)


def _check_pdf_streams(data: bytes, name: str, limits: SafetyLimits) -> None:
    """Each non-image stream is inflated through its Flate/ASCII filters under a byte cap."""
    total = 0
    for match in _STREAM.finditer(data):
        header = match.group(1)
        filters = [f for f in _FILTERS.findall(header)]
        if not filters or _IMAGE.search(header):
            continue
        end = data.find(b"endstream", match.end())
        raw = data[match.end(): end if end >= 0 else len(data)]
        total += _inflated_size(raw, filters, limits.pdf_stream_inflated)
        if total > limits.pdf_inflated_total:
            raise Rejected("unpacks-too-large", name=name)


def _inflated_size(raw: bytes, filters: list[bytes], cap: int) -> int:
    data = raw
    for kind in filters:
        try:
            if kind in (b"FlateDecode", b"Fl"):
                inflater = zlib.decompressobj()
                data = inflater.decompress(data, cap + 1)
            elif kind in (b"ASCII85Decode", b"A85"):
                data = base64.a85decode(re.sub(rb"\s", b"", data).split(b"~>")[0].removeprefix(b"<~"))
            else:
                data = bytes.fromhex(re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">")[0]).decode())
        except (zlib.error, ValueError):
            return len(data)  # a broken stream is the parser's to report, not a bomb
        if len(data) > cap:
            raise Rejected("unpacks-too-large", name="PDF-en")
    return len(data)


def _zip_after_pdf_end(data: bytes) -> bool:
    """A zip directory after the PDF's last %%EOF: the same bytes also open as an Office file."""
    end = data.rfind(b"%%EOF")
    return end >= 0 and b"PK\x05\x06" in data[end:]


def _check_pdf_document(path: Path, name: str, limits: SafetyLimits) -> list[str]:
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle))
        except PDFPasswordIncorrect as error:
            raise Rejected("encrypted", name=name) from error
        pages = 0
        for _ in PDFPage.create_pages(document):
            pages += 1
            if pages > limits.pdf_pages:
                raise Rejected("too-many-pages", limit=limits.pdf_pages)
    if pages == 0:
        raise Rejected("no-pages")
    return ["encrypted"] if document.encryption else []


# --- zip containers (OOXML, ODF) ------------------------------------------------------------------

_XML_PART = re.compile(r"(\.xml|\.rels)$", re.IGNORECASE)
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,4})([0-9]{1,8})\"")
_ROW = re.compile(rb"<(?:\w+:)?row\b")
_FLAG_PARTS = {
    "macros": re.compile(r"(^|/)vbaProject\.bin$|^Basic/|^Scripts/", re.IGNORECASE),
    "external-links": re.compile(r"^xl/externalLinks/|^xl/connections\.xml$|^xl/queryTables/", re.IGNORECASE),
}


def check_zip(path: Path, name: str, limits: SafetyLimits = LIMITS) -> list[str]:
    """Entries, sizes, ratios, DTDs and sheet bounds checked before openpyxl or python-docx; returns flags."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        _check_members(members, name, limits)
        for member in members:
            if _XML_PART.search(member.filename):
                _check_prolog(archive, member, name, limits)
            if _SHEET_PART.match(member.filename.replace("\\", "/")):
                _check_sheet(archive, member, limits)
    names = [m.filename.replace("\\", "/") for m in members]  # some writers store "xl\\worksheets\\..."
    return [flag for flag, pattern in _FLAG_PARTS.items() if any(pattern.search(n) for n in names)]


def _check_members(members: list[zipfile.ZipInfo], name: str, limits: SafetyLimits) -> None:
    if len(members) > limits.zip_entries:
        raise Rejected("too-many-entries", name=name, limit=limits.zip_entries)
    if sum(m.file_size for m in members) > limits.zip_total_bytes:
        raise Rejected("unpacks-too-large", name=name)
    for member in members:
        if member.flag_bits & 0x1:
            raise Rejected("encrypted", name=name)
        inflated, packed = member.file_size, max(member.compress_size, 1)
        if inflated > limits.zip_ratio_grace and inflated > limits.zip_ratio * packed:
            raise Rejected("unpacks-too-large", name=name)
    _check_no_overlap(members, name)


def _check_no_overlap(members: list[zipfile.ZipInfo], name: str) -> None:
    """Entries sharing bytes inflate one payload many times (CVE-2024-0450; Python 3.11.7 lacks the check)."""
    ordered = sorted(members, key=lambda m: m.header_offset)
    for first, second in zip(ordered, ordered[1:]):
        if first.header_offset + 30 + len(first.orig_filename.encode()) + first.compress_size > second.header_offset:
            raise Rejected("corrupt", name=name)


def _check_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, limits: SafetyLimits) -> None:
    """Reads only up to the root element: a DOCTYPE, if any, stands before it."""
    with archive.open(member) as stream:
        head = stream.read(limits.xml_prolog_bytes)
    text = _decode_prolog(head)
    position = 0
    while True:
        position = _skip_space(text, position)
        if text.startswith("<?", position):
            closing = "?>"
        elif text.startswith("<!--", position):
            closing = "-->"
        elif text.startswith("<!", position):
            raise Rejected("xml-dtd", name=name)
        else:
            return  # the root element, text, or nothing: no DTD
        end = text.find(closing, position)
        if end < 0:
            raise Rejected("xml-dtd", name=name)  # a prolog longer than the cap hides what follows
        position = end + len(closing)


def _decode_prolog(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return head.decode("utf-16-le", "replace").lstrip("\ufeff")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return head.decode("utf-16-be", "replace").lstrip("\ufeff")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _check_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: SafetyLimits) -> None:
    """Rows, cells and the farthest cell reference counted in one streamed pass, before openpyxl."""
    rows = cells = 0
    tail = b""
    with archive.open(member) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            window = tail + block
            cut = max(len(window) - 64, 0)  # a tag split across blocks is read with the next block
            rows += len(_ROW.findall(window, 0, cut))
            for column, row in _CELL_REF.findall(window, 0, cut):
                cells += 1
                if int(row) > limits.sheet_rows or _column_number(column) > limits.sheet_columns:
                    _too_large(limits)
            if rows > limits.sheet_rows or cells > limits.sheet_cells:
                _too_large(limits)
            tail = window[cut:]
    for column, row in _CELL_REF.findall(tail):
        if int(row) > limits.sheet_rows or _column_number(column) > limits.sheet_columns:
            _too_large(limits)


def _too_large(limits: SafetyLimits) -> None:
    raise Rejected("sheet-too-large", rows=limits.sheet_rows, columns=limits.sheet_columns)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


# --- OLE compound files (legacy Office, encrypted OOXML) ----------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE


def ole_streams(path: Path) -> dict[str, int]:
    """The streams at the top of a compound file (the root storage's children) with their sizes,
    read by following its FAT chain; no stream content is ever read.

    Enough to tell encrypted OOXML (EncryptedPackage) from .doc (WordDocument) and .xls
    (Workbook): an object embedded in the file (a Word document in a workbook) keeps its own
    streams in a storage below the top, so it never decides what the file is. A directory whose
    tree cannot be followed gives every entry it holds.
    """
    data = path.read_bytes()
    if not data.startswith(_OLE_MAGIC) or len(data) < 512:
        raise Rejected("corrupt", name="Office-filen")
    sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
    if sector_size not in (512, 4096):
        raise Rejected("corrupt", name="Office-filen")
    entries = _directory(data, sector_size, _fat(data, sector_size))
    top = _children(entries, 0)
    chosen = top if top else [e for e in entries[1:] if e is not None]
    return {entry.name: entry.size for entry in chosen}


@dataclass(frozen=True)
class _Entry:
    name: str
    left: int
    right: int
    child: int
    size: int


def _directory(data: bytes, sector_size: int, fat: list[int]) -> list[_Entry | None]:
    """Every directory entry in order (None for an unused or unreadable one), so ids index it."""
    entries: list[_Entry | None] = []
    sector, seen = struct.unpack_from("<I", data, 48)[0], set()
    while sector != _END_OF_CHAIN and sector < len(fat) and sector not in seen:
        seen.add(sector)
        start = (sector + 1) * sector_size
        for offset in range(start, start + sector_size, 128):
            if offset + 128 > len(data):
                break
            length = struct.unpack_from("<H", data, offset + 64)[0]
            if 2 <= length <= 64 and data[offset + 66] in (1, 2, 5):
                left, right, child = struct.unpack_from("<III", data, offset + 68)
                name = data[offset: offset + length - 2].decode("utf-16-le", "replace")
                entries.append(_Entry(name, left, right, child, struct.unpack_from("<I", data, offset + 120)[0]))
            else:
                entries.append(None)
        sector = fat[sector]
    return entries


def _children(entries: list[_Entry | None], parent: int) -> list[_Entry]:
    """A storage's children: the tree under its child id, walked through left and right siblings."""
    if not entries or entries[parent] is None:
        return []
    found: list[_Entry] = []
    stack, seen = [entries[parent].child], set()
    while stack and len(seen) < len(entries):
        index = stack.pop()
        if index >= len(entries) or index in seen or entries[index] is None:
            continue
        seen.add(index)
        entry = entries[index]
        found.append(entry)
        stack += [entry.left, entry.right]
    return found


def _fat(data: bytes, sector_size: int) -> list[int]:
    """The sector allocation table, from the header's DIFAT and its continuation sectors."""
    difat = [s for s in struct.unpack_from("<109I", data, 76) if s < 0xFFFFFFFA]
    next_difat, seen = struct.unpack_from("<I", data, 68)[0], set()
    per_sector = sector_size // 4
    while next_difat < 0xFFFFFFFA and next_difat not in seen and (next_difat + 2) * sector_size <= len(data):
        seen.add(next_difat)
        values = struct.unpack_from(f"<{per_sector}I", data, (next_difat + 1) * sector_size)
        difat.extend(s for s in values[:-1] if s < 0xFFFFFFFA)
        next_difat = values[-1]
    fat: list[int] = []
    for sector in difat:
        offset = (sector + 1) * sector_size
        if offset + sector_size <= len(data):
            fat.extend(struct.unpack_from(f"<{per_sector}I", data, offset))
    return fat


# The main stream of each legacy format, workbook first: names are compared without regard to case,
# as programs write "Workbook", "WORKBOOK" or "Book" (Excel 5).
_MAIN_STREAMS = (("workbook", "xls"), ("book", "xls"), ("worddocument", "doc"), ("powerpoint document", "ppt"))


def ole_kind(path: Path) -> str:
    """'encrypted' (password-protected .docx/.xlsx), 'doc', 'xls', 'ppt' or 'unknown'.

    A legacy file whose main stream is empty is corrupt: no converter is started for it.
    """
    streams = {name.lower(): size for name, size in ole_streams(path).items()}
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "encrypted"
    for stream, kind in _MAIN_STREAMS:
        if stream in streams:
            if streams[stream] == 0:
                raise Rejected("corrupt", name="Office-filen")
            return kind
    return "unknown"


def assert_defused_openpyxl() -> None:
    """openpyxl guards against XML bombs only when defusedxml is present (its README)."""
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("openpyxl is running without defusedxml")
