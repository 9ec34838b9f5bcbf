"""Where a table stands in a sheet: its header row, found by the column labels it names, and the
rows under it up to a total row.

The header row is searched in the first rows of a sheet by the column synonyms of labels.yaml,
so title rows, column order, extra and hidden columns do not matter; a header of two stacked
rows (a group label over short labels) is read as one. Rows under it are entries until a total
row ("Sum", "Totalt"). The same search runs on a workbook and on its turned reading
(workbook.Turned), so a table with its labels down a column is found the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Callable

from openpyxl.utils.datetime import from_excel

from extractors.labels import by_length, header_matches, normalise_header, tables, words_fit
from extractors.values import clean_text, parse_month
from extractors.workbook import Cell, Cells

HEADER_SEARCH_ROWS = 30
_SERIAL_DAYS = (36526, 73050)  # 2000-01-01 .. 2099-12-31 as spreadsheet day numbers


@dataclass
class Table:
    view: Cells  # the workbook, or its turned reading
    sheet: str
    header_row: int
    columns: dict[str, int]  # field -> column number (1-based), the best-named column of each field
    fields: dict[int, str] = field(default_factory=dict)  # every column that names a field -> that field
    score: int = 0


@dataclass
class Row:
    number: int
    cells: dict[str, Cell] = field(default_factory=dict)


def best_table(view: Cells, synonyms: dict[str, list[str]], keywords: dict[str, list], preferred: list[str],
               usable: Callable[[dict[str, int]], bool], sheets: list[str] | None = None) -> Table | None:
    """The header naming most fields; a row read alone wins a tie with the same row stacked on the one above."""
    best: Table | None = None
    for sheet in sheets if sheets is not None else view.sheet_names:
        hidden = view.hidden_columns(sheet)
        bonus = 5 if header_matches(sheet, preferred) else 0
        grid = view.grid(sheet, rows=HEADER_SEARCH_ROWS)
        for number, row in enumerate(grid, start=1):
            readings = [row]
            if number > 1 and _may_be_group_row(grid[number - 2]):
                readings.append(_stacked(view, sheet, number, grid[number - 2], row, synonyms, keywords))
            for reading in readings:
                columns, fields = match_header_row(reading, synonyms, keywords, hidden)
                if not usable(columns):
                    continue
                table = Table(view, sheet, number, columns, fields, score=len(columns) + bonus)
                if best is None or table.score > best.score:
                    best = table
    return best


def match_header_row(row: list[object], synonyms: dict[str, list[str]], keywords: dict[str, list],
                     hidden: set[int]) -> tuple[dict[str, int], dict[int, str]]:
    """Each header cell to the field it names: exact synonym, then its keywords, then a synonym prefix.

    A field named by several columns takes the best-named visible one; every column that names
    a field is returned too, in column order, for tables that repeat their columns once per doctor.
    """
    candidates: dict[str, list[tuple[bool, int, int]]] = {}
    texts = [(i, c) for i, c in enumerate(row, start=1) if isinstance(c, str) and c.strip()]
    if len(texts) < 2:
        return {}, {}  # a title or a data row: no table has a one-column header
    if _has_numbers(row) and not any(normalise_header(c) in _index(synonyms).exact for _, c in texts):
        return {}, {}  # numbers and no header word: a data row, not worth the slower routes
    fields: dict[int, str] = {}
    for index, cell in texts:
        best = header_field(cell, synonyms, keywords)
        if best:
            candidates.setdefault(best[1], []).append((index in hidden, -best[0], index))
            fields[index] = best[1]
    by_left: set[str] = set()  # fields named only so: each block of a table repeated per doctor names them again
    for index, cell in texts:
        best = None if index in fields or index - 1 not in fields else _named_with_left(row, index, synonyms, keywords)
        if best and best[1] != fields[index - 1] and (best[1] not in candidates or best[1] in by_left):
            candidates.setdefault(best[1], []).append((index in hidden, -best[0], index))
            by_left.add(best[1])
            fields[index] = best[1]
    return {name: sorted(options)[0][2] for name, options in candidates.items()}, dict(sorted(fields.items()))


def _named_with_left(row: list[object], index: int, synonyms: dict[str, list[str]],
                     keywords: dict[str, list]) -> tuple[int, str] | None:
    """A column that names nothing alone ("Sats" right of "Fraværstimer") read with its left neighbour's
    header, as a person reads it: it names a field only if that is another field than the neighbour's."""
    return header_field(f"{row[index - 2]} {row[index - 1]}", synonyms, keywords)


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


def header_field(cell: str, synonyms: dict[str, list[str]], keywords: dict[str, list]) -> tuple[int, str] | None:
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
    """By keywords, a header with words beyond the keywords fits less well: "Søkt tilskudd" names
    the requested amount better than a title "Budsjett ALIS-tilskudd 2024" above the labels does."""
    if not text:
        return None
    if text in index.exact:
        return index.exact[text]
    words = text.split()
    best: tuple[int, str] | None = None
    for name, rules in keywords.items():
        fit = words_fit(words, rules)
        score = 2000 + 10 * fit - max(0, len(words) - fit)
        if fit and (best is None or score > best[0]):
            best = (score, name)
    if best is None:
        for norm, score, name in index.prefixes:
            if (text.startswith(norm + " ") or text.endswith(" " + norm)) and (best is None or score > best[0]):
                best = (score, name)
    return best


def _stacked(view: Cells, sheet: str, number: int, above: list[object], row: list[object],
             synonyms: dict[str, list[str]], keywords: dict[str, list]) -> list[object]:
    """A two-row header read as one: a group label ("Fravær") joins a short label under it that names
    nothing alone ("Timer"), and a label standing only in the top row covers the blank under it.

    A blank under a merged cell stays blank: that is a title or a group label, not a column's name.
    """
    stacked: list[object] = []
    for col, (up, own) in enumerate(zip(above, row), start=1):
        if not is_label(up) or up == own:
            stacked.append(own)
        elif not is_label(own):
            stacked.append(own if own is not None or view.is_merged(sheet, number - 1, col) else up)
        else:
            stacked.append(own if header_field(own, synonyms, keywords) else f"{up} {own}")
    return stacked


def _may_be_group_row(row: list[object]) -> bool:
    """A row of group labels names at least two things; a title merged across the table names one."""
    return len({c for c in row if is_label(c)}) >= 2


def is_label(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def is_total_label(value: object) -> bool:
    """A sum row's label: one of the total words, alone or first ("Sum Kari Nordmann", "Delsum")."""
    if not isinstance(value, str):
        return False
    text = normalise_header(value)
    return any(text == word or text.startswith(word + " ") for word in _total_words())


@lru_cache(maxsize=1)
def _total_words() -> tuple[str, ...]:
    return tuple(normalise_header(s) for s in tables()["budget"]["total_row"])


def table_rows(table: Table, key_fields: tuple[str, ...]) -> tuple[list[Row], Row | None]:
    """The data rows under the header and the total row, blank rows skipped.

    A sum row followed by more entries was one doctor's subtotal and is passed
    over; the last sum row is the total, and what stands under it (notes,
    signatures) is not read. A row with a name but neither an HPR number, a
    month nor an amount is a note, not a doctor.
    """
    view = table.view
    max_row, _max_col = view.size(table.sheet)
    first_data_col = min(table.columns.values())
    rows: list[Row] = []
    total: Row | None = None
    for number in range(table.header_row + 1, max_row + 1):
        row = Row(number, {name: view.cell(table.sheet, number, col) for name, col in table.columns.items()})
        values = [c.value for c in row.cells.values()]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if any(is_total_label(v) for v in leading_cells(table, row, key_fields)):
            total = row
            continue
        if not any(has_text(row.cells.get(k)) for k in key_fields) and row_heading(table, row) is None:
            if rows and any(isinstance(v, (int, float, Decimal)) for v in values):
                total = row  # an unlabelled sum row under the doctors
            continue
        entry = _is_entry(row)
        if total is not None and not entry:
            break
        if not entry and not _has_amounts(table, row, key_fields):
            continue  # "Kontaktperson: Kari Nordmann" under the table: text, but not a doctor
        total = None
        rows.append(row)
    return rows, total


def row_heading(table: Table, row: Row) -> Cell | None:
    """The text naming a row left of its table's columns, in a table whose doctors no column names
    (a turned budget headed by the doctors' names); None when a column names them."""
    if "doctor_name" in table.columns or "month" in table.columns:
        return None
    for col in range(min(table.columns.values()) - 1, 0, -1):
        cell = table.view.cell(table.sheet, row.number, col)
        if is_label(cell.value) and not is_total_label(cell.value):
            return cell
    return None


def leading_cells(table: Table, row: Row, key_fields: tuple[str, ...]) -> list[object]:
    """What names a row: its key cells and every cell up to the table's first column (in a turned
    table, the column's own heading)."""
    first_data_col = min(table.columns.values())
    cells = [row.cells[k].value for k in key_fields if k in row.cells]
    return cells + [table.view.cell(table.sheet, row.number, col).value for col in range(1, first_data_col + 1)]


def _has_amounts(table: Table, row: Row, key_fields: tuple[str, ...]) -> bool:
    return any(table.view.safe_number(table.sheet, cell) is not None
               for name, cell in row.cells.items() if name not in key_fields)


def month_of(value: object) -> str | None:
    """A month cell as "YYYY-MM": a date or text, or a date left as its day number by a writer
    that stored no date format (a web spreadsheet's export)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and _SERIAL_DAYS[0] <= value <= _SERIAL_DAYS[1]:
        value = from_excel(value)
    return parse_month(value)


def _is_entry(row: Row) -> bool:
    """A doctor's row or month beyond doubt: an HPR number, or a month in the month column."""
    month = row.cells.get("month")
    if month is not None:
        return month_of(month.value) is not None
    hpr = row.cells.get("hpr_number")
    return hpr is not None and looks_like_hpr(hpr.value)


def has_text(cell: Cell | None) -> bool:
    return cell is not None and cell.value is not None and clean_text(cell.value) != ""


def looks_like_hpr(value: object) -> bool:
    return isinstance(value, (int, str)) and re.fullmatch(r"\d{7,9}", str(value).strip()) is not None
