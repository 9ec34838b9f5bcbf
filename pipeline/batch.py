"""The batch-level outputs: batch.json, batch-summary.html and .xlsx (plain Python)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from checks.parameters import UnknownYear, load_parameters
from pipeline.outputs import write_atomic
from pipeline.result import Batch, BatchEntry, Result


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def load_results(out: Path, entries: list[BatchEntry]) -> list[Result]:
    results = []
    for entry in entries:
        path = out / "applications" / entry.submission_id / "result.json"
        if path.exists():
            results.append(Result.model_validate_json(path.read_text(encoding="utf-8")))
    return results


def written_results(out: Path) -> list[Result]:
    """Every result.json under OUT/applications, by submission id; one that cannot be read is left out."""
    results = []
    for path in sorted((out / "applications").glob("*/result.json")):
        try:
            results.append(Result.model_validate_json(path.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return results


def appropriations(results: list[Result]) -> dict[int, Decimal]:
    """The year's appropriation for each grant year present, for totals on the overview."""
    found: dict[int, Decimal] = {}
    for year in {r.grant_year for r in results if r.grant_year}:
        try:
            found[year] = load_parameters(year).total_appropriation()
        except UnknownYear:
            continue
    return found


def write_batch(out: Path, batch: Batch) -> None:
    """batch.json and the overview; rendering is loaded only by the process that writes them."""
    from pipeline.render.batch_summary import render_batch_html, render_batch_xlsx

    results = load_results(out, batch.submissions)
    appropriation = appropriations(results)
    made = datetime.fromisoformat(batch.finished_at)
    write_atomic(out / "batch-summary.html", render_batch_html(results, appropriation, made))
    write_atomic(out / "batch-summary.xlsx", render_batch_xlsx(results, appropriation, made))
    write_atomic(out / "batch.json", batch.model_dump_json(indent=2))


def merge_entry(out: Path, entry: BatchEntry, inbox: str) -> Batch:
    """A single re-run replaces its own row in batch.json and keeps the others."""
    return merge_entries(out, [entry], inbox)


def merge_entries(out: Path, entries: list[BatchEntry], inbox: str) -> Batch:
    """batch.json with these rows replaced or added and the others kept; `inbox` names a new one."""
    path = out / "batch.json"
    if path.exists():
        batch = Batch.model_validate_json(path.read_text(encoding="utf-8"))
    else:
        batch = Batch(inbox=inbox, started_at=now_iso(), finished_at=now_iso())
    replaced = {e.submission_id for e in entries}
    others = [e for e in batch.submissions if e.submission_id not in replaced]
    batch.submissions = sorted(others + entries, key=lambda e: e.submission_id)
    batch.finished_at = now_iso()
    return batch
