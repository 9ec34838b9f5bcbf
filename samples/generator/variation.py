"""Every way a sample may phrase a label, a number, a date or a file name.

One place, so that the variety the extractors must survive (docs/documents.md,
"What real files do") is visible and every choice is driven by the seed.
"""
from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP, THIN = "\u00a0", "\u2009"

# The knob: at its widest (the default) every choice below draws from the
# full range of what real files do; narrow keeps to the docs/documents.md examples.
_WIDTH = {"wide": True}


def set_wide(wide: bool) -> None:
    _WIDTH["wide"] = wide


def wide() -> bool:
    return _WIDTH["wide"]


# Layouts of real files that a bench or test can force on every file they fit
# (bench/accuracy.py --layout NAME); otherwise each is drawn at its share in the widest variation.
LAYOUTS = ("month-dates", "qualified-dates", "described-position", "odt", "fpdf2", "justified", "not-agreement",
           "long-pdf", "wrapped-pairs", "bare-sats")
_FORCED: set[str] = set()


def force(*layouts: str) -> None:
    """Draw these layouts wherever they fit and none of the others, so that what a bench measures is
    theirs alone (no layouts: every layout back to its share)."""
    unknown = set(layouts) - set(LAYOUTS)
    if unknown:
        raise ValueError(f"unknown layouts: {sorted(unknown)}")
    _FORCED.clear()
    _FORCED.update(layouts)


def chance(rng: random.Random, layout: str, share: float) -> bool:
    """Whether a file takes a layout: at `share` in the widest variation, never when narrow; when layouts
    are forced, exactly when this is one of them. The draw is made either way, so forcing a layout
    leaves every other choice of the seed as it was."""
    drawn = rng.random() < share
    if _FORCED:
        return layout in _FORCED
    return wide() and drawn

LABELS: dict[str, tuple[str, ...]] = {
    "doctor_name": ("Navn", "Legens navn", "Navn på lege"),
    "hpr_number": ("HPR-nr.", "HPR nr", "HPR-nummer", "Helsepersonellnummer"),
    "employment_start": ("Tiltredelse", "Ansatt fra", "Startdato"),
    "employment_end": ("Sluttdato", "Vikariatet varer til", "Ansatt til"),
    "effective_from": ("Avtalen gjelder fra",),
    "position": ("Stilling", "Stilling/arbeidstittel", "Stillingstype"),
    "position_percent": ("Stillingsprosent", "Stillingsandel", "Stilling i prosent"),
    "municipality_name": ("Kommune", "Kommunens navn", "Kommune (avtalepart)"),
    "org_number": ("Org.nr.", "Organisasjonsnummer", "Org nr"),
    "workplace": ("Arbeidssted", "Legekontor"),
    "contact": ("Kontaktperson", "Kommunens kontaktperson"),
    "supervisor": ("Veileder", "Navn på veileder", "Veileders navn"),
    "enterprise": ("Utdanningsvirksomhet", "Utdanningsvirksomhet (kommune)"),
    "specialisation_start": ("Start spesialisering", "Oppstart i spesialisering",
                             "Dato for start av spesialiseringen"),
}

# Spellings met in real files beyond the docs/documents.md examples (wide only).
WIDE_LABELS: dict[str, tuple[str, ...]] = {
    "doctor_name": ("Lege", "Fullt navn", "Legens fulle navn", "Navn på ALIS", "Navn lege"),
    "hpr_number": ("HPR", "Helsepersonellnr.", "HPR-nr", "HPR nummer"),
    "employment_start": ("Tiltredelsesdato", "Tiltrådte", "Dato for tiltredelse", "Ansettelsesdato"),
    "employment_end": ("Opphører", "Sluttdato for vikariatet", "Til dato", "Slutt", "Utløpsdato"),
    "effective_from": ("Gjelder fra", "Avtalen gjelder f.o.m.", "Avtalens startdato"),
    "position": ("Tilknytningsform", "Ansettelsesform", "Avtaletype", "Type avtale"),
    "position_percent": ("Stillingsstørrelse", "Andel stilling"),
    "municipality_name": ("Kommunenavn", "Arbeidsgiver"),
    "org_number": ("Orgnr", "Org. nr"),
    "supervisor": ("Oppnevnt veileder",),
    "enterprise": ("Utdanningsvirksomhetens navn",),
    "specialisation_start": ("Startdato spesialisering", "Spesialiseringen startet", "Oppstart spesialisering"),
}

# Position texts and what the agreement means (extractors.models.Position).
POSITION_TEXTS: dict[str, tuple[str, ...]] = {
    "naeringsdrivende": ("næringsdrivende fastlege", "Selvstendig næringsdrivende fastlege",
                         "fastlege (næringsdrivende)"),
    "kommunalt_ansatt": ("kommunalt ansatt fastlege", "Fastlege, fast ansatt i kommunen",
                         "fastlege med fastlønn"),
    "vikar": ("fastlegevikar", "Vikar for fastlege"),
    "introduksjonslege": ("introduksjonslege",),
    "annen": ("lege ved legevakt", "sykehjemslege", "kommunelege, legevakt"),
}

# Positions as agreements describe them under their own labels, instead of one word.
DESCRIBED_POSITIONS: dict[str, tuple[str, ...]] = {
    "naeringsdrivende": ("Næringsdrift (privat praksis)", "Selvstendig næringsdrivende med fastlegeliste",
                         "Privat praksis med driftsavtale"),
    "kommunalt_ansatt": ("Fast ansatt i kommunen", "Kommunal fastlønnsstilling", "Fastlønnet fastlege"),
    "vikar": ("Vikariat i fastlegehjemmel", "Vikar i fastlegepraksis"),
    "introduksjonslege": ("Introduksjonsstilling (introduksjonslege)",),
    "annen": ("Stilling ved kommunal legevakt", "Tilsynslege ved sykehjem"),
}
DESCRIBED_POSITION_LABELS = ("Avtaleform", "Tilknytning til kommunen", "Tilknytningsform", "Ansettelsesforhold")
# The body of such an agreement names other positions in passing; the labelled value decides.
POSITIONS_IN_PASSING = (
    "Ved fravær sørger legen for inntak av vikar etter avtale med kommunen.",
    "Fravær til kurs dekkes ved bruk av vikar, og kommunen kan bistå med å skaffe vikar.",
)

# Start and end dates under labels with the inclusive qualifiers ("t.o.m.", "fra og med"), labels
# followed by more words, and one label over both dates.
QUALIFIERS = {"start": ("f.o.m.", "fra og med", "F.o.m."), "end": ("t.o.m.", "til og med", "T.o.m.")}
QUALIFIED_SUBJECTS = {"start": ("Tiltredelse", "Ansatt", "Startdato"), "end": ("Sluttdato", "Ansatt")}
VIKAR_SUBJECTS = ("Vikariat", "Vikariatet varer")
LABEL_TAILS = {"start": ("Tiltredelse i stillingen", "Startdato for arbeidsforholdet"),
               "end": ("Sluttdato for vikariatet i kommunen", "Sluttdato i vikariatet")}
PERIOD_LABELS = ("Periode", "Ansettelsesperiode", "Vikariatperiode")


def qualified_label(rng: random.Random, role: str, vikar: bool) -> str:
    """A start or end label in one of the inclusive forms: "Vikariat t.o.m.", "Sluttdato (t.o.m.)",
    "Tiltredelse fra og med", or a known label followed by more words."""
    subjects = QUALIFIED_SUBJECTS[role] + (VIKAR_SUBJECTS if vikar else ())
    qualifier = rng.choice(QUALIFIERS[role])
    form = rng.randrange(4)
    if form == 0:
        text = f"{rng.choice(subjects)} ({qualifier})"
    elif form == 1:
        text = rng.choice(LABEL_TAILS[role])
    else:
        text = f"{rng.choice(subjects)} {qualifier}"
    return styled(rng, text)


def period_text(rng: random.Random, start: str, end: str) -> tuple[str, str]:
    """One label over both dates: "Periode: 01.09.2023 – 31.08.2024", or both qualifiers in one value."""
    if rng.random() < 0.5:
        return styled(rng, rng.choice(PERIOD_LABELS)), f"{start} {rng.choice(['–', '-', 'til'])} {end}"
    start_q, end_q = rng.choice([("f.o.m.", "t.o.m."), ("fra og med", "til og med"), ("fra", "til")])
    return styled(rng, rng.choice(PERIOD_LABELS + VIKAR_SUBJECTS)), f"{start_q} {start} {end_q} {end}"


MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember")


def label(rng: random.Random, field: str, colon: bool | None = None) -> str:
    """A synonym for the field, in varied case and spacing, with or without a colon."""
    synonyms = LABELS[field] + (WIDE_LABELS.get(field, ()) if wide() else ())
    return styled(rng, rng.choice(synonyms), colon)


def styled(rng: random.Random, text: str, colon: bool | None = None) -> str:
    """A label as people type it: varied case and spacing, with or without a colon."""
    case = rng.random()
    if case < 0.12:
        text = text.upper()
    elif case < 0.22:
        text = text.lower()
    if wide() and rng.random() < 0.15:
        text = text.replace(" ", "  ", 1) + " "
    if colon is None:
        colon = rng.random() < 0.7
    return text + (rng.choice([":", " :", ":"]) if colon else "")


def position_text(rng: random.Random, position: str) -> str:
    return rng.choice(POSITION_TEXTS[position])


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return sep.join(out)


def money(rng: random.Random, amount: Decimal) -> str:
    """One of the ways Norwegians write an amount in kroner."""
    whole, cents = f"{amount.quantize(Decimal('0.01'), ROUND_HALF_UP)}".split(".")
    sep = rng.choice([" ", " ", NBSP, THIN])
    styles = [
        lambda: _group(whole, sep) + (f",{cents}" if cents != "00" else ""),
        lambda: f"{_group(whole, sep)},{cents}",
        lambda: f"{whole},{cents}" if cents != "00" else whole,
        lambda: f"NOK {_group(whole, sep)}" + (f",{cents}" if cents != "00" else ""),
        lambda: f"kr {_group(whole, '.')}," + (cents if cents != "00" else "-"),
    ]
    if wide():
        styles += [lambda: f"kr {_group(whole, sep)}" + (f",{cents}" if cents != "00" else ",-"),
                   lambda: f"{_group(whole, sep)},{cents} kr"]
    return rng.choice(styles)()


def percent(rng: random.Random, value: int) -> str:
    forms = [f"{value} %", f"{value}%", f"{value} prosent", f"{value}{NBSP}%"]
    if wide():
        forms += [f"{value},0 %", f"{value} % stilling"]
    return rng.choice(forms)


def date_style(rng: random.Random) -> str:
    """How one document writes its dates; at the widest, sometimes with Norwegian month names as
    municipalities' own templates do ("1. sept. 2023", "mars 2024") or with slashes ("03/12/2018", "1/9-2023")."""
    styles = ["dd.mm.yyyy", "d.m.yyyy", "d. month yyyy", "iso"]
    if wide():
        styles += ["dd.mm.yy", "d. month yyyy", "dd-mm-yyyy"]
    style = rng.choice(styles)
    if chance(rng, "month-dates", 0.2):
        style = rng.choice(["d. mon. yyyy", "d. Month yyyy", "dd/mm/yyyy", "month yyyy", "d/m-yyyy"])
    return style


MONTH_ABBREVIATIONS = ("jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sept.", "okt.", "nov.", "des.")


def fmt_date(d: date, style: str, role: str = "") -> str:
    """The date in a style; "month yyyy" only where the month alone says the day: the first of the
    month for a start (`role` "start"), the last for an end ("end"), else the day is written out."""
    if style == "month yyyy":
        last = (date(d.year + d.month // 12, d.month % 12 + 1, 1) - date.resolution).day
        if (role, d.day) in (("start", 1), ("end", last)):
            return f"{MONTHS[d.month - 1]} {d.year}"
        style = "d. month yyyy"
    write = _DATE_STYLES.get(style)
    return write(d) if write else d.isoformat()


# Each date style as one writer ("iso" and any unknown style: 2023-09-01).
_DATE_STYLES = {
    "dd.mm.yyyy": lambda d: d.strftime("%d.%m.%Y"),
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "d/m-yyyy": lambda d: f"{d.day}/{d.month}-{d.year}",
    "dd-mm-yyyy": lambda d: d.strftime("%d-%m-%Y"),
    "dd/mm/yyyy": lambda d: d.strftime("%d/%m/%Y"),
    "dd.mm.yy": lambda d: d.strftime("%d.%m.%y"),
    "d. month yyyy": lambda d: f"{d.day}. {MONTHS[d.month - 1]} {d.year}",
    "d. Month yyyy": lambda d: f"{d.day}. {MONTHS[d.month - 1].capitalize()} {d.year}",
    "d. mon. yyyy": lambda d: f"{d.day}. {MONTH_ABBREVIATIONS[d.month - 1]} {d.year}",
}


def month_cell(rng: random.Random, year: int, month: int) -> object:
    """A claimed month as a spreadsheet cell: a date or one of the text forms; at the widest also
    abbreviated ("sep 2023", "jan. 24"), with slashes ("09/2023", "01/09/2023") or as a written day."""
    styles = ["date", "text-long", "iso", "mm.yyyy"]
    if wide():
        styles += ["text-capital", "date-mid-month", "abbreviated", "abbreviated-yy", "slash-month", "slash-date",
                   "text-day"]
    style = rng.choice(styles)
    short = MONTHS[month - 1][:3]
    if style == "abbreviated":
        return rng.choice([f"{short} {year}", f"{short.capitalize()}. {year}", f"{'sept' if month == 9 else short}. {year}"])
    if style == "abbreviated-yy":
        return rng.choice([f"{short}. {year % 100:02d}", f"{short.capitalize()} {year % 100:02d}",
                           f"{short}.{year % 100:02d}"])
    if style == "slash-month":
        return f"{month:02d}/{year}"
    if style == "slash-date":
        return f"{rng.choice([1, 1, 15]):02d}/{month:02d}/{year}"
    if style == "text-day":
        return f"{rng.choice([1, 3, 14])}. {MONTHS[month - 1]} {year}"
    if style == "text-capital":
        return f"{MONTHS[month - 1].capitalize()} {year}"
    if style == "date-mid-month":
        return date(year, month, 15)
    if style == "date":
        return date(year, month, 1)
    if style == "text-long":
        return f"{MONTHS[month - 1]} {year}"
    if style == "iso":
        return f"{year}-{month:02d}"
    return f"{month:02d}.{year}"


FILE_NAMES = {
    "agreement": ("Vedlegg {n}.pdf", "scan_00{nn}.pdf", "dokument({n}).pdf", "Avtale {first}.pdf",
                  "{first} {initial}.pdf", "signert avtale {nn}.pdf"),
    "training_plan": ("{first} {initial}.docx", "IUP_{first}.docx", "Vedlegg {n}.docx",
                      "dokument({n}).docx", "plan {first}.docx"),
    "budget": ("budsjett {year}.xlsx", "Vedlegg {n}.xlsx", "beregningsgrunnlag.xlsx", "Mappe1.xlsx",
               "søknad ALIS {year}.xlsx"),
    "other_pdf": ("Følgebrev.pdf", "brev til Helsedirektoratet.pdf", "dokument({n}).pdf", "Vedlegg {n}.pdf"),
    "other_docx": ("Følgebrev.docx", "Vedlegg {n}.docx", "oversendelse.docx"),
}


def file_name(rng: random.Random, kind: str, taken: set[str], first: str = "", initial: str = "",
              year: int = 0, ext: str = "") -> str:
    """A free file name that does not give the kind away reliably; unique in the submission.

    `ext` replaces the pattern's extension when the file is in an unusual format.
    """
    pattern = rng.choice(FILE_NAMES[kind]).format(
        n=rng.randint(1, 9), nn=rng.randint(10, 99), first=first, initial=initial, year=year)
    stem, _, default_ext = pattern.rpartition(".")
    ext = ext or default_ext
    candidate, i = f"{stem}.{ext}", 2
    while candidate.lower() in taken:
        candidate, i = f"{stem} ({i}).{ext}", i + 1
    taken.add(candidate.lower())
    return candidate


def yes_no(rng: random.Random, answer: bool, detail: str, unicode_boxes: bool) -> str:
    """A yes/no answer as written, or as a pair of tick boxes with the boxes before or after."""
    ticked, empty = ("☒", "☐") if unicode_boxes else ("[X]", "[ ]")
    yes, no = (ticked, empty) if answer else (empty, ticked)
    forms = [("Ja, " + detail) if answer else "Nei"]
    if wide():
        forms += [f"{yes} Ja {no} Nei", f"Ja {yes} Nei {no}"]
    return rng.choice(forms)
