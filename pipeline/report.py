"""What `alis batch` and `alis run` print when they are done: Norwegian statuses, a small table.

Everything a municipality or a register wrote (names, ids) is printed as plain
text, never read as rich markup: a municipality named "[bold]x" prints as
"[bold]x".
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from pipeline.render.format import STATUS_ORDER, kroner, status_label
from pipeline.result import BatchEntry

MANUAL_LISTED = 10  # the first ones named; the rest counted


def batch_report(rows: list[BatchEntry], out: Path) -> Group:
    """How many of each status with their recommended sum, then which applications need a person first."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Status")
    table.add_column("Søknader", justify="right")
    table.add_column("Anbefalt", justify="right")
    for status in STATUS_ORDER:
        ours = [r for r in rows if r.status == status]
        amount = "–" if status == "manual_review" else kroner(_sum(ours))
        table.add_row(Text(status_label(status)), Text(str(len(ours))), Text(amount))
    table.add_row(Text("I alt", style="bold"), Text(str(len(rows)), style="bold"),
                  Text(kroner(_sum(rows)), style="bold"))
    lines = [Text(f"{len(rows)} søknader behandlet. Resultater i {out}"), table]
    manual = [r for r in rows if r.status == "manual_review"]
    if manual:
        lines.append(Text(_manual_line(manual)))
    return Group(*lines)


def run_report(row: BatchEntry, out: Path) -> Text:
    """One line: the application, its status in Norwegian, the amount where there is one, where to look."""
    amount = "" if row.recommended_total_nok is None else f", anbefalt {kroner(row.recommended_total_nok)}"
    return Text(f"{_named(row)}: {status_label(row.status)}{amount}. "
                f"Resultater i {out / 'applications' / row.submission_id}")


def _sum(rows: list[BatchEntry]) -> Decimal:
    return sum((r.recommended_total_nok or Decimal("0") for r in rows), Decimal("0"))


def _named(row: BatchEntry) -> str:
    return f"{row.submission_id} ({row.municipality})" if row.municipality else row.submission_id


def _manual_line(manual: list[BatchEntry]) -> str:
    named = ", ".join(_named(r) for r in manual[:MANUAL_LISTED])
    more = f" og {len(manual) - MANUAL_LISTED} til" if len(manual) > MANUAL_LISTED else ""
    return f"Må behandles manuelt først: {named}{more}"
