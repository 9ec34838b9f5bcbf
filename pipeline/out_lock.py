"""One run at a time writes to an OUT folder.

Two batches writing to one OUT both exited 0 while batch.json listed only
one batch's submissions. So every command that writes to OUT (batch, run,
allocate and the served flows) holds an exclusive lock on OUT/.alis/lock
while it works. The lock is flock(2): the kernel drops it when the holding
process dies, however it dies, so a lock left by a killed run is free at
once. The holder writes its pid, host, command and start into the file, so a
refusal says who holds OUT, and a run taking over from a killed one says
whose lock it took. Re-entrant within a process: the CLI takes the lock
before Prefect starts (a refusal comes at once), the flow it runs takes it
again.
"""
from __future__ import annotations

import fcntl
import json
import os
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from pipeline.host import HOST

LOCK_FILE = Path(".alis") / "lock"

_held: dict[Path, list[int]] = {}  # lock path -> [fd, depth]
_guard = threading.Lock()


class OutBusy(Exception):
    """Another live run holds OUT."""

    def __init__(self, out: Path, holder: dict):
        super().__init__(f"{out} er i bruk av en annen kjøring ({describe(holder)}). "
                         "Vent til den er ferdig, eller bruk --wait for å vente på den.")
        self.holder = holder


def describe(holder: dict) -> str:
    if not holder:
        return "ukjent kjøring"
    return (f"alis {holder.get('command', '?')}, prosess {holder.get('pid', '?')} på {holder.get('host', '?')}, "
            f"startet {holder.get('started', '?')}")


@contextmanager
def holding(out: Path, command: str, wait: bool = False,
            on_wait: Callable[[dict], None] | None = None) -> Iterator[dict]:
    """Holds OUT's lock for the block and yields what a killed earlier holder left in it ({} if none).

    Without `wait` a held lock raises OutBusy; with it, `on_wait` is told who
    holds it and the call blocks until the holder ends.
    """
    path = (out / LOCK_FILE).resolve()
    with _guard:
        if path in _held:
            _held[path][1] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield {}
        finally:
            with _guard:
                _held[path][1] -= 1
        return
    fd, left = _acquire(path, out, command, wait, on_wait)
    with _guard:
        _held[path] = [fd, 1]
    try:
        yield left
    finally:
        with _guard:
            del _held[path]
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(path: Path, out: Path, command: str, wait: bool,
             on_wait: Callable[[dict], None] | None) -> tuple[int, dict]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            if not wait:
                raise OutBusy(out, holder) from None
            if on_wait:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        left = _read(fd)
        me = {"pid": os.getpid(), "host": HOST, "command": command,
              "started": datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        return fd, left
    except BaseException:
        os.close(fd)
        raise


def _read(fd: int) -> dict:
    """The holder's record; a lock file a process left half-written reads as an unknown holder."""
    raw = os.pread(fd, 4096, 0)
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        return {"command": "ukjent"}
    return found if isinstance(found, dict) else {"command": "ukjent"}
