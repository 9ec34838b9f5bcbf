"""Build templates/vedtak-utkast.docx, the draft decision letter, with python-docx.

The .docx is committed so the directorate can edit its wording in Word; this
script is how it was made, so the template can be rebuilt from a known state.
Every docxtpl tag sits alone in one run, so Word and docxtpl both keep it whole.

    python templates/build_letter_template.py
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

TARGET = Path(__file__).resolve().parent / "vedtak-utkast.docx"
# Name, HPR, requested, granted: wide enough that a name and an amount keep to one line.
COLUMN_WIDTHS = (Cm(7.5), Cm(2.5), Cm(3.2), Cm(3.2))

# The line on appeal, as the directorate has worded it for grants to municipalities
# under these schemes (domain/03: "ikke et enkeltvedtak ... ikke klagerett", fvl § 28).
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


def build() -> Document:
    doc = Document()
    doc.core_properties.title = "Utkast til tilskuddsbrev"
    doc.core_properties.author = "Helsedirektoratet"
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    _letterhead(doc)
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
    doc.add_paragraph(APPEAL_TEXT)
    doc.add_paragraph("Spørsmål om tilskuddet kan rettes til tilskudd@helsedir.no.")
    doc.add_paragraph("Med hilsen")
    doc.add_paragraph("Helsedirektoratet")
    doc.add_paragraph("[Navn, tittel]")
    return doc


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
    print(f"wrote {TARGET}")
