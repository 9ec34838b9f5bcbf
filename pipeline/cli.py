"""`alis`: the command line of docs/contract.md §3.

Exit codes: 0 every submission got a result; 1 the run itself could not work;
2 bad usage. Prefect is imported only by the commands that run flows. Help and
messages are Norwegian (the framework's own words in pipeline/cli_words.py);
what municipalities and registers wrote is printed as text, never as markup.
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
from rich.text import Text

from pipeline.cli_words import Alis
from pipeline.quiet import silence_libraries
from pipeline.settings import DEFAULT_REGISTERS, WARM_OCR, apply_prefect_defaults

app = Alis(add_completion=False, no_args_is_help=True,
           help="ALIS-mottaket: leser, kontrollerer og oppsummerer søknader om ALIS-tilskudd.")
# Messages are never broken into lines: an operator greps them in logs. Nothing printed is read as markup.
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
out_console = Console(soft_wrap=True, markup=False, highlight=False)
silence_libraries()

RegistersOpt = typer.Option(DEFAULT_REGISTERS, "--registers", metavar="MAPPE",
                            help="Mappen med de fem registrene (CSV).")
OutOpt = typer.Option(..., "--out", metavar="MAPPE", help="Mappen resultatene skrives til.")
SharedOpt = typer.Option(False, "--shared",
                         help="Filene kan leses av gruppen, uansett umask (som ALIS_OUTPUT_MODE=shared).")
DaskOpt = typer.Option(None, "--dask", metavar="ADRESSE",
                       help="Kjør delene av kjøringen på denne dask.distributed-klyngen (tcp://VERT:8786) "
                            "i stedet for --workers tråder her.")
WorkersOpt = typer.Option(2, "--workers", min=1, max=32, metavar="ANTALL", help="Søknader som behandles samtidig.")


def _fail(message: str, code: int = 1) -> None:
    err.print(Text.assemble(("feil:", "red"), " ", message))
    raise typer.Exit(code)


def _output_mode(shared: bool) -> None:
    """--shared as the environment says it, so served flow runs and children write alike; a bad value stops."""
    from pipeline.outputs import OUTPUT_MODE, SHARED, output_mode

    if shared:
        os.environ[OUTPUT_MODE] = SHARED
    try:
        output_mode()
    except ValueError as exc:
        _fail(str(exc), code=2)


def _inbox_or_fail(inbox: Path) -> None:
    from pipeline.inbox import inbox_problem

    problem = inbox_problem(inbox)
    if problem:
        _fail(problem)


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
                err.print(Text.assemble(("merk:", "yellow"),
                                        f" tok over {out} etter en kjøring som ble avbrutt ({describe(left)})"))
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
    try:
        workfolder.activate()
    except workfolder.UnsafeWorkFolder as exc:
        _fail(str(exc))
    multiprocessing.forkserver.ensure_running()  # before Prefect is imported, so the two overlap
    url = server.api_url()
    if url and not server.responds(url):
        _fail(f"Prefect-serveren på {url} (PREFECT_API_URL) svarer ikke; start den, eller fjern PREFECT_API_URL "
              "for å kjøre med en midlertidig server")
    temporary = None if url else server.TemporaryServer(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    import prefect.main  # noqa: F401 - sets up Prefect's logging, once (a second setup costs 0.1 s)

    silence_libraries()  # again, now that Prefect's handlers print

    def ready() -> AbstractContextManager:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        if temporary is None:
            return nullcontext()
        try:
            return temporary_settings({PREFECT_API_URL: temporary.ready()})
        except RuntimeError as exc:
            _fail(f"den midlertidige Prefect-serveren startet ikke: {exc}")

    return ready


def _check_cluster(dask: str | None) -> None:
    if dask is None:
        return
    from pipeline import distributed

    try:
        distributed.check_cluster(dask)
    except distributed.ClusterProblem as exc:
        _fail(str(exc))


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


WaitOpt = typer.Option(False, "--wait", help="Vent til en annen kjøring på OUT er ferdig i stedet for å avvise.")


@app.command()
def batch(
    inbox: Path = typer.Argument(..., metavar="INNBOKS", help="Mappen med nattens søknader."),
    out: Path = OutOpt,
    registers: Path = RegistersOpt,
    workers: int = WorkersOpt,
    wait: bool = WaitOpt,
    fresh: bool = typer.Option(False, "--fresh", help="Avgjør alle søknadene på nytt, uten tidligere avgjørelser."),
    dask: str = DaskOpt,
    shared: bool = SharedOpt,
) -> None:
    """Nattens kjøring: hver søknad i INNBOKS får et resultat."""
    _output_mode(shared)
    _inbox_or_fail(inbox)
    _prepare(out, registers)
    with _holding(out, "batch", wait):
        server_ready = _start_prefect()
        _check_cluster(dask)
        from pipeline.flows import batch_flow

        with server_ready():
            result = batch_flow(inbox=inbox.resolve(), out=out.resolve(), registers_dir=registers.resolve(),
                                workers=workers, fresh=fresh, dask=dask)
    from pipeline.report import batch_report

    out_console.print(batch_report(result.submissions, out))
    _exit_now()


@app.command()
def run(
    submission: Path = typer.Argument(..., metavar="INNBOKS/ID",
                                      help="Én søknad: mappen eller .zip-filen (INNBOKS/ID eller INNBOKS/ID.zip)."),
    out: Path = OutOpt,
    registers: Path = RegistersOpt,
    wait: bool = WaitOpt,
    shared: bool = SharedOpt,
) -> None:
    """Kjør én søknad på nytt og erstatt resultatene dens."""
    from pipeline.inbox import SubmissionNotFound, submission_at

    _output_mode(shared)
    try:
        found = submission_at(submission)
    except SubmissionNotFound as exc:
        _fail(str(exc))
    _prepare(out, registers)
    os.environ.setdefault(WARM_OCR, "0")  # one application: its children load OCR only if a scan comes
    with _holding(out, "run", wait):
        server_ready = _start_prefect()
        from pipeline.flows import run_flow

        with server_ready(), _without_heartbeat():
            row = run_flow(submission_id=found.sid, inbox=submission.parent, out=out, registers_dir=registers)
    from pipeline.report import run_report

    out_console.print(run_report(row, out))
    _exit_now()


@app.command()
def serve(
    inbox: Path = typer.Option(..., "--inbox", metavar="MAPPE", help="Innboksen nattens kjøring leser."),
    out: Path = OutOpt,
    registers: Path = RegistersOpt,
    cron: str = typer.Option("0 2 * * *", "--cron", metavar="CRON",
                             help="Når nattens kjøring starter (cron-uttrykk, norsk tid)."),
    workers: int = WorkersOpt,
    dask: str = DaskOpt,
    shared: bool = SharedOpt,
) -> None:
    """Kjør nattens kjøring etter timeplan, og enkeltsøknader ved behov, på en Prefect-server som kjører."""
    _output_mode(shared)
    _inbox_or_fail(inbox)
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
    _check_cluster(dask)
    from pipeline.serve import serve_forever

    try:
        serve_forever(inbox, out, registers, cron, workers, dask)
    except ValueError as exc:
        _fail(f"tidsplanen «{cron}» kan ikke brukes: {exc}", code=2)


@app.command()
def allocate(
    year: int = typer.Option(..., "--year", metavar="ÅR", help="Tilskuddsåret som skal fordeles."),
    out: Path = typer.Option(..., "--out", metavar="MAPPE",
                             help="Mappen med resultatene fra kjøringene (OUT/applications/*/result.json)."),
    wait: bool = WaitOpt,
    shared: bool = SharedOpt,
) -> None:
    """Fordel årets bevilgning på resultatene i OUT og skriv brevene på nytt."""
    from datetime import date

    from checks.parameters import UnknownYear, load_parameters
    from pipeline.allocate import NoResults, allocate_year
    from pipeline.render.format import kroner

    _output_mode(shared)
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
    Console(width=200, markup=False, highlight=False).print(table)
    written = out / f"allocation-{year}.json"
    out_console.print(f"{len(report.applications)} søknader fordelt. Se {written} og .xlsx")


@app.command()
def correct(
    submission: str = typer.Argument(..., metavar="ID", help="Søknadens id (mappen under OUT/applications)."),
    out: Path = typer.Option(..., "--out", metavar="MAPPE", help="Der resultatene ligger."),
    field: str = typer.Option(None, "--field", metavar="ADRESSE", help=(
        "Verdien som skal rettes: form:FELT, doctor:HPR:FELT, budget:HPR:FELT, budget:HPR:cost:NAVN, "
        "budget:facilitation eller claim:HPR:MÅNED:FELT (README, «Corrections»).")),
    value: str = typer.Option(None, "--value", metavar="VERDI", help="Riktig verdi, skrevet som på norsk: 30.06.2024, kr 240 000, ja."),
    accept: str = typer.Option(None, "--accept", metavar="REGEL", help="Regel-id for funn som stopper saken og som avklares."),
    doctor: str = typer.Option(None, "--doctor", metavar="HPR", help="Med --accept: legens HPR-nummer slik budsjettet har det."),
    why: str = typer.Option(..., "--why", metavar="TEKST", help="Hvorfor: det som står i saken om rettelsen eller avklaringen."),
    by: str = typer.Option(..., "--by", metavar="NAVN", help="Saksbehandlerens navn."),
) -> None:
    """Rett en verdi maskinen leste, eller avklar et funn; brukes hver gang søknaden kjøres senere."""
    from datetime import datetime

    from extractors.models import Attribution
    from pipeline.corrections import Refused, add_acceptance, add_correction, corrections_path

    if (field is None) == (accept is None):
        _fail("oppgi enten --field og --value (rette en verdi) eller --accept (avklare et funn)", code=2)
    if (field is not None) != (value is not None) or (doctor is not None and accept is None):
        _fail("--field trenger --value, og --doctor hører til --accept", code=2)
    if not why.strip() or not by.strip():
        _fail("--why og --by kan ikke være tomme", code=2)
    attribution = Attribution(by=by.strip(), at=datetime.now().astimezone().replace(microsecond=0), why=why.strip())
    try:
        if field is not None:
            done = add_correction(out, submission, field, value, attribution)
            said = f"{done.label} rettes til {done.shown} (lest: {done.read_shown})"
        else:
            settled = add_acceptance(out, submission, accept, doctor, attribution)
            count = len(settled.findings)
            said = f"{count} funn {accept} avklart" + (f" for legen {settled.doctor}" if settled.doctor else "")
    except Refused as exc:
        _fail(str(exc), code=exc.code)
    out_console.print(f"{submission}: {said}. Lagret i {corrections_path(out, submission)}; brukes neste gang "
                      f"søknaden kjøres (alis run eller alis batch).")


@app.command()
def rules(year: int = typer.Option(..., "--year", metavar="ÅR", help="Tilskuddsåret.")) -> None:
    """Vis årets regelparametere (satser, tak, datoer) med kildene deres."""
    from checks.parameters import UnknownYear, describe, load_parameters
    from checks.sources import named

    try:
        params = load_parameters(year)
    except UnknownYear as exc:
        _fail(str(exc), code=2)
    table = Table(title=f"Regler for tilskuddsåret {year}")
    for column in ("parameter", "verdi", "kilde", "antakelse"):
        table.add_column(column)
    for row in describe(params):
        table.add_row(str(row.name), str(row.value), named(str(row.source), year),
                      "ja" if row.assumption else "")
    Console(width=200, markup=False, highlight=False).print(table)


@app.command()
def samples(
    out: Path = typer.Option(..., "--out", metavar="INNBOKS", help="Innboksen som skrives."),
    count: int = typer.Option(10, "--count", min=1, metavar="ANTALL", help="Antall søknader."),
    seed: int = typer.Option(1, "--seed", metavar="FRØ", help="Frø for tilfeldighetene: samme frø gir samme søknader."),
    scans: float = typer.Option(None, "--scans", min=0.0, max=1.0, metavar="ANDEL",
                                help="Andelen avtaler som lages som skann eller mobilbilde (1: alle)."),
) -> None:
    """Lag syntetiske søknader, med fasit i INNBOKS/.truth/."""
    from samples.generator import SCAN_SHARE, generate

    ids = generate(out, count, seed, scans=SCAN_SHARE if scans is None else scans)
    out_console.print(f"{len(ids)} søknader skrevet til {out} (fasit i {out / '.truth'})")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
