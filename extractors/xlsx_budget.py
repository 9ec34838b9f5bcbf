"""The budget (regime A) or claim (regime B) spreadsheet, read by its labels wherever they stand.

A budget is one table (a row per doctor, or per doctor and month), or split over one sheet per
doctor with or without a summary sheet, or laid out turned: the labels down a column and a
doctor per column (A), the months down and a block of columns per doctor (B). Every sheet is
searched, as written and turned, for the header that names most of a regime's columns
(sheet_tables.py); the regime whose header names most wins, and every sheet holding a table
of it is read. A claim table that names no doctor takes them from the labels above it or the
heading over each block (budget_doctor.py). A doctor on several sheets is one doctor: the
sheet with most columns gives the values, and another sheet that disagrees with it is an
ArithmeticMismatch, as is a typed-in sum that differs from its parts; formulas are
recomputed by the workbook.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from extractors.budget_doctor import Doctor, doctor_above, doctor_from_sheet_name, doctor_heading
from extractors.labels import header_matches, header_starts_with, tables
from extractors.models import BudgetRecord, BudgetRow, ClaimRow, Evidence, Extracted, Grade
from extractors.sheet_tables import (Row, Table, best_table, has_text, looks_like_hpr, month_of, row_heading,
                                     table_rows)
from extractors.values import clean_text, parse_hpr, parse_position
from extractors.workbook import Cell, Cells, Turned, Workbook, evidence_value

_TOLERANCE = Decimal("0.005")
_HOURS = ("absence_hours", "supervision_hours")
_CLAIM_AMOUNTS = ("absence_hours", "absence_rate", "supervision_hours", "supervision_rate", "learning_costs", "total")
_WHO = ("hpr_number", "doctor_name")
_MONEY_A = ("requested", "total_cost", "cofunding")


def _spec() -> dict[str, Any]:
    return tables()["budget"]


def read_budget(book: Workbook) -> BudgetRecord:
    spec = _spec()
    views = (book, Turned(book))
    found_a = _tables(views, _regime_a_columns(), spec["regime_a"], _is_regime_a)
    found_b = _tables(views, spec["regime_b"]["columns"], spec["regime_b"], _is_regime_b)
    best_a = max((t.score for t in found_a), default=0)
    best_b = max((t.score for t in found_b), default=0)
    if found_b and best_b >= best_a:
        record = _read_claims(book, found_b)
    elif found_a:
        record = _read_budget_rows(found_a)
    else:
        record = BudgetRecord()
    record.arithmetic = list(book.mismatches.values())
    return record


def budget_table(book: Workbook) -> tuple[BudgetRecord, str] | None:
    """The budget of a workbook no sheet name or heading calls one, and what makes it one, in
    Norwegian: a table of doctors (by HPR number) with amounts, or of doctors' months with hours.
    None when it holds neither."""
    record = read_budget(book)
    rows = [r for r in record.rows if _has_hpr(r) and (r.requested.found or r.total_cost.found)]
    claims = [c for c in record.claims if _has_hpr(c) and c.month.found
              and (c.absence_hours.found or c.supervision_hours.found)]
    if rows:
        where, what = rows[0].hpr_number.evidence.where, "en tabell over leger og beløp"
    elif claims:
        where, what = claims[0].hpr_number.evidence.where, "et beregningsgrunnlag med timer per lege og måned"
    else:
        return None
    return record, f"{what} i arket «{where.rsplit('!', 1)[0]}»"


def _has_hpr(entry: BudgetRow | ClaimRow) -> bool:
    return entry.hpr_number.found and looks_like_hpr(entry.hpr_number.value)


def _tables(views: tuple[Cells, ...], synonyms: dict[str, list[str]], regime: dict[str, Any],
            usable: Callable[[dict[str, int]], bool]) -> list[Table]:
    """Each sheet's best table of the regime, as written or turned (as written wins a tie), in sheet order."""
    found = []
    for sheet in views[0].sheet_names:
        candidates = [best_table(view, synonyms, regime["keywords"], regime["sheets"], usable, [sheet])
                      for view in views]
        best = max((t for t in candidates if t is not None), key=lambda t: t.score, default=None)
        if best is not None:
            found.append(best)
    return found


@lru_cache(maxsize=1)
def _regime_a_columns() -> dict[str, list[str]]:
    """Regime A's columns and its cost columns ("cost:kurs") as one label table."""
    spec = _spec()["regime_a"]
    return {**spec["columns"], **{f"cost:{k}": v for k, v in spec["costs"].items()}}


def _is_regime_a(columns: dict[str, int]) -> bool:
    """A doctor and an amount; or, in a table whose doctors only a heading names, several amounts."""
    money = sum(1 for k in columns if k in _MONEY_A or k.startswith("cost:"))
    has_doctor = any(k in columns for k in _WHO)
    return bool(money) and (has_doctor or money >= 3) and any(k in columns for k in _MONEY_A)


def _is_regime_b(columns: dict[str, int]) -> bool:
    has_hours = any(k in columns for k in ("absence_hours", "supervision_hours", "absence_rate"))
    return "month" in columns and has_hours


def _where(table: Table, cell: Cell) -> str:
    return f"{table.sheet}!{cell.coord}"


def _cell_evidence(table: Table, cell: Cell) -> Evidence:
    return Evidence(file=table.view.file, where=_where(table, cell), value=evidence_value(cell.value),
                    route="sheet-cell")


def _money(table: Table, row: Row, name: str) -> Extracted[Decimal]:
    cell = row.cells.get(name)
    if cell is None:
        return Extracted()
    value = table.view.safe_number(table.sheet, cell)
    evidence = _cell_evidence(table, cell)
    if value is None:
        return Extracted(evidence=evidence) if has_text(cell) else Extracted()
    return Extracted(value=value, grade=Grade.found, evidence=evidence)


def _text(table: Table, cell: Cell | None) -> Extracted[str]:
    if not has_text(cell):
        return Extracted()
    return Extracted(value=clean_text(cell.value), grade=Grade.found, evidence=_cell_evidence(table, cell))


def _hpr(table: Table, row: Row) -> Extracted[str]:
    cell = row.cells.get("hpr_number")
    if not has_text(cell):
        return Extracted()
    hpr = parse_hpr(cell.value)
    evidence = _cell_evidence(table, cell)
    if hpr is None:
        return Extracted(evidence=evidence)
    return Extracted(value=hpr, grade=Grade.found if looks_like_hpr(hpr) else Grade.low, evidence=evidence)


def _parsed(table: Table, row: Row, name: str, parse: Callable[[object], Any]) -> Extracted:
    """A cell read through a parser; a cell with text the parser cannot read is missing, with evidence."""
    cell = row.cells.get(name)
    if not has_text(cell):
        return Extracted()
    value = parse(cell.value)
    return Extracted(value=value, grade=Grade.found if value else Grade.missing, evidence=_cell_evidence(table, cell))


def _check_sum(table: Table, target: Extracted[Decimal], cell: Cell | None, parts: list[Decimal]) -> Extracted[Decimal]:
    """A typed-in sum is compared with its parts; formulas were already recomputed by the workbook.

    A sum recomputed from cells read is as sure as they are (docs/rules.md §4: the recomputed one is used),
    so it keeps the grade found; a part that could not be read is the checks' concern."""
    if cell is None or cell.formula or target.value is None or not parts:
        return target
    recomputed = sum(parts, Decimal(0))
    if abs(recomputed - target.value) > _TOLERANCE:
        table.view.note_mismatch(table.sheet, cell.coord, target.value, recomputed, cell.value)
        return Extracted(value=recomputed, grade=Grade.found, evidence=target.evidence)
    return target


def _sum_of(values: list[Extracted[Decimal]]) -> Extracted[Decimal]:
    """A sum no cell holds, pointing at the cells it adds: a range on one sheet, else each cell."""
    wheres = [v.evidence.where for v in values if v.evidence is not None]
    sheets = {w.rsplit("!", 1)[0] for w in wheres}
    if len(sheets) == 1 and len(wheres) > 1:
        where = f"{wheres[0]}:{wheres[-1].rsplit('!', 1)[1]}"
    else:
        where = " + ".join(wheres)
    file = next(v.evidence.file for v in values if v.evidence is not None)
    return Extracted(value=sum((v.value for v in values), Decimal(0)), grade=Grade.found,
                     evidence=Evidence(file=file, where=where, value=None, route="sheet-cell"))


# --- regime A: a row (or column) per doctor ---------------------------------------------------------------------

def _read_budget_rows(found: list[Table]) -> BudgetRecord:
    """Every table's doctors, the richest table first: a summary sheet adds no doctor that the
    doctors' own sheets hold, and its total row is the total."""
    record = BudgetRecord(regime="A")
    doctors: dict[str, BudgetRow] = {}
    total: tuple[Table, Row] | None = None
    for table in sorted(found, key=lambda t: -len(t.columns)):
        rows, total_row = table_rows(table, ("doctor_name", "hpr_number"))
        for row in rows:
            budget_row = _budget_row(table, row)
            key = _doctor_key(budget_row) or f"{table.sheet}!{row.number}"
            if key in doctors:
                _merge(table, doctors[key], budget_row)
            else:
                doctors[key] = budget_row
        if total is None and total_row is not None and "requested" in total_row.cells:
            total = table, total_row
    record.rows = list(doctors.values())
    requested = [r.requested for r in record.rows if r.requested.value is not None]
    if total is not None:
        table, row = total
        record.total_requested = _check_sum(table, _money(table, row, "requested"), row.cells["requested"],
                                            [r.value for r in requested])
    if not record.total_requested.found and requested:
        record.total_requested = _sum_of(requested)
    return record


def _budget_row(table: Table, row: Row) -> BudgetRow:
    name = row.cells.get("doctor_name") if "doctor_name" in table.columns else row_heading(table, row)
    budget_row = BudgetRow(
        doctor_name=_text(table, name),
        hpr_number=_hpr(table, row),
        position=_parsed(table, row, "position", parse_position),
        costs={key.split(":", 1)[1]: _money(table, row, key) for key in table.columns if key.startswith("cost:")},
        cofunding=_money(table, row, "cofunding"),
        requested=_money(table, row, "requested"),
    )
    parts = [c for c in budget_row.costs.values() if c.value is not None]
    budget_row.total_cost = _check_sum(table, _money(table, row, "total_cost"), row.cells.get("total_cost"),
                                       [c.value for c in parts])
    if not budget_row.total_cost.found and parts:
        budget_row.total_cost = _sum_of(parts)
    return budget_row


def _doctor_key(row: BudgetRow | ClaimRow) -> str | None:
    return row.hpr_number.value or (clean_text(row.doctor_name.value).casefold() if row.doctor_name.value else None)


def _merge(table: Table, kept: BudgetRow, other: BudgetRow) -> None:
    """A doctor met again on another sheet: what the first reading lacks is filled in, and an
    amount that differs from it is a mismatch at the other sheet's cell."""
    for name in ("doctor_name", "hpr_number", "position", "total_cost", "cofunding", "requested"):
        mine, theirs = getattr(kept, name), getattr(other, name)
        if not mine.found:
            setattr(kept, name, theirs)
        elif isinstance(mine.value, Decimal) and theirs.value is not None and theirs.evidence is not None \
                and abs(mine.value - theirs.value) > _TOLERANCE:
            sheet, coord = theirs.evidence.where.rsplit("!", 1)
            table.view.note_mismatch(sheet, coord, theirs.value, mine.value, theirs.evidence.value)
    for cost, value in other.costs.items():
        if cost not in kept.costs or not kept.costs[cost].found:
            kept.costs[cost] = value


# --- regime B: a row per doctor and month -----------------------------------------------------------------------

def _read_claims(book: Workbook, found: list[Table]) -> BudgetRecord:
    """Every claim table's months; a month another sheet already claimed for the doctor (an
    overview beside the doctors' own sheets) is not counted twice."""
    record = BudgetRecord(regime="B")
    seen: set[tuple[str | None, str | None]] = set()
    for table in found:
        claims = [claim for block, doctor in _blocks(table) for claim in _claims(block, doctor)]
        record.claims += [c for c in claims if (_doctor_key(c), c.month.value) not in seen]
        seen |= {(_doctor_key(c), c.month.value) for c in claims}
    _read_summary(book, [t.sheet for t in found], record)
    return record


def _blocks(table: Table) -> list[tuple[Table, Doctor | None]]:
    """The table, or one table per doctor when it repeats its columns for each doctor (months down,
    a block of columns per doctor), each with the doctor its heading names. A table that names
    no doctor in a column takes them from above it or, last, from the sheet's name."""
    fields = list(table.fields.items())
    counts = {name: [f for _, f in fields].count(name) for _, name in fields}
    if not any(counts.get(hours, 0) > 1 for hours in _HOURS):
        if any(name in table.columns for name in _WHO):
            return [(table, None)]
        return [(table, _doctor_of(table))]
    shared = {name: col for col, name in fields if name in ("month", *_WHO) and counts[name] == 1}
    blocks: list[dict[str, int]] = [{}]
    for col, name in fields:
        if shared.get(name) == col:
            continue
        if name in blocks[-1]:
            blocks.append({})
        blocks[-1][name] = col
    out = []
    for block in blocks:
        if not any(hours in block for hours in _HOURS):
            continue  # a total column beside the doctors' blocks
        own = list(range(min(block.values()), max(block.values()) + 1))
        elsewhere = [c for c in range(1, table.view.size(table.sheet)[1] + 1) if c not in own]
        named = any(name in block for name in _WHO)
        doctor = None if named else doctor_heading(table, own, elsewhere, _hpr_labels())
        out.append((Table(table.view, table.sheet, table.header_row, {**shared, **block}, {}, table.score), doctor))
    return out


def _doctor_of(table: Table) -> Doctor:
    """The doctor of a claim table with no name or HPR column: labelled above it, else the heading
    over its columns, else the sheet's name, each filling in what the one before lacks."""
    spec = _spec()
    own = [c for name, c in table.columns.items() if name != "month"]
    sheet_words = [*spec["sheet_name_words"], *spec["regime_a"]["sheets"], *spec["regime_b"]["sheets"],
                   *spec["summary"]["sheets"], *spec["total_row"]]
    sources = (lambda: doctor_heading(table, list(range(min(own), max(own) + 1)), [table.columns["month"]],
                                      _hpr_labels()),
               lambda: doctor_from_sheet_name(table, sheet_words, _hpr_labels()))
    doctor = doctor_above(table, spec["regime_b"]["columns"])
    for source in sources:
        if doctor.hpr_number.found and doctor.doctor_name.found:
            break
        more = source()
        doctor = Doctor(doctor.hpr_number if doctor.hpr_number.found else more.hpr_number,
                        doctor.doctor_name if doctor.doctor_name.found else more.doctor_name)
    return doctor


def _hpr_labels() -> list[str]:
    return _spec()["regime_b"]["columns"]["hpr_number"]


def _claims(table: Table, doctor: Doctor | None) -> list[ClaimRow]:
    """A claim per month row with any amount; the doctor from their column, their block's heading,
    or the row above (an HPR written once, on the first of a doctor's months)."""
    rows, _total = table_rows(table, ("hpr_number", "doctor_name", "month"))
    claims: list[ClaimRow] = []
    for row in rows:
        if not any(has_text(row.cells.get(name)) for name in _CLAIM_AMOUNTS):
            continue  # a month the template lists but nobody claimed
        claim = ClaimRow(
            hpr_number=_hpr(table, row),
            doctor_name=_text(table, row.cells.get("doctor_name")),
            month=_parsed(table, row, "month", month_of),
            absence_hours=_money(table, row, "absence_hours"),
            absence_rate=_money(table, row, "absence_rate"),
            supervision_hours=_money(table, row, "supervision_hours"),
            supervision_rate=_money(table, row, "supervision_rate"),
            learning_costs=_money(table, row, "learning_costs"),
        )
        if doctor is not None:
            claim.hpr_number = claim.hpr_number if claim.hpr_number.found else doctor.hpr_number
            claim.doctor_name = claim.doctor_name if claim.doctor_name.found else doctor.doctor_name
        elif claims:
            _carry_down(claim, claims[-1])
        claim.total = _check_sum(table, _money(table, row, "total"), row.cells.get("total"), _claim_parts(claim))
        claims.append(claim)
    return claims


def _carry_down(claim: ClaimRow, previous: ClaimRow) -> None:
    """A doctor's HPR and name written once, on the first of their month rows, hold for the rows under it."""
    if not claim.hpr_number.found and not claim.doctor_name.found:
        claim.hpr_number = previous.hpr_number.model_copy(update={"grade": Grade.low})
        claim.doctor_name = previous.doctor_name.model_copy(update={"grade": Grade.low})


def _claim_parts(claim: ClaimRow) -> list[Decimal]:
    parts: list[Decimal] = []
    for hours, rate in ((claim.absence_hours, claim.absence_rate), (claim.supervision_hours, claim.supervision_rate)):
        if hours.value is not None and rate.value is not None:
            parts.append(hours.value * rate.value)
        elif hours.value:
            return []  # hours without a rate: nothing to recompute from
    if claim.learning_costs.value is not None:
        parts.append(claim.learning_costs.value)
    return parts


@lru_cache(maxsize=1)
def _supplement_columns() -> dict[str, list[str]]:
    """The summary's table of district supplements per HPR, as one label table (built once: header
    lookups are remembered per label table)."""
    return {"hpr_number": _spec()["regime_b"]["columns"]["hpr_number"],
            "district_supplement": _spec()["summary"]["district_supplement"]}


def _read_summary(book: Workbook, claim_sheets: list[str], record: BudgetRecord) -> None:
    """District supplements, facilitation and the total, on the summary sheet or a sheet holding no claims."""
    spec = _spec()["summary"]
    sheets = [s for s in book.sheet_names if header_matches(s, spec["sheets"])] or \
        [s for s in book.sheet_names if s not in claim_sheets]
    for sheet in sheets:
        supplement_table = best_table(book, _supplement_columns(), {}, [], lambda c: len(c) == 2, [sheet])
        if supplement_table:
            rows, _ = table_rows(supplement_table, ("hpr_number",))
            for row in rows:
                hpr = _hpr(supplement_table, row)
                amount = _money(supplement_table, row, "district_supplement")
                if hpr.value and (amount.found or amount.evidence is not None):
                    record.district_supplement[hpr.value] = amount
        labelled = _labelled_numbers(book, sheet)
        for hpr, amount in labelled.pop("district_supplement", {}).items():
            record.district_supplement.setdefault(hpr, amount)
        for name in ("facilitation", "total_claimed"):
            hits = labelled.get(name, {})
            if hits and not getattr(record, name).found:
                setattr(record, name, next(iter(hits.values())))


def _labelled_numbers(book: Workbook, sheet: str) -> dict[str, dict[str, Extracted[Decimal]]]:
    """Label-and-value rows: "Tilrettelegging | 12 000", "Distriktstillegg | 1234567 | 100 000".

    Each field takes its best-named label on the sheet (exact before prefix,
    longer synonym first); district supplements are kept per HPR on their row.
    """
    spec = _spec()["summary"]
    max_row, max_col = book.size(sheet)
    found: dict[str, dict[str, Extracted[Decimal]]] = {}
    best: dict[str, int] = {}
    for number in range(1, max_row + 1):
        cells = [book.cell(sheet, number, col) for col in range(1, max_col + 1)]
        for index, cell in enumerate(cells):
            if not isinstance(cell.value, str):
                continue
            for name in ("district_supplement", "facilitation", "total_claimed"):
                score = _label_score(cell.value, spec[name])
                if not score:
                    continue
                amount = _first_number_right(book, sheet, cells[index + 1:], name == "district_supplement")
                if amount is None:
                    continue
                if name == "district_supplement":
                    hpr = _hpr_in(cells)
                    if hpr:
                        found.setdefault(name, {}).setdefault(hpr, amount)
                elif score > best.get(name, 0) or (score == best.get(name) and amount.found):
                    best[name] = score
                    found[name] = {"": amount}
                break
    return found


def _label_score(text: str, synonyms: list[str]) -> int:
    exact = header_matches(text, synonyms)
    if exact:
        return 2000 + len(exact)
    prefix = header_starts_with(text, synonyms)
    return 1000 + len(prefix) if prefix else 0


def _first_number_right(book: Workbook, sheet: str, cells: list[Cell], skip_hpr: bool) -> Extracted[Decimal] | None:
    """The first number right of a label; failing that, the first text there as an amount that could
    not be read (no value, the text as evidence): "Tilrettelegging | se vedlegg" is no claim of 0."""
    unread: Extracted[Decimal] | None = None
    for cell in cells:
        if skip_hpr and looks_like_hpr(cell.value):
            continue
        value = book.safe_number(sheet, cell)
        evidence = Evidence(file=book.file, where=f"{sheet}!{cell.coord}", value=evidence_value(cell.value),
                            route="sheet-cell")
        if value is not None:
            return Extracted(value=value, grade=Grade.found, evidence=evidence)
        if unread is None and has_text(cell):
            unread = Extracted(evidence=evidence)
    return unread


def _hpr_in(cells: list[Cell]) -> str | None:
    for cell in cells:
        if looks_like_hpr(cell.value):
            return str(cell.value).strip()
    return None
