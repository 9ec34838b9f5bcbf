"""The registers load with typed lookups, and a broken one names its file and line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.registers import RegisterError, load_registers

SAMPLE_REGISTERS = Path(__file__).resolve().parents[1] / "samples" / "registers"

GOOD = {
    "kommuner.csv": "kommunenummer,name,org_number,sentraliseringsklasse\n5634,Vardø kommune,964830533,6\n"
                    "0301,Oslo kommune,987984481,1\n",
    "utdanningsvirksomheter.csv": "org_number\n964830533\n",
    "alis_vest_nord.csv": "hpr_number,project\n1234567,ALIS Nord\n",
    "rekrutteringstilskudd.csv": "org_number,year\n964830533,2020\n",
    "grant_history.csv": "hpr_number,year,org_number,amount_nok\n1234567,2020,964830533,240000.00\n",
}


def write(folder: Path, **changes: str) -> Path:
    for name, text in {**GOOD, **changes}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_lookups_by_org_number_kommunenummer_and_hpr(tmp_path):
    registers = load_registers(write(tmp_path))
    assert registers.municipality_by_org("964830533").kommunenummer == "5634"
    assert registers.municipality_by_number("0301").name == "Oslo kommune"
    assert registers.is_education_enterprise("964830533")
    assert registers.alis_project("1234567") == "ALIS Nord"
    assert registers.got_recruitment_grant("964830533", 2020)
    assert registers.history_for("1234567")[0].year == 2020


def test_leading_zero_of_a_kommunenummer_is_kept(tmp_path):
    assert load_registers(write(tmp_path)).municipality_by_org("987984481").kommunenummer == "0301"


def test_missing_column_names_the_file(tmp_path):
    write(tmp_path, **{"grant_history.csv": "hpr_number,year,amount_nok\n1234567,2020,1\n"})
    with pytest.raises(RegisterError, match=r"grant_history\.csv linje 1: mangler kolonne\(r\) org_number"):
        load_registers(tmp_path)


def test_bad_value_names_the_file_line_and_column(tmp_path):
    write(tmp_path, **{"kommuner.csv": GOOD["kommuner.csv"] + "563,Feil kommune,964830533,6\n"})
    with pytest.raises(RegisterError, match=r"kommuner\.csv linje 4, kolonne kommunenummer"):
        load_registers(tmp_path)


def test_sentraliseringsklasse_outside_one_to_six_is_refused(tmp_path):
    write(tmp_path, **{"kommuner.csv": "kommunenummer,name,org_number,sentraliseringsklasse\n5634,Vardø,964830533,7\n"})
    with pytest.raises(RegisterError, match="sentraliseringsklasse"):
        load_registers(tmp_path)


def test_missing_register_file_is_named(tmp_path):
    write(tmp_path)
    (tmp_path / "alis_vest_nord.csv").unlink()
    with pytest.raises(RegisterError, match="alis_vest_nord.csv"):
        load_registers(tmp_path)


def test_extra_columns_and_blank_lines_are_accepted(tmp_path):
    write(tmp_path, **{"utdanningsvirksomheter.csv": "org_number,kommentar\n964830533,ok\n\n"})
    assert load_registers(tmp_path).education_enterprises == frozenset({"964830533"})


def test_the_shipped_sample_registers_load(tmp_path):
    shutil.copytree(SAMPLE_REGISTERS, tmp_path / "registers")
    assert load_registers(tmp_path / "registers").municipalities
