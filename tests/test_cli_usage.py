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


def test_rules_prints_the_cap_and_its_source():
    done = alis("rules", "--year", "2020")
    assert done.returncode == 0
    assert "240" in done.stdout and "000" in done.stdout


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
