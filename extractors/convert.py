"""Legacy Office files (.doc, .xls) turned into OOXML by LibreOffice headless, when it is installed.

A legacy parser in our own process has a bad record (RELIABILITY.md), so the
conversion runs as its own program: in a fresh profile and temp folder, with
its own timeout, inside the isolated child: its memory and CPU limits are
inherited, and it stays in the child's process group, which the parent
kills when the child ends or overruns.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

TIMEOUT_SECONDS = 45
_TARGETS = {"doc": ("docx", ".doc"), "xls": ("xlsx", ".xls")}


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, legacy: str) -> Iterator[Path | None]:
    """The file converted to docx/xlsx in a temp folder, or None when LibreOffice is absent or fails."""
    program = converter()
    if program is None or legacy not in _TARGETS:
        yield None
        return
    target, suffix = _TARGETS[legacy]
    with tempfile.TemporaryDirectory(prefix="alis-convert-") as work:
        folder = Path(work)
        source = folder / f"vedlegg{suffix}"  # our own name: the sender's name never reaches a command line
        shutil.copyfile(path, source)
        command = [program, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--norestore",
                   "--convert-to", target, "--outdir", str(folder / "out"), str(source)]
        if not _run(command, folder):
            yield None
            return
        result = folder / "out" / f"vedlegg.{target}"
        yield result if result.is_file() and result.stat().st_size > 0 else None


def _run(command: list[str], folder: Path) -> bool:
    try:
        process = subprocess.Popen(command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except OSError:
        return False
    try:
        return process.wait(TIMEOUT_SECONDS) == 0
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False
