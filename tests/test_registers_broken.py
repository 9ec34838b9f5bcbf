"""A register with a broken value stops the batch with exit 1 and a message naming file, line and column.

Never a traceback: deciding on a register read half-way would be wrong for
every application of the night. The registers are the shipped samples with
one cell broken.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from checks.registers import RegisterError, load_registers
from pipeline.settings import DEFAULT_REGISTERS
from tests.cli import alis

BROKEN = {
    "nan": ("grant_history.csv", "amount_nok", "NaN"),
    "infinity": ("grant_history.csv", "amount_nok", "Infinity"),
    "exponent": ("grant_history.csv", "amount_nok", "1E+999999"),
    "over-long": ("alis_vest_nord.csv", "project", "x" * 140_000),
    "wrong type": ("rekrutteringstilskudd.csv", "year", "2020.5"),
}


def broken_registers(folder: Path, name: str, column: str, value: str) -> Path:
    """The sample registers with the value in `column` of the first data row (line 2) replaced."""
    shutil.copytree(DEFAULT_REGISTERS, folder)
    with open(folder / name, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[0][column] = value
    with open(folder / name, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_value_is_named_by_file_line_and_column(tmp_path, case):
    name, column, value = BROKEN[case]
    with pytest.raises(RegisterError) as raised:
        load_registers(broken_registers(tmp_path / "registers", name, column, value))
    assert str(raised.value).startswith(f"{name} linje 2, kolonne {column}:")


def test_the_message_quotes_an_over_long_value_shortened(tmp_path):
    name, column, value = BROKEN["over-long"]
    with pytest.raises(RegisterError) as raised:
        load_registers(broken_registers(tmp_path / "registers", name, column, value))
    assert len(str(raised.value)) < 200


@pytest.mark.parametrize("case", ["nan", "over-long"])
def test_the_batch_stops_with_exit_1_and_no_traceback(tmp_path, case):
    name, column, value = BROKEN[case]
    registers = broken_registers(tmp_path / "registers", name, column, value)
    (tmp_path / "inbox").mkdir()
    done = alis("batch", tmp_path / "inbox", "--out", tmp_path / "out", "--registers", registers)
    assert done.returncode == 1
    assert f"{name} linje 2, kolonne {column}" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
