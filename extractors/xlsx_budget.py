"""The budget (regime A) or claim (regime B) spreadsheet read by its header row.

The header row is searched in the first rows of every sheet by the column
synonyms in labels.yaml, so title rows, column order, extra and hidden
columns do not matter. Rows under it are doctors (or doctor-months) until a
total row ("Sum", "Totalt"). Sums are recomputed from their parts; a stored
sum that differs is an ArithmeticMismatch and the recomputed one is used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from typing import Any, Callable

from extractors.labels import by_length, header_matches, header_starts_with, normalise_header, tables, words_fit
from extractors.models import BudgetRecord, BudgetRow, ClaimRow, Evidence, Extracted, Grade
from extractors.values import clean_text, parse_hpr, parse_month, parse_position
from extractors.workbook import Cell, Workbook, evidence_value

HEADER_SEARCH_ROWS = 30
_TOLERANCE = Decimal("0.005")


@dataclass
class Table:
    sheet: str
    header_row: int
    columns: dict[str, int]  # field -> column number (1-based)
    score: int = 0


@dataclass
class Row:
    number: int
    cells: dict[str, Cell] = field(default_factory=dict)


def _spec() -> dict[str, Any]:
    return tables()["budget"]


def read_budget(book: Workbook) -> BudgetRecord:
    spec = _spec()
    a_columns = _regime_a_columns()
    table_a = _best_table(book, a_columns, spec["regime_a"]["keywords"], spec["regime_a"]["sheets"], _is_regime_a)
    table_b = _best_table(book, spec["regime_b"]["columns"], spec["regime_b"]["keywords"],
                          spec["regime_b"]["sheets"], _is_regime_b)
    if table_b and (not table_a or table_b.score >= table_a.score):
        record = _read_claims(book, table_b)
    elif table_a:
        record = _read_budget_rows(book, table_a)
    else:
        record = BudgetRecord()
    record.arithmetic = list(book.mismatches.values())
    return record


@lru_cache(maxsize=1)
def _regime_a_columns() -> dict[str, list[str]]:
    """Regime A's columns and its cost columns ("cost:kurs") as one label table."""
    spec = _spec()["regime_a"]
    return {**spec["columns"], **{f"cost:{k}": v for k, v in spec["costs"].items()}}


def _is_regime_a(columns: dict[str, int]) -> bool:
    has_doctor = "doctor_name" in columns or "hpr_number" in columns
    has_money = any(k in columns for k in ("requested", "total_cost", "cofunding"))
    return has_doctor and has_money


def _is_regime_b(columns: dict[str, int]) -> bool:
    has_hours = any(k in columns for k in ("absence_hours", "supervision_hours", "absence_rate"))
    return "month" in columns and has_hours


def _match_header_row(row: list[object], synonyms: dict[str, list[str]], keywords: dict[str, list],
                      hidden: set[int]) -> dict[str, int]:
    """Each header cell to the field it names: exact synonym, then its keywords, then a synonym prefix.

    A field named by several columns takes the best-named visible one.
    """
    candidates: dict[str, list[tuple[bool, int, int]]] = {}
    texts = [(i, c) for i, c in enumerate(row, start=1) if isinstance(c, str) and c.strip()]
    if len(texts) < 2:
        return {}  # a title or a data row: no table has a one-column header
    if _has_numbers(row) and not any(normalise_header(c) in _index(synonyms).exact for _, c in texts):
        return {}  # numbers and no header word: a data row, not worth the slower routes
    for index, cell in texts:
        best = _header_field(cell, synonyms, keywords)
        if best:
            candidates.setdefault(best[1], []).append((index in hidden, -best[0], index))
    return {name: sorted(options)[0][2] for name, options in candidates.items()}


def _has_numbers(row: list[object]) -> bool:
    return any(isinstance(c, (int, float, Decimal)) and not isinstance(c, bool) for c in row)


@dataclass
class _HeaderIndex:
    """A label table prepared once: normalised synonyms for exact lookup and for prefixes."""

    exact: dict[str, tuple[int, str]]
    prefixes: list[tuple[str, int, str]]


_INDEXES: dict[int, _HeaderIndex] = {}
_HEADER_FIELDS: dict[tuple[int, str], tuple[int, str] | None] = {}


def _index(synonyms: dict[str, list[str]]) -> _HeaderIndex:
    if id(synonyms) not in _INDEXES:
        exact: dict[str, tuple[int, str]] = {}
        prefixes: list[tuple[str, int, str]] = []
        for name, words in synonyms.items():
            for word in by_length(words):
                norm = normalise_header(word)
                if norm:
                    exact.setdefault(norm, (3000 + len(norm), name))
                    prefixes.append((norm, 1000 + len(norm), name))
        _INDEXES[id(synonyms)] = _HeaderIndex(exact, prefixes)
    return _INDEXES[id(synonyms)]


def _header_field(cell: str, synonyms: dict[str, list[str]], keywords: dict[str, list]) -> tuple[int, str] | None:
    """The field a header cell names and how well: exact synonym, then its keywords, then a
    synonym at the start or end; remembered per label table, as headers repeat."""
    key = (id(synonyms), cell)
    if key not in _HEADER_FIELDS:
        best = _header_field_uncached(normalise_header(cell), _index(synonyms), keywords)
        if len(_HEADER_FIELDS) > 20_000:
            _HEADER_FIELDS.clear()
        _HEADER_FIELDS[key] = best
    return _HEADER_FIELDS[key]


def _header_field_uncached(text: str, index: _HeaderIndex, keywords: dict[str, list]) -> tuple[int, str] | None:
    if not text:
        return None
    if text in index.exact:
        return index.exact[text]
    words = text.split()
    best: tuple[int, str] | None = None
    for name, rules in keywords.items():
        fit = words_fit(words, rules)
        if fit and (best is None or 2000 + fit > best[0]):
            best = (2000 + fit, name)
    if best is None:
        for norm, score, name in index.prefixes:
            if (text.startswith(norm + " ") or text.endswith(" " + norm)) and (best is None or score > best[0]):
                best = (score, name)
    return best


def _best_table(book: Workbook, synonyms: dict[str, list[str]], keywords: dict[str, list], preferred: list[str],
                usable) -> Table | None:
    """The header naming most fields; a row read alone wins a tie with the same row stacked on the one above."""
    best: Table | None = None
    for sheet in book.sheet_names:
        hidden = book.hidden_columns(sheet)
        bonus = 5 if header_matches(sheet, preferred) else 0
        grid = book.grid(sheet, rows=HEADER_SEARCH_ROWS)
        for number, row in enumerate(grid, start=1):
            readings = [row]
            if number > 1 and _may_be_group_row(grid[number - 2]):
                readings.append(_stacked(book, sheet, number, grid[number - 2], row, synonyms, keywords))
            for reading in readings:
                columns = _match_header_row(reading, synonyms, keywords, hidden)
                if not usable(columns):
                    continue
                table = Table(sheet, number, columns, score=len(columns) + bonus)
                if best is None or table.score > best.score:
                    best = table
    return best


def _stacked(book: Workbook, sheet: str, number: int, above: list[object], row: list[object],
             synonyms: dict[str, list[str]], keywords: dict[str, list]) -> list[object]:
    """A two-row header read as one: a group label ("Fravær") joins a short label under it that names
    nothing alone ("Timer"), and a label standing only in the top row covers the blank under it.

    A blank under a merged cell stays blank: that is a title or a group label, not a column's name.
    """
    stacked: list[object] = []
    for col, (up, own) in enumerate(zip(above, row), start=1):
        if not _is_label(up) or up == own:
            stacked.append(own)
        elif not _is_label(own):
            stacked.append(own if own is not None or book.is_merged(sheet, number - 1, col) else up)
        else:
            stacked.append(own if _header_field(own, synonyms, keywords) else f"{up} {own}")
    return stacked


def _may_be_group_row(row: list[object]) -> bool:
    """A row of group labels names at least two things; a title merged across the table names one."""
    return len({c for c in row if _is_label(c)}) >= 2


def _is_label(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_total_label(value: object) -> bool:
    """A sum row's label: one of the total words, alone or first ("Sum Kari Nordmann", "Delsum")."""
    if not isinstance(value, str):
        return False
    text = normalise_header(value)
    return any(text == word or text.startswith(word + " ") for word in _total_words())


@lru_cache(maxsize=1)
def _total_words() -> tuple[str, ...]:
    return tuple(normalise_header(s) for s in _spec()["total_row"])


def _rows(book: Workbook, table: Table, key_fields: tuple[str, ...]) -> tuple[list[Row], Row | None]:
    """The data rows under the header and the total row, blank rows skipped.

    A sum row followed by more entries was one doctor's subtotal and is passed
    over; the last sum row is the total, and what stands under it (notes,
    signatures) is not read. A row with a name but neither an HPR number, a
    month nor an amount is a note, not a doctor.
    """
    max_row, max_col = book.size(table.sheet)
    first_data_col = min(table.columns.values())
    rows: list[Row] = []
    total: Row | None = None
    for number in range(table.header_row + 1, max_row + 1):
        row = Row(number, {name: book.cell(table.sheet, number, col) for name, col in table.columns.items()})
        values = [c.value for c in row.cells.values()]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        label_cells = [row.cells[k].value for k in key_fields if k in row.cells]
        label_cells += [book.cell(table.sheet, number, col).value for col in range(1, first_data_col + 1)]
        if any(_is_total_label(v) for v in label_cells):
            total = row
            continue
        if not any(_has_text(row.cells.get(k)) for k in key_fields):
            if rows and any(isinstance(v, (int, float, Decimal)) for v in values):
                total = row  # an unlabelled sum row under the doctors
            continue
        entry = _is_entry(row)
        if total is not None and not entry:
            break
        if not entry and not _has_amounts(book, table, row, key_fields):
            continue  # "Kontaktperson: Kari Nordmann" under the table: text, but not a doctor
        total = None
        rows.append(row)
    return rows, total


def _has_amounts(book: Workbook, table: Table, row: Row, key_fields: tuple[str, ...]) -> bool:
    return any(book.safe_number(table.sheet, cell) is not None
               for name, cell in row.cells.items() if name not in key_fields)


def _is_entry(row: Row) -> bool:
    """A doctor's row or month beyond doubt: an HPR number, or a month in the month column."""
    month = row.cells.get("month")
    if month is not None:
        return parse_month(month.value) is not None
    hpr = row.cells.get("hpr_number")
    return hpr is not None and _looks_like_hpr(hpr.value)


def _has_text(cell: Cell | None) -> bool:
    return cell is not None and cell.value is not None and clean_text(cell.value) != ""


def _where(table: Table, cell: Cell) -> str:
    return f"{table.sheet}!{cell.coord}"


def _cell_evidence(book: Workbook, table: Table, cell: Cell) -> Evidence:
    return Evidence(file=book.file, where=_where(table, cell), value=evidence_value(cell.value), route="sheet-cell")


def _money(book: Workbook, table: Table, row: Row, name: str) -> Extracted[Decimal]:
    cell = row.cells.get(name)
    if cell is None:
        return Extracted()
    value = book.safe_number(table.sheet, cell)
    evidence = _cell_evidence(book, table, cell)
    if value is None:
        return Extracted(evidence=evidence) if _has_text(cell) else Extracted()
    return Extracted(value=value, grade=Grade.found, evidence=evidence)


def _text(book: Workbook, table: Table, row: Row, name: str) -> Extracted[str]:
    cell = row.cells.get(name)
    if not _has_text(cell):
        return Extracted()
    return Extracted(value=clean_text(cell.value), grade=Grade.found,
                     evidence=_cell_evidence(book, table, cell))


def _hpr(book: Workbook, table: Table, row: Row) -> Extracted[str]:
    cell = row.cells.get("hpr_number")
    if not _has_text(cell):
        return Extracted()
    hpr = parse_hpr(cell.value)
    evidence = _cell_evidence(book, table, cell)
    if hpr is None:
        return Extracted(evidence=evidence)
    grade = Grade.found if re.fullmatch(r"\d{7,9}", hpr) else Grade.low
    return Extracted(value=hpr, grade=grade, evidence=evidence)


def _check_sum(book: Workbook, table: Table, target: Extracted[Decimal], cell: Cell | None,
               parts: list[Decimal]) -> Extracted[Decimal]:
    """A typed-in sum is compared with its parts; formulas were already recomputed by the workbook.

    A sum recomputed from cells read is as sure as they are (RULES.md §4: the recomputed one is used),
    so it keeps the grade found; a part that could not be read is the checks' concern."""
    if cell is None or cell.formula or target.value is None or not parts:
        return target
    recomputed = sum(parts, Decimal(0))
    if abs(recomputed - target.value) > _TOLERANCE:
        book.note_mismatch(table.sheet, cell.coord, target.value, recomputed, cell.value)
        return Extracted(value=recomputed, grade=Grade.found, evidence=target.evidence)
    return target


def _read_budget_rows(book: Workbook, table: Table) -> BudgetRecord:
    rows, total = _rows(book, table, ("doctor_name", "hpr_number"))
    record = BudgetRecord(regime="A")
    for row in rows:
        budget_row = BudgetRow(
            doctor_name=_text(book, table, row, "doctor_name"),
            hpr_number=_hpr(book, table, row),
            position=_parsed(book, table, row, "position", parse_position),
            costs={name.split(":", 1)[1]: _money(book, table, row, name)
                   for name in table.columns if name.startswith("cost:")},
            cofunding=_money(book, table, row, "cofunding"),
            requested=_money(book, table, row, "requested"),
        )
        parts = [c.value for c in budget_row.costs.values() if c.value is not None]
        budget_row.total_cost = _check_sum(book, table, _money(book, table, row, "total_cost"),
                                           row.cells.get("total_cost"), parts)
        if not budget_row.total_cost.found and parts:
            budget_row.total_cost = _range_sum(book, table, row, parts)
        record.rows.append(budget_row)
    requested = [r.requested.value for r in record.rows if r.requested.value is not None]
    if total is not None and "requested" in total.cells:
        record.total_requested = _check_sum(book, table, _money(book, table, total, "requested"),
                                            total.cells["requested"], requested)
    if not record.total_requested.found and requested and "requested" in table.columns:
        record.total_requested = _column_sum(book, table, rows, "requested", requested)
    return record


def _parsed(book: Workbook, table: Table, row: Row, name: str, parse: Callable[[object], Any]) -> Extracted:
    """A cell read through a parser; a cell with text the parser cannot read is missing, with evidence."""
    cell = row.cells.get(name)
    if not _has_text(cell):
        return Extracted()
    evidence = _cell_evidence(book, table, cell)
    value = parse(cell.value)
    return Extracted(value=value, grade=Grade.found if value else Grade.missing, evidence=evidence)


def _range_sum(book: Workbook, table: Table, row: Row, parts: list[Decimal]) -> Extracted[Decimal]:
    cost_cells = [row.cells[n].coord for n in table.columns if n.startswith("cost:")]
    where = f"{table.sheet}!{cost_cells[0]}:{cost_cells[-1]}"
    return Extracted(value=sum(parts, Decimal(0)), grade=Grade.found,
                     evidence=Evidence(file=book.file, where=where, value=None, route="sheet-cell"))


def _column_sum(book: Workbook, table: Table, rows: list[Row], name: str, parts: list[Decimal]) -> Extracted[Decimal]:
    where = f"{table.sheet}!{rows[0].cells[name].coord}:{rows[-1].cells[name].coord}"
    return Extracted(value=sum(parts, Decimal(0)), grade=Grade.found,
                     evidence=Evidence(file=book.file, where=where, value=None, route="sheet-cell"))


def _read_claims(book: Workbook, table: Table) -> BudgetRecord:
    rows, _total = _rows(book, table, ("hpr_number", "doctor_name", "month"))
    record = BudgetRecord(regime="B")
    previous: ClaimRow | None = None
    for row in rows:
        claim = ClaimRow(
            hpr_number=_hpr(book, table, row),
            doctor_name=_text(book, table, row, "doctor_name"),
            month=_parsed(book, table, row, "month", parse_month),
            absence_hours=_money(book, table, row, "absence_hours"),
            absence_rate=_money(book, table, row, "absence_rate"),
            supervision_hours=_money(book, table, row, "supervision_hours"),
            supervision_rate=_money(book, table, row, "supervision_rate"),
            learning_costs=_money(book, table, row, "learning_costs"),
        )
        if previous is not None:
            _carry_down(claim, previous)
        claim.total = _check_sum(book, table, _money(book, table, row, "total"), row.cells.get("total"),
                                 _claim_parts(claim))
        record.claims.append(claim)
        previous = claim
    _read_summary(book, table, record)
    return record


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


def _read_summary(book: Workbook, claims: Table, record: BudgetRecord) -> None:
    spec = _spec()["summary"]
    sheets = [s for s in book.sheet_names if header_matches(s, spec["sheets"])] or \
        [s for s in book.sheet_names if s != claims.sheet]
    for sheet in sheets:
        supplement_table = _best_table(book, {"hpr_number": _spec()["regime_b"]["columns"]["hpr_number"],
                                              "district_supplement": spec["district_supplement"]},
                                       {}, [sheet], lambda c: len(c) == 2)
        if supplement_table and supplement_table.sheet == sheet:
            rows, _ = _rows(book, supplement_table, ("hpr_number",))
            for row in rows:
                hpr = _hpr(book, supplement_table, row)
                amount = _money(book, supplement_table, row, "district_supplement")
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
        if skip_hpr and _looks_like_hpr(cell.value):
            continue
        value = book.safe_number(sheet, cell)
        evidence = Evidence(file=book.file, where=f"{sheet}!{cell.coord}", value=evidence_value(cell.value),
                            route="sheet-cell")
        if value is not None:
            return Extracted(value=value, grade=Grade.found, evidence=evidence)
        if unread is None and _has_text(cell):
            unread = Extracted(evidence=evidence)
    return unread


def _looks_like_hpr(value: object) -> bool:
    return isinstance(value, (int, str)) and re.fullmatch(r"\d{7,9}", str(value).strip()) is not None


def _hpr_in(cells: list[Cell]) -> str | None:
    for cell in cells:
        if _looks_like_hpr(cell.value):
            return str(cell.value).strip()
    return None
