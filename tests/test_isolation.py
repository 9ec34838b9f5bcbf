"""A parser that hangs, bloats, crashes or raises costs one attachment, never the batch."""
import pytest

from pipeline.isolation import Limits, read_isolated
from tests import hostile_readers

FAST = Limits(seconds=3, memory_bytes=512 * 1024 * 1024)


@pytest.fixture
def some_file(tmp_path):
    path = tmp_path / "vedlegg.pdf"
    path.write_bytes(b"%PDF-1.4 whatever")
    return path


@pytest.mark.parametrize(
    "reader, code",
    [
        (hostile_readers.hangs, "timeout"),
        (hostile_readers.eats_memory, "memory"),
        (hostile_readers.dies, "crashed"),
        (hostile_readers.raises, "extractor-error"),
    ],
)
def test_misbehaving_parser_ends_as_unreadable_with_a_stable_code(some_file, reader, code):
    attachment = read_isolated(some_file, "vedlegg.pdf", FAST, reader=reader)
    assert attachment.kind == "unreadable"
    assert attachment.problem.code == code
    assert attachment.problem.message


def test_well_behaved_parser_result_comes_back_whole(some_file):
    attachment = read_isolated(some_file, "vedlegg.pdf", FAST, reader=hostile_readers.reads_fine)
    assert (attachment.kind, attachment.file) == ("other", "vedlegg.pdf")


def test_file_over_the_size_cap_is_not_parsed(some_file):
    attachment = read_isolated(some_file, "vedlegg.pdf", Limits(file_bytes=4), reader=hostile_readers.hangs)
    assert attachment.problem.code == "too-large"


def test_original_bytes_are_untouched(some_file):
    before = some_file.read_bytes()
    read_isolated(some_file, "vedlegg.pdf", FAST, reader=hostile_readers.raises)
    assert some_file.read_bytes() == before
