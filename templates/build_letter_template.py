"""Build templates/vedtak-utkast.docx (the draft decision letter) and templates/bekreftelse.docx (the
confirmation a granted letter encloses) with python-docx.

The .docx files are committed so the directorate can edit their wording in Word;
this script is how they were made, so they can be rebuilt from a known state.
Every docxtpl tag sits alone in one run, so Word and docxtpl both keep it whole.

    python templates/build_letter_template.py
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FOLDER = Path(__file__).resolve().parent
TARGET = FOLDER / "vedtak-utkast.docx"
CONFIRMATION_TARGET = FOLDER / "bekreftelse.docx"
# Name, HPR, requested, granted: wide enough that a name and an amount keep to one line.
COLUMN_WIDTHS = (Cm(7.5), Cm(2.5), Cm(3.2), Cm(3.2))

# The line on appeal, as the directorate has worded it in its letters for grants to
# municipalities under these schemes ("ikke et enkeltvedtak ... ikke klagerett", fvl § 28).
# One paragraph, one place to change it.
APPEAL_TEXT = (
    "Tilskuddet er ikke et enkeltvedtak. Tildeling av og avslag på tilskudd under ordningen er ikke "
    "enkeltvedtak etter forvaltningsloven. I henhold til forvaltningsloven § 28 er det ikke klagerett."
)

# Standard conditions (Helsedirektoratet, "Standardvilkår for tilskudd", domain/03).
CONDITIONS = (
    "Tilskuddet skal brukes i tråd med lover og regler, regelverket for ordningen og dette tilskuddsbrevet.",
    "Midlene kan ikke omdisponeres til andre formål uten skriftlig godkjenning fra Helsedirektoratet.",
    "Kommunen skal rapportere på bruken av tilskuddet og sende regnskap og revisoruttalelse {{ reporting_deadline }}.",
    "Ubrukte midler, og midler som er brukt i strid med regelverket eller dette brevet, skal betales tilbake "
    "til Helsedirektoratet. Helsedirektoratet kan stanse utbetaling ved mistanke om uriktige opplysninger og "
    "kreve tilbakebetaling ved dokumentert mislighold.",
    "Tilskuddet kan falle bort helt eller delvis dersom forutsetningene for tildelingen endres.",
)

CONFIRMATION = (
    "Vedlagt ligger en bekreftelse. Den må signeres og returneres for å bekrefte at kommunen aksepterer "
    "vilkårene for tilskuddet, og at kontonummeret er riktig. Tilskuddet utbetales når vi har mottatt bekreftelsen."
)
CLOSING = ("Spørsmål om tilskuddet kan rettes til tilskudd@helsedir.no.", "Med hilsen", "Helsedirektoratet",
           "[Navn, tittel]")

# bekreftelse.docx: what the municipality confirms, the facts of the grant, and the fields it fills in.
CONFIRMATION_INTRO = (
    "Returneres til Helsedirektoratet, postmottak@helsedir.no, merket med vår referanse {{ reference }}. "
    "Tilskuddet utbetales når vi har mottatt bekreftelsen, utfylt og signert."
)
CONFIRMATION_FACTS = (
    ("Tilskuddsmottaker", "{{ municipality_name }}"),
    ("Organisasjonsnummer", "{{ org_number }}"),
    ("Vår referanse", "{{ reference }}"),
    ("Tilskuddsbrev datert", "{{ letter_date }}"),
    ("Innvilget tilskudd", "{{ granted_total }}"),
)
CONFIRMATION_TEXT = (
    "{{ municipality_name }} bekrefter å ha mottatt tilskuddsbrevet og aksepterer vilkårene for tilskuddet "
    "slik de står i brevet, og at tilskuddet utbetales til kontoen under."
)
CONFIRMATION_FIELDS = (
    "Kontonummer for utbetaling (11 siffer)",
    "Kontoen tilhører",
    "Kontaktperson (navn, e-post, telefon)",
    "Sted og dato",
    "Underskrift",
    "Navn og stilling (blokkbokstaver)",
)
FIELD_PLACEHOLDER = "Fyll inn"
LABEL_WIDTHS = (Cm(6.5), Cm(9.9))
FIELD_HEIGHT = Cm(0.9)
SIGNATURE_HEIGHT = Cm(1.8)


def _document(title: str) -> Document:
    """A document from the directorate: its properties, its font, its letterhead."""
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "Helsedirektoratet"
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    _letterhead(doc)
    return doc


def build() -> Document:
    doc = _document("Utkast til tilskuddsbrev")
    _address_block(doc)
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("{{ decision_text }}")
    _amount_table(doc)
    _tag(doc, "{%p for line in amount_notes %}")
    doc.add_paragraph("{{ line }}")
    _tag(doc, "{%p endfor %}")
    _list_section(doc, "reasons", "Begrunnelse")
    _list_section(doc, "notes", "Merknader")
    _conditions(doc)
    doc.add_heading("Klageadgang", level=2)
    _closing(doc, doc.add_paragraph(APPEAL_TEXT))
    return doc


def _closing(doc: Document, last_of_body) -> None:
    """The closing never stands alone on a page: the paragraph before it and each of its lines but the last
    keep with the next one, so a page break moves them together."""
    last_of_body.paragraph_format.keep_together = True
    last_of_body.paragraph_format.keep_with_next = True
    for line in CLOSING:
        paragraph = doc.add_paragraph(line)
        paragraph.paragraph_format.keep_with_next = line != CLOSING[-1]


def build_confirmation() -> Document:
    """The confirmation a granted letter encloses: the facts filled in, the municipality's part as fields."""
    doc = _document("Bekreftelse av tilskudd")
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph(CONFIRMATION_INTRO)
    _label_table(doc, CONFIRMATION_FACTS)
    doc.add_paragraph()
    doc.add_paragraph(CONFIRMATION_TEXT)
    doc.add_heading("Fylles ut av kommunen", level=2)
    fields = _label_table(doc, [(label, "") for label in CONFIRMATION_FIELDS])
    for row, label in zip(fields.rows, CONFIRMATION_FIELDS):
        row.height = SIGNATURE_HEIGHT if label == "Underskrift" else FIELD_HEIGHT
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _fill_in(row.cells[1], label)
    return doc


def _label_table(doc: Document, rows):
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, LABEL_WIDTHS):
        column.width = width
    for row, (label, value) in zip(table.rows, rows):
        for cell, text, width in zip(row.cells, (label, value), LABEL_WIDTHS):
            cell.width = width
            if text:
                cell.paragraphs[0].add_run(text).bold = text == label
    return table


def _fill_in(cell, label: str) -> None:
    """A plain-text content control in the cell, which Word shows as a field to fill in, named for what it holds."""
    sdt = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    for tag, value in (("w:alias", label), ("w:tag", label)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    properties.append(OxmlElement("w:showingPlcHdr"))
    properties.append(OxmlElement("w:text"))
    content = OxmlElement("w:sdtContent")
    placeholder = cell.paragraphs[0].add_run(FIELD_PLACEHOLDER)
    placeholder.italic = True
    content.append(placeholder._r)
    sdt.append(properties)
    sdt.append(content)
    cell.paragraphs[0]._p.append(sdt)


def _letterhead(doc: Document) -> None:
    """The full letterhead on page one; later pages carry only the sender and the reference."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    later = section.header.paragraphs[0]
    later.add_run("Helsedirektoratet · Vår referanse: {{ reference }}").font.size = Pt(9)
    later.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header = section.first_page_header
    name = header.paragraphs[0]
    run = name.add_run("Helsedirektoratet")
    run.bold = True
    run.font.size = Pt(18)
    contact = header.add_paragraph("postmottak@helsedir.no · Telefon 810 20 050")
    contact.runs[0].font.size = Pt(9)


def _address_block(doc: Document) -> None:
    doc.add_paragraph("{{ municipality_name }}")
    doc.add_paragraph("Org.nr. {{ org_number }}")
    reference = doc.add_paragraph("Vår referanse: {{ reference }}")
    reference.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    dated = doc.add_paragraph("Dato: {{ letter_date }}")
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _amount_table(doc: Document) -> None:
    """One row per doctor, the municipality's own part when there is one, then the total.

    docxtpl repeats the doctor row and keeps the "other" row only when `other` is set.
    """
    rows = (
        ("Lege", "HPR-nr.", "Søkt", "Innvilget"),
        ("{%tr for d in doctors %}",),
        ("{{ d.name }}", "{{ d.hpr_number }}", "{{ d.requested }}", "{{ d.granted }}"),
        ("{%tr endfor %}",),
        ("{%tr if other %}",),
        ("{{ other_label }}", "", "{{ other_requested }}", "{{ other_granted }}"),
        ("{%tr endif %}",),
        ("Sum", "", "{{ requested_total }}", "{{ granted_total }}"),
    )
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS):
        column.width = width
    for row, texts in zip(table.rows, rows):
        bold = texts[0] in ("Lege", "Sum")
        for cell, text, width in zip(row.cells, texts, COLUMN_WIDTHS):
            cell.width = width
            cell.paragraphs[0].add_run(text).bold = bold
        for cell in row.cells[2:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _list_section(doc: Document, name: str, heading: str) -> None:
    _tag(doc, f"{{%p if {name} %}}")
    doc.add_heading(heading, level=2)
    _tag(doc, f"{{%p for item in {name} %}}")
    doc.add_paragraph("{{ item }}", style="List Bullet")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _conditions(doc: Document) -> None:
    _tag(doc, "{%p if granted %}")
    doc.add_heading("Vilkår for tilskuddet", level=2)
    for condition in CONDITIONS:
        doc.add_paragraph(condition, style="List Bullet")
    doc.add_paragraph(CONFIRMATION)
    _tag(doc, "{%p endif %}")


def _tag(doc: Document, tag: str) -> None:
    """A paragraph holding only a docxtpl block tag; docxtpl removes it when rendering."""
    doc.add_paragraph(tag)


if __name__ == "__main__":
    build().save(TARGET)
    build_confirmation().save(CONFIRMATION_TARGET)
    print(f"wrote {TARGET} and {CONFIRMATION_TARGET}")
