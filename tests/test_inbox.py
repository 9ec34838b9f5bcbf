"""How the inbox is read: which entries are submissions, and how a zip is opened."""
import random
import zipfile

import pytest

from pipeline.inbox import Deadline, SubmissionError, list_submissions, members, opened, safe_name, submission_id
from samples.generator.leftovers import leftovers


def test_folders_and_zips_are_submissions_and_dot_entries_are_not(tmp_path):
    (tmp_path / "AR-2024-000001").mkdir()
    (tmp_path / ".truth").mkdir()
    (tmp_path / "AR-2024-000002.zip").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in list_submissions(tmp_path)] == ["AR-2024-000001", "AR-2024-000002.zip"]


def test_zip_submission_id_drops_the_extension(tmp_path):
    assert submission_id(tmp_path / "AR-2020-000007.zip") == "AR-2020-000007"


def test_unsafe_id_characters_are_replaced(tmp_path):
    assert submission_id(tmp_path / "søknad 1") == "s_knad_1"


def test_zip_entries_cannot_escape_the_unpack_folder(tmp_path):
    archive = tmp_path / "AR-1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../evil.txt", "x")
        zf.writestr("skjema.json", "{}")
    with opened(archive) as folder:
        assert sorted(p.name for p in folder.iterdir()) == ["evil.txt", "skjema.json"]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_that_unpacks_to_a_huge_size_is_refused(tmp_path):
    archive = tmp_path / "AR-2.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.bin", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(SubmissionError):
        with opened(archive):
            pass


def test_not_a_zip_is_a_submission_error(tmp_path):
    archive = tmp_path / "AR-3.zip"
    archive.write_bytes(b"nope")
    with pytest.raises(SubmissionError):
        with opened(archive):
            pass


HOSTILE_NAMES = ["../../etc/passwd.pdf", "/abs.pdf", "C:\\x.pdf", "CON.pdf", "a\x00b.pdf", "x" * 300 + ".pdf",
                 "søknad\u202efdp.exe", "..", "nul\u200bbredde.pdf"]


def test_hostile_entry_names_are_stored_inside_the_folder_under_safe_names(tmp_path):
    """RELIABILITY.md case 27: traversal, absolute, drive, device, NUL and overlong names."""
    archive = tmp_path / "AR-4.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for number, name in enumerate(HOSTILE_NAMES):
            zf.writestr(name, f"fil {number}")
    with opened(archive) as folder:
        stored = sorted(folder.iterdir())
        assert len(stored) == len(HOSTILE_NAMES)
        assert all(p.resolve().parent == folder.resolve() and len(p.name) <= 120 for p in stored)
        contents = sorted(p.read_text() for p in stored)
    assert contents == sorted(f"fil {n}" for n in range(len(HOSTILE_NAMES)))


@pytest.mark.parametrize("name, stored", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\x.pdf", "x.pdf"),
    ("CON.pdf", "_CON.pdf"),
    ("søknad\u202efdp.exe", "søknadfdp.exe"),
    ("nul\u200bbredde.pdf", "nulbredde.pdf"),
    ("..", "vedlegg"),
    ("__MACOSX/._avtale.pdf", "._avtale.pdf"),
])
def test_entry_name_keeps_only_a_visible_last_part(name, stored):
    """Case 26: bidi and zero-width marks are stripped, so "fdp.exe" shows as written."""
    assert safe_name(name) == stored


def test_overlong_entry_name_is_shortened_keeping_its_extension():
    assert safe_name("x" * 300 + ".pdf") == "x" * 116 + ".pdf"


def test_what_windows_macos_and_office_leave_in_a_zip_is_not_an_attachment(tmp_path):
    junk = leftovers(random.Random(4), ["budsjett 2024.xlsx", "avtale.pdf"], zipped=True)
    archive = tmp_path / "AR-2024-000010.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in {**junk, "skjema.json": b"{}", "budsjett 2024.xlsx": b"x", "avtale.pdf": b"%PDF"}.items():
            zf.writestr(name, data)
    with opened(archive) as folder:
        assert [m.name for m in members(folder, Deadline())] == ["avtale.pdf", "budsjett 2024.xlsx", "skjema.json"]
    assert {"Thumbs.db", "desktop.ini", ".DS_Store"} <= set(junk) and any(n.startswith("~$") for n in junk)
