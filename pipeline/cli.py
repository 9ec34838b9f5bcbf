"""`alis`: the command line of CONTRACT.md section 3.

Exit codes: 0 every submission got a result; 1 the run itself could not work;
2 bad usage. Prefect is imported only by the commands that run flows.
"""
from __future__ import annotations

import atexit
import os
import sys
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator

import typer
from rich.console import Console
from rich.table import Table

from pipeline.settings import DEFAULT_REGISTERS, apply_prefect_defaults

app = typer.Typer(add_completion=False, no_args_is_help=True, help="ALIS intake: read, check and summarise applications.")
# Messages are never broken into lines: an operator greps them in logs.
err = Console(stderr=True, soft_wrap=True)
out_console = Console(soft_wrap=True)

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


@contextmanager
def _holding(out: Path, command: str, wait: bool) -> Iterator[None]:
    """OUT for this command alone, refused at once (exit 1) when another run holds it, unless --wait."""
    from pipeline.out_lock import OutBusy, describe, holding

    def waiting(holder: dict) -> None:
        err.print(f"venter på at {out} blir ledig ({describe(holder)}) ...")

    try:
        with holding(out, command, wait, on_wait=waiting) as left:
            if left:
                err.print(f"[yellow]merk:[/yellow] tok over {out} etter en kjøring som ble avbrutt ({describe(left)})")
            yield
    except OutBusy as exc:
        _fail(str(exc))


def _start_prefect() -> Callable[[], AbstractContextManager]:
    """Prefect's settings, our work folder and the parsing children's server, before the flow starts;
    returns what waits for the Prefect server to be ready, as the settings the flow runs under.

    The children's server preloads the parsers (pipeline/warmup.py) while this
    process imports Prefect, on the other core. A command with PREFECT_API_URL
    set talks to that server and starts none; one that does not answer stops
    the command. Without it the temporary server starts now, beside the rest.
    """
    import multiprocessing.forkserver

    import pipeline.isolation  # noqa: F401 - sets what the children's server preloads
    from pipeline import server, workfolder

    apply_prefect_defaults()
    url = server.api_url()
    if url and not server.responds(url):
        _fail(f"Prefect-serveren på {url} (PREFECT_API_URL) svarer ikke; start den, eller fjern PREFECT_API_URL "
              "for å kjøre med en midlertidig server")
    temporary = None if url else server.TemporaryServer(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    try:
        workfolder.activate()
    except workfolder.UnsafeWorkFolder as exc:
        _fail(str(exc))
    multiprocessing.forkserver.ensure_running()

    def ready() -> AbstractContextManager:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        if temporary is None:
            return nullcontext()
        try:
            return temporary_settings({PREFECT_API_URL: temporary.ready()})
        except RuntimeError as exc:
            _fail(f"den midlertidige Prefect-serveren startet ikke: {exc}")

    return ready


def _batch_flow(workers: int, dask: str | None):
    """The batch flow with its chunk tasks on `workers` threads here, or on a dask cluster."""
    from prefect.task_runners import ThreadPoolTaskRunner

    from pipeline.flows import batch_flow

    if dask is None:
        return batch_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=workers))
    from pipeline import distributed

    try:
        distributed.check_cluster(dask)
    except distributed.ClusterProblem as exc:
        _fail(str(exc))
    return batch_flow.with_options(task_runner=distributed.task_runner(dask))


def _exit_now() -> None:
    """Ends a command that ran a flow without the interpreter's teardown of Prefect's thousand modules.

    The teardown costs 0.5-1 s of a short `alis run` and does nothing we need:
    the handlers registered to run at exit (Prefect sending the last log lines,
    multiprocessing stopping the children's server, our work folder removed)
    run first, and every output was written and closed before.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    _drain_prefect()
    atexit._run_exitfuncs()
    os._exit(0)


def _drain_prefect() -> None:
    """Sends the flow run's last log lines and events while a temporary server still runs: its exit
    handler stops it before Prefect's own drain them, which then retried for 5 s against nothing."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=5)
        except Exception:  # noqa: BLE001 - what is left unsent is Prefect's loss, not the run's
            pass


def _without_heartbeat():
    """A short run sends no heartbeat: the heartbeat thread makes a flow run wait up to a second at its end."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


WaitOpt = typer.Option(False, "--wait", help="Wait for another run on OUT to finish instead of refusing.")


@app.command()
def batch(
    inbox: Path = typer.Argument(..., help="The nightly inbox folder."),
    out: Path = typer.Option(..., "--out", help="Where the outputs go."),
    registers: Path = RegistersOpt,
    workers: int = typer.Option(2, "--workers", min=1, max=32, help="Submissions processed in parallel."),
    wait: bool = WaitOpt,
    fresh: bool = typer.Option(False, "--fresh", help="Decide every submission anew, ignoring earlier decisions."),
    dask: str = typer.Option(None, "--dask", help="Run the chunk tasks on this dask.distributed scheduler "
                                                  "(tcp://HOST:8786) instead of --workers threads here."),
) -> None:
    """The nightly batch: every submission in INBOX gets a result."""
    if not inbox.is_dir():
        _fail(f"innboksen {inbox} finnes ikke")
    _prepare(out, registers)
    with _holding(out, "batch", wait):
        server_ready = _start_prefect()
        flow = _batch_flow(workers, dask)
        with server_ready():
            result = flow(inbox=inbox.resolve(), out=out.resolve(), registers_dir=registers.resolve(),
                          workers=workers, fresh=fresh)
    counts: dict[str, int] = {}
    for row in result.submissions:
        counts[row.status] = counts.get(row.status, 0) + 1
    out_console.print(f"{len(result.submissions)} søknader behandlet: {counts}. Resultater i {out}")
    _exit_now()


@app.command()
def run(
    submission: Path = typer.Argument(..., help="INBOX/ID: one submission folder or .zip."),
    out: Path = typer.Option(..., "--out", help="Where the outputs go."),
    registers: Path = RegistersOpt,
    wait: bool = WaitOpt,
) -> None:
    """Re-run one submission on demand, replacing its outputs."""
    from pipeline.inbox import submissions

    if not submission.exists() and not submission.is_symlink():
        _fail(f"søknaden {submission} finnes ikke")
    found = next((s for s in submissions(submission.parent) if s.entry.name == submission.name), None)
    if found is None:
        _fail(f"{submission} er ikke en søknad (en mappe eller en .zip i innboksen)")
    _prepare(out, registers)
    with _holding(out, "run", wait):
        server_ready = _start_prefect()
        from pipeline.flows import run_flow

        with server_ready(), _without_heartbeat():
            row = run_flow(submission_id=found.sid, inbox=submission.parent, out=out, registers_dir=registers)
    out_console.print(f"{row.submission_id}: {row.status}. Resultater i {out / 'applications' / row.submission_id}")
    _exit_now()


@app.command()
def serve(
    inbox: Path = typer.Option(..., "--inbox", help="The inbox the nightly batch reads."),
    out: Path = typer.Option(..., "--out", help="Where the outputs go."),
    registers: Path = RegistersOpt,
    cron: str = typer.Option("0 2 * * *", "--cron", help="When the nightly batch runs (cron, Europe/Oslo)."),
    workers: int = typer.Option(2, "--workers", min=1, max=32, help="Submissions processed in parallel."),
) -> None:
    """Serve the nightly batch on a schedule and re-runs on demand on a running Prefect server."""
    if not inbox.is_dir():
        _fail(f"innboksen {inbox} finnes ikke")
    _prepare(out, registers)
    apply_prefect_defaults()
    from pipeline import server

    url = server.api_url()
    if not url:
        _fail("alis serve trenger en Prefect-server som kjører hele tiden; en midlertidig server kan ikke holde "
              "en tidsplan. Start en med `prefect server start` og sett PREFECT_API_URL "
              "(for eksempel http://127.0.0.1:4200/api)")
    if not server.responds(url):
        _fail(f"Prefect-serveren på {url} (PREFECT_API_URL) svarer ikke; start den før alis serve")
    from pipeline.serve import serve_forever

    try:
        serve_forever(inbox, out, registers, cron, workers)
    except ValueError as exc:
        _fail(f"tidsplanen «{cron}» kan ikke brukes: {exc}", code=2)


@app.command()
def allocate(
    year: int = typer.Option(..., "--year", help="The grant year to allocate."),
    out: Path = typer.Option(..., "--out", help="The outputs of the batch runs (OUT/applications/*/result.json)."),
    wait: bool = WaitOpt,
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
        with _holding(out, "allocate", wait) if out.is_dir() else nullcontext():
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
