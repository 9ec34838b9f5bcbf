"""The batch's work as jobs for the isolated children: decided, kept and written where it was decided.

A child (pipeline/isolation.py) opens a submission, reads its files, decides
it, keeps the decision in the ledger and writes its outputs; the parent gets
back a `Decided`, a small record: the row of batch.json, what the batch-level
rules need (`Claims`) and the findings for the Prefect UI. Whole results never
travel or wait in the parent, so its memory stays flat however large the
batch. After the last decision the parent applies the batch-level rules to the
claims and sends `rewrite` jobs for the few submissions they change (from the
decision kept in the ledger), then one `write_overview` job.

Rendering and the parsers are imported here only inside the jobs: the parent
that sends them never loads them.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from checks.models import Finding
from checks.registers import Registers
from pipeline.batch_rules import Claims
from pipeline.inbox import Submission, SubmissionError
from pipeline.isolation import JobFailed, LimitBroken, Limits, Worker, run_marking
from pipeline.ledger import Ledger
from pipeline.outputs import OUTPUT_MODE, output_mode
from pipeline.result import Batch, BatchEntry, Result

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setup:
    """What every job of a run shares; sent once to each child.

    The output mode is the run's (`--shared`), taken where the run starts: a
    child on a dask worker of another machine writes with it too, whatever
    that worker's environment says."""

    registers: Registers
    ledger: Ledger
    out: Path
    today: date
    reuse: bool = True
    limits: Limits = Limits()
    output_mode: str = field(default_factory=output_mode)

    def prepare_child(self) -> None:
        os.environ[OUTPUT_MODE] = self.output_mode


class Decided(BaseModel):
    """A submission decided and written: all the parent keeps of it."""

    row: BatchEntry
    claims: Claims | None = None
    findings: list[tuple[str, str]] = []  # rule, severity
    reused: bool = False

    @classmethod
    def of(cls, result: Result, row: BatchEntry, reused: bool) -> "Decided":
        return cls(row=row, claims=Claims.of(result), findings=[(f.rule, f.severity) for f in result.findings],
                   reused=reused)


def decide_and_write(setup: Setup, submission: Submission, marked: dict[str, str]) -> Decided:
    """Decided (or the decision kept from before, while everything it was made from is unchanged), then written."""
    from pipeline.process import decide_here, write_application

    result, reused = setup.ledger.decided(
        submission, lambda s: decide_here(s, setup.registers, setup.limits, marked=marked, out=setup.out), setup.reuse)
    return Decided.of(result, write_application(result, setup.out, setup.today), reused)


def rewrite(setup: Setup, sid: str, findings: list[Finding], marked: dict[str, str]) -> Decided:
    """A decision of this run written again with the batch-level findings added."""
    from pipeline.batch_rules import updated
    from pipeline.process import write_application

    kept = setup.ledger.kept(sid) or _written(setup.out, sid)
    result = updated(kept, findings)
    return Decided.of(result, write_application(result, setup.out, setup.today), reused=False)


def write_error(setup: Setup, sid: str, reason: str, marked: dict[str, str]) -> Decided:
    """The outputs of a submission whose processing broke: a person must look at it."""
    from pipeline.process import error_result, write_application

    result = error_result(sid, SubmissionError(reason))
    return Decided.of(result, write_application(result, setup.out, setup.today), reused=False)


def write_overview(setup: Setup, batch: Batch, marked: dict[str, str]) -> None:
    """batch.json, batch-summary.html and .xlsx, from the results written under OUT."""
    from pipeline.batch import write_batch

    write_batch(setup.out, batch)


def run_one(setup: Setup, submission: Submission, inbox: str, broken: str | None,
            marked: dict[str, str]) -> Decided:
    """A single re-run: decided anew and kept, checked for double claims against what OUT holds, written,
    and its row replaced in batch.json. `broken` says why an earlier try stopped: then only that is written."""
    from pipeline.batch import merge_entry, write_batch, written_results
    from pipeline.batch_rules import against_written
    from pipeline.process import decide_here, error_result, write_application

    if broken is None:
        result, _ = setup.ledger.decided(
            submission, lambda s: decide_here(s, setup.registers, setup.limits, marked=marked, out=setup.out), reuse=False)
        result = against_written(result, written_results(setup.out))
    else:
        result = error_result(submission.sid, SubmissionError(broken))
    row = write_application(result, setup.out, setup.today)
    write_batch(setup.out, merge_entry(setup.out, row, inbox))
    return Decided.of(result, row, reused=False)


def decided_in(worker: Worker, setup: Setup, submission: Submission) -> Decided:
    """The submission decided and written by the worker's child; one that broke a limit between its files
    (or whose job failed) still gets its outputs, as pipeline.error."""
    try:
        return run_marking(worker, decide_and_write, submission, context=setup)
    except (LimitBroken, JobFailed) as exc:
        log.error("submission %s stopped: %s", submission.sid, exc)
        reason = f"behandlingen ble stoppet ({exc.code})" if isinstance(exc, LimitBroken) else \
            f"uventet feil ({exc})"
        return run_marking(worker, write_error, submission.sid, reason, context=setup)


def _written(out: Path, sid: str) -> Result:
    return Result.model_validate_json((out / "applications" / sid / "result.json").read_text(encoding="utf-8"))
