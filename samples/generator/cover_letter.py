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


def _naming_agreements(rng: random.Random, sub: Submission) -> str:
    """The sentence right under the heading of a letter that lists the agreements it sends along."""
    names = ["ALIS-avtale", "fastlegeavtale"] if sub.regime == "A" else ["ALIS-avtale"]
    return (f"Vedlagt oversender vi {' og '.join(rng.sample(names, len(names)))} for legene i spesialisering, "
            f"med budsjett for {sub.grant_year}.")


def render(rng: random.Random, sub: Submission, as_pdf: bool) -> bytes:
    """At the widest, a letter may name the agreements it sends in the line right under its heading."""
    title = rng.choice(["Følgebrev", "Oversendelse av søknad", "Søknad om ALIS-tilskudd – følgebrev"])
    lines = _lines(sub)
    naming = v.chance(rng, "not-agreement", 0.3)
    if naming:
        lines.insert(0, _naming_agreements(rng, sub))
    if as_pdf:
        pdf = PdfBuilder()
        pdf.title(title)
        if not naming:
            pdf.para(f"{sub.kommune.name.replace(' kommune', '')}, {v.fmt_date(date.fromisoformat(sub.submitted_at[:10]), v.date_style(rng))}")
        for line in lines:
            pdf.para(line)
        return pdf.bytes()
    doc = Document()
    doc.add_heading(title, level=1)
    for line in lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return normalised(buf.getvalue())

