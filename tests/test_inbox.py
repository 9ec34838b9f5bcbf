"""How the inbox is read: which entries are submissions, and how a zip is opened."""
import zipfile

import pytest

from pipeline.inbox import SubmissionError, list_submissions, opened, submission_id


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
