"""`alis allocate`: share a year's appropriation over the results under OUT (docs/rules.md §5).

Reads every result.json of the year, lets checks/allocation.py do the
arithmetic, then writes allocation-YEAR.json and .xlsx and rewrites each
affected result, summary and draft letter with its allocated amount. The
allocation depends only on the decisions, never on an earlier allocation, so
running it twice gives the same files.
"""
from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from pydantic import BaseModel, ValidationError

from checks.allocation import Allocation, allocate, claims_for, served_first
from checks.parameters import YearParameters, load_parameters
from pipeline.batch import merge_entries, write_batch
from pipeline.outputs import write_atomic
from pipeline.process import write_application
from pipeline.render.format import status_label
from pipeline.result import PIPELINE_VERSION, BatchEntry, Money, Result

log = logging.getLogger(__name__)

GRANTED = ("approve", "partial")
FACTOR_PLACES = Decimal("0.000001")


class NoResults(LookupError):
    """OUT holds no result of the year: nothing to allocate."""


class SchemeRow(BaseModel):
    scheme: str
    appropriation_nok: Money
    recommended_nok: Money
    allocated_nok: Money
    cut: bool
    factor_served_first: Money | None
    factor_served_last: Money | None


class ApplicationRow(BaseModel):
    submission_id: str
    municipality: str | None
    org_number: str | None
    status: str
    served_first: bool
    recommended_total_nok: Money
    allocated_nok: Money
    payout_nok: Money
    allocated_per_scheme: dict[str, Money]


class AllocationFile(BaseModel):
    """allocation-YEAR.json: what each appropriation gave and what each application got."""

    grant_year: int
    ruleset: str
    appropriation_source: str
    appropriations: list[SchemeRow]
    applications: list[ApplicationRow]
    pipeline_version: str = PIPELINE_VERSION


def read_results(out: Path, year: int) -> list[Result]:
    """Every result.json under OUT/applications of the grant year, by submission id."""
    results = []
    for path in sorted((out / "applications").glob("*/result.json")):
        try:
            result = Result.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError:
            raise ValueError(f"{path} er ikke en gyldig result.json") from None
        if result.grant_year == year:
            results.append(result)
    if not results:
        raise NoResults(f"ingen resultater for tilskuddsåret {year} under {out / 'applications'}")
    return results


def allocation_for(results: list[Result], params: YearParameters) -> Allocation:
    claims = [claim for r in results if r.status in GRANTED
              for claim in claims_for(r.submission_id, r.recommended_total_nok or Decimal("0"),
                                      [(d.position, d.recommended_nok) for d in r.doctors],
                                      r.findings, params)]
    return allocate(claims, params.appropriations.value)


def allocated(result: Result, allocation: Allocation) -> Result:
    """The result with its allocated amount and the payout cut alike; None for what was not granted."""
    if result.status not in GRANTED:
        return result.model_copy(update={"allocated_nok": None})
    amount = allocation.for_submission(result.submission_id)
    return result.model_copy(update={"allocated_nok": amount,
                                     "payout_nok": max(Decimal("0"), amount - deducted(result)),
                                     "unused_funds_deducted_nok": deducted(result)})


def deducted(result: Result) -> Decimal:
    """What unused funds take off the payout; a result written before the field existed still tells it."""
    if result.unused_funds_deducted_nok is not None:
        return result.unused_funds_deducted_nok
    if result.allocated_nok is None and result.recommended_total_nok is not None and result.payout_nok is not None:
        return result.recommended_total_nok - result.payout_nok
    return Decimal("0")


def allocate_year(year: int, out: Path, today: date) -> AllocationFile:
    params = load_parameters(year)
    results = read_results(out, year)
    allocation = allocation_for(results, params)
    updated = [allocated(r, allocation) for r in results]
    rows: list[BatchEntry] = []
    for before, after in zip(results, updated):
        if after.status in GRANTED or before.allocated_nok is not None:
            rows.append(write_application(after, out, today))
    report = allocation_file(updated, allocation, params)
    write_atomic(out / f"allocation-{year}.json", report.model_dump_json(indent=2))
    write_atomic(out / f"allocation-{year}.xlsx", allocation_xlsx(report))
    write_batch(out, merge_entries(out, rows, inbox=str(out)))
    log.info("allocation %d: %d applications", year, len(report.applications))
    return report


def allocation_file(results: list[Result], allocation: Allocation, params: YearParameters) -> AllocationFile:
    schemes = [SchemeRow(scheme=s.scheme, appropriation_nok=s.appropriation, recommended_nok=s.recommended,
                         allocated_nok=s.allocated, cut=s.cut, factor_served_first=_factor(s.factor_first),
                         factor_served_last=_factor(s.factor_last))
               for s in allocation.schemes]
    applications = [
        ApplicationRow(submission_id=r.submission_id, municipality=r.municipality.name,
                       org_number=r.municipality.org_number, status=r.status, served_first=served_first(r.findings),
                       recommended_total_nok=r.recommended_total_nok or Decimal("0"),
                       allocated_nok=r.allocated_nok or Decimal("0"), payout_nok=r.payout_nok or Decimal("0"),
                       allocated_per_scheme={scheme: v for (sid, scheme), v in sorted(allocation.shares.items())
                                             if sid == r.submission_id})
        for r in results if r.status in GRANTED
    ]
    return AllocationFile(grant_year=params.year, ruleset=str(params.year),
                          appropriation_source=params.appropriations.source,
                          appropriations=schemes, applications=applications)


def _factor(factor: Decimal | None) -> Decimal | None:
    return None if factor is None else factor.quantize(FACTOR_PLACES)


SCHEME_HEADER = ["Bevilgning", "Bevilget (kr)", "Anbefalt (kr)", "Fordelt (kr)", "Avkortet",
                 "Faktor, prioritert", "Faktor, betjent sist"]
APPLICATION_HEADER = ["Søknad", "Kommune", "Organisasjonsnummer", "Status", "Prioritert",
                      "Anbefalt (kr)", "Fordelt (kr)", "Til utbetaling (kr)"]


def allocation_xlsx(report: AllocationFile) -> bytes:
    """The allocation as a spreadsheet; ids and org numbers stay text so Excel keeps their digits."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Fordeling"
    ws.append(APPLICATION_HEADER)
    for a in report.applications:
        ws.append([str(a.submission_id), str(a.municipality or ""), str(a.org_number or ""), status_label(a.status),
                   "ja" if a.served_first else "nei", a.recommended_total_nok, a.allocated_nok, a.payout_nok])
    schemes = wb.create_sheet("Bevilgninger")
    schemes.append(SCHEME_HEADER)
    for s in report.appropriations:
        schemes.append([str(s.scheme), s.appropriation_nok, s.recommended_nok, s.allocated_nok,
                        "ja" if s.cut else "nei", s.factor_served_first, s.factor_served_last])
    for sheet in (ws, schemes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, Decimal):
                    is_factor = sheet is schemes and cell.column > len(SCHEME_HEADER) - 2
                    cell.number_format = "0.000000" if is_factor else "#,##0.00"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
