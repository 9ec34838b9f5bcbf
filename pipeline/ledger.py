"""Decisions kept as each one is made, so a run that is killed decides again only what it had not decided.

One small record per submission, OUT/.alis/decisions/ID.json: the decision
(the result before the batch-level rules, which always run again over the
whole batch) and digests of every byte it was made from: the submission's
files, the registers, the year's parameters, the code with its tables
(rule table, label tables), and the caseworkers' corrections of the
application. A record is used only when all of them are unchanged, so a
changed attachment, register row, rate or correction is decided anew.
A result with `pipeline.error` is never kept: the pipeline failed, not the
application, and the next run tries again.

Our own ledger rather than Prefect's result persistence (README, "Resuming"):
the key must cover files that are not task inputs, Prefect's results are
pickles in PREFECT_HOME by default, and these records are small JSON next to
the outputs they explain.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from hashlib import sha256
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, ValidationError

from checks.parameters import PARAMETER_DIR
from checks.registers import COLUMNS
from extractors.convert import converter
from pipeline.corrections import corrections_digest
from pipeline.inbox import Deadline, Submission, SubmissionError, content_digest
from pipeline.outputs import write_atomic
from pipeline.result import PIPELINE_VERSION, Result

log = logging.getLogger(__name__)

LEDGER_FOLDER = Path(".alis") / "decisions"
PROJECT = Path(__file__).resolve().parents[1]
CODE = ("extractors", "checks", "pipeline")  # every .py and .yaml file, year parameters apart


class DecisionRecord(BaseModel):
    submission_id: str
    content: str  # the submission's files
    inputs: str  # registers, code, tables, pipeline version, converter
    rules: str  # the parameters of the result's grant year
    corrections: str = "none"  # the application's corrections file (pipeline/corrections.py)
    result: Result


class Ledger:
    def __init__(self, out: Path, registers_dir: Path):
        self.out = out
        self.folder = out / LEDGER_FOLDER
        self.inputs = inputs_digest(registers_dir)

    def decided(self, submission: Submission, decide: Callable[[Submission], Result],
                reuse: bool = True) -> tuple[Result, bool]:
        """The submission's result and whether it was reused; a new decision is kept before it is returned.

        The corrections are hashed before deciding: one written meanwhile makes the next run decide anew."""
        content = None if submission.refused else _content(submission)
        corrections = corrections_digest(self.out, submission.sid)
        if reuse and content and (known := self.recall(submission.sid, content, corrections)) is not None:
            return known, True
        result = decide(submission)
        if content and not any(f.rule == "pipeline.error" for f in result.findings):
            self.keep(content, corrections, result)
        return result, False

    def recall(self, sid: str, content: str, corrections: str = "none") -> Result | None:
        path = self.folder / f"{sid}.json"
        try:
            record = DecisionRecord.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            return None
        if (record.content, record.inputs, record.corrections) != (content, self.inputs, corrections):
            return None
        if record.rules != rules_digest(record.result.grant_year):
            return None
        return record.result

    def kept(self, sid: str) -> Result | None:
        """The decision last kept for the submission, whatever it was made from (this run just made it)."""
        try:
            return DecisionRecord.model_validate_json((self.folder / f"{sid}.json").read_bytes()).result
        except (OSError, ValidationError):
            return None

    def keep(self, content: str, corrections: str, result: Result) -> None:
        """Writes the record; one that cannot be written costs only a decision made again after a crash."""
        record = DecisionRecord(submission_id=result.submission_id, content=content, inputs=self.inputs,
                                rules=rules_digest(result.grant_year), corrections=corrections, result=result)
        try:
            write_atomic(self.folder / f"{result.submission_id}.json", record.model_dump_json())
        except OSError as exc:
            log.warning("submission %s: decision not kept (%s)", result.submission_id, type(exc).__name__)


def _content(submission: Submission) -> str | None:
    try:
        return content_digest(submission.entry, Deadline())
    except (SubmissionError, OSError) as exc:
        log.warning("submission %s: content not hashed (%s), decided without the ledger",
                    submission.sid, type(exc).__name__)
        return None


def inputs_digest(registers_dir: Path) -> str:
    digest = sha256(f"{PIPELINE_VERSION}\0{code_digest()}\0{converter() is not None}".encode())
    for name in sorted(COLUMNS):
        digest.update(f"\0{name}\0".encode())
        digest.update((Path(registers_dir) / name).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    digest = sha256()
    for package in CODE:
        for path in sorted((PROJECT / package).rglob("*")):
            if path.suffix in (".py", ".yaml") and path.parent != PARAMETER_DIR:
                digest.update(f"\0{path.relative_to(PROJECT).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def rules_digest(year: int | None) -> str:
    path = PARAMETER_DIR / f"{year}.yaml"
    if not isinstance(year, int) or not path.is_file():
        return "none"
    return sha256(path.read_bytes()).hexdigest()
