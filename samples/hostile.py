"""Hostile and broken attachments, built in memory: the file cases 1-27 of RELIABILITY.md.

Every builder returns the bytes of one small file (the bombs are kilobytes
that inflate to hundreds of megabytes); nothing large is ever committed.
`CASES` names each case's file; the tests say what each must end as.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import docx
import openpyxl
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

AGREEMENT_TEXT = ["ALIS-avtale", "Avtaleparter: Eksempel kommune og lege", "HPR-nummer: 1234567",
                  "Avtalen gjelder fra 01.09.2024"]
XLSX_MARKER = "KUN-I-REGNEARKET"


# --- PDF ----------------------------------------------------------------------------------------

def text_pdf(lines: list[str] = AGREEMENT_TEXT, pages: int = 1, encrypt: StandardEncryption | None = None) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt=encrypt)
    for _ in range(pages):
        for number, line in enumerate(lines):
            page.drawString(72, 760 - 18 * number, line)
        page.showPage()
    page.save()
    return out.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, header: bytes = b"") -> bytes:
    return b"<< " + header + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _one_page(content: bytes, resources: bytes = b"<< /Font << /F1 4 0 R >> >>", extra: list[bytes] = ()) -> bytes:
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        content,
        *extra,
    ])


def deflate_repeated(byte: int, chunk: int, times: int) -> bytes:
    """A zlib stream of `chunk * times` copies of one byte, built without compressing them all.

    After a full flush the compressor forgets its history, so every further
    chunk compresses to the same block; the Adler-32 of a constant run has a
    closed form.
    """
    data = bytes([byte]) * chunk
    compressor = zlib.compressobj(9)
    first = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
    n = chunk * times
    a = (1 + n * byte) % 65521
    b = (n + byte * n * (n + 1) // 2) % 65521
    return first + block * (times - 1) + b"\x03\x00" + struct.pack(">I", (b << 16) | a)


def image_only_pdf() -> bytes:
    """A scan: one gray image drawn on the page, no text operators."""
    pixels = zlib.compress(bytes([128]) * 64 * 64)
    image = _stream(pixels, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
                            b"/BitsPerComponent 8 /Filter /FlateDecode")
    return _one_page(_stream(b"q 500 0 0 700 50 50 cm /Im1 Do Q"), b"<< /XObject << /Im1 6 0 R >> >>", [image])


def self_referencing_page_tree_pdf() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def circular_xobject_pdf() -> bytes:
    form = _stream(b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] "
                              b"/Resources << /XObject << /X1 6 0 R >> >>")
    return _one_page(_stream(b"BT /F1 12 Tf 72 760 Td (ALIS-avtale mellom kommunen og legen) Tj ET /X1 Do"),
                     b"<< /Font << /F1 4 0 R >> /XObject << /X1 6 0 R >> >>", [form])


@lru_cache(maxsize=None)
def flate_bomb_pdf(megabytes: int = 300) -> bytes:
    """A content stream of spaces that inflates to `megabytes` MB (about 300 KB of PDF)."""
    return _one_page(_stream(deflate_repeated(0x20, 1 << 20, megabytes), b"/Filter /FlateDecode"))


@lru_cache(maxsize=None)
def double_flate_bomb_pdf() -> bytes:
    """2 GiB of zeros compressed twice: a few kilobytes of PDF."""
    inner = deflate_repeated(0, 1 << 20, 2048)
    return _one_page(_stream(zlib.compress(inner, 9), b"/Filter [/FlateDecode /FlateDecode]"))


@lru_cache(maxsize=None)
def operator_bomb_pdf(operators: int = 600_000) -> bytes:
    content = b"BT /F1 1 Tf " + b"1 0 Td (x) Tj " * operators + b"ET"
    return _one_page(_stream(zlib.compress(content, 9), b"/Filter /FlateDecode"))


@lru_cache(maxsize=None)
def many_pages_pdf(pages: int = 3000) -> bytes:
    first = 4
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               _stream(b"BT /F1 12 Tf 72 760 Td (side) Tj ET")]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    return raw_pdf(objects)


def polyglot_pdf_xlsx() -> bytes:
    """A valid PDF followed by a valid xlsx: PDF readers read from the start, zip readers from the end."""
    return text_pdf() + simple_xlsx([["Budsjett", XLSX_MARKER]])


def write_oversize(path: Path, size: int = 60 << 20) -> Path:
    """A sparse file of `size` bytes behind a PDF header: large on paper, nothing on disk."""
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(size)
    return path


# --- OOXML --------------------------------------------------------------------------------------

def simple_xlsx(rows: list[list[object]], sheet: str = "Ark1") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def simple_docx(paragraphs: list[str] = AGREEMENT_TEXT) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_part(container: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one part's bytes passed through `edit` (or added, from b"")."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(container)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            data = source.read(name)
            target.writestr(name, edit(data) if name == part else data)
        if part not in names:
            target.writestr(part, edit(b""))
    return out.getvalue()


_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10)) + b"]>")


def _after_declaration(xml: bytes, insert: bytes) -> bytes:
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + insert + xml[end:]


def billion_laughs_xlsx() -> bytes:
    def edit(xml: bytes) -> bytes:
        xml = _after_declaration(xml, _LAUGHS)
        return xml.replace(b"<v>", b"<is><t>&lol9;</t></is><v>", 1) if b"<v>" in xml else xml
    return replace_part(simple_xlsx([["Budsjett", 1]]), "xl/worksheets/sheet1.xml", edit)


def xxe_docx() -> bytes:
    def edit(xml: bytes) -> bytes:
        xml = _after_declaration(xml, b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>')
        return xml.replace(b"ALIS-avtale</w:t>", b"ALIS-avtale &xxe;</w:t>", 1)
    return replace_part(simple_docx(), "word/document.xml", edit)


def attribute_laughs_docx() -> bytes:
    def edit(xml: bytes) -> bytes:
        return _after_declaration(xml, _LAUGHS).replace(b"<w:p>", b'<w:p w14:paraId="&lol9;">', 1)
    return replace_part(simple_docx(), "word/document.xml", edit)


def zip_bomb_docx(megabytes: int = 400) -> bytes:
    """document.xml padded with `megabytes` MB of spaces, streamed into the zip (about 400 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(simple_docx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                                  compresslevel=1) as target:
        for name in source.namelist():
            if name != "word/document.xml":
                target.writestr(name, source.read(name))
                continue
            with target.open(name, "w", force_zip64=True) as part:
                xml = source.read(name)
                part.write(xml[: xml.index(b"<w:body>")])
                spaces = b" " * (1 << 20)
                for _ in range(megabytes):
                    part.write(spaces)
                part.write(xml[xml.index(b"<w:body>"):])
    return out.getvalue()


def element_bomb_docx(paragraphs: int = 5_000_000) -> bytes:
    def edit(xml: bytes) -> bytes:
        return xml.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * paragraphs, 1)
    return replace_part(simple_docx(), "word/document.xml", edit)


def formula_without_value_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budsjett"
    sheet.append(["Navn", "Søknadsbeløp", "Dobbelt"])
    sheet["A2"], sheet["B2"], sheet["C2"] = "Lege", 1000, "=B2*2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def macro_xlsm() -> bytes:
    """A workbook with a VBA project and an external link part; neither may ever run or be fetched."""
    with_macro = replace_part(simple_xlsx([["Budsjett", 1]]), "xl/vbaProject.bin", lambda _: ole_container(["VBA"]))
    link = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    return replace_part(with_macro, "xl/externalLinks/externalLink1.xml", lambda _: link)


def far_cell_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Budsjett"
    book.active["XFD1048576"] = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def million_rows_xlsx(rows: int = 1_000_000) -> bytes:
    def edit(xml: bytes) -> bytes:
        body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, rows + 1))
        start, end = xml.index(b"<sheetData"), xml.index(b"</sheetData>") + len(b"</sheetData>")
        return xml[:start] + b"<sheetData>" + body + b"</sheetData>" + xml[end:]
    return replace_part(simple_xlsx([[1]]), "xl/worksheets/sheet1.xml", edit)


HIDDEN_HPR = "7654321"
INSERTED_TEXT = "Tilføyd i sporede endringer"


def hidden_content_docx() -> bytes:
    """A plan whose HPR number stands only in a table, with a header, tracked changes and hidden text."""
    document = docx.Document()
    document.add_paragraph("Individuell utdanningsplan")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Navn", "Kari Nordmann"
    table.cell(1, 0).text, table.cell(1, 1).text = "HPR-nummer", HIDDEN_HPR
    document.sections[0].header.paragraphs[0].text = "Utdanningsplan ALIS"
    document.add_paragraph("Læringsaktiviteter og veileder")
    document.add_paragraph("Skjult tekst").runs[0].font.hidden = True
    white = document.add_paragraph().add_run("hvit tekst i 1 punkt")
    white.font.size = 12700
    out = io.BytesIO()
    document.save(out)
    tracked = (b'<w:p><w:ins w:id="1" w:author="x" w:date="2024-01-01T00:00:00Z"><w:r><w:t>' + INSERTED_TEXT.encode()
               + b'</w:t></w:r></w:ins><w:del w:id="2" w:author="x" w:date="2024-01-01T00:00:00Z"><w:r>'
               b'<w:delText>Slettet tekst</w:delText></w:r></w:del></w:p>')
    return replace_part(out.getvalue(), "word/document.xml",
                        lambda xml: xml.replace(b"<w:sectPr", tracked + b"<w:sectPr", 1))


# --- OLE compound files ---------------------------------------------------------------------------

def ole_container(streams: list[str], size: int = 0, embedded: str = "") -> bytes:
    """A compound file whose directory names `streams`, each declaring `size` bytes it does not hold.

    How .doc, .xls and encrypted OOXML begin: one FAT sector, one directory
    sector; enough for any reader of the directory, and nothing for a parser.
    `embedded` names a stream inside an object storage under the top (an embedded
    document, as Office keeps one); then the root points at its children as Office writes it.
    """
    if embedded:
        return _with_embedded(streams[:1], size, embedded)
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)  # minor, major version, byte order, sector shift
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<III", header, 44, 1, 1, 0)  # FAT sectors, first directory sector, transaction
    struct.pack_into("<IIIII", header, 56, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 76, 0, *([0xFFFFFFFF] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([0xFFFFFFFF] * 126))
    names = ["Root Entry", *streams][:4]
    directory = b"".join(_directory_entry(name, 5 if i == 0 else 2, i + 1 if i + 1 < len(names) else 0xFFFFFFFF,
                                          size if i else 0) for i, name in enumerate(names))
    return bytes(header) + fat + directory.ljust(512, b"\0")


def _directory_entry(name: str, kind: int, sibling: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, 0xFFFFFFFF, sibling if kind in (1, 2) else 0xFFFFFFFF, child)
    struct.pack_into("<II", entry, 116, 0xFFFFFFFE, size)
    return bytes(entry)


def _with_embedded(streams: list[str], size: int, embedded: str) -> bytes:
    """Root -> the main stream and an object storage beside it (its right sibling) -> `embedded`."""
    plain = ole_container(streams, size)
    directory = (_directory_entry("Root Entry", 5, 0xFFFFFFFF, 0, child=1)
                 + _directory_entry(streams[0], 2, 2, size)
                 + _directory_entry("MBD0001A2B3", 1, 0xFFFFFFFF, 0, child=3)
                 + _directory_entry(embedded, 2, 0xFFFFFFFF, size))
    return plain[:1024] + directory


@dataclass(frozen=True)
class Case:
    number: int
    name: str  # the attachment's file name as sent
    build: Callable[[], bytes]


CASES = [
    Case(1, "brev.pdf", lambda: b"<html><body>Avtale</body></html>"),
    Case(1, "tom.pdf", lambda: b""),
    Case(2, "avkuttet.pdf", lambda: text_pdf()[: len(text_pdf()) // 2]),
    Case(3, "passord.pdf", lambda: text_pdf(encrypt=StandardEncryption("bruker", "eier"))),
    Case(4, "eierpassord.pdf", lambda: text_pdf(encrypt=StandardEncryption("", "eier"))),
    Case(5, "skannet.pdf", image_only_pdf),
    Case(6, "sidetre.pdf", self_referencing_page_tree_pdf),
    Case(7, "sirkel.pdf", circular_xobject_pdf),
    Case(8, "flatebombe.pdf", flate_bomb_pdf),
    Case(9, "dobbelbombe.pdf", double_flate_bomb_pdf),
    Case(10, "operatorbombe.pdf", operator_bomb_pdf),
    Case(11, "tusensider.pdf", many_pages_pdf),
    Case(12, "polyglott.pdf", polyglot_pdf_xlsx),
    Case(14, "latter.xlsx", billion_laughs_xlsx),
    Case(15, "xxe.docx", xxe_docx),
    Case(16, "latter-attributt.docx", attribute_laughs_docx),
    Case(17, "zipbombe.docx", zip_bomb_docx),
    Case(18, "elementbombe.docx", element_bomb_docx),
    Case(19, "kryptert.docx", lambda: ole_container(["EncryptionInfo", "EncryptedPackage"], 4096)),
    Case(19, "gammel.doc", lambda: ole_container(["WordDocument", "1Table"])),
    Case(20, "regneark.docx", lambda: simple_xlsx([["Budsjett", "Søknadsbeløp"], ["Lege", 1000]], sheet="Budsjett")),
    Case(20, "gammel.xls", lambda: ole_container(["Workbook"])),
    Case(21, "formel.xlsx", formula_without_value_xlsx),
    Case(22, "makro.xlsm", macro_xlsm),
    Case(23, "fjern-celle.xlsx", far_cell_xlsx),
    Case(23, "millionrader.xlsx", million_rows_xlsx),
    Case(24, "skjult.docx", hidden_content_docx),
]
