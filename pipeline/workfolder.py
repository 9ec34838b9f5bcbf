"""Every temporary file of a run in one known folder, removed when its process is gone.

Unpacked zips and .doc files copied for conversion are applicants'
documents. A run killed by power loss, the OOM killer or kill -9 cannot
remove them, so each process keeps its temporary files in a folder of its
own, TMP/alis-UID/HOST-PID (mode 0700), removed when it exits, and each run
starts by removing the folders of processes that no longer exist. The
process's temporary directory (TMPDIR and `tempfile.tempdir`) points there,
so the isolated children and LibreOffice inherit it.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import os
import shutil
import stat
import tempfile
from pathlib import Path

from pipeline.host import HOST, alive

log = logging.getLogger(__name__)

_active: Path | None = None


class UnsafeWorkFolder(RuntimeError):
    """The per-user folder exists but is not a private folder of ours (a link, another owner, open to others)."""


def activate() -> Path:
    """This process's work folder, made once; the folders of dead processes are removed first."""
    global _active
    if _active is not None:
        return _active
    root = _private_root(Path(tempfile.gettempdir()) / f"alis-{os.getuid()}")
    for stale in sweep(root):
        log.info("removed the work folder of an ended process: %s", stale.name)
    multiprocessing.util.get_temp_dir()  # the children's server's socket: multiprocessing removes it itself, last
    folder = root / f"{HOST}-{os.getpid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    atexit.register(shutil.rmtree, folder, True)
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
    _active = folder
    return folder


def sweep(root: Path) -> list[Path]:
    """Removes the work folders of this host's processes that no longer exist; returns them."""
    removed = []
    for folder in root.iterdir():
        host, _, pid = folder.name.rpartition("-")
        if host == HOST and pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _private_root(root: Path) -> Path:
    root.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(root)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise UnsafeWorkFolder(f"arbeidsmappen {root} er ikke en privat mappe for denne brukeren")
    return root
