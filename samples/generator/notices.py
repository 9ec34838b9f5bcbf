"""Attachments that are not application documents, though they name agreements: the kind `other`.

Municipalities attach what they have at hand: the job advertisement for the
post ("Ledig fastlegehjemmel …"), an information letter to their GPs, and now
and then a long plan or report of hundreds of pages. Each opens with a
one-line heading followed at once by running text that names an agreement
("ALIS-avtale", "fastlegeavtale"); the long one names them only deep inside.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from samples.generator import variation as v
from samples.generator.docx_doc import DocxBuilder
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.plan import Submission


def _place(sub: Submission) -> str:
    return sub.kommune.name.replace(" kommune", "")


def job_advertisement(rng: random.Random, sub: Submission, doc: PdfBuilder | DocxBuilder) -> bytes:
    deadline = date.fromisoformat(sub.submitted_at[:10]) - timedelta(days=rng.randint(60, 200))
    doc.title(rng.choice([f"Ledig fastlegehjemmel i {sub.kommune.name}", f"Ledig fastlegehjemmel – {_place(sub)}",
                          f"{_place(sub)} legesenter søker fastlege"]))
    doc.para(f"{sub.kommune.name} har ledig fastlegehjemmel ved {_place(sub)} legesenter med en liste på "
             f"{rng.randrange(700, 1300, 50)} innbyggere. Hjemmelen kan tilbys med "
             f"{rng.choice(['ALIS-avtale', 'fastlegeavtale og ALIS-avtale'])} for lege i spesialisering.")
    doc.heading("Vi tilbyr")
    doc.para("Et godt fagmiljø med seks leger, veiledning i gruppe og individuelt, og dekning av kurs i "
             "spesialiseringen.")
    doc.heading("Kvalifikasjoner")
    doc.para("Norsk autorisasjon som lege og gode norskkunnskaper, muntlig og skriftlig.")
    doc.para(f"Søknadsfrist: {v.fmt_date(deadline, v.date_style(rng))}. Spørsmål om stillingen rettes til "
             f"{sub.contact}.")
    return doc.bytes()


def information_letter(rng: random.Random, sub: Submission, doc: PdfBuilder | DocxBuilder) -> bytes:
    doc.title(rng.choice([f"Til fastlegene i {sub.kommune.name}", "Informasjon til legene",
                          "Nytt om spesialisering i allmennmedisin"]))
    doc.para(f"{sub.kommune.name} tilbyr {rng.choice(['ALIS-avtale', 'fastlegeavtale med ALIS-vilkår'])} til "
             "leger som starter spesialisering i allmennmedisin, og søker Helsedirektoratet om tilskudd "
             f"for {sub.grant_year}.")
    doc.para("Vi viser til møtet i allmennlegeutvalget og orienterer her om ordningen. Leger som ønsker "
             "veiledning, melder fra til kommuneoverlegen.")
    doc.para("Med vennlig hilsen")
    doc.para(sub.contact)
    return doc.bytes()


def render(rng: random.Random, sub: Submission) -> tuple[bytes, str]:
    """A job advertisement or an information letter, as PDF or Word; the file and its extension."""
    as_pdf = rng.random() < 0.7
    draw = job_advertisement if rng.random() < 0.5 else information_letter
    return draw(rng, sub, PdfBuilder() if as_pdf else DocxBuilder()), "pdf" if as_pdf else "docx"


_PLAN_TEXT = ("Kommunens helse- og omsorgstjenester skal gi innbyggerne likeverdige tjenester av god kvalitet. "
              "Planen beskriver utfordringer, mål og tiltak for perioden, og følges opp gjennom "
              "handlingsprogrammet og den årlige budsjettbehandlingen i kommunestyret.")
_DEEP_TEXT = ("Rekruttering av fastleger er et satsingsområde: kommunen tilbyr ALIS-avtale til nye leger, "
              "og hver fastlegeavtale følges opp årlig. Tiltredelse i ledige hjemler skjer etter utlysning, "
              "og HPR-nr. kontrolleres ved ansettelse.")


def long_report(rng: random.Random, sub: Submission, pages: int) -> bytes:
    """A plan of `pages` pages that names agreements only deep inside, drawn straight on a canvas."""
    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    width, height = A4
    deep = rng.randint(max(4, pages // 3), pages)
    for number in range(1, pages + 1):
        y = height - 25 * mm
        if number == 1:
            page.setFont("Helvetica-Bold", 16)
            page.drawString(20 * mm, y, f"Helse- og omsorgsplan for {sub.kommune.name} {sub.grant_year}–"
                                         f"{sub.grant_year + 10}")
            y -= 12 * mm
        page.setFont("Helvetica", 10)
        text = _DEEP_TEXT if number == deep else _PLAN_TEXT
        for paragraph in range(4):
            for line in simpleSplit(f"{number}.{paragraph + 1} {text}", "Helvetica", 10, width - 40 * mm):
                page.drawString(20 * mm, y, line)
                y -= 13
            y -= 8
        page.drawString(width / 2, 12 * mm, f"Side {number} av {pages}")
        page.showPage()
    page.save()
    return out.getvalue()
