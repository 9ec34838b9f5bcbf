"""Where an application's corrections live under OUT, and how `alis correct` adds one.

OUT/corrections/ID.yaml holds a caseworker's corrections of one application (checks/corrections.py says
what they are and applies them). `alis correct` writes it and a person may edit it; no run writes it, so it
outlives every run that rewrites applications/ID/. What the pipeline read, before any correction, is kept
at OUT/.alis/read/ID.json on every run that reads the submission: `alis correct` checks a new correction
against it and stores what was read with the correction.
"""
from __future__ import annotations

import fcntl
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Iterator

import yaml
from pydantic import ValidationError

from checks.correction_values import CorrectionError
from checks.corrections import (Acceptance, CorrectionResult, CorrectionsFile, Loaded, load_text, new_acceptance,
                                new_correction)
from checks.models import ApplicationFacts
from extractors.models import Attribution
from pipeline.outputs import write_atomic
from pipeline.result import Result

log = logging.getLogger(__name__)

FOLDER = "corrections"
READ_FOLDER = Path(".alis") / "read"
MAX_BYTES = 1_000_000
SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
HEADER = """\
# Korrigeringer av søknad {sid}, skrevet av `alis correct` (README, «Corrections»).
# Filen kan også endres for hånd. Hver kjøring kontrollerer den; en oppføring som ikke kan brukes,
# sender søknaden til manuell behandling. «read» er det som ble lest der korrigeringen gjelder: leses
# noe annet der senere (en ny versjon av filen), brukes ikke korrigeringen før en saksbehandler har sett på den.
"""


def corrections_path(out: Path, sid: str) -> Path:
    return out / FOLDER / f"{sid}.yaml"


def load_corrections(out: Path, sid: str) -> Loaded:
    """The application's corrections; no file is none, a file that cannot be used says why (never raises)."""
    path = corrections_path(out, sid)
    name = f"{FOLDER}/{path.name}"
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Loaded()
    except OSError as exc:
        return Loaded(problem=f"Korrigeringsfilen {name} kunne ikke leses ({exc.strerror or type(exc).__name__}).")
    if len(data) > MAX_BYTES:
        return Loaded(problem=f"Korrigeringsfilen {name} er for stor.")
    try:
        return load_text(data.decode("utf-8"), sid, name)
    except UnicodeDecodeError:
        return Loaded(problem=f"Korrigeringsfilen {name} er ikke UTF-8-tekst.")


def corrections_digest(out: Path, sid: str) -> str:
    """The sha256 of the corrections file (the ledger's key: a new correction is decided anew), "none" without."""
    try:
        return sha256(corrections_path(out, sid).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "none"
    except OSError:
        return "unreadable"


def keep_reading(out: Path, facts: ApplicationFacts) -> None:
    """What was read, for `alis correct`; one that cannot be written costs only a run before correcting."""
    try:
        write_atomic(out / READ_FOLDER / f"{facts.submission_id}.json", facts.model_dump_json())
    except OSError as exc:
        log.warning("submission %s: reading not kept (%s)", facts.submission_id, type(exc).__name__)


def reading(out: Path, sid: str) -> ApplicationFacts | None:
    try:
        return ApplicationFacts.model_validate_json((out / READ_FOLDER / f"{sid}.json").read_bytes())
    except (OSError, ValidationError):
        return None


@dataclass
class Refused(Exception):
    """`alis correct` refused, with the reason in Norwegian and the exit code (1: cannot work, 2: bad usage)."""

    message: str
    code: int = 2

    def __str__(self) -> str:
        return self.message


def add_correction(out: Path, sid: str, address: str, value: str, attribution: Attribution) -> CorrectionResult:
    """The corrected value checked against what was read and stored; Refused says why not (nothing stored)."""
    with _editing(out, sid) as (file, facts, _):
        try:
            entry, result = new_correction(facts, file, address, value, attribution)
        except CorrectionError as exc:
            raise Refused(str(exc)) from None
        file.corrections.append(entry)
        _store(out, sid, file)
    return result


def add_acceptance(out: Path, sid: str, rule: str, doctor: str | None, attribution: Attribution) -> Acceptance:
    """The findings of `rule` (for `doctor`) settled and stored; Refused says why not (nothing stored)."""
    with _editing(out, sid) as (file, _, result):
        try:
            entry = new_acceptance(result.findings, rule, doctor, attribution)
        except CorrectionError as exc:
            raise Refused(str(exc)) from None
        file.accepted.append(entry)
        _store(out, sid, file)
    return entry


@contextmanager
def _editing(out: Path, sid: str) -> Iterator[tuple[CorrectionsFile, ApplicationFacts, Result]]:
    """The application's corrections file, what was read and its result, while no other `alis correct` edits it."""
    if not SAFE_ID.fullmatch(sid):
        raise Refused(f"«{sid}» er ikke en søknads-id.")
    try:
        result = Result.model_validate_json((out / "applications" / sid / "result.json").read_bytes())
    except (OSError, ValidationError):
        raise Refused(f"Søknaden {sid} har ikke noe resultat under {out} (applications/{sid}/result.json); "
                      "kjør den med alis batch eller alis run først.", code=1) from None
    facts = reading(out, sid)
    if facts is None:
        raise Refused(f"Det er ikke lagret hva som ble lest i søknaden {sid}; kjør den på nytt med alis run "
                      "først.", code=1)
    folder = out / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = (folder / ".lock").open("a")
    except OSError as exc:
        raise Refused(f"Kan ikke skrive til {folder}: {exc.strerror or exc}.", code=1) from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        loaded = load_corrections(out, sid)
        if loaded.problem is not None:
            raise Refused(f"{loaded.problem} Rett filen først.", code=1)
        yield loaded.file or CorrectionsFile(submission_id=sid), facts, result


def _store(out: Path, sid: str, file: CorrectionsFile) -> None:
    data = file.model_dump(mode="json", exclude_none=True)
    text = HEADER.format(sid=sid) + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    try:
        write_atomic(corrections_path(out, sid), text)
    except OSError as exc:
        raise Refused(f"Kan ikke skrive korrigeringsfilen: {exc.strerror or exc}.", code=1) from None
