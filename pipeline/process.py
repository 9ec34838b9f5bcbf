"""One submission from inbox entry to written outputs; plain Python, no Prefect.

Whatever goes wrong inside a submission ends as a `manual_review` result with
`pipeline.error`: the batch around it never stops.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from hashlib import sha256
from pathlib import Path

from checks.corrections import CorrectionResult, Loaded, corrected
from checks.decide import decide, decide_without_rules
from checks.findings import pipeline_error
from checks.models import ApplicationFacts, Decision, Finding
from checks.parameters import UnknownYear, load_parameters
from checks.registers import Registers
from checks.rules.documents import as_sentences
from checks.status import with_findings
from extractors import read_form
from extractors.models import Attachment, ExtractionProblem, FormRecord
from pipeline.corrections import keep_reading, load_corrections
from pipeline.inbox import (OPEN_SECONDS, Deadline, Member, Submission, SubmissionError, members, open_regular, opened,
                            submission_id)
from pipeline.isolation import JobFailed, Limits, LimitBroken, pool, read_guarded
from pipeline.outputs import remove_if_present, write_atomic
from pipeline.render.batch_summary import deciding_rules
from pipeline.render.confirmation import encloses_confirmation, render_confirmation
from pipeline.render.letter import render_letter
from pipeline.render.summary import render_summary
from pipeline.result import AttachmentResult, BatchEntry, DoctorResult, Municipality, Result

log = logging.getLogger(__name__)

FORM_NAME = "skjema.json"
FORM_MAX_BYTES = 5_000_000
NOT_A_REGULAR_FILE = "not-a-regular-file"  # the problem code of a link, pipe or device among the attachments
LETTERS = ("vedtak-utkast.docx", "bekreftelse.docx")  # written only for some statuses, removed for the others


def process_submission(entry: Path, registers: Registers, limits: Limits = Limits()) -> Result:
    """Read, check and decide one inbox entry under the id its name gives; never raises."""
    return decide_submission(Submission(entry, submission_id(entry)), registers, limits)


def decide_submission(submission: Submission, registers: Registers, limits: Limits = Limits(),
                      opening_seconds: float = OPEN_SECONDS, out: Path | None = None) -> Result:
    """Read, check and decide one submission in an isolated child (pipeline/isolation.py); never raises."""
    if submission.refused:
        return error_result(submission.sid, SubmissionError(submission.refused))
    try:
        return pool(limits).run_marking(_decide_job, submission, limits, opening_seconds, out, context=registers)
    except LimitBroken as broken:
        log.error("submission %s stopped: %s", submission.sid, broken)
        return error_result(submission.sid, SubmissionError(f"behandlingen ble stoppet ({broken.code})"))
    except JobFailed as failed:
        log.error("submission %s failed: %s", submission.sid, failed)
        return error_result(submission.sid, failed)


def _decide_job(registers: Registers, submission: Submission, limits: Limits, opening_seconds: float,
                out: Path | None, marked: dict[str, str]) -> Result:
    return decide_here(submission, registers, limits, opening_seconds, marked, out)


def decide_here(submission: Submission, registers: Registers, limits: Limits = Limits(),
                opening_seconds: float = OPEN_SECONDS, marked: dict[str, str] | None = None,
                out: Path | None = None) -> Result:
    """Read, check and decide one submission in this process, each attachment a step of the child it runs in;
    never raises. A refused one gets its reason as pipeline.error; `marked` names files that broke a limit.

    With `out`, the caseworkers' corrections under OUT are applied, and what was read is kept there for
    `alis correct` (pipeline/corrections.py)."""
    sid = submission.sid
    try:
        if submission.refused:
            raise SubmissionError(submission.refused)
        deadline = Deadline(opening_seconds)
        with opened(submission.entry, deadline) as folder:
            files = members(folder, deadline)
            form = _form(folder, files)
            deadline.check()
            attachments = [_attachment(member, limits, marked or {}) for member in files if member.name != FORM_NAME]
        facts = ApplicationFacts(submission_id=sid, form=form, attachments=attachments)
        corrections = None
        if out is not None:
            keep_reading(out, facts)
            corrections = load_corrections(out, sid)
        return decide_corrected(facts, registers, corrections)
    except Exception as exc:
        log.error("submission %s failed: %s", sid, type(exc).__name__)
        return error_result(sid, exc)


def _form(folder: Path, files: list[Member]) -> FormRecord:
    """The form, read at most FORM_MAX_BYTES from a regular file; a link, a pipe or a device is not read.

    The bytes are read once, without following a link or blocking, and the
    reader parses a private copy: what stands in the inbox cannot change
    between the check and the read.
    """
    found = next((m for m in files if m.name == FORM_NAME), None)
    if found is None:
        return read_form(folder / FORM_NAME)
    if found.refused:
        return FormRecord(problems=[f"{FORM_NAME} er {found.refused} og ble ikke lest."])
    with open_regular(found.path) as fh:
        raw = fh.read(FORM_MAX_BYTES + 1)
    if len(raw) > FORM_MAX_BYTES:
        return FormRecord(problems=[f"{FORM_NAME} er for stor til å leses."])
    with tempfile.TemporaryDirectory(prefix="alis-form-") as private:
        copy = Path(private) / FORM_NAME
        copy.write_bytes(raw)
        return read_form(copy).model_copy(update={"sha256": sha256(raw).hexdigest()})


def _attachment(member: Member, limits: Limits, marked: dict[str, str]) -> Attachment:
    if member.refused is None:
        return read_guarded(member.path, member.name, marked, limits=limits)
    return Attachment(file=member.name, sha256="", kind="unreadable", reason="Ikke en vanlig fil",
                      problem=ExtractionProblem(code=NOT_A_REGULAR_FILE, message=(
                          f"Filen er {member.refused} og ble ikke åpnet; bare vanlige filer leses")))


def decide_corrected(facts: ApplicationFacts, registers: Registers, corrections: Loaded | None) -> Result:
    """The rules run on the facts as the caseworkers corrected them, with the findings they settled as info."""
    applied = corrected(facts, corrections)
    decision = decide_for_year(applied.facts, registers, applied.settle)
    if applied.findings:
        decision = with_findings(decision, applied.findings)
    return build_result(applied.facts, decision, applied.results)


def decide_for_year(facts: ApplicationFacts, registers: Registers,
                    settle: Callable[[list[Finding]], list[Finding]] = list) -> Decision:
    year = facts.form.grant_year
    if year is None:
        return decide_without_rules(facts, _without_year(facts.form))
    try:
        params = load_parameters(year)
    except UnknownYear:
        return decide_without_rules(facts, f"Det finnes ikke regler for tilskuddsåret {year}.")
    return decide(facts, params, registers, settle)


def _without_year(form: FormRecord) -> str:
    """Why there is no grant year: what the form reader found (a form that could not be read at all says so)."""
    problems = form.all_problems()
    if not problems:
        return "Søknadsskjemaet oppgir ikke tilskuddsår."
    return as_sentences(problems)


def build_result(facts: ApplicationFacts, decision: Decision, corrections: list[CorrectionResult] = ()) -> Result:
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
        corrections=list(corrections),
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
    """Write result.json, summary.html and, unless manual review, the draft letter (granted: and its confirmation)."""
    folder = out / "applications" / result.submission_id
    try:
        outputs = _render_all(result, today)
    except Exception as exc:
        log.error("rendering %s failed: %s", result.submission_id, type(exc).__name__)
        result = error_result(result.submission_id, exc)
        outputs = _render_all(result, today)
    for name in LETTERS:
        if name not in outputs:
            remove_if_present(folder / name)
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
    if encloses_confirmation(result):
        outputs["bekreftelse.docx"] = render_confirmation(result, today)
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
