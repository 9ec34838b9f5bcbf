"""A "Følgebrev": the kind `other`, as PDF or Word."""
from __future__ import annotations

import io
import random
from datetime import date

from docx import Document

from samples.generator import variation as v
from samples.generator.office_zip import normalised
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.plan import Submission


def _lines(sub: Submission) -> list[str]:
    scheme = "ALIS-avtaler" if sub.regime == "A" else "Nasjonal ALIS og veiledning"
    return [
        f"{sub.kommune.name} oversender med dette søknad om tilskudd til {scheme} for {sub.grant_year}.",
        f"Søknaden gjelder {len(sub.doctors)} lege(r) i spesialisering i allmennmedisin. "
        "Kommunen har over tid hatt utfordringer med å rekruttere og beholde fastleger.",
        f"Kontaktperson er {sub.contact}. Ta gjerne kontakt ved spørsmål.",
        "Med vennlig hilsen",
        sub.kommune.name,
    ]


def render(rng: random.Random, sub: Submission, as_pdf: bool) -> bytes:
    title = rng.choice(["Følgebrev", "Oversendelse av søknad", "Søknad om ALIS-tilskudd – følgebrev"])
    if as_pdf:
        pdf = PdfBuilder()
        pdf.title(title)
        pdf.para(f"{sub.kommune.name.replace(' kommune', '')}, {v.fmt_date(date.fromisoformat(sub.submitted_at[:10]), v.date_style(rng))}")
        for line in _lines(sub):
            pdf.para(line)
        return pdf.bytes()
    doc = Document()
    doc.add_heading(title, level=1)
    for line in _lines(sub):
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return normalised(buf.getvalue())

