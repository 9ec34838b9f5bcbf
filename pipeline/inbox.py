"""Finding the submissions in a nightly inbox, and opening each one.

Whoever writes the inbox is not trusted, so only real folders and regular files
are opened, never through a link (a link to /etc/shadow would be read and
hashed) and never a pipe or a device (a FIFO blocks a read for ever, /dev/zero
never ends): such an entry becomes a finding with its reason. Opening runs in
the pipeline's own process, outside the killable children, so besides the caps
on zips it has a time limit of its own (`Deadline`).
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
import unicodedata
import zipfile
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import BinaryIO, Iterator

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Caps against zip bombs and path tricks (RELIABILITY.md); a folder submission is held to the same count.
MAX_ZIP_ENTRIES = 500
MAX_ZIP_TOTAL_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_FOLDER_DEPTH = 8
OPEN_SECONDS = 60.0  # listing, unpacking, hashing and the form of one submission

_BLOCK = 1 << 20
_MAX_NAME = 120  # characters; far below the 255-byte file system limit even in UTF-8
_MAX_SUFFIX = 10
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# bidirectional controls and zero-width characters (Trojan Source, CVE-2021-42574)
_INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                 "\u200b\u200c\u200d\u2060\ufeff")
# What Windows and Office leave in a zipped folder (thumbnail caches, folder settings, lock files
# of open documents): never an attachment, so never reported as an unreadable one.
_LEFTOVERS = re.compile(r"^(thumbs\.db|ehthumbs\.db|desktop\.ini|~\$.*)$", re.IGNORECASE)
_SPECIAL = {stat.S_IFLNK: "en symbolsk lenke", stat.S_IFIFO: "et navngitt rør (FIFO)",
            stat.S_IFCHR: "en enhetsfil", stat.S_IFBLK: "en enhetsfil", stat.S_IFSOCK: "en sokkel"}


class SubmissionError(Exception):
    """A submission that cannot be opened at all; it still gets a result."""


class SubmissionNotFound(LookupError):
    """No submission of the inbox has the id asked for."""


@dataclass(frozen=True)
class Submission:
    """An inbox entry, the id its outputs go under, and why it is not opened (a link, a clash of ids)."""

    entry: Path
    sid: str
    refused: str | None = None


@dataclass(frozen=True)
class Member:
    """One file of a submission, named relative to it; `refused` is what it is when it is no regular file."""

    path: Path
    name: str
    refused: str | None = None


class Deadline:
    """A time limit checked between blocks of work: listing, unpacking and hashing stop when it has passed."""

    def __init__(self, seconds: float = OPEN_SECONDS):
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._ends:
            raise SubmissionError(f"åpningen av innsendingen tok mer enn {self.seconds:g} sekunder og ble stoppet")


def submission_id(entry: Path) -> str:
    """The id is the entry's name without .zip; unsafe names are made safe for OUT."""
    name = entry.name[:-4] if entry.suffix.lower() == ".zip" and not entry.is_dir() else entry.name
    if SUBMISSION_ID.match(name):
        return name
    return (re.sub(r"[^A-Za-z0-9._-]", "_", name)[:64]) or "ukjent"


def special_kind(mode: int) -> str | None:
    """What an entry is when it is neither a regular file nor a folder (a link, a pipe, a device), else None."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return _SPECIAL.get(stat.S_IFMT(mode), "ikke en vanlig fil")


def submissions(inbox: Path) -> list[Submission]:
    """Every folder and .zip of the inbox in name order, dot-entries (truth, OS files) skipped.

    A link or a special file where a submission stands is a submission that is
    refused; so is every entry of a group whose ids would be the same (X/ and
    X.zip, names that become alike when made safe), each under an id of its own.
    """
    found = [(entry, refused) for entry in sorted(inbox.iterdir()) if not entry.name.startswith(".")
             for is_submission, refused in [_as_submission(entry)] if is_submission]
    groups: dict[str, list[tuple[Path, str | None]]] = defaultdict(list)
    for entry, refused in found:
        groups[submission_id(entry).casefold()].append((entry, refused))
    listed = []
    for group in groups.values():
        if len(group) == 1:
            entry, refused = group[0]
            listed.append(Submission(entry, submission_id(entry), refused))
        else:
            listed.extend(_clashing([entry for entry, _ in group]))
    return sorted(listed, key=lambda s: s.entry.name)


def list_submissions(inbox: Path) -> list[Path]:
    return [s.entry for s in submissions(inbox)]


def find_submission(inbox: Path, sid: str) -> Submission:
    """The submission of the inbox with this id, as the batch would name it."""
    found = next((s for s in submissions(inbox) if s.sid == sid), None)
    if found is None:
        raise SubmissionNotFound(f"søknaden {sid} finnes ikke i innboksen {inbox}")
    return found


def inbox_problem(inbox: Path) -> str | None:
    """Why INBOX cannot be read as an inbox, said as what it is; None when it is a folder."""
    if inbox.is_dir():
        return None
    if inbox.is_file():
        return f"innboksen {inbox} er en fil, ikke en mappe"
    if inbox.exists() or inbox.is_symlink():
        return f"innboksen {inbox} er ikke en mappe"
    return f"innboksen {inbox} finnes ikke"


def submission_at(path: Path) -> Submission:
    """The submission INBOX/ID or INBOX/ID.zip names: the entry itself, or the other form of the same id
    (the zip of an ID whose folder is gone, the folder of an ID.zip that was unpacked)."""
    problem = inbox_problem(path.parent)
    if problem:
        raise SubmissionNotFound(problem)
    listed = submissions(path.parent)
    wanted = path.name[:-4] if path.name.lower().endswith(".zip") else path.name
    found = (next((s for s in listed if s.entry.name == path.name), None)
             or next((s for s in listed if submission_id(s.entry) == wanted), None))
    if found is not None:
        return found
    if path.exists() or path.is_symlink():
        raise SubmissionNotFound(f"{path} er ikke en søknad (en mappe eller en .zip i innboksen)")
    raise SubmissionNotFound(f"søknaden {path} finnes ikke: verken {wanted} eller {wanted}.zip står i "
                             f"innboksen {path.parent}")


def _as_submission(entry: Path) -> tuple[bool, str | None]:
    """Whether the entry stands where a submission would (a folder, a .zip, a link to a folder), and why
    it is refused when it is not a real folder or regular file. Nothing is opened to find out."""
    mode = os.lstat(entry).st_mode
    zipped = entry.name.lower().endswith(".zip")
    if stat.S_ISDIR(mode):
        return True, None
    if stat.S_ISREG(mode):
        return zipped, None
    if not (zipped or (stat.S_ISLNK(mode) and entry.is_dir())):
        return False, None
    return True, f"innsendingen «{entry.name}» er {special_kind(mode)} og ble ikke åpnet (bare mapper og zip-filer leses)"


def _clashing(entries: list[Path]) -> list[Submission]:
    shared = submission_id(entries[0])
    names = " og ".join(f"«{e.name}»" for e in entries)
    why = (f"innsendingene {names} får samme id ({shared}); ingen av dem er behandlet, så den ene ikke "
           f"overskriver den andre. Gi dem ulike navn og kjør dem på nytt")
    return [Submission(e, f"{submission_id(e)[:55]}-{sha256(e.name.encode()).hexdigest()[:8]}", why)
            for e in entries]


def open_regular(path: Path) -> BinaryIO:
    """A regular file opened for reading without following a link and without blocking on a pipe or device."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SubmissionError(f"«{path.name}» kunne ikke åpnes ({type(exc).__name__})") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise SubmissionError(f"«{path.name}» er {special_kind(mode) or 'en mappe'} og ble ikke åpnet")
    return os.fdopen(fd, "rb")


def blocks(fh: BinaryIO, deadline: Deadline) -> Iterator[bytes]:
    for block in iter(lambda: fh.read(_BLOCK), b""):
        deadline.check()
        yield block


def members(folder: Path, deadline: Deadline) -> list[Member]:
    """Every file of a submission folder in path order, links and subfolders behind them never followed;
    hidden files and what an operating system leaves behind (macOS resource forks, Thumbs.db, Office lock
    files) passed over."""
    found: list[Member] = []

    def visit(directory: Path, prefix: str, depth: int) -> None:
        if depth > MAX_FOLDER_DEPTH:
            raise SubmissionError(f"innsendingen har mapper mer enn {MAX_FOLDER_DEPTH} nivåer ned")
        with os.scandir(directory) as listing:
            entries = list(listing)
        for entry in entries:
            deadline.check()
            if entry.name.startswith(".") or entry.name == "__MACOSX":
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                visit(Path(entry.path), f"{prefix}{entry.name}/", depth + 1)
            elif not _LEFTOVERS.match(entry.name):
                found.append(Member(Path(entry.path), f"{prefix}{entry.name}", special_kind(mode)))
                if len(found) > MAX_ZIP_ENTRIES:
                    raise SubmissionError(f"innsendingen har flere enn {MAX_ZIP_ENTRIES} filer")

    visit(folder, "", 0)
    return sorted(found, key=lambda m: m.path)


def content_digest(entry: Path, deadline: Deadline) -> str:
    """sha256 over what the pipeline reads of a submission: a zip's bytes, or each file's name and bytes
    (what a file that is no regular file is, without opening it)."""
    digest = sha256()
    if not stat.S_ISDIR(os.lstat(entry).st_mode):
        _hash_into(digest, entry, deadline)
        return digest.hexdigest()
    for member in members(entry, deadline):
        digest.update(f"\0{member.name}\0{member.refused or ''}\0".encode())
        if member.refused is None:
            _hash_into(digest, member.path, deadline)
    return digest.hexdigest()


def _hash_into(digest, path: Path, deadline: Deadline) -> None:
    with open_regular(path) as fh:
        for block in blocks(fh, deadline):
            digest.update(block)


@contextmanager
def opened(entry: Path, deadline: Deadline | None = None) -> Iterator[Path]:
    """Yield a folder with the submission's files: the folder itself, or a zip unpacked safely.

    A zip is unpacked in the process's temporary folder, which a run points at
    its own work folder (pipeline/workfolder.py) so that a crash leaves nothing
    behind for long.
    """
    deadline = deadline or Deadline()
    kind = special_kind(os.lstat(entry).st_mode)
    if kind:
        raise SubmissionError(f"innsendingen «{entry.name}» er {kind} og ble ikke åpnet")
    if entry.is_dir():
        yield entry
        return
    tmp = Path(tempfile.mkdtemp(prefix="alis-zip-"))
    try:
        _unpack(entry, tmp, deadline)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _unpack(archive: Path, dest: Path, deadline: Deadline) -> None:
    try:
        with open_regular(archive) as raw, zipfile.ZipFile(raw) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            _check_zip(members, os.fstat(raw.fileno()).st_size)
            for member in members:
                target = _safe_target(dest, member.filename)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(target, "wb") as out:
                    for block in blocks(src, deadline):
                        out.write(block)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
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
