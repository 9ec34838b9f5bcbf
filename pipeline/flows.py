"""Prefect flows: the nightly batch and the single re-run, thin around plain functions.

Tasks are coarse (a chunk of submissions each) because every Prefect task run
costs tens of milliseconds of server work (PERFORMANCE.md); parsing happens in
child processes the pipeline controls (pipeline/isolation.py).
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE

from checks.registers import Registers, load_registers
from pipeline.batch import merge_entry, now_iso, write_batch
from pipeline.inbox import list_submissions, submission_id
from pipeline.process import error_result, process_submission, write_application
from pipeline.render.format import kroner, status_label
from pipeline.result import Batch, BatchEntry, Result

CHUNKS_PER_WORKER = 4


def process_and_write(entry: Path, registers: Registers, out: Path, today: date) -> tuple[BatchEntry, Result]:
    result = process_submission(entry, registers)
    return write_application(result, out, today), result


@task(cache_policy=NONE, task_run_name="chunk-{index}")
def process_chunk(index: int, entries: list[Path], registers: Registers, out: Path, today: date) -> list[BatchEntry]:
    rows = []
    for entry in entries:
        row, result = process_and_write(entry, registers, out, today)
        publish_application(result)
        rows.append(row)
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


def chunked(items: list[Path], parts: int) -> list[list[Path]]:
    parts = max(1, min(parts, len(items)))
    return [items[i::parts] for i in range(parts)]


@flow(name="alis-nightly-batch", flow_run_name="batch-{inbox.name}")
def batch_flow(inbox: Path, out: Path, registers_dir: Path, workers: int = 2) -> Batch:
    """Every submission of the inbox gets a result, then the batch files are written."""
    logger = get_run_logger()
    registers = load_registers(registers_dir)
    started = now_iso()
    entries = list_submissions(inbox)
    today = date.today()
    logger.info("%d submissions in the inbox", len(entries))
    chunks = chunked(entries, workers * CHUNKS_PER_WORKER)
    futures = [process_chunk.submit(i, chunk, registers, out, today) for i, chunk in enumerate(chunks)]
    rows: list[BatchEntry] = []
    for future, chunk in zip(futures, chunks):
        future.wait()
        if future.state.is_completed():
            rows.extend(future.result())
        else:
            rows.extend(_rescue(chunk, registers, out, today))
    batch = Batch(inbox=str(inbox), started_at=started, finished_at=now_iso(),
                  submissions=sorted(rows, key=lambda r: r.submission_id))
    write_batch(out, batch)
    create_table_artifact(key="batch-summary", table=[_artifact_row(r) for r in batch.submissions],
                          description=f"Nattlig kjøring {started}")
    return batch


def _rescue(chunk: list[Path], registers: Registers, out: Path, today: date) -> list[BatchEntry]:
    """A chunk task that crashed: every submission in it still gets a result."""
    rows = []
    for entry in chunk:
        try:
            rows.append(process_and_write(entry, registers, out, today)[0])
        except Exception as exc:
            logging.getLogger(__name__).error("submission %s failed twice", submission_id(entry))
            rows.append(write_application(error_result(submission_id(entry), exc), out, today))
    return rows


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
    row, result = process_and_write(entry, registers, out, date.today())
    publish_application(result)
    write_batch(out, merge_entry(out, row, str(entry.parent)))
    return row
