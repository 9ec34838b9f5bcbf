"""Parse each attachment in a child process that can be killed.

Prefect's timeout cannot stop a parser blocked in C code (ENGINEERING.md), so
every attachment is read in a fresh process from a forkserver, with a memory
cap set inside the child and a wall-time limit enforced by the parent.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from extractors import read_attachment
from extractors.models import Attachment, ExtractionProblem

log = logging.getLogger(__name__)

Reader = Callable[[Path, str], Attachment]

_ctx = multiprocessing.get_context("forkserver")
_ctx.set_forkserver_preload(["extractors"])


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0
    memory_bytes: int = 1536 * 1024 * 1024
    file_bytes: int = 50 * 1024 * 1024


def _child(conn, reader: Reader, path: str, name: str, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        conn.send(("ok", reader(Path(path), name).model_dump_json()))
    except MemoryError:
        conn.send(("memory", ""))
    except BaseException as exc:  # the child reports, the parent decides
        conn.send(("error", type(exc).__name__))
    finally:
        conn.close()


def read_isolated(path: Path, name: str, limits: Limits = Limits(), reader: Reader = read_attachment) -> Attachment:
    """Read one attachment under limits; a file that breaks the limits is unreadable, never fatal."""
    if path.stat().st_size > limits.file_bytes:
        return _unreadable(path, name, "too-large", "Filen er større enn tillatt grense.")
    receiver, sender = _ctx.Pipe(duplex=False)
    child = _ctx.Process(target=_child, args=(sender, reader, str(path), name, limits.memory_bytes), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            log.warning("attachment %s timed out", _short_hash(path))
            return _unreadable(path, name, "timeout", "Lesingen av filen tok for lang tid og ble stoppet.")
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            return _unreadable(path, name, "crashed", "Lesingen av filen krasjet.")
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "ok":
        return Attachment.model_validate_json(payload)
    if outcome == "memory":
        return _unreadable(path, name, "memory", "Filen krever mer minne enn tillatt å lese.")
    log.warning("attachment %s failed in extractor: %s", _short_hash(path), payload)
    return _unreadable(path, name, "extractor-error", f"Filen kunne ikke leses ({payload}).")


def _unreadable(path: Path, name: str, code: str, message: str) -> Attachment:
    return Attachment(
        file=name,
        sha256=sha256_of(path),
        kind="unreadable",
        reason="Kunne ikke leses",
        problem=ExtractionProblem(code=code, message=message),
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _short_hash(path: Path) -> str:
    return sha256_of(path)[:12]
