"""Parse each attachment in a child process that can be killed.

Prefect's timeout cannot stop a parser blocked in C code (RELIABILITY.md), so
every attachment is read in a fresh process from a forkserver, with memory
(RLIMIT_AS) and CPU (RLIMIT_CPU) caps set inside the child and a wall-time
limit enforced by the parent. The child leads its own process group, so a
kill also reaches what it started (LibreOffice converting a .doc).
"""
from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import resource
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from extractors import read_attachment
from extractors.models import Attachment, ExtractionProblem
from extractors.safety import LIMITS, problem

log = logging.getLogger(__name__)

Reader = Callable[[Path, str], Attachment]

_ctx = multiprocessing.get_context("forkserver")
_ctx.set_forkserver_preload(["extractors", "pipeline.isolation", "pipeline.warmup"])
_start_lock = threading.Lock()


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0
    memory_bytes: int = 1536 * 1024 * 1024
    file_bytes: int = LIMITS.file_bytes

    @property
    def cpu_seconds(self) -> int:
        """CPU time can only run out after the wall time; it catches a child the parent failed to kill."""
        return math.ceil(self.seconds) + 1


def _child(conn, reader: Reader, path: str, name: str, limits: Limits) -> None:
    os.setpgrp()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
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
        return _unreadable(path, name, problem("too-large", limit=limits.file_bytes // 1_000_000))
    receiver, sender = _ctx.Pipe(duplex=False)
    child = _ctx.Process(target=_child, args=(sender, reader, str(path), name, limits), daemon=True)
    _start_without_main(child)
    sender.close()
    try:
        outcome, payload = _wait(receiver, child, limits)
    finally:
        receiver.close()
        _kill_group(child)
    if outcome == "ok":
        return Attachment.model_validate_json(payload)
    if outcome in ("timeout", "memory", "crashed"):
        log.warning("attachment %s: %s", _short_hash(path), outcome)
        return _unreadable(path, name, problem(outcome))
    log.warning("attachment %s failed in extractor: %s", _short_hash(path), payload)
    return _unreadable(path, name, problem("extractor-error", error=payload))


def _start_without_main(child) -> None:
    """Starts the child without telling it the main module, which it would otherwise re-import.

    Python 3.11's forkserver ignores a "__main__" preload (it looks for a
    "main_path" key the preparation data never has), so every child imported
    the main script again: the `alis` CLI with all it imports, 200-500 ms per
    attachment. The child needs nothing from __main__; a reader must be
    importable by module name. The lock keeps threads from seeing the
    attributes missing.
    """
    main = sys.modules["__main__"]
    with _start_lock:
        saved = {key: main.__dict__.pop(key) for key in ("__file__", "__spec__") if key in main.__dict__}
        main.__spec__ = None
        try:
            child.start()
        finally:
            main.__dict__.update(saved)


def _wait(receiver, child, limits: Limits) -> tuple[str, str]:
    """The child's report, or what its end says: killed by the CPU cap is a timeout too."""
    if not receiver.poll(limits.seconds):
        return "timeout", ""
    try:
        return receiver.recv()
    except EOFError:
        child.join(1)
        return ("timeout" if child.exitcode == -signal.SIGXCPU else "crashed"), ""


def _kill_group(child) -> None:
    """Kills the child and whatever it left running in its group (a converter outliving it), then reaps it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.join(5)


def _unreadable(path: Path, name: str, found: ExtractionProblem) -> Attachment:
    return Attachment(file=name, sha256=sha256_of(path), kind="unreadable", reason="Kunne ikke leses", problem=found)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _short_hash(path: Path) -> str:
    return sha256_of(path)[:12]
