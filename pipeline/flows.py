"""Prefect flows: the nightly batch and the single re-run, thin around plain functions.

Tasks are coarse (a chunk of submissions each) because every Prefect task run
costs tens of milliseconds of server work (PERFORMANCE.md); parsing happens in
child processes the pipeline controls (pipeline/isolation.py). A batch runs in
two passes, deciding every chunk and then writing every chunk, so that the
batch-level rules (pipeline/batch_rules.py) see every decision before any
output is final. Each decision is kept in the ledger (pipeline/ledger.py) as
it is made, so a batch killed halfway decides again only what it had not
decided; every run first takes OUT for itself (pipeline/runs.py).
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import (create_markdown_artifact, create_progress_artifact, create_table_artifact,
                               update_progress_artifact)
from prefect.cache_policies import NONE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from checks.registers import Registers, load_registers
from pipeline.batch import merge_entry, now_iso, write_batch, written_results
from pipeline.batch_rules import against_written, with_batch_rules
from pipeline.inbox import Submission, find_submission, submissions
from pipeline.ledger import Ledger
from pipeline.process import decide_submission, error_result, write_application
from pipeline.progress import Progress
from pipeline.render.format import kroner, status_label
from pipeline.result import Batch, BatchEntry, Result
from pipeline.runs import started

CHUNKS_PER_WORKER = 4
T = TypeVar("T")


@dataclass(frozen=True)
class Deciding:
    """What every decide task shares: the registers, the ledger, and the progress to report to."""

    registers: Registers
    ledger: Ledger
    progress: Progress
    reuse: bool = True

    def decided(self, submission: Submission) -> Result:
        result, reused = self.ledger.decided(
            submission, lambda s: decide_submission(s, self.registers, out=self.ledger.out), self.reuse)
        self.progress.advance(reused)
        return result


@task(cache_policy=NONE, task_run_name="decide-{index}")
def decide_chunk(index: int, chunk: list[Submission], deciding: Deciding) -> list[Result]:
    """Decide a chunk, each decision kept as it is made; nothing is written yet, batch-level rules come first."""
    return [deciding.decided(submission) for submission in chunk]


@task(cache_policy=NONE, task_run_name="write-{index}")
def write_chunk(index: int, results: list[Result], out: Path, today: date, progress: Progress) -> list[BatchEntry]:
    rows = []
    for result in results:
        rows.append(write_application(result, out, today))
        publish_application(result)
        progress.advance()
    return rows


def publish_application(result: Result) -> None:
    """A markdown artifact per application, so the intake team can follow a night in the UI."""
    lines = [
        f"# {result.submission_id}: {status_label(result.status)}",
        f"Anbefalt: {kroner(result.recommended_total_nok) if result.recommended_total_nok is not None else '–'}",
        "",
    ]
    lines += [f"- `{f.rule}` ({f.severity})" for f in result.findings]
    create_markdown_artifact(markdown="\n".join(lines), description=f"Søknad {result.submission_id}")


def chunked(items: list[T], parts: int) -> list[list[T]]:
    parts = max(1, min(parts, len(items)))
    return [items[i::parts] for i in range(parts)]


def gathered(futures: list[PrefectFuture], chunks: list[list[T]], rescue: Callable[[T], object]) -> list:
    """Every chunk's outputs in order; a chunk whose task crashed is done again here, item by item."""
    found = []
    for future, chunk in zip(futures, chunks):
        future.wait()
        if future.state.is_completed():
            found.extend(future.result())
        else:
            found.extend(rescue(item) for item in chunk)
    return found


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
               fresh: bool = False) -> Batch:
    """Decide every submission not already decided, apply the batch-level rules, then write every output."""
    logger = get_run_logger()
    with started(out, "batch", wait, logger):
        registers = load_registers(registers_dir)
        started_at = now_iso()
        found = submissions(inbox)
        today = date.today()
        parts = workers * CHUNKS_PER_WORKER
        logger.info("%d submissions in the inbox", len(found))
        deciding = Deciding(registers, Ledger(out, registers_dir), progress("Søknader avgjort", len(found)),
                            reuse=not fresh)
        chunks = chunked(found, parts)
        futures = [decide_chunk.submit(i, chunk, quote(deciding)) for i, chunk in enumerate(chunks)]
        results = with_batch_rules(gathered(futures, chunks, lambda s: _decide_again(s, deciding)))
        deciding.progress.close()
        logger.info("%d decided now, %d kept from an earlier run", len(found) - deciding.progress.reused,
                    deciding.progress.reused)
        writing = progress("Resultater skrevet", len(results))
        chunks = chunked(results, parts)
        futures = [write_chunk.submit(i, quote(chunk), out, today, quote(writing)) for i, chunk in enumerate(chunks)]
        rows = gathered(futures, chunks, lambda result: _write_again(result, out, today))
        writing.close()
        batch = Batch(inbox=str(inbox), started_at=started_at, finished_at=now_iso(),
                      submissions=sorted(rows, key=lambda r: r.submission_id))
        write_batch(out, batch)
    create_table_artifact(key="batch-summary", table=[_artifact_row(r) for r in batch.submissions],
                          description=f"Nattlig kjøring {started_at}")
    return batch


def _decide_again(submission: Submission, deciding: Deciding) -> Result:
    """A submission of a crashed chunk: decided once more, or a pipeline.error result."""
    try:
        return deciding.decided(submission)
    except Exception as exc:
        logging.getLogger(__name__).error("submission %s failed twice", submission.sid)
        return error_result(submission.sid, exc)


def _write_again(result: Result, out: Path, today: date) -> BatchEntry:
    try:
        return write_application(result, out, today)
    except Exception as exc:
        logging.getLogger(__name__).error("writing %s failed twice", result.submission_id)
        return write_application(error_result(result.submission_id, exc), out, today)


def _artifact_row(row: BatchEntry) -> dict[str, str]:
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
        registers = load_registers(registers_dir)
        submission = find_submission(inbox, submission_id)
        result, _ = Ledger(out, registers_dir).decided(submission, lambda s: decide_submission(s, registers, out=out),
                                                       reuse=False)
        result = against_written(result, written_results(out))
        row = write_application(result, out, date.today())
        publish_application(result)
        write_batch(out, merge_entry(out, row, str(inbox)))
    return row
