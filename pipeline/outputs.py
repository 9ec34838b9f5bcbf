"""Writing output files whole or not at all."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write to a temporary file beside `path`, then rename: a crash leaves the old file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def remove_if_present(path: Path) -> None:
    path.unlink(missing_ok=True)


def check_writable(out: Path) -> None:
    """Fail early, before any submission is touched, when OUT cannot take files."""
    out.mkdir(parents=True, exist_ok=True)
    probe = out / ".alis-write-probe"
    probe.write_bytes(b"")
    probe.unlink()
