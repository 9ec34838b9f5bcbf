"""RELIABILITY.md cases 1-27: every hostile or broken file ends with a stable code, never a crash.

Each file is read the way the pipeline reads it (an isolated child under
limits); the test names the outcome the research report requires.
"""
from __future__ import annotations

import hashlib

import pytest

from extractors.docx_text import docx_lines
from extractors.safety import MESSAGES, assert_defused_openpyxl
from pipeline.isolation import Limits, read_isolated
from samples import hostile
from samples.hostile import CASES

FAST = Limits(seconds=3, memory_bytes=1024 * 1024 * 1024)
CONVERTING = Limits(seconds=60)  # LibreOffice needs a few seconds to try a .doc

# file name -> (kind, problem code, flags that must be set)
OUTCOMES = {
    "brev.pdf": ("unreadable", "type-mismatch", []),
    "tom.pdf": ("unreadable", "empty", []),
    "avkuttet.pdf": ("unreadable", "corrupt", []),
    "passord.pdf": ("unreadable", "encrypted", []),
    "eierpassord.pdf": ("agreement", None, ["encrypted"]),
    "skannet.pdf": ("unreadable", "no-text-layer", []),
    "sidetre.pdf": ("unreadable", "no-pages", []),
    "sirkel.pdf": ("agreement", None, []),
    "flatebombe.pdf": ("unreadable", "unpacks-too-large", []),
    "dobbelbombe.pdf": ("unreadable", "unpacks-too-large", []),
    "operatorbombe.pdf": ("unreadable", "timeout", []),
    "tusensider.pdf": ("unreadable", "too-many-pages", []),
    "polyglott.pdf": ("agreement", None, ["polyglot-suspected"]),
    "latter.xlsx": ("unreadable", "xml-dtd", []),
    "xxe.docx": ("unreadable", "xml-dtd", []),
    "latter-attributt.docx": ("unreadable", "xml-dtd", []),
    "zipbombe.docx": ("unreadable", "unpacks-too-large", []),
    "elementbombe.docx": ("unreadable", "unpacks-too-large", []),
    "kryptert.docx": ("unreadable", "encrypted", []),
    "gammel.doc": ("unreadable", "corrupt", []),  # an empty WordDocument stream: nothing to convert
    "regneark.docx": ("budget", None, []),
    "gammel.xls": ("unreadable", "corrupt", []),  # an empty Workbook stream: nothing for xlrd to read
    "formel.xlsx": ("budget", None, ["formulas-recomputed"]),
    "makro.xlsm": ("budget", None, ["macros", "external-links"]),
    "fjern-celle.xlsx": ("unreadable", "sheet-too-large", []),
    "millionrader.xlsx": ("unreadable", "sheet-too-large", []),
    "skjult.docx": ("training_plan", None, ["hidden-text"]),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case written once and read once: (case, bytes before, attachment, bytes after)."""
    folder = tmp_path_factory.mktemp("hostile")
    read = {}
    for case in CASES:
        path = folder / case.name
        path.write_bytes(case.build())
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        attachment = read_isolated(path, case.name, CONVERTING if case.name.endswith(".doc") else FAST)
        read[case.name] = (before, attachment, hashlib.sha256(path.read_bytes()).hexdigest())
    return read


def test_every_case_has_a_required_outcome():
    assert sorted(c.name for c in CASES) == sorted(OUTCOMES)
    assert {c.number for c in CASES} == set(range(1, 25)) - {13}  # 13 is a sparse file, 25-27 are names


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_hostile_file_ends_with_its_required_kind_and_code(outcomes, name):
    kind, code, flags = OUTCOMES[name]
    _, attachment, _ = outcomes[name]
    assert (attachment.kind, attachment.problem.code if attachment.problem else None) == (kind, code)
    assert set(flags) <= set(attachment.flags)


@pytest.mark.parametrize("name", sorted(n for n, (_, code, _) in OUTCOMES.items() if code))
def test_unreadable_file_says_why_in_norwegian_without_its_content(outcomes, name):
    _, attachment, _ = outcomes[name]
    message = attachment.problem.message
    assert message.endswith(".") and "{" not in message
    assert "1234567" not in message and "lol" not in message


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_original_bytes_are_untouched_and_hashed(outcomes, name):
    before, attachment, after = outcomes[name]
    assert before == after == attachment.sha256


def test_oversize_file_is_refused_by_its_size_before_any_parsing(tmp_path):
    path = hostile.write_oversize(tmp_path / "stor.pdf")
    attachment = read_isolated(path, "stor.pdf", FAST)
    assert (attachment.kind, attachment.problem.code) == ("unreadable", "too-large")


def test_polyglot_is_read_only_as_the_pdf_it_starts_with(outcomes):
    _, attachment, _ = outcomes["polyglott.pdf"]
    assert hostile.XLSX_MARKER not in attachment.model_dump_json()


def test_xxe_never_reaches_the_word_reader(outcomes):
    _, attachment, _ = outcomes["xxe.docx"]
    assert attachment.agreement is None and attachment.training_plan is None


def test_hidden_content_in_word_is_found_in_tables_and_tracked_insertions(outcomes, tmp_path):
    _, attachment, _ = outcomes["skjult.docx"]
    assert attachment.hpr_number == hostile.HIDDEN_HPR
    path = tmp_path / "skjult.docx"
    path.write_bytes(hostile.hidden_content_docx())
    text = " ".join(line.text for line in docx_lines(path)[0])
    assert hostile.INSERTED_TEXT in text and "Slettet tekst" not in text


def test_openpyxl_runs_with_defusedxml():
    assert_defused_openpyxl()


def test_every_problem_code_has_a_message():
    codes = {code for _, code, _ in OUTCOMES.values() if code} | {"too-large", "memory", "crashed"}
    assert codes <= set(MESSAGES)
