"""The same small writer API as docx_doc.DocxBuilder, producing an OpenDocument text (.odt).

Municipalities on LibreOffice send their agreements as .odt. The ODF XML is
written here directly (no odfpy), with what LibreOffice documents carry:
headings, tables whose first row is a repeated header row, a letterhead in
the page header (styles.xml), and blocks of fields set in a frame (a text box
anchored in a paragraph) rather than in the body. Spaces and tabs are written
as ODF elements, as LibreOffice saves them. Output is byte-deterministic.
"""
from __future__ import annotations

import io
import random
import re
import zipfile
from xml.sax.saxutils import escape

from samples.generator.office_zip import FIXED_TIME

MIMETYPE = b"application/vnd.oasis.opendocument.text"
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
       'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"')
_AUTOMATIC = ('<office:automatic-styles>'
              '<style:style style:name="PageBreak" style:family="paragraph">'
              '<style:paragraph-properties fo:break-before="page"/></style:style>'
              '<style:style style:name="Ramme" style:family="graphic"><style:graphic-properties '
              'fo:border="0.5pt solid #808080" fo:padding="1mm"/></style:style>'
              '</office:automatic-styles>')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
             'manifest:version="1.3">'
             '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


def _spans(text: str) -> str:
    """Text as ODF writes it: a run of spaces is one space and <text:s/>, a tab is <text:tab/>."""
    out = []
    for part in re.split(r"(\t| {2,})", text):
        if part == "\t":
            out.append("<text:tab/>")
        elif part.startswith("  "):
            out.append(f' <text:s text:c="{len(part) - 1}"/>')
        else:
            out.append(escape(part))
    return "".join(out)


def _p(text: str, style: str = "") -> str:
    attr = f' text:style-name="{style}"' if style else ""
    return f"<text:p{attr}>{_spans(text)}</text:p>"


class OdtBuilder:
    """Draws per document (from `rng`) whether its field blocks stand in a frame."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.body: list[str] = []
        self.header_xml = ""
        self.footer_xml = ""
        self.leaders = ""  # a fill-in line or dot leaders between label and value ("Navn ______ Kari")
        self.framed_fields = rng.random() < 0.6 if rng else False
        self._tables = 0
        self._frames = 0

    def title(self, text: str) -> None:
        self.body.append(f'<text:h text:outline-level="1">{_spans(text)}</text:h>')

    def heading(self, text: str) -> None:
        self.body.append(f'<text:h text:outline-level="2">{_spans(text)}</text:h>')

    def para(self, text: str) -> None:
        self.body.append(_p(text))

    def space(self, height_mm: float = 4) -> None:
        self.body.append("<text:p/>")

    def page_break(self) -> None:
        self.body.append('<text:p text:style-name="PageBreak"/>')

    def header(self, text: str) -> None:
        self.header_xml = _p(text)

    def footer(self, text: str) -> None:
        self.footer_xml = _p(text)

    def _table_xml(self, rows: list[list[str]], header: bool) -> str:
        self._tables += 1
        count = max(len(r) for r in rows)

        def row(cells: list[str]) -> str:
            return "<table:table-row>" + "".join(
                f'<table:table-cell office:value-type="string">{_p(c)}</table:table-cell>'
                for c in cells + [""] * (count - len(cells))) + "</table:table-row>"

        head = f"<table:table-header-rows>{row(rows[0])}</table:table-header-rows>" if header else ""
        rest = rows[1:] if header else rows
        return (f'<table:table table:name="Tabell{self._tables}">'
                f'<table:table-column table:number-columns-repeated="{count}"/>'
                + head + "".join(row(r) for r in rest) + "</table:table>")

    def table(self, rows: list[list[str]], header: bool = False, widths: list[float] | None = None) -> None:
        """A table; a first row given as `header` is the repeated header row LibreOffice writes."""
        self.body.append(self._table_xml(rows, header))

    def fields(self, pairs: list[tuple[str, str]], as_table: bool, layout: str = "") -> None:
        """Label and value pairs like DocxBuilder.fields; in a framed document they stand in a text box."""
        layout = layout or ("table" if as_table else "lines")
        if layout == "table":
            blocks = [self._table_xml([[k.rstrip(": "), v] for k, v in pairs], False)]
        elif layout == "two-column":
            rows = [[*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))] for i in range(0, len(pairs), 2)]
            blocks = [self._table_xml(rows, False)]
        elif layout == "above":
            blocks = [self._table_xml([[k.rstrip(": ") for k, _ in pairs[i:i + 3]], [v for _, v in pairs[i:i + 3]]],
                                      True) for i in range(0, len(pairs), 3)]
        else:
            blocks = [_p(f"{k} {self.leaders} {v}" if self.leaders else f"{k} {v}") for k, v in pairs]
        if not self.framed_fields:
            self.body.extend(blocks)
            return
        self._frames += 1
        self.body.append(f'<text:p><draw:frame draw:name="Ramme{self._frames}" draw:style-name="Ramme" '
                         f'text:anchor-type="paragraph" svg:width="165mm"><draw:text-box>'
                         + "".join(blocks) + "</draw:text-box></draw:frame></text:p>")

    def _content(self) -> bytes:
        return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>{_AUTOMATIC}'
                f'<office:body><office:text>{"".join(self.body)}</office:text></office:body>'
                f"</office:document-content>").encode("utf-8")

    def _styles(self) -> bytes:
        header = f"<style:header>{self.header_xml}</style:header>" if self.header_xml else ""
        footer = f"<style:footer>{self.footer_xml}</style:footer>" if self.footer_xml else ""
        return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS}>'
                '<office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties '
                'fo:page-width="210mm" fo:page-height="297mm" fo:margin="20mm"/></style:page-layout>'
                '</office:automatic-styles><office:master-styles>'
                f'<style:master-page style:name="Standard" style:page-layout-name="A4">{header}{footer}'
                "</style:master-page></office:master-styles></office:document-styles>").encode("utf-8")

    def bytes(self) -> bytes:
        """The package: `mimetype` first and stored, as the ODF standard asks."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(zipfile.ZipInfo("mimetype", FIXED_TIME), MIMETYPE, zipfile.ZIP_STORED)
            for name, data in (("content.xml", self._content()), ("styles.xml", self._styles()),
                               ("META-INF/manifest.xml", _MANIFEST.encode("utf-8"))):
                archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
        return out.getvalue()
