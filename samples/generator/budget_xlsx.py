"""The one budget (regime A) or claim (regime B) spreadsheet, as a table of one row per doctor
(A) or doctor-month (B); other layouts are in budget_split.py, the cell modes in sheet_writer.py.

Layout varies per docs/documents.md: title rows, merged title, blank rows, header
not in row 1, columns in another order, extra and hidden columns, a total row.
"""
from __future__ import annotations

import io
import random
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samples.generator import budget_split
from samples.generator import variation as v
from samples.generator.office_zip import normalised, with_cached_values
from samples.generator.plan import COST_COLUMNS, Doctor, Submission
from samples.generator.sheet_formats import as_ods, as_strict, as_web_export, as_xls, as_xlsm
from samples.generator.sheet_writer import (EXTRA_COLUMNS, GROUPS_A, GROUPS_B, HEADERS_A, HEADERS_B, MODES,
                                            SUB_HEADERS, TOTAL_LABELS, WIDE_TOTAL_LABELS, Formula, Sheet, Style,
                                            label_column, notes_under, summary_sheet)

# At the widest the same workbook is also saved as Excel with macros, OpenDocument, or Excel 97,
# and laid out as one table, over one sheet per doctor, or turned (budget_split.py).
FORMATS = (("xlsx", 70), ("xlsm", 10), ("ods", 10), ("xls", 10))
LAYOUTS = (("table", 60), ("sheets", 25), ("turned", 15))
# Who wrote an .xlsx: Excel, Excel as "Strict Open XML", or a web spreadsheet's export.
WRITERS = (("excel", 85), ("strict", 5), ("web", 10))
_REWRITTEN = {"excel": lambda data: data, "strict": as_strict, "web": as_web_export}


def _columns(rng: random.Random, keys: list[str], movable: int, grouped: bool = False) -> list[str]:
    """Keys with the first `movable` shuffled (all at the widest, none under a grouped header),
    and sometimes an extra column somewhere."""
    if grouped:
        movable = 0
    elif v.wide():
        movable = len(keys)
    head = keys[:movable]
    rng.shuffle(head)
    cols = head + keys[movable:]
    if rng.random() < 0.4:
        cols.insert(rng.randint(1, len(cols)), "extra")
    return cols


def _header(rng: random.Random, cols: list[str], synonyms: dict[str, tuple[str, ...]]) -> list[str]:
    extra = rng.choice(EXTRA_COLUMNS)
    return [extra if c == "extra" else rng.choice(synonyms[c]) for c in cols]


def _two_row_header(rng: random.Random, sheet: Sheet, cols: list[str], groups: dict[str, tuple[str, ...]],
                    synonyms: dict[str, tuple[str, ...]]) -> None:
    """A group label merged over its neighbouring columns, each column's short label under it;
    a column outside any group is labelled in the top row, merged down over both rows or not."""
    top, bottom = sheet.row, sheet.row + 1
    merge_down = sheet.style.labels_merged_down = rng.random() < 0.5
    col = 0
    while col < len(cols):
        group = next((g for g, members in groups.items() if cols[col] in members), None)
        end = col
        while group and end + 1 < len(cols) and cols[end + 1] in groups[group]:
            end += 1
        if group and end > col:
            sheet.ws.cell(top, col + 1, group)
            sheet.ws.merge_cells(start_row=top, start_column=col + 1, end_row=top, end_column=end + 1)
            for index in range(col, end + 1):
                key = cols[index]
                sheet.ws.cell(bottom, index + 1, rng.choice(SUB_HEADERS.get(key) or synonyms[key]))
        else:
            label = rng.choice(EXTRA_COLUMNS) if cols[col] == "extra" else rng.choice(synonyms[cols[col]])
            sheet.ws.cell(top, col + 1, label)
            if merge_down:
                sheet.ws.merge_cells(start_row=top, start_column=col + 1, end_row=bottom, end_column=col + 1)
        col = end + 1
    sheet.row = bottom + 1


def _headers(rng: random.Random, sheet: Sheet, cols: list[str], groups: dict[str, tuple[str, ...]],
             synonyms: dict[str, tuple[str, ...]], grouped: bool) -> None:
    if grouped:
        _two_row_header(rng, sheet, cols, groups, synonyms)
        sheet.style.header_rows = 2
    else:
        sheet.write(_header(rng, cols, synonyms))


def _hide_extra(rng: random.Random, ws: Worksheet, cols: list[str]) -> None:
    if "extra" in cols and rng.random() < 0.5:
        ws.column_dimensions[get_column_letter(cols.index("extra") + 1)].hidden = True


def _row_value(d: Doctor, column: str) -> Decimal:
    derived = {"total": d.total_cost, "cofunding": d.cofunding, "requested": d.requested}
    return derived[column] if column in derived else d.costs[column]


def _budget_a(rng: random.Random, sub: Submission, wb: Workbook, style: Style) -> None:
    ws = wb.active
    ws.title = "Budsjett"
    grouped = v.wide() and rng.random() < 0.25
    cols = _columns(rng, ["name", "hpr", "position", *COST_COLUMNS, "total", "cofunding", "requested"], 3, grouped)
    sheet = Sheet(rng, ws, 1, style, f"Budsjett ALIS-tilskudd {sub.grant_year} – {sub.kommune.name}", len(cols))
    _headers(rng, sheet, cols, GROUPS_A, HEADERS_A, grouped)
    _hide_extra(rng, ws, cols)
    L = {c: get_column_letter(i + 1) for i, c in enumerate(cols)}
    first = sheet.row
    for d in sub.doctors:
        r = sheet.row
        row = {
            "name": d.name, "hpr": int(d.hpr) if rng.random() < 0.5 else d.hpr, "position": d.position_label,
            **{c: d.costs[c] for c in COST_COLUMNS},
            "total": Formula("+".join(f"{L[c]}{r}" for c in COST_COLUMNS), d.total_cost),
            "cofunding": Formula(f"{L['total']}{r}-{L['requested']}{r}", d.cofunding) if rng.random() < 0.7
            else d.cofunding,
            "requested": d.requested, "extra": rng.choice([None, None, "ny ALIS", "fortsetter"]),
        }
        sheet.write([row[c] for c in cols])
    last = sheet.row - 1
    if rng.random() < 0.3:
        sheet.row += 1
    sums = {c: Formula(f"SUM({L[c]}{first}:{L[c]}{last})", sum((_row_value(d, c) for d in sub.doctors), Decimal(0)))
            for c in (*COST_COLUMNS, "total", "cofunding", "requested")}
    labels = TOTAL_LABELS + (WIDE_TOTAL_LABELS if v.wide() else ())
    label_col = label_column(cols, set(sums))
    sheet.write([rng.choice(labels) if c == label_col else sums.get(c) for c in cols])
    notes_under(rng, sheet, sub)


def _budget_b(rng: random.Random, sub: Submission, wb: Workbook, style: Style) -> None:
    ws = wb.active
    ws.title = "Beregningsgrunnlag"
    grouped = v.wide() and rng.random() < 0.25
    cols = _columns(rng, ["hpr", "name", "month", "absence_hours", "absence_rate", "supervision_hours",
                          "supervision_rate", "learning_costs", "total"], 3, grouped)
    sheet = Sheet(rng, ws, 1, style, f"Beregningsgrunnlag Nasjonal ALIS og veiledning {sub.grant_year}", len(cols))
    if rng.random() < 0.3:
        sheet.write([f"Kommune: {sub.kommune.name}"])
        sheet.row += 1
    _headers(rng, sheet, cols, GROUPS_B, HEADERS_B, grouped)
    _hide_extra(rng, ws, cols)
    L = {c: get_column_letter(i + 1) for i, c in enumerate(cols)}
    first = sheet.row
    subtotals = style.subtotals = v.wide() and rng.random() < 0.25
    subtotal_cells: list[str] = []
    for d in sub.doctors:
        hpr = int(d.hpr) if rng.random() < 0.5 else d.hpr
        doctor_first = sheet.row
        for c in d.claims:
            r = sheet.row
            row = {
                "hpr": hpr, "name": d.name, "month": v.month_cell(rng, c.year, c.month),
                "absence_hours": c.absence_hours, "absence_rate": c.absence_rate,
                "supervision_hours": c.supervision_hours, "supervision_rate": c.supervision_rate,
                "learning_costs": c.learning_costs,
                "total": Formula(f"{L['absence_hours']}{r}*{L['absence_rate']}{r}+{L['supervision_hours']}{r}*"
                                 f"{L['supervision_rate']}{r}+{L['learning_costs']}{r}", c.total),
                "extra": None,
            }
            sheet.write([row[k] for k in cols])
        if subtotals:
            at = _subtotal(rng, sheet, cols, d, f"{L['total']}{doctor_first}:{L['total']}{sheet.row - 1}")
            subtotal_cells.append(f"{L['total']}{at}")
        elif v.wide() and rng.random() < 0.15:
            sheet.row += 1  # a blank row between doctors
    last = sheet.row - 1
    claimed = sum((c.total for d in sub.doctors for c in d.claims), Decimal(0))
    total_range = f"{L['total']}{first}:{L['total']}{last}"
    claims = Formula(f"SUM(Beregningsgrunnlag!{total_range})", claimed)
    if subtotals:  # the grand total adds the doctors' sums
        at = sheet.write([rng.choice(("Sum", "Totalt")) if c == label_column(cols, {"total"}) else
                          Formula("+".join(subtotal_cells), claimed) if c == "total" else None for c in cols])
        claims = Formula(f"Beregningsgrunnlag!{L['total']}{at}", claimed)
    elif rng.random() < 0.6:
        sums = Formula(f"SUM({total_range})", claimed)
        sheet.write(["Sum" if c == label_column(cols, {"total"}) else sums if c == "total" else None for c in cols])
    else:
        style.total_row = False
    notes_under(rng, sheet, sub)
    summary_sheet(rng, sub, wb.create_sheet("Oppsummering"), 2, style, claims)


def _subtotal(rng: random.Random, sheet: Sheet, cols: list[str], d: Doctor, months: str) -> int:
    """A doctor's own sum under their months, as many claim sheets have; returns its row."""
    label = rng.choice([f"Sum {d.name}", f"Sum {d.hpr}", "Delsum", "Sum lege"])
    subtotal = Formula(f"SUM({months})", sum((c.total for c in d.claims), Decimal(0)))
    label_col = label_column(cols, {"total"})
    return sheet.write([label if c == label_col else subtotal if c == "total" else None for c in cols])


def _make_stale(rng: random.Random, style: Style, wb: Workbook) -> list[str]:
    """Shifts one stored value of the budget's own sheets away from what its formula computes; returns where."""
    cells = [(index, coord) for index in style.budget_sheets for coord in sorted(style.cached.get(index, {}))]
    if not cells:
        return []
    index, coord = rng.choice(cells)
    stored = style.cached[index]
    stored[coord] = f"{Decimal(stored[coord]) + rng.choice([-5000, 1000, 12500]):f}"
    return [f"{wb.worksheets[index - 1].title}!{coord}"]


def _extra_sheets(rng: random.Random, wb: Workbook) -> None:
    """Sheets that are not the budget: instructions, a scratch sheet (after the budget's own)."""
    if rng.random() < 0.4:
        ws = wb.create_sheet(rng.choice(["Instruksjon", "Veiledning til skjema", "Info"]))
        ws["A1"] = "Fyll ut de gule feltene. Summer regnes ut automatisk."
        ws["A3"] = "Kontaktperson i kommunen"
    if rng.random() < 0.2:
        ws = wb.create_sheet("Ark2")
        ws["B2"] = "Notater"
        ws["B3"] = 12
        ws["C3"] = "kladd"


def render(rng: random.Random, sub: Submission, ext: str = "", layout: str = "", writer: str = "",
           ) -> tuple[bytes, dict, str]:
    """The workbook, what the truth should say about its cells, and its file extension (format,
    layout and an .xlsx's writer drawn from FORMATS, LAYOUTS and WRITERS at the widest, unless named)."""
    formats, format_weights = zip(*FORMATS)
    ext = ext or (rng.choices(formats, format_weights)[0] if v.wide() else "xlsx")
    modes, weights = zip(*MODES)
    mode = "values" if ext == "xls" else rng.choices(modes, weights)[0]
    if ext == "ods" and mode == "formulas":
        mode = "cached"  # LibreOffice always stores what a formula computes
    style = Style(mode=mode, text_numbers=mode == "values" and rng.random() < 0.2)
    layouts, layout_weights = zip(*LAYOUTS)
    drawn = rng.choices(layouts, layout_weights)[0] if v.wide() else "table"
    layout = layout or drawn
    wb = Workbook()
    _DRAW[sub.regime, layout](rng, sub, wb, style)
    if v.wide():
        _extra_sheets(rng, wb)
    if ext in ("ods", "xls"):
        style.writer = ext
        stale = _make_stale(rng, style, wb) if mode == "stale" else []
        data = as_ods(wb, style.cached) if ext == "ods" else as_xls(wb)
        return data, _truth(style, stale), ext
    buf = io.BytesIO()
    wb.save(buf)
    data, stale = normalised(buf.getvalue()), []
    if mode in ("cached", "stale"):
        if mode == "stale":
            stale = _make_stale(rng, style, wb)
        data = with_cached_values(data, style.cached)
    if ext == "xlsm":
        data = as_xlsm(data)
    writers, writer_weights = zip(*WRITERS)
    drawn = rng.choices(writers, writer_weights)[0] if v.wide() and ext == "xlsx" else "excel"
    style.writer = writer or drawn
    return _REWRITTEN[style.writer](data), _truth(style, stale), ext


_DRAW = {("A", "table"): _budget_a, ("B", "table"): _budget_b,
         ("A", "sheets"): budget_split.budget_a_sheets, ("B", "sheets"): budget_split.budget_b_sheets,
         ("A", "turned"): budget_split.budget_a_turned, ("B", "turned"): budget_split.budget_b_turned}


def _truth(style: Style, stale: list[str]) -> dict:
    return {"layout": style.layout, "writer": style.writer, "cells": style.mode, "text_numbers": style.text_numbers, "stale_cells": stale,
            "header_rows": style.header_rows, "labels_merged_down": style.labels_merged_down,
            "subtotals": style.subtotals, "note_under": style.note_under, "total_row": style.total_row}
