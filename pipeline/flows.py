"""Prefect flows: the nightly batch and the single re-run, thin around plain functions.

Tasks are coarse (a chunk of submissions each) because every Prefect task run
costs tens of milliseconds of server work (PERFORMANCE.md). A task hands its
submissions one by one to a long-lived child process (pipeline/isolation.py)
that reads, decides, keeps the decision in the ledger (pipeline/ledger.py) and
writes the outputs (pipeline/batch_jobs.py); the task keeps only a small
record of each. After the last decision the flow applies the batch-level rules
(pipeline/batch_rules.py) to those records, has the few submissions they
change written again, then the overview. A batch killed halfway decides again
only what it had not decided; every run first takes OUT for itself
(pipeline/runs.py). With a dask cluster (`alis batch --dask`, `alis serve --dask`) the chunk
tasks run on the cluster's workers, each with children of its own.
"""
from __future__ import annotations

import contextvars
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path, PurePath
from typing import Any, Callable, Iterator, TypeVar

from prefect import Flow, get_run_logger, task
from prefect.artifacts import (create_markdown_artifact, create_progress_artifact, create_table_artifact,
                               update_progress_artifact)
from prefect.cache_policies import NONE
from prefect.futures import as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from checks.registers import load_registers
from pipeline.batch import now_iso
from pipeline.batch_jobs import Decided, Setup, decided_in, rewrite, run_one, write_overview
from pipeline.batch_rules import double_claims
from pipeline.inbox import Submission, find_submission, submissions
from pipeline import workfolder
from pipeline.distributed import cluster_threads, task_runner
from pipeline.isolation import JobFailed, LimitBroken, pool, run_marking
from pipeline.ledger import Ledger
from pipeline.progress import Progress
from pipeline.result import Batch, BatchEntry
from pipeline.runs import started

CHUNKS_PER_WORKER = 4
T = TypeVar("T")
PLAIN = (str, int, float, bool, type(None), PurePath)


class AlisFlow(Flow):
    """Prefect's flow, with plain parameters sent to the server as Prefect would send them, but without
    importing FastAPI for its JSON encoder: that import is a quarter of a second of every `alis run`."""

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        if all(isinstance(value, PLAIN) for value in parameters.values()):
            return {key: str(value) if isinstance(value, PurePath) else value for key, value in parameters.items()}
        return super().serialize_parameters(parameters)


def flow(**options: Any) -> Callable[[Callable], AlisFlow]:
    """Prefect's `@flow(...)`, making an AlisFlow."""
    return lambda fn: AlisFlow(fn=fn, **options)


@task(cache_policy=NONE, task_run_name="decide-{index}")
def decide_chunk(index: int, chunk: list[Submission], setup: Setup, progress: Progress | None = None) -> list[Decided]:
    """Each submission decided, kept and written by one child of this process; small records back.

    `progress` is advanced here when the task runs in the flow's process; a
    task on a cluster is counted by the flow when it ends."""
    workfolder.activate()  # on a cluster's worker: its children's files in a folder swept after a crash
    decided = []
    with pool(setup.limits).worker() as worker, publisher() as publish:
        for submission in chunk:
            one = decided_in(worker, setup, submission)
            publish(one)
            if progress is not None:
                progress.advance(one.reused)
            decided.append(one)
    return decided


@contextmanager
def publisher() -> Iterator[Callable[[Decided], None]]:
    """Publishes each application's artifact from a thread of its own, in the task's Prefect context, so
    the child starts the next submission while the server is told about the last; all sent on exit."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="artifacts") as sending:
        yield lambda one: sending.submit(contextvars.copy_context().run, _published, one)


def _published(decided: Decided) -> None:
    try:
        publish_application(decided)
    except Exception as exc:  # noqa: BLE001 - the UI's artifact is never worth a submission
        logging.getLogger(__name__).warning("artifact for %s not created: %s", decided.row.submission_id,
                                            type(exc).__name__)


def publish_application(decided: Decided) -> None:
    """A markdown artifact per application, so the intake team can follow a night in the UI."""
    from pipeline.render.format import kroner, status_label

    row = decided.row
    lines = [
        f"# {row.submission_id}: {status_label(row.status)}",
        f"Anbefalt: {kroner(row.recommended_total_nok) if row.recommended_total_nok is not None else '–'}",
        "",
    ]
    lines += [f"- `{rule}` ({severity})" for rule, severity in decided.findings]
    create_markdown_artifact(markdown="\n".join(lines), description=f"Søknad {row.submission_id}")


def chunked(items: list[T], parts: int) -> list[list[T]]:
    parts = max(1, min(parts, len(items)))
    return [items[i::parts] for i in range(parts)]


def progress(doing: str, total: int) -> Progress:
    """A bar when the flow runs on a terminal, log lines otherwise, and a progress artifact in the UI."""
    logger = get_run_logger()
    artifact = create_progress_artifact(progress=0.0, key="batch-progress", description=doing)

    def show(percent: float) -> None:
        try:
            update_progress_artifact(artifact, percent)
        except Exception as exc:  # noqa: BLE001 - the UI's progress is never worth a submission
            logger.debug("progress artifact not updated: %s", type(exc).__name__)

    return Progress(doing, total, terminal=sys.stderr.isatty(), log=logger.info, artifact=show)


@flow(name="alis-nightly-batch", flow_run_name="batch-{inbox.name}")
def batch_flow(inbox: Path, out: Path, registers_dir: Path, workers: int = 2, wait: bool = True,
               fresh: bool = False, dask: str | None = None) -> Batch:
    """Decide and write every submission not already decided, then apply the batch-level rules and write the overview."""
    logger = get_run_logger()
    with started(out, "batch", wait, logger):
        started_at = now_iso()
        found = submissions(inbox)
        setup = Setup(load_registers(registers_dir), Ledger(out, registers_dir), out, date.today(), reuse=not fresh)
        logger.info("%d submissions in the inbox", len(found))
        deciding = progress("Søknader avgjort", len(found))
        decided = _decide_all(found, setup, deciding, workers, dask)
        deciding.close()
        logger.info("%d decided now, %d kept from an earlier run", len(found) - deciding.reused, deciding.reused)
        rows = _with_batch_rules(decided, setup, logger)
        batch = Batch(inbox=str(inbox), started_at=started_at, finished_at=now_iso(),
                      submissions=sorted(rows, key=lambda r: r.submission_id))
        with pool(setup.limits).worker() as worker:
            run_marking(worker, write_overview, batch, context=setup)
    create_table_artifact(key="batch-summary", table=[_artifact_row(r) for r in batch.submissions],
                          description=f"Nattlig kjøring {started_at}")
    return batch


def _decide_all(found: list[Submission], setup: Setup, deciding: Progress, workers: int,
                dask: str | None) -> list[Decided]:
    """Every submission through the chunk tasks; a chunk whose task crashed is done again here."""
    here = dask is None
    with chunk_runner(workers, dask) as runner:
        slots = workers if here else cluster_threads(runner) or workers
        futures = {runner.submit(decide_chunk, {"index": index, "chunk": chunk, "setup": quote(setup),
                                                "progress": quote(deciding) if here else None}): chunk
                   for index, chunk in enumerate(chunked(found, slots * CHUNKS_PER_WORKER))}
        decided: list[Decided] = []
        for future in as_completed(list(futures)):
            try:
                got, counted = future.result(), here
            except Exception as exc:  # noqa: BLE001 - a crashed task (a lost cluster worker) costs no submission
                logging.getLogger(__name__).error("a chunk task failed (%s); its submissions are done here",
                                                  type(exc).__name__)
                got, counted = _decide_again(futures[future], setup), False
            if not counted:
                for one in got:
                    deciding.advance(one.reused)
            decided.extend(got)
    return decided


def chunk_runner(workers: int, dask: str | None) -> TaskRunner:
    """`workers` threads here, or the dask cluster at `dask`: chosen by the run's parameters, not the flow's
    own task runner, so a served nightly run, which Prefect starts in a process of its own from this module,
    runs its chunks as `alis batch` does."""
    return ThreadPoolTaskRunner(max_workers=workers) if dask is None else task_runner(dask)


def _decide_again(chunk: list[Submission], setup: Setup) -> list[Decided]:
    with pool(setup.limits).worker() as worker:
        return [decided_in(worker, setup, submission) for submission in chunk]


def _with_batch_rules(decided: list[Decided], setup: Setup, logger) -> list[BatchEntry]:
    """Every row, those the batch-level rules change written again from their kept decision."""
    rows = {one.row.submission_id: one.row for one in decided}
    extra = double_claims({one.row.submission_id: one.claims for one in decided if one.claims is not None})
    if extra:
        with pool(setup.limits).worker() as worker:
            for sid, findings in sorted(extra.items()):
                again = run_marking(worker, rewrite, sid, findings, context=setup)
                publish_application(again)
                rows[sid] = again.row
    logger.info("%d written again for the batch-level rules", len(extra))
    return list(rows.values())


def _artifact_row(row: BatchEntry) -> dict[str, str]:
    from pipeline.render.format import kroner, status_label

    return {
        "søknad": row.submission_id,
        "status": status_label(row.status),
        "søkt": kroner(row.requested_total_nok) if row.requested_total_nok is not None else "–",
        "anbefalt": kroner(row.recommended_total_nok) if row.recommended_total_nok is not None else "–",
        "funn": ", ".join(row.deciding_rules),
    }


@flow(name="alis-single-submission", flow_run_name="run-{submission_id}")
def run_flow(submission_id: str, inbox: Path, out: Path, registers_dir: Path, wait: bool = True) -> BatchEntry:
    """Re-run one submission of INBOX on demand, replacing its outputs and its row in batch.json."""
    with started(out, "run", wait, get_run_logger()):
        setup = Setup(load_registers(registers_dir), Ledger(out, registers_dir), out, date.today(), reuse=False)
        submission = find_submission(inbox, submission_id)
        with pool(setup.limits).worker() as worker:
            try:
                one = run_marking(worker, run_one, submission, str(inbox), None, context=setup)
            except (LimitBroken, JobFailed) as exc:
                logging.getLogger(__name__).error("submission %s stopped: %s", submission_id, exc)
                one = run_marking(worker, run_one, submission, str(inbox), f"behandlingen ble stoppet ({exc})",
                                  context=setup)
        publish_application(one)
    return one.row
