"""The agreement: a fastlegeavtale (regime A) or an ALIS-avtale on the directorate's template (B).

Drawn through a writer (pdf_doc, pdf_canvas, pdf_fpdf, docx_doc or odt_doc): mostly PDF, sometimes Word or
OpenDocument.
"""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from samples.generator import variation as v
from samples.generator.docx_doc import DocxBuilder
from samples.generator.odt_doc import OdtBuilder
from samples.generator.pdf_canvas import CanvasPdfBuilder, Quirks
from samples.generator.pdf_doc import PdfBuilder
from samples.generator.pdf_fpdf import FpdfBuilder
from samples.generator.plan import Doctor, Submission
from samples.generator.scan import ScanStyle, faint, page_count, scanned
from samples.generator.scenarios import YEARS

Writer = PdfBuilder | CanvasPdfBuilder | FpdfBuilder | DocxBuilder | OdtBuilder
AGENCIES = ("Legevikar Nord AS", "Medvikar AS", "Akuttlegene AS")


def _date(d: date | None, style: str) -> str:
    return v.fmt_date(d, style) if d else ""


def _position(rng: random.Random, d: Doctor) -> tuple[str, str, bool]:
    """The position's label and text, and whether it is described ("Avtaleform: Næringsdrift (privat
    praksis)") rather than named; an agreement that describes it also names other positions in passing."""
    if v.chance(rng, "described-position", 0.2) and d.position_label:
        return v.styled(rng, rng.choice(v.DESCRIBED_POSITION_LABELS)), rng.choice(v.DESCRIBED_POSITIONS[d.position]), True
    return v.label(rng, "position"), d.position_label, False


def _employment_dates(rng: random.Random, d: Doctor, style: str) -> list[tuple[str, str]]:
    """Start and end under the usual labels, under inclusive ones ("Vikariat t.o.m."), or one period label."""
    start = v.fmt_date(d.employment_start, style, "start")
    if not d.employment_end:
        label = v.qualified_label(rng, "start", False) if v.chance(rng, "qualified-dates", 0.15) else \
            v.label(rng, "employment_start")
        return [(label, start)]
    end = v.fmt_date(d.employment_end, style, "end")
    if not v.chance(rng, "qualified-dates", 0.3):
        return [(v.label(rng, "employment_start"), start), (v.label(rng, "employment_end"), end)]
    if rng.random() < 0.35:
        return [v.period_text(rng, start, end)]
    start_label = v.qualified_label(rng, "start", True) if rng.random() < 0.5 else v.label(rng, "employment_start")
    return [(start_label, start), (v.qualified_label(rng, "end", True), end)]


def _doctor_fields(rng: random.Random, sub: Submission, d: Doctor, style: str,
                   position: tuple[str, str, bool]) -> list[tuple[str, str]]:
    pairs = [
        (v.label(rng, "doctor_name"), d.name),
        (v.label(rng, "hpr_number"), d.hpr),
        position[:2],
        (v.label(rng, "position_percent"), v.percent(rng, d.percent)),
        *_employment_dates(rng, d, style),
    ]
    if d.effective_from:
        pairs.append((v.label(rng, "effective_from"), v.fmt_date(d.effective_from, style, "start")))
    return pairs


def _kommune_fields(rng: random.Random, sub: Submission, with_orgnr: bool) -> list[tuple[str, str]]:
    pairs = [(v.label(rng, "municipality_name"), sub.kommune.name)]
    if with_orgnr:
        pairs.append((v.label(rng, "org_number"), sub.kommune.org_number))
    return pairs


def field_layout(rng: random.Random, writer: object = None) -> str:
    """How label and value stand: a line, two cells, two pairs a row, or labels above values; a PDF also
    sets two pairs a row as unruled columns of text whose long labels wrap; a justified document types its
    fields as lines of one justified paragraph."""
    layout = rng.choice(["lines", "table", "two-column", "above"] if v.wide() else ["lines", "table"])
    if v.chance(rng, "wrapped-pairs", 0.15) and getattr(writer, "unruled_columns", False):
        layout = "wrapped-pairs"
    return "lines" if getattr(writer, "justified", False) else layout


def _signatures(rng: random.Random, pdf: Writer, sub: Submission, d: Doctor, style: str) -> None:
    """Two signature dates in one of the layouts; an unsigned party leaves the date blank.

    At the widest, the signatures often stand alone on the last page."""
    place = sub.kommune.name.replace(" kommune", "")
    muni, doc = _date(d.signed_municipality, style), _date(d.signed_doctor, style)
    layout = rng.randrange(4 if v.wide() else 3)
    if v.wide() and rng.random() < 0.35:
        pdf.page_break()
    pdf.heading("Underskrifter")
    if layout == 0:
        dash = rng.choice(["–", "-"])  # the dash a word processor makes, or the hyphen typed for it
        pdf.para(f"For kommunen {dash} dato: {muni or '____________'}")
        pdf.para("Underskrift: ______________________")
        pdf.para(f"Legen {dash} dato: {doc or '____________'}")
        pdf.para("Underskrift: ______________________")
    elif layout == 1:
        pdf.table([["", "For kommunen", "Legen"], ["Sted og dato", f"{place}, {muni}" if muni else "",
                   f"{place}, {doc}" if doc else ""], ["Underskrift", "", ""]], header=True, widths=[35, 65, 65])
    elif layout == 3:
        pdf.table([["For kommunen", "For legen"],
                   [f"Signert dato: {muni}" if muni else "Signert dato:", f"Signert dato: {doc}" if doc else "Signert dato:"],
                   ["______________________", "______________________"]], header=True, widths=[80, 80])
    else:
        pdf.para("Underskrift kommunen")
        pdf.para(f"Sted/dato: {place + ', ' + muni if muni else '__________'}")
        pdf.para("Underskrift lege i spesialisering")
        pdf.para(f"Sted/dato: {place + ', ' + doc if doc else '__________'}")


def fastlegeavtale(rng: random.Random, sub: Submission, d: Doctor, pdf: Writer) -> bytes:
    style = v.date_style(rng)
    pdf.title(rng.choice(["Fastlegeavtale", "Individuell fastlegeavtale", "FASTLEGEAVTALE – individuell avtale"]))
    pdf.para(f"Avtale mellom {sub.kommune.name} og lege om deltakelse i fastlegeordningen, jf. "
             "fastlegeforskriften og rammeavtalen mellom KS og Den norske legeforening (ASA 4310).")
    position = _position(rng, d)
    pdf.heading("1 Avtaleparter")
    pdf.fields(_kommune_fields(rng, sub, d.shows_orgnr) + _doctor_fields(rng, sub, d, style, position), False,
               field_layout(rng, pdf))
    pdf.heading("2 Praksis og liste")
    pdf.para(f"Legen driver praksis ved {sub.kommune.name.replace(' kommune', '')} legesenter med en "
             f"listelengde på {rng.randrange(600, 1400, 50)} personer.")
    if position[2]:
        pdf.para(rng.choice(v.POSITIONS_IN_PASSING))
    pdf.heading("3 Spesialisering i allmennmedisin")
    pdf.para("Legen er allmennlege i spesialisering (ALIS). Kommunen legger til rette for veiledning, "
             "supervisjon og kurs i tråd med legens individuelle utdanningsplan, og dekker kurs inntil "
             f"{v.money(rng, Decimal(rng.choice([20000, 30000, 40000])))} per år.")
    _signatures(rng, pdf, sub, d, style)
    return pdf.bytes()


def alis_avtale(rng: random.Random, sub: Submission, d: Doctor, pdf: Writer) -> bytes:
    style = v.date_style(rng)
    pdf.title("ALIS-avtale")
    pdf.heading("1 Bakgrunn og rammer for avtalen")
    pdf.heading("1.1 Formål")
    pdf.para("Formålet med ALIS-avtalen er å skape forutsigbarhet og trygghet gjennom spesialistutdanningen i "
             "allmennmedisin. Avtalen er tilpasset Helsedirektoratets tilskuddsregelverk Nasjonal ALIS og veiledning.")
    pdf.heading("1.2 Varighet")
    pdf.para("Avtalen gjelder under spesialistutdanningen og mens ALIS har tjenestetid i kommunal helse- og "
             "omsorgstjeneste. Avtalen opphører automatisk fra samme tidspunkt som legen eventuelt fratrer sin "
             "stilling/fastlegeavtale/vikaravtale/introduksjonsavtale.")
    pdf.heading("2 Avtaleparter")
    pdf.para("Parter i avtalen er kommunen og allmennlege i spesialisering i allmennmedisin (ALIS).")
    kommune_head = [v.label(rng, "municipality_name", colon=False), v.label(rng, "contact", colon=False)]
    pdf.table([kommune_head, [sub.kommune.name, sub.contact]], header=True, widths=[80, 80])
    if d.shows_orgnr:
        pdf.para(f"{v.label(rng, 'org_number')} {sub.kommune.org_number}")
    position = _position(rng, d)
    head = [v.label(rng, "doctor_name", colon=False), v.label(rng, "hpr_number", colon=False),
            v.label(rng, "workplace", colon=False), position[0].rstrip(" :")]
    workplace = f"{sub.kommune.name.replace(' kommune', '')} legesenter"
    pdf.table([head, [d.name, d.hpr, workplace, position[1]]], header=True, widths=[40, 42, 40, 43])
    rest = _doctor_fields(rng, sub, d, style, position)[3:]
    pdf.fields(rest, False, field_layout(rng, pdf))
    if d.agency_statement is not None and v.wide() and rng.random() < 0.4:
        unicode_boxes = isinstance(pdf, (DocxBuilder, OdtBuilder)) or getattr(pdf, "font", "") == "DejaVuSans"
        answer = v.yes_no(rng, d.agency_statement, rng.choice(AGENCIES), unicode_boxes)
        pdf.fields([(rng.choice(["Ansatt via vikarbyrå:", "Vikarbyrå:", "ANSATT GJENNOM VIKARBYRÅ"]), answer)],
                   False, field_layout(rng, pdf))
    elif d.agency_statement is True:
        pdf.para(f"Legen er ansatt gjennom vikarbyrå ({rng.choice(AGENCIES)}) og leies inn til kommunen.")
    elif d.agency_statement is False:
        pdf.para("Legen er ikke ansatt gjennom vikarbyrå.")
    pdf.heading("3 Innhold i spesialiseringsløpet")
    pdf.para("Kommunen sørger for veileder, supervisjon og permisjon med lønn til obligatoriske kurs.")
    if position[2]:
        pdf.para(rng.choice(v.POSITIONS_IN_PASSING))
    pdf.heading("4 Økonomi")
    pdf.heading("4.1 Kompensasjon")
    absence, supervision = YEARS[sub.grant_year].max_rates
    pdf.para("Kommunen kompenserer ALIS for fravær fra praksis til læringsaktiviteter etter Helsedirektoratets "
             f"veiledende satser, for {sub.grant_year - 1}/{sub.grant_year} inntil "
             f"{v.money(rng, absence)} kr per time ved fravær og {v.money(rng, supervision)} kr "
             "per time for veiledning. ALIS-avtalen gjelder fra signering, og det kan ikke søkes tilskudd for periode "
             "før signeringsdato.")
    _signatures(rng, pdf, sub, d, style)
    return pdf.bytes()


def _writer(rng: random.Random, sub: Submission) -> tuple[Writer, str]:
    """The producer and extension: mostly a PDF from one of three producers, sometimes Word or OpenDocument."""
    as_odt = v.chance(rng, "odt", 0.04)
    by_fpdf = v.chance(rng, "fpdf2", 0.1)
    justified = v.chance(rng, "justified", 0.08)
    as_pdf = rng.random() < 0.9
    header = f"{sub.kommune.name} · avtale om allmennlege i spesialisering"
    if as_odt:
        odt = OdtBuilder(rng)
        odt.header(header)
        return odt, "odt"
    if by_fpdf:
        return FpdfBuilder(), "pdf"
    if justified:
        return CanvasPdfBuilder(Quirks.draw(rng, justified=True), running_header=header), "pdf"
    if as_pdf and v.wide() and rng.random() < 0.3:
        return CanvasPdfBuilder(Quirks.draw(rng), running_header=header), "pdf"
    if as_pdf:
        return PdfBuilder(embedded_font=rng.random() < 0.25), "pdf"
    docx = DocxBuilder()
    docx.typed_columns = v.wide() and rng.random() < 0.4
    return docx, "docx"


def render(rng: random.Random, sub: Submission, d: Doctor) -> tuple[bytes, str, dict | None]:
    """The file, its extension (see _writer) and, for a scan or photo, how it was made (for the truth).

    A planned scan is drawn as a PDF first and then scanned or photographed, with its own rng (so
    the plan's other files stay as they were); a faint scan has lost its words."""
    if d.scan:
        pdf = (alis_avtale if sub.regime == "B" else fastlegeavtale)(rng, sub, d, PdfBuilder())
        scan_rng = random.Random(f"scan:{sub.submission_id}:{d.hpr}")
        if d.scan == "faint":
            return faint(pdf, scan_rng), "pdf", ScanStyle(kind="faint").truth()
        style = ScanStyle.draw(scan_rng, page_count(pdf), d.scan_dpi)
        data, ext = scanned(pdf, style, scan_rng)
        return data, ext, style.truth()
    writer, ext = _writer(rng, sub)
    if isinstance(writer, DocxBuilder) and v.wide():
        writer.tracked_values = rng.random() < 0.3
        writer.content_controls = rng.random() < 0.3
    if v.wide() and rng.random() < 0.15:
        writer.leaders = rng.choice(["______", "..........", "…"])
    draw = fastlegeavtale if sub.regime == "A" else alis_avtale
    return draw(rng, sub, d, writer), ext, None
