"""Individuell utdanningsplan (spesialistforskriften § 25), regime A: mostly Word, sometimes PDF."""
from __future__ import annotations

import random
from decimal import Decimal

from samples.generator import variation as v
from samples.generator.docx_doc import DocxBuilder
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.plan import Doctor, Submission

ACTIVITIES = (
    ("Individuell veiledning, 4 timer per måned", ("ALM 001", "ALM 002")),
    ("Gruppeveiledning i ALIS-gruppe", ("ALM 010", "ALM 011", "FKM 003")),
    ("Hospitering ved legevakt", ("ALM 055",)),
    ("Supervisjon ved kontorkonsultasjoner", ("ALM 024", "ALM 031")),
    ("Institusjonstjeneste, medisinsk avdeling", ("ALM 055", "ALM 085")),
    ("Kvalitetsforbedringsprosjekt", ("FKM 010", "FKM 012")),
    ("E-læringskurs i allmennmedisin", ("ALM 070",)),
)
COURSES = ("Grunnkurs A i allmennmedisin", "Grunnkurs B (legevakt og akuttmedisin)", "Grunnkurs C",
           "Klinisk emnekurs i psykiatri", "Veiledningskurs i allmennmedisin", "Kurs i akuttmedisin (legevakt)")


def draw(rng: random.Random, sub: Submission, d: Doctor, doc: PdfBuilder | DocxBuilder) -> bytes:
    style = v.date_style(rng)
    if isinstance(doc, DocxBuilder) and v.wide():
        _word_only(rng, d, doc)
    titles = ["Individuell utdanningsplan", "INDIVIDUELL UTDANNINGSPLAN FOR ALIS",
              "Individuell utdanningsplan – spesialistutdanning i allmennmedisin"]
    if v.wide():
        titles += ["INDIVIDUELL PLAN FOR ALIS", "Opplæringsplan for lege i spesialisering", "Læringsplan ALIS"]
    doc.title(rng.choice(titles))
    if not (v.wide() and rng.random() < 0.3):  # a municipality's own plan often cites no regulation
        doc.para("Planen er utarbeidet etter spesialistforskriften § 25 og bygger på kommunens "
                 "generelle utdanningsplan.")
    pairs = [
        (v.label(rng, "doctor_name"), d.name),
        (v.label(rng, "hpr_number"), d.hpr),
        (v.label(rng, "supervisor"), d.supervisor),
        (v.label(rng, "enterprise"), sub.kommune.name),
        (v.label(rng, "specialisation_start"), v.fmt_date(d.specialisation_start, style, "start")),
    ]
    if isinstance(doc, DocxBuilder) and v.wide() and rng.random() < 0.15:
        doc.header(f"{v.label(rng, 'doctor_name', colon=True)} {d.name}")  # the name only in the header
        pairs = pairs[1:]
    rng.shuffle(pairs)
    layouts = ["lines", "table"] + (["two-column", "above", "nested"] if v.wide() else [])
    layout = rng.choice(layouts if isinstance(doc, DocxBuilder) else layouts[:4])
    doc.fields(pairs, False, layout)
    doc.heading("Planlagte læringsaktiviteter")
    year = d.specialisation_start.year
    when = (f"høst {year}", f"vår {year + 1}", f"{year}–{year + 2}", "løpende")
    doc.table([["Aktivitet", "Når", "Læringsmål"]]
              + [[name, rng.choice(when), ", ".join(goals)] for name, goals in rng.sample(ACTIVITIES, rng.randint(3, 5))],
              header=True, widths=[80, 40, 45])
    doc.heading("Kurs")
    doc.table([["Kurs", "Kostnad"]]
              + [[name, v.money(rng, Decimal(rng.randrange(30, 160) * 100))]
                 for name in rng.sample(COURSES, rng.randint(2, 4))], header=True, widths=[110, 50])
    return doc.bytes()


def _word_only(rng: random.Random, d: Doctor, doc: DocxBuilder) -> None:
    """What only Word files carry: the name in the header, a footer, values typed with change
    tracking on or in content controls, and hidden text (an earlier draft's value the reader never sees)."""
    if rng.random() < 0.4:
        doc.header(f"Individuell utdanningsplan – {d.name}")
    if rng.random() < 0.3:
        doc.footer(f"Utdanningsplan for {d.name} · side 1")
    doc.tracked_values = rng.random() < 0.3
    doc.content_controls = rng.random() < 0.3
    if rng.random() < 0.2:
        doc.para(f"Veileder: {rng.choice(('Ola Utkast', 'Kari Tidligere'))} (utkast)", hidden=True)


def render(rng: random.Random, sub: Submission, d: Doctor) -> tuple[bytes, str]:
    """The file and its extension: Word nine times in ten, else PDF."""
    as_docx = rng.random() < 0.9
    return draw(rng, sub, d, DocxBuilder() if as_docx else PdfBuilder()), "docx" if as_docx else "pdf"
