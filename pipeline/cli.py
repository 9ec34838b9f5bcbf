"""`alis`: the command line of CONTRACT.md section 3.

Exit codes: 0 every submission got a result; 1 the run itself could not work;
2 bad usage. Prefect is imported only by the commands that run flows.
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from pipeline.settings import DEFAULT_REGISTERS, apply_prefect_defaults

app = typer.Typer(add_completion=False, no_args_is_help=True, help="ALIS intake: read, check and summarise applications.")
err = Console(stderr=True)
out_console = Console()

RegistersOpt = typer.Option(DEFAULT_REGISTERS, "--registers", help="Folder with the five register CSVs.")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]feil:[/red] {message}")
    raise typer.Exit(code)


def _prepare(out: Path, registers: Path) -> None:
    """Everything that can stop the run is checked before any submission is touched."""
    from checks.registers import RegisterError, load_registers
    from pipeline.outputs import check_writable

    try:
        load_registers(registers)
    except RegisterError as exc:
        _fail(f"registrene i {registers} kan ikke brukes: {exc}")
    try:
        check_writable(out)
    except OSError as exc:
        _fail(f"kan ikke skrive til {out}: {exc.strerror or exc}")


@app.command()
def batch(
    inbox: Path = typer.Argument(..., help="The nightly inbox folder."),
    out: Path = typer.Option(..., "--out", help="Where the outputs go."),
    registers: Path = RegistersOpt,
    workers: int = typer.Option(2, "--workers", min=1, max=32, help="Submissions processed in parallel."),
) -> None:
    """The nightly batch: every submission in INBOX gets a result."""
    if not inbox.is_dir():
        _fail(f"innboksen {inbox} finnes ikke")
    _prepare(out, registers)
    apply_prefect_defaults()
    from prefect.task_runners import ThreadPoolTaskRunner

    from pipeline.flows import batch_flow

    flow = batch_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers))
    result = flow(inbox=inbox, out=out, registers_dir=registers, workers=workers)
    counts: dict[str, int] = {}
    for row in result.submissions:
        counts[row.status] = counts.get(row.status, 0) + 1
    out_console.print(f"{len(result.submissions)} søknader behandlet: {counts}. Resultater i {out}")


@app.command()
def run(
    submission: Path = typer.Argument(..., help="INBOX/ID: one submission folder or .zip."),
    out: Path = typer.Option(..., "--out", help="Where the outputs go."),
    registers: Path = RegistersOpt,
) -> None:
    """Re-run one submission on demand, replacing its outputs."""
    if not submission.exists():
        _fail(f"søknaden {submission} finnes ikke")
    _prepare(out, registers)
    apply_prefect_defaults()
    from pipeline.flows import run_flow

    row = run_flow(entry=submission, out=out, registers_dir=registers)
    out_console.print(f"{row.submission_id}: {row.status}. Resultater i {out / 'applications' / row.submission_id}")


@app.command()
def allocate(
    year: int = typer.Option(..., "--year", help="The grant year to allocate."),
    out: Path = typer.Option(..., "--out", help="The outputs of the batch runs (OUT/applications/*/result.json)."),
) -> None:
    """Divide the year's appropriation over the results under OUT and rewrite their letters."""
    from datetime import date

    from checks.parameters import UnknownYear, load_parameters
    from pipeline.allocate import NoResults, allocate_year
    from pipeline.render.format import kroner

    try:
        load_parameters(year)
    except UnknownYear as exc:
        _fail(str(exc), code=2)
    try:
        report = allocate_year(year, out, date.today())
    except NoResults as exc:
        _fail(str(exc))
    except (OSError, ValueError) as exc:
        _fail(f"fordelingen for {year} kunne ikke gjøres: {exc}")
    table = Table(title=f"Fordeling {year}")
    for column in ("bevilgning", "bevilget", "anbefalt", "fordelt", "avkortet"):
        table.add_column(column)
    for s in report.appropriations:
        table.add_row(s.scheme, kroner(s.appropriation_nok), kroner(s.recommended_nok), kroner(s.allocated_nok),
                      "ja" if s.cut else "nei")
    Console(width=200).print(table)
    written = out / f"allocation-{year}.json"
    out_console.print(f"{len(report.applications)} søknader fordelt. Se {written} og .xlsx")


@app.command()
def rules(year: int = typer.Option(..., "--year")) -> None:
    """Print the year's rule parameters with their sources."""
    from checks.parameters import UnknownYear, describe, load_parameters

    try:
        params = load_parameters(year)
    except UnknownYear as exc:
        _fail(str(exc), code=2)
    table = Table(title=f"Regler for tilskuddsåret {year}")
    for column in ("parameter", "verdi", "kilde", "antakelse"):
        table.add_column(column)
    for row in describe(params):
        table.add_row(str(row.name), str(row.value), str(row.source), "ja" if row.assumption else "")
    Console(width=200).print(table)


@app.command()
def samples(
    out: Path = typer.Option(..., "--out", help="The inbox folder to write."),
    count: int = typer.Option(10, "--count", min=1),
    seed: int = typer.Option(1, "--seed"),
    scans: float = typer.Option(None, "--scans", min=0.0, max=1.0,
                                help="Share of agreements drawn as scans or phone photos (1: all)."),
) -> None:
    """Write synthetic submissions, with ground truth in OUT/.truth/."""
    from samples.generator import SCAN_SHARE, generate

    ids = generate(out, count, seed, scans=SCAN_SHARE if scans is None else scans)
    out_console.print(f"{len(ids)} søknader skrevet til {out} (fasit i {out / '.truth'})")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
