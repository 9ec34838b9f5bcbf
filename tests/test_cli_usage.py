"""Exit codes of docs/contract.md §3 for runs that cannot work or are misused."""
from pathlib import Path

from tests.cli import alis

REGISTERS = Path(__file__).resolve().parents[1] / "samples" / "registers"


def test_missing_inbox_exits_1(tmp_path):
    assert alis("batch", tmp_path / "nope", "--out", tmp_path / "out").returncode == 1


def test_unknown_option_exits_2(tmp_path):
    assert alis("batch", tmp_path, "--out", tmp_path / "out", "--no-such-flag").returncode == 2


def test_missing_required_out_exits_2(tmp_path):
    assert alis("batch", tmp_path).returncode == 2


def test_rules_for_a_year_without_rules_is_refused_with_exit_2():
    done = alis("rules", "--year", "2022")
    assert done.returncode == 2
    assert "2022" in done.stderr


def table_rows(printed: str) -> dict[str, list[str]]:
    """The rows of a rich table by their first cell, a cell wrapped over several lines joined again."""
    rows: dict[str, list[str]] = {}
    current: list[str] = []
    for line in printed.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.replace("\xa0", " ").strip() for c in line.strip("│").split("│")]
        if cells[0]:
            current = rows.setdefault(cells[0], cells[1:])
        else:
            current[:] = [f"{a} {b}".strip() for a, b in zip(current, cells[1:])]
    return rows


def test_rules_prints_the_cap_with_the_document_it_comes_from():
    done = alis("rules", "--year", "2020")
    assert done.returncode == 0
    value, source, assumption = table_rows(done.stdout)["cap_per_alis"]
    assert value == "240 000"
    assert source == ('Helsedirektoratet, «ALIS-tilskudd» (tilskudd til ALIS-avtaler for næringsdrivende fastleger, '
                      '2020) ("inntil 240 000 kroner i tilskudd per år per ALIS-avtale")')
    assert assumption == ""


def test_rules_marks_an_assumption_and_says_what_it_rests_on():
    rows = table_rows(alis("rules", "--year", "2024").stdout)
    assert rows["deadline"] == ["01.09.2024", "antakelse (som 2023, alis.no, «Kraftig økning i bevilgningen til "
                                "ALIS-tilskudd i 2023» (20.04.2023))", "ja"]


def test_broken_register_exits_1_before_any_output(tmp_path):
    registers = tmp_path / "registers"
    registers.mkdir()
    for csv in REGISTERS.glob("*.csv"):
        (registers / csv.name).write_bytes(csv.read_bytes())
    (registers / "kommuner.csv").write_text("feil,kolonner\n1,2\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    done = alis("batch", inbox, "--out", tmp_path / "out", "--registers", registers)
    assert done.returncode == 1
    assert not (tmp_path / "out" / "batch.json").exists()


def test_out_that_is_a_file_exits_1(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blocker = tmp_path / "out"
    blocker.write_text("x")
    assert alis("batch", inbox, "--out", blocker).returncode == 1
