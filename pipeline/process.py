"""One submission from inbox entry to written outputs; plain Python, no Prefect.

Whatever goes wrong inside a submission ends as a `manual_review` result with
`pipeline.error`: the batch around it never stops.
"""
from __future__ import annotations

import logging
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from checks.decide import decide, decide_without_rules
from checks.findings import pipeline_error
from checks.models import ApplicationFacts, Decision
from checks.parameters import UnknownYear, load_parameters
from checks.registers import Registers
from extractors import read_form
from extractors.models import FormRecord
from pipeline.inbox import SubmissionError, opened, submission_id
from pipeline.isolation import Limits, read_isolated
from pipeline.outputs import remove_if_present, write_atomic
from pipeline.render.batch_summary import deciding_rules
from pipeline.render.letter import render_letter
from pipeline.render.summary import render_summary
from pipeline.result import AttachmentResult, BatchEntry, DoctorResult, Municipality, Result

log = logging.getLogger(__name__)

FORM_NAME = "skjema.json"


def process_submission(entry: Path, registers: Registers, limits: Limits = Limits()) -> Result:
    """Read, check and decide one submission; never raises."""
    sid = submission_id(entry)
    try:
        with opened(entry) as folder:
            form = read_form(folder / FORM_NAME)
            attachments = [read_isolated(path, name, limits) for path, name in attachment_files(folder)]
        facts = ApplicationFacts(submission_id=sid, form=form, attachments=attachments)
        return build_result(facts, decide_for_year(facts, registers))
    except Exception as exc:
        log.error("submission %s failed: %s", sid, type(exc).__name__)
        return error_result(sid, exc)


# What Windows and Office leave in a zipped folder (thumbnail caches, folder settings, lock files
# of open documents): never an attachment, so never reported as an unreadable one.
_LEFTOVERS = re.compile(r"^(thumbs\.db|ehthumbs\.db|desktop\.ini|~\$.*)$", re.IGNORECASE)


def attachment_files(folder: Path) -> list[tuple[Path, str]]:
    """Every file but the form, with its name relative to the submission; hidden files and what an
    operating system leaves behind (macOS resource forks, Thumbs.db, Office lock files) skipped."""
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or rel.as_posix() == FORM_NAME:
            continue
        if any(part.startswith(".") or part == "__MACOSX" for part in rel.parts) or _LEFTOVERS.match(path.name):
            continue
        files.append((path, rel.as_posix()))
    return files


def decide_for_year(facts: ApplicationFacts, registers: Registers) -> Decision:
    year = facts.form.grant_year
    if year is None:
        return decide_without_rules(facts, "Søknadsskjemaet oppgir ikke tilskuddsår.")
    try:
        params = load_parameters(year)
    except UnknownYear:
        return decide_without_rules(facts, f"Det finnes ikke regler for tilskuddsåret {year}.")
    return decide(facts, params, registers)


def build_result(facts: ApplicationFacts, decision: Decision) -> Result:
    form = facts.form
    return Result(
        submission_id=facts.submission_id,
        grant_year=decision.grant_year or form.grant_year,
        status=decision.status,
        municipality=Municipality(name=form.municipality_name, kommunenummer=form.kommunenummer, org_number=form.org_number),
        requested_total_nok=decision.requested_total_nok if decision.requested_total_nok is not None else form.requested_amount,
        recommended_total_nok=decision.recommended_total_nok,
        payout_nok=decision.payout_nok,
        unused_funds_deducted_nok=_deducted(decision),
        doctors=[DoctorResult.from_decision(d) for d in decision.doctors],
        attachments=[AttachmentResult.from_attachment(a) for a in facts.attachments],
        findings=decision.findings,
        ruleset=decision.ruleset,
    )


def _deducted(decision: Decision) -> Decimal | None:
    """recommended − payout: min(unused funds, recommended), all an allocation needs to cut the payout alike."""
    if decision.recommended_total_nok is None or decision.payout_nok is None:
        return None
    return decision.recommended_total_nok - decision.payout_nok


def error_result(sid: str, exc: BaseException, form: FormRecord | None = None) -> Result:
    """The result of a submission whose processing broke: a person must look at it."""
    reason = str(exc) if isinstance(exc, SubmissionError) else f"uventet feil ({type(exc).__name__})"
    form = form or FormRecord()
    return Result(
        submission_id=sid,
        grant_year=form.grant_year,
        status="manual_review",
        municipality=Municipality(name=form.municipality_name, kommunenummer=form.kommunenummer, org_number=form.org_number),
        findings=[pipeline_error(reason)],
    )


def write_application(result: Result, out: Path, today: date) -> BatchEntry:
    """Write result.json, summary.html and, unless manual review, the draft letter."""
    folder = out / "applications" / result.submission_id
    try:
        outputs = _render_all(result, today)
    except Exception as exc:
        log.error("rendering %s failed: %s", result.submission_id, type(exc).__name__)
        result = error_result(result.submission_id, exc)
        outputs = _render_all(result, today)
    if "vedtak-utkast.docx" not in outputs:
        remove_if_present(folder / "vedtak-utkast.docx")
    for name, data in outputs.items():
        write_atomic(folder / name, data)
    return batch_entry(result, {name: f"applications/{result.submission_id}/{name}" for name in outputs})


def _render_all(result: Result, today: date) -> dict[str, bytes | str]:
    outputs: dict[str, bytes | str] = {
        "result.json": result.model_dump_json(indent=2),
        "summary.html": render_summary(result),
    }
    if result.status != "manual_review":
        outputs["vedtak-utkast.docx"] = render_letter(result, today, reporting_deadline(result.grant_year))
    return outputs


def reporting_deadline(year: int | None) -> date | None:
    """The year's reporting deadline for the letter, where the rules give one."""
    try:
        found = load_parameters(year).reporting_deadline
    except UnknownYear:
        return None
    return found.value if found else None


def batch_entry(result: Result, outputs: dict[str, str]) -> BatchEntry:
    return BatchEntry(
        submission_id=result.submission_id,
        status=result.status,
        grant_year=result.grant_year,
        municipality=result.municipality.name,
        requested_total_nok=result.requested_total_nok,
        recommended_total_nok=result.recommended_total_nok,
        payout_nok=result.payout_nok,
        allocated_nok=result.allocated_nok,
        deciding_rules=deciding_rules(result),
        outputs=outputs,
    )
