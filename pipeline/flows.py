"""Prefect flows: the nightly batch and the single re-run, thin around plain functions.

Tasks are coarse (a chunk of submissions each) because every Prefect task run
costs tens of milliseconds of server work (PERFORMANCE.md); parsing happens in
child processes the pipeline controls (pipeline/isolation.py). A batch runs in
two passes, deciding every chunk and then writing every chunk, so that the
batch-level rules (pipeline/batch_rules.py) see every decision before any
output is final.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from checks.registers import Registers, load_registers
from pipeline.batch import merge_entry, now_iso, write_batch, written_results
from pipeline.batch_rules import against_written, with_batch_rules
from pipeline.inbox import list_submissions, submission_id
from pipeline.process import error_result, process_submission, write_application
from pipeline.render.format import kroner, status_label
from pipeline.result import Batch, BatchEntry, Result

CHUNKS_PER_WORKER = 4
T = TypeVar("T")


@task(cache_policy=NONE, task_run_name="decide-{index}")
def decide_chunk(index: int, entries: list[Path], registers: Registers) -> list[Result]:
    """Read and decide a chunk; nothing is written yet, batch-level rules come first."""
    return [process_submission(entry, registers) for entry in entries]


@task(cache_policy=NONE, task_run_name="write-{index}")
def write_chunk(index: int, results: list[Result], out: Path, today: date) -> list[BatchEntry]:
    rows = []
    for result in results:
        rows.append(write_application(result, out, today))
        publish_application(result)
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


@flow(name="alis-nightly-batch", flow_run_name="batch-{inbox.name}")
def batch_flow(inbox: Path, out: Path, registers_dir: Path, workers: int = 2) -> Batch:
    """Decide every submission, apply the batch-level rules, then write each result and the batch files."""
    logger = get_run_logger()
    registers = load_registers(registers_dir)
    started = now_iso()
    entries = list_submissions(inbox)
    today = date.today()
    parts = workers * CHUNKS_PER_WORKER
    logger.info("%d submissions in the inbox", len(entries))
    chunks = chunked(entries, parts)
    futures = [decide_chunk.submit(i, chunk, registers) for i, chunk in enumerate(chunks)]
    results = with_batch_rules(gathered(futures, chunks, lambda entry: _decide_again(entry, registers)))
    chunks = chunked(results, parts)
    futures = [write_chunk.submit(i, quote(chunk), out, today) for i, chunk in enumerate(chunks)]
    rows = gathered(futures, chunks, lambda result: _write_again(result, out, today))
    batch = Batch(inbox=str(inbox), started_at=started, finished_at=now_iso(),
                  submissions=sorted(rows, key=lambda r: r.submission_id))
    write_batch(out, batch)
    create_table_artifact(key="batch-summary", table=[_artifact_row(r) for r in batch.submissions],
                          description=f"Nattlig kjøring {started}")
    return batch


def _decide_again(entry: Path, registers: Registers) -> Result:
    """A submission of a crashed chunk: decided once more, or a pipeline.error result."""
    try:
        return process_submission(entry, registers)
    except Exception as exc:
        logging.getLogger(__name__).error("submission %s failed twice", submission_id(entry))
        return error_result(submission_id(entry), exc)


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


@flow(name="alis-single-submission", flow_run_name="run-{entry.name}")
def run_flow(entry: Path, out: Path, registers_dir: Path) -> BatchEntry:
    """Re-run one submission on demand, replacing its outputs and its row in batch.json."""
    registers = load_registers(registers_dir)
    result = against_written(process_submission(entry, registers), written_results(out))
    row = write_application(result, out, date.today())
    publish_application(result)
    write_batch(out, merge_entry(out, row, str(entry.parent)))
    return row
