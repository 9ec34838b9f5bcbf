"""Writing output files whole or not at all, with the permissions colleagues need to open them.

A file gets the mode the process's umask gives, as any program's would. OUT on
a folder a team shares needs more whatever the umask of the service: with
ALIS_OUTPUT_MODE=shared (`--shared`) every file written is also readable by
the group, and every folder the pipeline creates can be entered by it.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

OUTPUT_MODE = "ALIS_OUTPUT_MODE"
UMASK = "umask"
SHARED = "shared"
OUTPUT_MODES = (UMASK, SHARED)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def output_mode() -> str:
    """The mode ALIS_OUTPUT_MODE names (the umask's by default); an unknown one is refused, not guessed."""
    mode = os.environ.get(OUTPUT_MODE, "").strip().lower() or UMASK
    if mode not in OUTPUT_MODES:
        raise ValueError(f"{OUTPUT_MODE}={mode!r} er ukjent; bruk {' eller '.join(OUTPUT_MODES)}")
    return mode


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write to a temporary file beside `path`, then rename: a crash leaves the old file or none."""
    shared = output_mode() == SHARED
    make_folder(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _create_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            if shared:
                _allow_group(fh.fileno(), stat.S_IRGRP)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file in the target's folder, created with mode 0666 so the umask decides (mkstemp's is 0600)."""
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, _CREATE, 0o666), tmp
        except FileExistsError:
            continue


def make_folder(folder: Path) -> None:
    """Create `folder` and its missing parents; in shared mode the group may enter each one created here."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir()
        except FileExistsError:
            continue  # another writer made it first
        if output_mode() == SHARED:
            created.chmod(stat.S_IMODE(created.stat().st_mode) | stat.S_IRGRP | stat.S_IXGRP)


def _allow_group(fd: int, bits: int) -> None:
    os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) | bits)


def remove_if_present(path: Path) -> None:
    path.unlink(missing_ok=True)


def check_writable(out: Path) -> None:
    """Fail early, before any submission is touched, when OUT cannot take files."""
    make_folder(out)
    probe = out / ".alis-write-probe"
    probe.write_bytes(b"")
    probe.unlink()
