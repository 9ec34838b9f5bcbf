"""Norwegian values as people write them, turned into Decimal, date, "YYYY-MM" and positions.

Municipal documents write the same number or date in many ways (docs/documents.md
"What real files do"); every parser here returns None rather than guessing
when the text is not a value of its kind.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from extractors.models import Position

# Spaces that appear inside numbers: normal, no-break, thin, narrow no-break, figure.
_SPACES = "\u0020\u00a0\u2009\u202f\u2007\u2002\u2003"
_SPACE_CLASS = "[" + _SPACES + "]"

MONTHS = {
    "januar": 1, "jan": 1,
    "februar": 2, "feb": 2,
    "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "desember": 12, "des": 12,
}
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))

_AMOUNT_RE = re.compile(
    r"(?P<sign>[-−–])?\s*(?:kr\.?|nok)?\s*(?P<num>\d[\d" + _SPACES + r".,]*)",
    re.IGNORECASE,
)
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})(?![\d])"),
    re.compile(r"(?<![\d-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})(?![\d-])"),  # as some systems print
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})\.?\s*(?P<mw>" + _MONTH_WORD + r")\.?\s+(?P<y>\d{4})(?!\d)",
        re.IGNORECASE,
    ),
]
_MONTH_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
    re.compile(r"^(?P<mw>" + _MONTH_WORD + r")\.?[\s\-]+(?P<y>\d{4})$", re.IGNORECASE),
    re.compile(r"^(?P<mw>" + _MONTH_WORD + r")\.?\s*[-'.]?\s*(?P<yy>\d{2})$", re.IGNORECASE),  # "jan. 24", "okt-23"
]


def clean_text(text: object) -> str:
    """Collapse every kind of space to one ordinary space, so labels and values compare."""
    if text is None:
        return ""
    return re.sub(r"[\s" + _SPACES + r"]+", " ", str(text)).strip()


def parse_amount(raw: object) -> Decimal | None:
    """A Norwegian amount: `240 000`, `240 000,00`, `kr 240.000,-`, `1 032,75`, `NOK 8 262`."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip()
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    text = re.sub(r"[,.]\s*[-–]+\s*$", "", text)  # "240.000,-"
    text = re.sub(r"\s*(kr\.?|nok)\s*$", "", text, flags=re.IGNORECASE)
    match = _AMOUNT_RE.fullmatch(text.strip())
    if not match:
        return None
    number = _normalise_separators(re.sub(_SPACE_CLASS, "", match["num"]))
    if number is None:
        return None
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return -value if negative or match["sign"] else value


_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")  # thousands in groups of three: "1.240.000"


def _normalise_separators(num: str) -> str | None:
    """Decide which of `.` and `,` is the decimal mark; Norwegian prefers the comma."""
    num = num.rstrip(".,")
    if "," in num and "." in num:
        decimal_mark = "," if num.rfind(",") > num.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        num = num.replace(thousands, "").replace(decimal_mark, ".")
    elif num.count(",") > 1:
        if not _GROUPED.fullmatch(num.replace(",", ".")):
            return None
        num = num.replace(",", "")
    elif "," in num:
        num = num.replace(",", ".")
    elif num.count(".") > 1:
        if not _GROUPED.fullmatch(num):
            return None  # "14.01.2019" is a date, not 14 012 019 kroner
        num = num.replace(".", "")
    elif "." in num and re.fullmatch(r"\d{1,3}\.\d{3}", num):
        num = num.replace(".", "")  # "240.000" is thousands in Norwegian
    if not re.fullmatch(r"\d+(\.\d+)?", num):
        return None
    return num


def parse_percent(raw: object) -> Decimal | None:
    """A stillingsprosent: `100 %`, `80%`, `80 prosent`, or a fraction cell such as 0.8."""
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        value = parse_amount(raw)
        return value * 100 if value is not None and value <= 1 else value
    text = clean_text(raw).lower()
    match = re.search(r"(\d+(?:[.,]\d+)?)\s*(%|prosent)", text)
    if match:
        return parse_amount(match[1])
    return parse_amount(text) if re.fullmatch(r"\d+(?:[.,]\d+)?", text) else None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_date(raw: object) -> date | None:
    """A date cell or the one date a text holds: `01.09.2023`, `1. september 2023`, `2023-09-01`."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    found = find_date(clean_text(raw))
    return found[0] if found else None


def find_date(text: str) -> tuple[date, str] | None:
    """The first date in a longer text, with the raw text it stood as."""
    hits = find_dates(text)
    return hits[0] if hits else None


def find_dates(text: str) -> list[tuple[date, str]]:
    """Every date in a text, left to right (a signature line may hold both parties' dates)."""
    return [(found.value, found.raw) for found in dates_in(text)]


@dataclass(frozen=True)
class FoundDate:
    """A date in a text and where it stood; `month_only` when the text named no day ("mars 2024")."""

    value: date
    raw: str
    start: int
    end: int
    month_only: bool = False


_MONTH_ONLY = re.compile(r"(?<![\w.])(?P<mw>" + _MONTH_WORD + r")\.?\s+(?P<y>\d{4})(?!\d)", re.IGNORECASE)


def dates_in(text: str, month_day: str = "") -> list[FoundDate]:
    """Every date in a text, left to right. A month alone ("mars 2024") is a date only when `month_day`
    says which day it stands for: "first" (the start of a period) or "last" (its inclusive end)."""
    hits: list[FoundDate] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < t.end and t.start < match.end() for t in hits):
                continue
            parts = match.groupdict()
            month = MONTHS[parts["mw"].lower()] if parts.get("mw") else int(parts["m"])
            try:
                value = date(_year(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
            hits.append(FoundDate(value, match.group(0), match.start(), match.end()))
    if month_day:
        for match in _MONTH_ONLY.finditer(text):
            if any(match.start() < t.end and t.start < match.end() for t in hits):
                continue
            year, month = int(match["y"]), MONTHS[match["mw"].lower()]
            day = 1 if month_day == "first" else calendar.monthrange(year, month)[1]
            hits.append(FoundDate(date(year, month, day), match.group(0), match.start(), match.end(), True))
    return sorted(hits, key=lambda h: h.start)


def parse_month(raw: object) -> str | None:
    """A claim month as "YYYY-MM": `september 2023`, `2023-09`, `09.2023`, or a date cell."""
    if isinstance(raw, (date, datetime)):
        return f"{raw.year:04d}-{raw.month:02d}"
    text = clean_text(raw).lower()
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            month = MONTHS[parts["mw"]] if parts.get("mw") else int(parts["m"])
            year = int(parts["y"]) if parts.get("y") else 2000 + int(parts["yy"])
            if 1 <= month <= 12:
                return f"{year:04d}-{month:02d}"
            return None
    whole = parse_date(text)
    return f"{whole.year:04d}-{whole.month:02d}" if whole else None


_POSITION_RULES: list[tuple[Position, re.Pattern[str]]] = [
    ("introduksjonslege", re.compile(r"introduksjons\s*-?\s*lege|introduksjonsstilling")),
    ("vikar", re.compile(r"vikar(?!byr)|vikariat")),
    ("annen", re.compile(r"legevakt|sykehjem|helsestasjon|fengsel|skolelege|kommuneoverlege|"
                         r"institusjon|annen|andre allmennmedisinske")),
    ("kommunalt_ansatt", re.compile(r"kommunalt?\s+ansatt|ansatt i (?:\w+\s+)?kommunen|fast\s*ansatt|"
                                    r"fastlønn|fastlønnet|ansatt fastlege|arbeidstaker")),
    ("naeringsdrivende", re.compile(r"næringsdriv|naeringsdriv|næringsdrift|selvstendig|privat praksis|"
                                    r"egen praksis|enkeltpersonforetak")),
]
POSITION_CODES: set[str] = {p for p, _ in _POSITION_RULES}


def parse_position(raw: object) -> Position | None:
    """Norwegian position text into the rules' five positions ("fastlegevikar" is vikar)."""
    text = clean_text(raw).lower()
    if not text:
        return None
    if text in POSITION_CODES:
        return text  # type: ignore[return-value]
    # a word a narrow table cell broke ("introduksjonsleg e") is read with the spaces taken out
    for candidate in (text, text.replace(" ", "")):
        for position, pattern in _POSITION_RULES:
            if pattern.search(candidate):
                return position
    return None


# a number typed with spaces where the writer pleased ("930 6163"), the whole value and nothing else
_SPACED_NUMBER = re.compile(r"\d{2,4}(?: \d{2,4})+")


def parse_hpr(raw: object) -> str | None:
    """The digits of an HPR number ("1234567", "1 234 567"); whether it is valid is the checks' call."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = re.sub(r"^(\d+)[.,]0+$", r"\1", clean_text(raw).strip())
    match = re.search(r"(?<![\d.,])(\d{5,12})(?!\d)(?![.,]\d)", text)
    if match:
        return match[1]
    if _SPACED_NUMBER.fullmatch(text) and 7 <= sum(c.isdigit() for c in text) <= 9:
        return text.replace(" ", "")
    grouped = re.search(r"(?<![\d.,])(\d{1,3}(?: \d{3}){2,3})(?![\d.,]\d| \d)", text)
    return grouped[1].replace(" ", "") if grouped else None
