"""A small evaluator for the spreadsheet formulas budgets use: + - * /, SUM and cell references.

Programs that write xlsx without computing leave formula cells with no
stored value, and stored values can be stale; the budget reader recomputes
them with this. Anything outside this small language yields None (unknown),
never a guess. Arithmetic is Decimal throughout.
"""
from __future__ import annotations

import re
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Callable

from openpyxl.utils.cell import get_column_letter, range_boundaries

# A cell lookup: (sheet, "B7") -> its number (recomputed if it is a formula), None when empty
# or text; it raises Unsupported for a formula it cannot compute.
Lookup = Callable[[str, str], Decimal | None]

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<ref>(?:(?:'[^']+'|[A-Za-z_][\w.]*)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
    r"|(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<func>[A-Z][A-Z0-9.]*)\("
    r"|(?P<op>[-+*/(),;])"
    r")"
)


class Unsupported(Exception):
    """The formula uses something the evaluator does not know."""


# Tokens and referenced cells, remembered: a budget's row formulas and ranges repeat across its
# rows and files. Only small entries are kept, so a hostile sheet cannot grow them without bound.
_KEPT_ENTRIES = 2048
_KEPT_FORMULA_CHARS = 256
_KEPT_RANGE_CELLS = 64
_TOKENS: dict[str, tuple[tuple[str, str], ...]] = {}
_CELLS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}


def _tokens(formula: str) -> tuple[tuple[str, str], ...]:
    found = _TOKENS.get(formula)
    if found is None:
        found = _tokenise(formula)
        if len(formula) <= _KEPT_FORMULA_CHARS:
            if len(_TOKENS) >= _KEPT_ENTRIES:
                _TOKENS.clear()
            _TOKENS[formula] = found
    return found


def _tokenise(formula: str) -> tuple[tuple[str, str], ...]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = formula.lstrip("=").strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Unsupported(text[position:])
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tuple(tokens)


class _Parser:
    """Recursive descent over the tokens; ranges are only allowed as function arguments."""

    def __init__(self, tokens: tuple[tuple[str, str], ...], sheet: str, lookup: Lookup):
        self.tokens = tokens
        self.index = 0
        self.sheet = sheet
        self.lookup = lookup

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise Unsupported("end of formula")
        self.index += 1
        return token

    def expression(self) -> Decimal | None:
        value = self.term()
        while (token := self.peek()) and token[1] in "+-" and token[0] == "op":
            self.take()
            right = self.term()
            value = None if value is None or right is None else (value + right if token[1] == "+" else value - right)
        return value

    def term(self) -> Decimal | None:
        value = self.factor()
        while (token := self.peek()) and token[1] in "*/" and token[0] == "op":
            self.take()
            right = self.factor()
            if value is None or right is None:
                value = None
            elif token[1] == "*":
                value = value * right
            else:
                try:
                    value = value / right
                except (DivisionByZero, InvalidOperation) as error:
                    raise Unsupported("division by zero") from error
        return value

    def factor(self) -> Decimal | None:
        kind, text = self.take()
        if kind == "op" and text == "-":
            inner = self.factor()
            return None if inner is None else -inner
        if kind == "op" and text == "+":
            return self.factor()
        if kind == "op" and text == "(":
            value = self.expression()
            self.expect(")")
            return value
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            cells = self.cells(text)
            if len(cells) != 1:
                raise Unsupported("range outside a function")
            return self.lookup(*cells[0]) or Decimal(0)
        if kind == "func":
            return self.function(text)
        raise Unsupported(text)

    def expect(self, symbol: str) -> None:
        kind, text = self.take()
        if text != symbol:
            raise Unsupported(text)

    def arguments(self) -> list[list[Decimal | None]]:
        args: list[list[Decimal | None]] = []
        if self.peek() == ("op", ")"):
            self.take()
            return args
        while True:
            token = self.peek()
            following = self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else None
            if token and token[0] == "ref" and ":" in token[1] and (following is None or following[1] in ",;)"):
                self.take()
                args.append([self.lookup(*cell) for cell in self.cells(token[1])])
            else:
                args.append([self.expression()])
            kind, text = self.take()
            if text == ")":
                return args
            if text not in ",;":
                raise Unsupported(text)

    def function(self, name: str) -> Decimal | None:
        args = self.arguments()
        flat = [v for arg in args for v in arg if v is not None]
        if name == "SUM":
            return sum(flat, Decimal(0))
        if name == "MIN":
            return min(flat) if flat else Decimal(0)
        if name == "MAX":
            return max(flat) if flat else Decimal(0)
        if name == "ROUND" and len(args) == 2 and all(len(a) == 1 and a[0] is not None for a in args):
            digits = int(args[1][0])  # type: ignore[arg-type]
            return args[0][0].quantize(Decimal(1).scaleb(-digits), rounding="ROUND_HALF_UP")  # type: ignore[union-attr]
        raise Unsupported(name)

    def cells(self, ref: str) -> tuple[tuple[str, str], ...]:
        key = (self.sheet, ref)
        found = _CELLS.get(key)
        if found is None:
            found = _cells(*key)
            if len(found) <= _KEPT_RANGE_CELLS:
                if len(_CELLS) >= _KEPT_ENTRIES:
                    _CELLS.clear()
                _CELLS[key] = found
        return found


def _cells(sheet: str, ref: str) -> tuple[tuple[str, str], ...]:
    if "!" in ref:
        sheet, ref = ref.rsplit("!", 1)
        sheet = sheet.strip("'")
    ref = ref.replace("$", "")
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return tuple((sheet, f"{get_column_letter(c)}{r}")
                 for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1))


def evaluate(formula: str, sheet: str, lookup: Lookup) -> Decimal | None:
    """The formula's value, or None when it uses what this evaluator does not know."""
    try:
        parser = _Parser(_tokens(formula), sheet, lookup)
        value = parser.expression()
        if parser.peek() is not None:
            return None
        return value
    except (Unsupported, ValueError, IndexError):
        return None
