"""Stand-in parsers that misbehave the way hostile files make real parsers misbehave."""
import os
import time
from pathlib import Path

from extractors.models import Attachment


def hangs(path: Path, name: str) -> Attachment:
    while True:
        time.sleep(1)


def eats_memory(path: Path, name: str) -> Attachment:
    hog = []
    while True:
        hog.append(bytearray(64 * 1024 * 1024))


def dies(path: Path, name: str) -> Attachment:
    os._exit(9)


def raises(path: Path, name: str) -> Attachment:
    raise ValueError("parser bug")


def reads_fine(path: Path, name: str) -> Attachment:
    return Attachment(file=name, sha256="0" * 64, kind="other", reason="test")


def spins(path: Path, name: str) -> Attachment:
    while True:
        pass


def spins_past_its_cpu_limit(path: Path, name: str) -> Attachment:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (1, 2))
    while True:
        pass


def reports_limits(path: Path, name: str) -> Attachment:
    """The CPU seconds this file has left and the address-space cap, as the reason."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu, memory = resource.getrlimit(resource.RLIMIT_CPU)[0], resource.getrlimit(resource.RLIMIT_AS)[0]
    return Attachment(file=name, sha256="0" * 64, kind="other", reason=f"{cpu - used.ru_utime - used.ru_stime} {memory}")


def reports_pid(path: Path, name: str) -> Attachment:
    return Attachment(file=name, sha256="0" * 64, kind="other", reason=str(os.getpid()))


def notes_pid_then_hangs(path: Path, name: str) -> Attachment:
    path.with_suffix(".pid").write_text(str(os.getpid()))
    hangs(path, name)


_kept: list[bytearray] = []


def keeps_memory(path: Path, name: str) -> Attachment:
    """Reads fine but leaves 512 MB behind in its process, as a parser's caches might."""
    _kept.append(bytearray(512 * 1024 * 1024))
    return reports_pid(path, name)


def reads_each(context, folder: str, readers: list, marked: dict[str, str]) -> list[Attachment]:
    """A job of several files in one child, as a submission is: file i read by readers[i]."""
    from pipeline.isolation import read_guarded

    return [read_guarded(Path(folder) / f"{i}.pdf", f"{i}.pdf", marked, reader) for i, reader in enumerate(readers)]


def leaves_a_grandchild(path: Path, name: str) -> Attachment:
    """Starts a program (as LibreOffice is started for a .doc), notes its pid beside the file, then hangs."""
    import subprocess

    program = subprocess.Popen(["sleep", "120"])
    path.with_suffix(".pid").write_text(str(program.pid))
    while True:
        time.sleep(1)
