"""Hostile files read in long-lived child processes that are killed and replaced when a file breaks a limit.

Prefect's timeout cannot stop a parser blocked in C code (RELIABILITY.md), so
every byte a municipality sent is read in a child process of a forkserver
that has the parsers loaded (pipeline/warmup.py). A child leads its own
process group (a kill also reaches what it started, LibreOffice converting a
.doc), runs under an address-space cap (RLIMIT_AS), and does many jobs one
after another: forking a child per file cost about 19 ms a file, more than
most files take to read.

Each file is one step of a job (`step`): before it starts, the child tells
the parent which file it is, and moves its CPU soft limit to what it has used
plus the file's CPU seconds; the parent gives the step its wall time. A child
that breaks a limit (wall time, CPU time, memory, or that dies) is killed with
its group and replaced, never reused, and the parent raises `LimitBroken`
naming the file: the caller runs the job again in a fresh child with that file
marked (`run_marking`), so the other files of a submission are still read.
A child is also replaced after `MAX_JOBS` jobs and when its address space has
grown by more than `HIGH_MARK` since it started, so a later file never meets
a child made smaller by what earlier files left behind. Apache Tika's pipes
do the same (PipesClient marks its forked server for restart after a timeout,
an out-of-memory or a crash, and after maxFilesProcessedPerProcess).
"""
from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from extractors.models import Attachment, ExtractionProblem
from extractors.safety import LIMITS, problem

log = logging.getLogger(__name__)

Reader = Callable[[Path, str], Attachment]

_ctx = multiprocessing.get_context("forkserver")
_ctx.set_forkserver_preload(["extractors", "pipeline.isolation", "pipeline.warmup"])
_start_lock = threading.Lock()

MAX_JOBS = 200  # jobs (submissions) a child does before it is replaced
HIGH_MARK = 384 * 1024 * 1024  # address space a child may gain over its life before it is replaced
LIMIT_CODES = ("timeout", "memory", "crashed")


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0
    memory_bytes: int = 1536 * 1024 * 1024
    file_bytes: int = LIMITS.file_bytes

    @property
    def cpu_seconds(self) -> int:
        """CPU time can only run out after the wall time; it catches a child the parent failed to kill."""
        return math.ceil(self.seconds) + 1


class LimitBroken(Exception):
    """A child broke a limit (code: timeout, memory, crashed) in a step (a file's name; None between files)."""

    def __init__(self, step: str | None, code: str):
        super().__init__(f"{code} in {'a file' if step else 'the job'}")
        self.step, self.code = step, code


class JobFailed(Exception):
    """The job raised in the child (its type's name); the child is fine and stays."""


# --- the child's side ---------------------------------------------------------------------------

_channel = None  # the child's end of the pipe to its parent; None outside a child
_limits: Limits | None = None


def in_child() -> bool:
    return _channel is not None


@contextmanager
def step(name: str | None) -> Iterator[None]:
    """One file read (or, with None, the work between files) under the file's wall and CPU time.

    In the parent (no child around it) this does nothing: tests and benches
    call the job functions directly. Running out of memory ends the child at
    once: a child that hit a limit is never reused.
    """
    if _channel is None:
        yield
        return
    _tell(("step", name))
    _cpu_allowance(_limits.cpu_seconds)
    try:
        yield
    except MemoryError:
        _tell(("broke", "memory"))
        os._exit(3)
    _tell(("step", None))


def _tell(message: tuple) -> None:
    """A message to the parent; a parent that is gone (killed) ends the child after its cleanups."""
    try:
        _channel.send(message)
    except OSError:
        raise SystemExit(0)


def _cpu_allowance(seconds: int) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = spent + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * resource.getpagesize()


def _serve(conn, limits: Limits, folder: str) -> None:
    """The child: jobs one after another until told to stop or the parent is gone."""
    global _channel, _limits
    os.setpgrp()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    os.environ["TMPDIR"] = tempfile.tempdir = folder
    _channel, _limits = conn, limits
    born = _address_space()
    context = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if message is None:
            os._exit(0)
        job, new_context, args = message
        if new_context is not _KEEP:
            context = new_context
            getattr(context, "prepare_child", lambda: None)()
        _cpu_allowance(limits.cpu_seconds)
        try:
            value = job(context, *args)
        except MemoryError:
            _tell(("broke", "memory"))
            os._exit(3)
        except BaseException as exc:  # noqa: BLE001 - the child reports, the parent decides
            if isinstance(exc, SystemExit):
                os._exit(0)
            _tell(("error", type(exc).__name__))
            continue
        _tell(("done", value, _address_space() - born))


class _Keep:
    """Sent instead of the job's context when the child already has it."""

    def __reduce__(self):
        return (_keep, ())


def _keep() -> "_Keep":
    return _KEEP


_KEEP = _Keep()


# --- the parent's side --------------------------------------------------------------------------

class Worker:
    """One child at a time for one caller: started when first needed, replaced when it broke a limit."""

    _numbers = iter(range(1, sys.maxsize))

    def __init__(self, limits: Limits):
        self.limits = limits
        self._process = None
        self._conn = None
        self._context_id: int | None = None
        self._jobs = 0
        self._folder: Path | None = None

    def run(self, job: Callable[..., Any], *args: Any, context: Any = None) -> Any:
        """job(context, *args) in the child; `context` (shared by many jobs) is sent once per child, and
        its `prepare_child()`, if it has one, runs in the child as it arrives."""
        self._ensure()
        same = self._context_id == id(context)
        self._conn.send((job, _KEEP if same else context, args))
        self._context_id = id(context)
        return self._outcome()

    def close(self) -> None:
        if self._process is None:
            return
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._process.join(2)
        self._end()

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        if self._process is not None:
            self._end()
        self._folder = Path(tempfile.mkdtemp(prefix=f"worker-{next(self._numbers)}-"))
        receiver, sender = _ctx.Pipe(duplex=True)
        process = _ctx.Process(target=_serve, args=(sender, self.limits, str(self._folder)), daemon=True)
        _start_without_main(process)
        sender.close()
        self._process, self._conn = process, receiver
        self._context_id, self._jobs = None, 0

    def _outcome(self) -> Any:
        current: str | None = None
        deadline = time.monotonic() + self.limits.seconds
        while True:
            if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                self._end()
                raise LimitBroken(current, "timeout")
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                code = "timeout" if self._exit_code() == -signal.SIGXCPU else "crashed"
                self._end()
                raise LimitBroken(current, code) from None
            kind = message[0]
            if kind == "step":
                current, deadline = message[1], time.monotonic() + self.limits.seconds
            elif kind == "broke":
                self._end()
                raise LimitBroken(current, message[1])
            elif kind == "error":
                raise JobFailed(message[1])
            else:
                self._after_job(grown=message[2])
                return message[1]

    def _after_job(self, grown: int) -> None:
        """Replaced after MAX_JOBS jobs, or when its address space has grown past the high mark."""
        self._jobs += 1
        if self._jobs >= MAX_JOBS or grown > HIGH_MARK:
            self.close()

    def _exit_code(self) -> int | None:
        self._process.join(1)
        return self._process.exitcode

    def _end(self) -> None:
        """Kills the child and whatever it left running in its group, reaps it, removes its files."""
        process, self._process = self._process, None
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.join(5)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


class Pool:
    """Workers for callers on many threads: each caller has one to itself while it works."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._idle: list[Worker] = []
        self._lock = threading.Lock()

    @contextmanager
    def worker(self) -> Iterator[Worker]:
        with self._lock:
            found = self._idle.pop() if self._idle else Worker(self.limits)
        try:
            yield found
        finally:
            with self._lock:
                self._idle.append(found)

    def run_marking(self, job: Callable[..., Any], *args: Any, context: Any = None) -> Any:
        with self.worker() as worker:
            return run_marking(worker, job, *args, context=context)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


_pools: dict[Limits, Pool] = {}
_pools_lock = threading.Lock()


def pool(limits: Limits = Limits()) -> Pool:
    """This process's pool of workers under these limits."""
    with _pools_lock:
        if limits not in _pools:
            _pools[limits] = Pool(limits)
        return _pools[limits]


def run_marking(worker: Worker, job: Callable[..., Any], *args: Any, context: Any = None) -> Any:
    """job(context, *args, marked): run again, in a fresh child, with each file that broke a limit marked.

    `marked` maps a file's name to the limit it broke; the job reads every
    other file and reports a marked one unreadable with that code. A limit
    broken between files, or by a file already marked, is raised.
    """
    marked: dict[str, str] = {}
    while True:
        try:
            return worker.run(job, *args, marked, context=context)
        except LimitBroken as broken:
            if broken.step is None or broken.step in marked:
                raise
            marked[broken.step] = broken.code


def read_guarded(path: Path, name: str, marked: dict[str, str], reader: Reader | None = None,
                 limits: Limits = Limits()) -> Attachment:
    """One attachment read in this child as a step of its job; a file marked (it broke a limit) is not read."""
    if name in marked:
        _log_broken(path, marked[name])
        return _unreadable(path, name, problem(marked[name]))
    if path.stat().st_size > limits.file_bytes:
        return _unreadable(path, name, problem("too-large", limit=limits.file_bytes // 1_000_000))
    if reader is None:
        from extractors import read_attachment as reader
    with step(name):
        try:
            return reader(path, name)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a reader's bug costs the file, never the submission
            log.warning("attachment %s failed in extractor: %s", _short_hash(path), type(exc).__name__)
            return _unreadable(path, name, problem("extractor-error", error=type(exc).__name__))


def _read_job(context: None, path: str, name: str, reader: Reader | None, limits: Limits,
              marked: dict[str, str]) -> str:
    return read_guarded(Path(path), name, marked, reader, limits).model_dump_json()


def read_isolated(path: Path, name: str, limits: Limits = Limits(), reader: Reader | None = None) -> Attachment:
    """Read one attachment in a child under limits; a file that breaks the limits is unreadable, never fatal."""
    if path.stat().st_size > limits.file_bytes:
        return _unreadable(path, name, problem("too-large", limit=limits.file_bytes // 1_000_000))
    try:
        payload = pool(limits).run_marking(_read_job, str(path), name, reader, limits)
    except JobFailed as failed:
        return _unreadable(path, name, problem("extractor-error", error=str(failed)))
    return Attachment.model_validate_json(payload)


def _start_without_main(child) -> None:
    """Starts the child without telling it the main module, which it would otherwise re-import.

    Python 3.11's forkserver ignores a "__main__" preload (it looks for a
    "main_path" key the preparation data never has), so every child imported
    the main script again: the `alis` CLI with all it imports, 200-500 ms per
    child. The child needs nothing from __main__; a job must be importable by
    module name. The lock keeps threads from seeing the attributes missing.
    """
    main = sys.modules["__main__"]
    with _start_lock:
        saved = {key: main.__dict__.pop(key) for key in ("__file__", "__spec__") if key in main.__dict__}
        main.__spec__ = None
        try:
            child.start()
        finally:
            main.__dict__.update(saved)


def _log_broken(path: Path, code: str) -> None:
    log.warning("attachment %s: %s", _short_hash(path), code)


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
