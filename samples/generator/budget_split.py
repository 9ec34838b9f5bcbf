"""Budgets and claims laid out other than one table row per doctor (docs/documents.md: "Some offices
split the budget or claim over one sheet per doctor; some lay it out turned").

- Regime A, one sheet per doctor: who the doctor is, then each cost line and the sums down a
  column of labels, with or without a summary sheet listing every doctor (formulas into the
  doctors' sheets) and a total row.
- Regime A turned: one sheet, the labels down the first column, one column per doctor and
  often a total column.
- Regime B, one claim sheet per doctor: who the doctor is above a table of one row per month.
- Regime B turned: one sheet, one row per month, a block of columns per doctor under their
  name (and HPR), often a total row and a total column.

Every layout writes the same amounts as the table layout, so the truth does not change.
"""
from __future__ import annotations

import random
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from samples.generator import variation as v
from samples.generator.plan import COST_COLUMNS, Claim, Doctor, Submission
from samples.generator.sheet_writer import (CLAIM_FIELDS, HEADERS_A, HEADERS_B, TOTAL_LABELS, Formula, Sheet, Style,
                                            notes_under, sheet_ref, summary_sheet)

SUMMARY_NAMES = ("Oppsummering", "Sammendrag", "Totalt")
VALUE_HEADERS = ("Beløp", "Beløp (kr)", "Kr", "Budsjett {year}")
LINE_HEADERS = ("Kostnad", "Kostnadstype", "Post", "Budsjettpost")
DOCTOR_COLUMN_HEADERS = ("Lege {n}", "ALIS {n}")
TOTAL_COLUMN_LABELS = ("Sum", "Totalt", "I alt", "Sum alle leger")


def sheet_names(rng: random.Random, sub: Submission, prefix: str) -> list[str]:
    """One tab per doctor, named as offices name them: the doctor, a prefix and a first name, a number."""
    style = rng.choice(["name", "prefix", "short", "number"])
    names: list[str] = []
    for n, d in enumerate(sub.doctors, start=1):
        name = {"name": d.name, "prefix": f"{prefix} {d.first_name}", "short": f"{d.first_name} {d.initial}",
                "number": f"Lege {n}"}[style][:31]
        while name in names:
            name = f"{name[:28]} {len(names) + 1}"
        names.append(name)
    return names


def _label(rng: random.Random, key: str, synonyms: dict[str, tuple[str, ...]], colon: bool) -> str:
    return rng.choice(synonyms[key]) + (":" if colon else "")


def _hpr(rng: random.Random, d: Doctor) -> object:
    return int(d.hpr) if rng.random() < 0.5 else d.hpr


# --- regime A ---------------------------------------------------------------------------------------------------

def budget_a_sheets(rng: random.Random, sub: Submission, wb: Workbook, style: Style) -> None:
    """One sheet per doctor; a summary sheet, first or last, half the time."""
    with_summary = rng.random() < 0.5
    style.layout = "sheets+summary" if with_summary else "sheets"
    summary_first = with_summary and rng.random() < 0.5
    names = sheet_names(rng, sub, "Budsjett")
    wb.active.title = names[0]
    for name in names[1:]:
        wb.create_sheet(name)
    if summary_first:
        wb.move_sheet(wb.create_sheet(rng.choice(SUMMARY_NAMES)), -len(names))
    cells = [_doctor_sheet_a(rng, sub, d, wb[name], wb.index(wb[name]) + 1, style)
             for d, name in zip(sub.doctors, names)]
    style.budget_sheets = [wb.index(wb[name]) + 1 for name in names]
    if with_summary:
        ws = wb.worksheets[0] if summary_first else wb.create_sheet(rng.choice(SUMMARY_NAMES))
        _summary_a(rng, sub, ws, wb.index(ws) + 1, style, list(zip(names, cells)))


def _doctor_sheet_a(rng: random.Random, sub: Submission, d: Doctor, ws, index: int, style: Style) -> dict[str, str]:
    """A doctor's budget down a column of labels; returns where its sums stand."""
    sheet = Sheet(rng, ws, index, style, f"Budsjett ALIS-tilskudd {sub.grant_year} – {d.name}", 2)
    colon = rng.random() < 0.4
    for key, value in (("name", d.name), ("hpr", _hpr(rng, d)), ("position", d.position_label)):
        sheet.write([_label(rng, key, HEADERS_A, colon), value])
    sheet.row += 1
    if rng.random() < 0.6:
        sheet.write([rng.choice(LINE_HEADERS), rng.choice(VALUE_HEADERS).format(year=sub.grant_year)])
    first = sheet.row
    for cost in COST_COLUMNS:
        sheet.write([_label(rng, cost, HEADERS_A, colon), d.costs[cost]])
    at = {"total": f"B{sheet.row}"}
    sheet.write([_label(rng, "total", HEADERS_A, colon), Formula(f"SUM(B{first}:B{sheet.row - 1})", d.total_cost)])
    requested_first = rng.random() < 0.3
    rows = ["requested", "cofunding"] if requested_first else ["cofunding", "requested"]
    for offset, key in enumerate(rows):
        at[key] = f"B{sheet.row + offset}"
    for key in rows:
        value = d.requested if key == "requested" else (
            Formula(f"{at['total']}-{at['requested']}", d.cofunding) if rng.random() < 0.7 else d.cofunding)
        sheet.write([_label(rng, key, HEADERS_A, colon), value])
    notes_under(rng, sheet, sub)
    return at


def _summary_a(rng: random.Random, sub: Submission, ws, index: int, style: Style,
               doctors: list[tuple[str, dict[str, str]]]) -> None:
    """Every doctor on one row, the amounts taken from their sheets, and a total row."""
    sheet = Sheet(rng, ws, index, style, f"Oppsummering ALIS-tilskudd {sub.grant_year} – {sub.kommune.name}", 5)
    keys = ["name", "hpr", "total", "cofunding", "requested"]
    sheet.write([rng.choice(HEADERS_A[k]) for k in keys])
    first = sheet.row
    for d, (name, at) in zip(sub.doctors, doctors):
        values = {"total": d.total_cost, "cofunding": d.cofunding, "requested": d.requested}
        sheet.write([d.name, _hpr(rng, d), *(Formula(sheet_ref(name, at[k]), values[k]) for k in keys[2:])])
    last = sheet.row - 1
    sums = [Formula(f"SUM({col}{first}:{col}{last})", sum((getattr(d, attr) for d in sub.doctors), Decimal(0)))
            for col, attr in (("C", "total_cost"), ("D", "cofunding"), ("E", "requested"))]
    sheet.write([rng.choice(TOTAL_LABELS), None, *sums])


def budget_a_turned(rng: random.Random, sub: Submission, wb: Workbook, style: Style) -> None:
    """Labels down column A, a column per doctor headed by the name or "Lege 1", a total column or none."""
    style.layout = "turned"
    ws = wb.active
    ws.title = "Budsjett"
    n = len(sub.doctors)
    total_column = rng.random() < 0.6
    sheet = Sheet(rng, ws, 1, style, f"Budsjett ALIS-tilskudd {sub.grant_year} – {sub.kommune.name}",
                  n + 1 + total_column)
    heading = rng.choice(["names", "numbers", "none"])
    total_label = [rng.choice(TOTAL_COLUMN_LABELS)] if total_column else []
    if heading == "names":
        sheet.write([rng.choice((None, "Post", "Lege")), *(d.name for d in sub.doctors), *total_label])
    elif heading == "numbers":
        label = rng.choice(DOCTOR_COLUMN_HEADERS)
        sheet.write([rng.choice((None, "Post")), *(label.format(n=i) for i in range(1, n + 1)), *total_label])
    last_col = get_column_letter(n + 1)
    colon = rng.random() < 0.3

    def line(key: str, values: list[object], summed: Decimal | None = None) -> int:
        row = sheet.row
        across = [Formula(f"SUM(B{row}:{last_col}{row})", summed)] if total_column and summed is not None else []
        return sheet.write([_label(rng, key, HEADERS_A, colon), *values, *across])

    if heading != "names":
        line("name", [d.name for d in sub.doctors])
    line("hpr", [_hpr(rng, d) for d in sub.doctors])
    line("position", [d.position_label for d in sub.doctors])
    first = sheet.row
    for cost in COST_COLUMNS:
        line(cost, [d.costs[cost] for d in sub.doctors], sum((d.costs[cost] for d in sub.doctors), Decimal(0)))
    cols = [get_column_letter(i) for i in range(2, n + 2)]
    total_row = sheet.row  # the cofunding row under it subtracts the requested row under that
    line("total", [Formula(f"SUM({c}{first}:{c}{total_row - 1})", d.total_cost) for c, d in zip(cols, sub.doctors)],
         sum((d.total_cost for d in sub.doctors), Decimal(0)))
    line("cofunding", [Formula(f"{c}{total_row}-{c}{total_row + 2}", d.cofunding) for c, d in zip(cols, sub.doctors)],
         sum((d.cofunding for d in sub.doctors), Decimal(0)))
    line("requested", [d.requested for d in sub.doctors], sub.total_requested)
    notes_under(rng, sheet, sub)


# --- regime B ---------------------------------------------------------------------------------------------------

def _claim_values(c: Claim) -> dict[str, object]:
    return {"absence_hours": c.absence_hours, "absence_rate": c.absence_rate, "supervision_hours": c.supervision_hours,
            "supervision_rate": c.supervision_rate, "learning_costs": c.learning_costs}


def _claim_total(letters: dict[str, str], row: int, c: Claim) -> Formula:
    return Formula(f"{letters['absence_hours']}{row}*{letters['absence_rate']}{row}+{letters['supervision_hours']}{row}*"
                   f"{letters['supervision_rate']}{row}+{letters['learning_costs']}{row}", c.total)


def budget_b_sheets(rng: random.Random, sub: Submission, wb: Workbook, style: Style) -> None:
    """One claim sheet per doctor, who they are written above the month table; the summary last."""
    style.layout = "sheets"
    names = sheet_names(rng, sub, rng.choice(["Krav", "Beregningsgrunnlag"]))
    wb.active.title = names[0]
    totals = []
    for n, (d, name) in enumerate(zip(sub.doctors, names), start=1):
        ws = wb[name] if n == 1 else wb.create_sheet(name)
        totals.append(_doctor_sheet_b(rng, sub, d, ws, n, style))
    style.budget_sheets = list(range(1, len(names) + 1))
    claimed = sum((c.total for d in sub.doctors for c in d.claims), Decimal(0))
    claims = Formula("+".join(f"SUM({sheet_ref(name, cells)})" for name, cells in zip(names, totals)), claimed)
    summary_sheet(rng, sub, wb.create_sheet("Oppsummering"), len(names) + 1, style, claims)


def _doctor_sheet_b(rng: random.Random, sub: Submission, d: Doctor, ws, index: int, style: Style) -> str:
    """Name and HPR above the table (label and value in two cells, or in one), then a row per month;
    returns the range of the month totals."""
    sheet = Sheet(rng, ws, index, style, f"Beregningsgrunnlag {sub.grant_year} – {d.name}", 7)
    colon = rng.random() < 0.6
    pairs = [(_label(rng, "name", HEADERS_B, colon), d.name), (_label(rng, "hpr", HEADERS_B, colon), _hpr(rng, d))]
    if rng.random() < 0.5:
        pairs.reverse()
    layout = rng.choice(["rows", "one-cell", "side-by-side"])
    if layout == "rows":
        for label, value in pairs:
            sheet.write([label, value])
    elif layout == "one-cell":
        for label, value in pairs:
            sheet.write([f"{label.rstrip(':')}: {value}"])
    else:
        sheet.write([pairs[0][0], pairs[0][1], None, pairs[1][0], pairs[1][1]])
    sheet.row += 1
    keys = ["month", *CLAIM_FIELDS]
    if v.wide() and rng.random() < 0.5:
        middle = keys[1:-1]
        rng.shuffle(middle)
        keys = ["month", *middle, "total"]
    sheet.write([rng.choice(HEADERS_B[k]) for k in keys])
    letters = {k: get_column_letter(i + 1) for i, k in enumerate(keys)}
    first = sheet.row
    for c in d.claims:
        row = {"month": v.month_cell(rng, c.year, c.month), **_claim_values(c),
               "total": _claim_total(letters, sheet.row, c)}
        sheet.write([row[k] for k in keys])
    months = f"{letters['total']}{first}:{letters['total']}{sheet.row - 1}"
    if rng.random() < 0.6:
        sheet.write(["Sum" if k == "month" else Formula(f"SUM({months})", sum((c.total for c in d.claims), Decimal(0)))
                     if k == "total" else None for k in keys])
    else:
        style.total_row = False
    return months


def budget_b_turned(rng: random.Random, sub: Submission, wb: Workbook, style: Style) -> None:
    """A row per month, a block of columns per doctor under their name (and HPR), a total column or none;
    often each rate headed only "Sats", right of its hours."""
    style.layout = "turned"
    ws = wb.active
    ws.title = "Beregningsgrunnlag"
    fields = list(CLAIM_FIELDS)
    labels = {k: rng.choice(HEADERS_B[k]) for k in fields}
    if v.chance(rng, "bare-sats", 0.4):
        labels.update(absence_rate="Sats", supervision_rate="Sats")
    width = len(fields)
    total_column = rng.random() < 0.5
    sheet = Sheet(rng, ws, 1, style, f"Beregningsgrunnlag Nasjonal ALIS og veiledning {sub.grant_year}",
                  1 + width * len(sub.doctors) + total_column)
    _doctor_headings(rng, sheet, sub.doctors, width)
    total_col = get_column_letter(2 + width * len(sub.doctors))
    sheet.write([rng.choice(HEADERS_B["month"]), *(labels[k] for _ in sub.doctors for k in fields),
                 *([rng.choice(TOTAL_COLUMN_LABELS)] if total_column else [])])
    months = sorted({(c.year, c.month) for d in sub.doctors for c in d.claims})
    first = sheet.row
    for year, month in months:
        row, cells, totals = sheet.row, [v.month_cell(rng, year, month)], []
        for n, d in enumerate(sub.doctors):
            claim = next((c for c in d.claims if (c.year, c.month) == (year, month)), None)
            letters = {k: get_column_letter(2 + n * width + i) for i, k in enumerate(fields)}
            if claim is None:
                cells += [None] * width
                continue
            cells += [*_claim_values(claim).values(), _claim_total(letters, row, claim)]
            totals.append((f"{letters['total']}{row}", claim.total))
        if total_column:
            cells.append(Formula("+".join(ref for ref, _ in totals), sum((t for _, t in totals), Decimal(0))))
        sheet.write(cells)
    last = sheet.row - 1
    claimed = sum((c.total for d in sub.doctors for c in d.claims), Decimal(0))
    total_cols = [get_column_letter(2 + n * width + width - 1) for n in range(len(sub.doctors))]
    claims = Formula("+".join(f"SUM({sheet_ref(ws.title, f'{c}{first}:{c}{last}')})" for c in total_cols), claimed)
    if rng.random() < 0.6:
        sums: list[object] = [rng.choice(TOTAL_LABELS)]
        for n, d in enumerate(sub.doctors):
            sums += [None] * (width - 1) + [Formula(f"SUM({total_cols[n]}{first}:{total_cols[n]}{last})",
                                                    sum((c.total for c in d.claims), Decimal(0)))]
        if total_column:
            sums.append(Formula(f"SUM({total_col}{first}:{total_col}{last})", claimed))
        sheet.write(sums)
    else:
        style.total_row = False
    summary_sheet(rng, sub, wb.create_sheet("Oppsummering"), 2, style, claims)


def _doctor_headings(rng: random.Random, sheet: Sheet, doctors: list[Doctor], width: int) -> None:
    """Each doctor's name over their block, merged across it; the HPR in the same cell or in a row under it."""
    style = rng.choice(["name-and-hpr", "two-rows", "hpr-first"])
    rows = [[None] + [None] * width * len(doctors)]
    if style == "two-rows":
        rows.append([None] + [None] * width * len(doctors))
    for n, d in enumerate(doctors):
        col = 1 + n * width
        if style == "two-rows":
            rows[0][col], rows[1][col] = d.name, f"{rng.choice(HEADERS_B['hpr'])} {d.hpr}"
        elif style == "hpr-first":
            rows[0][col] = f"{d.hpr} – {d.name}"
        else:
            rows[0][col] = f"{d.name} ({rng.choice(HEADERS_B['hpr'])} {d.hpr})"
    for cells in rows:
        at = sheet.write(cells)
        for n in range(len(doctors)):
            sheet.ws.merge_cells(start_row=at, start_column=2 + n * width, end_row=at, end_column=1 + (n + 1) * width)
