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
