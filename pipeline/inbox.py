"""Finding the submissions in a nightly inbox, and opening each one."""
from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Caps against zip bombs and path tricks (RELIABILITY.md).
MAX_ZIP_ENTRIES = 500
MAX_ZIP_TOTAL_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200


_MAX_NAME = 120  # characters; far below the 255-byte file system limit even in UTF-8
_MAX_SUFFIX = 10
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# bidirectional controls and zero-width characters (Trojan Source, CVE-2021-42574)
_INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                 "\u200b\u200c\u200d\u2060\ufeff")


class SubmissionError(Exception):
    """A submission that cannot be opened at all; it still gets a result."""


def submission_id(entry: Path) -> str:
    """The id is the entry's name without .zip; unsafe names are made safe for OUT."""
    name = entry.name[:-4] if entry.suffix.lower() == ".zip" and not entry.is_dir() else entry.name
    if SUBMISSION_ID.match(name):
        return name
    return (re.sub(r"[^A-Za-z0-9._-]", "_", name)[:64]) or "ukjent"


def list_submissions(inbox: Path) -> list[Path]:
    """Every folder and .zip of the inbox, in name order; dot-entries (truth, OS files) are skipped."""
    entries = []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() or (entry.is_file() and entry.suffix.lower() == ".zip"):
            entries.append(entry)
    return entries


@contextmanager
def opened(entry: Path) -> Iterator[Path]:
    """Yield a folder with the submission's files: the folder itself, or a zip unpacked safely."""
    if entry.is_dir():
        yield entry
        return
    tmp = Path(tempfile.mkdtemp(prefix="alis-zip-"))
    try:
        _unpack(entry, tmp)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _unpack(archive: Path, dest: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            _check_zip(members, archive.stat().st_size)
            for member in members:
                target = _safe_target(dest, member.filename)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise SubmissionError(f"zip kunne ikke åpnes ({type(exc).__name__})") from exc


def _check_zip(members: list[zipfile.ZipInfo], packed_size: int) -> None:
    total = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_ENTRIES:
        raise SubmissionError(f"zip har {len(members)} filer, mer enn {MAX_ZIP_ENTRIES}")
    if total > MAX_ZIP_TOTAL_BYTES or total > MAX_ZIP_RATIO * max(packed_size, 1) + 10_000_000:
        raise SubmissionError("zip pakkes ut til mistenkelig stor størrelse")


def _safe_target(dest: Path, name: str) -> Path:
    """Flatten to a safe file name: attachments sit at the root, and no path may escape dest."""
    base = safe_name(name)
    target, n = dest / base, 1
    while target.exists():
        n += 1
        target = dest / f"{Path(base).stem} ({n}){Path(base).suffix}"
    if target.resolve().parent != dest.resolve():
        raise SubmissionError("zip har et ugyldig filnavn")
    return target


def safe_name(name: str) -> str:
    """The last part of a zip entry's name, without controls, bidi or zero-width marks, short enough to store.

    Folders, drive letters and Windows device names are dropped; a name with
    nothing left becomes "vedlegg". What remains is also what the caseworker
    sees, so a reversed "fdp.exe" shows as what it is.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch not in _INVISIBLE and unicodedata.category(ch) != "Cc")
    base = base.rstrip(" .").lstrip(" ")
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem:
        stem, suffix = base, ""
    if stem.split(".")[0].upper() in _DEVICE_NAMES:
        stem = f"_{stem}"
    suffix = suffix[:_MAX_SUFFIX]
    stem = stem[: _MAX_NAME - len(suffix) - 1] or "vedlegg"
    return f"{stem}.{suffix}" if suffix else stem
