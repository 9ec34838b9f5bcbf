"""batch-summary.html and .xlsx: the run as a work queue, what needs a person first."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from checks.models import Finding
from pipeline.render.environment import environment
from pipeline.render.format import STATUS_ORDER, clean_text, status_label, tidspunkt
from pipeline.result import Result

# Which findings explain a status: the severities that can produce it.
DECIDING_SEVERITIES = {
    "manual_review": ("review",),
    "reject": ("reject",),
    "partial": ("reduce", "reject"),
    "approve": (),
}
GRANTED = ("approve", "partial")


class Reason(NamedTuple):
    """What a deciding finding says, and its rule id for whoever maintains the rules."""

    message: str
    rule: str


@dataclass
class Row:
    submission_id: str
    status: str
    grant_year: int | None
    municipality: str
    kommunenummer: str
    org_number: str
    doctors: int
    requested: Decimal | None
    recommended: Decimal | None
    payout: Decimal | None
    allocated: Decimal | None
    rules: list[str]
    reasons: list[Reason]
    corrections: int = 0  # a caseworker's corrections and settled findings applied


@dataclass
class YearTotal:
    """Granted amounts of one grant year set against that year's appropriation."""

    year: int | None
    recommended: Decimal = Decimal("0")
    allocated: Decimal | None = None
    appropriation: Decimal | None = None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.appropriation is None else self.appropriation - self.recommended


@dataclass
class Sums:
    requested: Decimal = Decimal("0")
    recommended: Decimal = Decimal("0")
    payout: Decimal = Decimal("0")


@dataclass
class Totals(Sums):
    count: dict[str, int] = field(default_factory=dict)
    per_status: dict[str, Sums] = field(default_factory=dict)
    years: list[YearTotal] = field(default_factory=list)


def deciding_rules(result: Result) -> list[str]:
    """The rule ids that made the status what it is, each once, in finding order."""
    return list(dict.fromkeys(f.rule for f in _deciding(result)))


def deciding_reasons(result: Result) -> list[Reason]:
    """What those findings say, in plain Norwegian, each once: the queue shows these, the rule ids in small print."""
    return list(dict.fromkeys(Reason(f.message, f.rule) for f in _deciding(result)))


def _deciding(result: Result) -> list[Finding]:
    severities = DECIDING_SEVERITIES[result.status]
    return [f for f in result.findings if f.severity in severities]


def rows(results: list[Result]) -> list[Row]:
    """One row per submission, manual_review first, then reject, partial, approve."""
    ordered = sorted(
        results,
        key=lambda r: (STATUS_ORDER.index(r.status), r.municipality.name or "", r.submission_id),
    )
    return [_row(r) for r in ordered]


def _row(r: Result) -> Row:
    return Row(
        submission_id=r.submission_id,
        status=r.status,
        grant_year=r.grant_year,
        municipality=r.municipality.name or "",
        kommunenummer=r.municipality.kommunenummer or "",
        org_number=r.municipality.org_number or "",
        doctors=len(r.doctors),
        requested=r.requested_total_nok,
        recommended=r.recommended_total_nok,
        payout=r.payout_nok,
        allocated=r.allocated_nok,
        rules=deciding_rules(r),
        reasons=deciding_reasons(r),
        corrections=sum(c.state == "applied" for c in r.corrections),
    )


def totals(results: list[Result], appropriation: dict[int, Decimal] | None = None) -> Totals:
    """Sums over the run; recommended and payout count only what a decision exists for."""
    t = Totals(**vars(_sums(results)), count={s: sum(r.status == s for r in results) for s in STATUS_ORDER})
    t.per_status = {s: _sums([r for r in results if r.status == s]) for s in STATUS_ORDER}
    years = sorted({r.grant_year for r in results if r.status in GRANTED}, key=lambda y: (y is None, y or 0))
    t.years = [_year_total(y, results, appropriation or {}) for y in years]
    return t


def _sums(results: list[Result]) -> Sums:
    return Sums(
        requested=sum((r.requested_total_nok or Decimal("0") for r in results), Decimal("0")),
        recommended=sum((r.recommended_total_nok or Decimal("0") for r in results), Decimal("0")),
        payout=sum((r.payout_nok or Decimal("0") for r in results), Decimal("0")),
    )


def _year_total(year: int | None, results: list[Result], appropriation: dict[int, Decimal]) -> YearTotal:
    granted = [r for r in results if r.grant_year == year and r.status in GRANTED]
    allocated = [r.allocated_nok for r in granted if r.allocated_nok is not None]
    return YearTotal(
        year=year,
        recommended=sum((r.recommended_total_nok or Decimal("0") for r in granted), Decimal("0")),
        allocated=sum(allocated, Decimal("0")) if allocated else None,
        appropriation=appropriation.get(year) if year is not None else None,
    )


def render_batch_html(results: list[Result], appropriation: dict[int, Decimal] | None = None,
                      made: datetime | None = None) -> str:
    """The caseworkers' overview: a filterable queue (CSS only, no script) with totals, dated `made`
    (when the run wrote it; now by default)."""
    return environment().get_template("batch-summary.html.j2").render(
        rows=rows(results),
        totals=totals(results, appropriation),
        statuses=STATUS_ORDER,
        made=made or datetime.now().astimezone(),
    )


HEADERS = (
    ("Status", 20), ("Søknad", 18), ("Tilskuddsår", 11), ("Kommune", 24), ("Kommunenr.", 11),
    ("Org.nr.", 12), ("Leger", 7), ("Søkt (kr)", 14), ("Anbefalt (kr)", 14),
    ("Til utbetaling (kr)", 16), ("Tildelt (kr)", 14), ("Begrunnelse", 80),
    ("Regel-id (for fagansvarlig)", 40),
)
MONEY_FORMAT = "#,##0.00"


def render_batch_xlsx(results: list[Result], appropriation: dict[int, Decimal] | None = None,
                      made: datetime | None = None) -> bytes:
    """The same queue as a spreadsheet; every text cell is a string, never a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Søknader"
    _write_row(ws, 1, [h for h, _ in HEADERS], bold=True)
    for i, (_, width) in enumerate(HEADERS):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = width
    for n, row in enumerate(rows(results), start=2):
        _write_row(ws, n, [
            status_label(row.status), row.submission_id, row.grant_year, row.municipality, row.kommunenummer,
            row.org_number, row.doctors, row.requested, row.recommended, row.payout, row.allocated,
            "\n".join(r.message for r in row.reasons), ", ".join(row.rules),
        ])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _write_totals(wb.create_sheet("Totalt"), totals(results, appropriation), made or datetime.now().astimezone())
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_totals(ws: Worksheet, t: Totals, made: datetime) -> None:
    lines: list[list] = [["Laget", tidspunkt(made)], []]
    lines += [[status_label(s), t.count[s]] for s in STATUS_ORDER]
    lines += [[], ["Søkt i alt, alle søknader (kr)", t.requested],
              ["Anbefalt i alt, avgjorte søknader (kr)", t.recommended],
              ["Til utbetaling i alt, avgjorte søknader (kr)", t.payout], []]
    lines.append(["Tilskuddsår", "Anbefalt innvilget (kr)", "Tildelt (kr)", "Bevilgning (kr)", "Gjenstår (kr)"])
    lines += [[y.year, y.recommended, y.allocated, y.appropriation, y.remaining] for y in t.years]
    for n, values in enumerate(lines, start=1):
        _write_row(ws, n, values)
    ws.column_dimensions["A"].width = 26
    for col in "BCDE":
        ws.column_dimensions[col].width = 22


def _write_row(ws: Worksheet, n: int, values: list, bold: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(n, col)
        if isinstance(value, str):
            cell.value = clean_text(value)
            cell.data_type = "s"  # a municipality's "=..." stays text, never a formula
        elif isinstance(value, Decimal):
            cell.value = value
            cell.number_format = MONEY_FORMAT
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)
