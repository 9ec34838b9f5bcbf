"""Norwegian (bokmål) wording and number formats shared by every rendered output.

Amounts use a non-breaking space as thousands separator and before "kr", so an
amount never wraps across lines in HTML or Word.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from checks.dates import OSLO
from checks.sources import document_name, field_name, named
from extractors.models import Evidence

LOCALE = "nb_NO"
NBSP = "\u00a0"
ORE = Decimal("0.01")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_CELL = re.compile(r"(?P<sheet>.+)!(?P<cell>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)")

STATUS_LABELS = {
    "approve": "Innvilget",
    "partial": "Delvis innvilget",
    "reject": "Avslag",
    "manual_review": "Manuell behandling",
}

KIND_LABELS = {
    "agreement": "Avtale",
    "training_plan": "Utdanningsplan",
    "budget": "Budsjett/beregningsgrunnlag",
    "other": "Annet",
    "unreadable": "Uleselig",
}

# extractors' attachment flags: what a caseworker should know about a file that was read
FLAG_LABELS = {
    "macros": "Inneholder makroer (ble ikke kjørt)",
    "external-links": "Har koblinger til andre filer eller datakilder (ble ikke hentet)",
    "hidden-text": "Inneholder skjult tekst (ikke brukt som verdier)",
    "encrypted": "PDF-en er kryptert, men kunne åpnes uten passord",
    "polyglot-suspected": "Mistenkelig fil: inneholder også et ZIP-arkiv (bare PDF-delen er lest)",
    "legacy-xls": "Eldre Excel-format (.xls): formler kan ikke kontrollregnes",
    "converted-from-doc": "Konvertert fra .doc med LibreOffice før lesing",
    "converted-from-xls": "Konvertert fra .xls med LibreOffice før lesing",
    "formulas-recomputed": "Formler uten lagret verdi; summene er regnet ut på nytt",
    "ocr": "Skannet eller fotografert: lest med OCR (se sikkerheten over)",
    "pages-capped": "Lang PDF: bare de første sidene er lest",
}

SEVERITY_LABELS = {
    "review": "Må vurderes manuelt",
    "reject": "Avslag",
    "reduce": "Reduksjon",
    "warning": "Advarsel",
    "info": "Til orientering",
}

POSITION_LABELS = {
    "naeringsdrivende": "Næringsdrivende",
    "kommunalt_ansatt": "Kommunalt ansatt",
    "vikar": "Vikar",
    "introduksjonslege": "Introduksjonslege",
    "annen": "Annen allmennlegestilling",
}

# Characters that reorder or hide text: a name or amount could read differently
# on screen than in the file (Trojan Source), so they never reach an output.
_INVISIBLE = (
    [0x061C, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + list(range(0x200B, 0x200E))
)
# C0 controls other than tab and newline are not allowed in XML (docx, xlsx).
_CONTROLS = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0x7F]
_CLEAN_TABLE = dict.fromkeys(_INVISIBLE + _CONTROLS)


def clean_text(s: str) -> str:
    """Drop bidi controls, zero-width characters and XML-illegal controls from text a submitter typed."""
    return s.translate(_CLEAN_TABLE)


def kroner(amount: Decimal | int | None, empty: str = "–") -> str:
    """An amount as Norwegians write it: "240 000 kr", with øre only when there are any: "1 032,75 kr"."""
    if amount is None:
        return empty
    value = Decimal(amount).quantize(ORE, rounding=ROUND_HALF_UP)
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return f"{format_decimal(value, format=pattern, locale=LOCALE)}{NBSP}kr"


def dato(d: date | None, empty: str = "–") -> str:
    """A date in words, as in a letter: "1. september 2023"."""
    return format_date(d, "d. MMMM y", locale=LOCALE) if d else empty


def maaneder(months: list[str]) -> str:
    """Months "YYYY-MM" as runs of consecutive months: "sep. 2023–des. 2023, feb. 2024".

    Anything not shaped YYYY-MM is listed as it stands, after the runs.
    """
    shaped = [m for m in months if _MONTH.fullmatch(m)]
    odd = [m for m in months if not _MONTH.fullmatch(m)]
    parsed = sorted({(int(m[:4]), int(m[5:7])) for m in shaped})
    runs: list[list[tuple[int, int]]] = []
    for y, m in parsed:
        if runs and _next_month(runs[-1][-1]) == (y, m):
            runs[-1].append((y, m))
        else:
            runs.append([(y, m)])
    return ", ".join([_month_run(run) for run in runs] + odd)


def tidspunkt(moment: datetime) -> str:
    """A date and a time of day, as Norwegians write them: "2. desember 2026 kl. 03.17", on the clock in Norway
    whatever the server's time zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(OSLO)
    return f"{dato(moment.date())} kl. {moment:%H.%M}"


def _next_month(ym: tuple[int, int]) -> tuple[int, int]:
    y, m = ym
    return (y + 1, 1) if m == 12 else (y, m + 1)


def _month_run(run: list[tuple[int, int]]) -> str:
    first, last = (format_date(date(y, m, 1), "MMM y", locale=LOCALE) for y, m in (run[0], run[-1]))
    return first if len(run) == 1 else f"{first}–{last}"


# the order a caseworker works through them: what a person must decide first
STATUS_ORDER = ("manual_review", "reject", "partial", "approve")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag)


def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)


def position_label(position: str | None) -> str:
    return POSITION_LABELS.get(position, position) if position else "–"


def ja_nei(value: bool | None) -> str:
    return "–" if value is None else ("Ja" if value else "Nei")


def source_name(source: str | None, year: int | None = None) -> str:
    """What a rule rests on, as the document a caseworker can look up (checks/sources.yaml)."""
    return named(source, year) if source else "ikke oppgitt"


def evidence_place(evidence: Evidence) -> str:
    """Where a value stood, in words: "søknadsskjemaet, organisasjonsnummer", "budsjett.xlsx, arket «Budsjett», celle F7"."""
    where = field_name(evidence.file, evidence.where)
    cell = _CELL.fullmatch(where)
    if cell:
        where = f"arket «{cell['sheet']}», celle {cell['cell']}"
    return f"{document_name(evidence.file)}, {where}"


FILTERS = {
    "kroner": kroner,
    "dato": dato,
    "tidspunkt": tidspunkt,
    "maaneder": maaneder,
    "status_label": status_label,
    "kind_label": kind_label,
    "flag_label": flag_label,
    "source_name": source_name,
    "evidence_place": evidence_place,
    "severity_label": severity_label,
    "position_label": position_label,
    "ja_nei": ja_nei,
}


def finalize(value: object) -> object:
    """Jinja finalize hook: every printed string is cleaned before it is escaped."""
    return clean_text(value) if isinstance(value, str) else value
