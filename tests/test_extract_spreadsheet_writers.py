"""Spreadsheets as other programs than Excel write them, read like Excel's: an .xls whose main
stream is named in capitals or which holds an embedded document, Strict Open XML, a web
spreadsheet's export without styles, and LibreOffice's .xlsx export."""
from __future__ import annotations

import io
import random
import struct
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from extractors import read_attachment
from extractors.safety import ole_kind
from samples import hostile
from samples.generator import budget_xlsx, new_context, scenarios
from samples.generator.plan import Submission
from tests.test_clients_letter_pdf import CONVERSION_SECONDS, soffice_or_skip


def _budget(year: int, ext: str, layout: str = "table", writer: str = "", seed: str = "writers"):
    rng = random.Random(f"{seed}:{year}:{ext}:{layout}:{writer}")
    sub = scenarios.build(rng, new_context(), f"AR-{year}-000905", year, "approve")
    data, _cells, written_ext = budget_xlsx.render(rng, sub, ext, layout, writer)
    return sub, data, written_ext


def _read(sub: Submission, attachment) -> dict:
    """What the budget says per doctor (A) or per doctor and month (B), to compare with the plan."""
    if sub.regime == "A":
        return {r.hpr_number.value: r.requested.value for r in attachment.budget.rows}
    return {(c.hpr_number.value, c.month.value): c.total.value for c in attachment.budget.claims}


def _planned(sub: Submission) -> dict:
    if sub.regime == "A":
        return {d.hpr: d.requested for d in sub.doctors}
    return {(d.hpr, c.key): c.total for d in sub.doctors for c in d.claims}


def test_an_xls_whose_workbook_stream_is_named_in_capitals_is_read(tmp_path):
    sub, data, _ = _budget(2020, "xls")
    stream = "Workbook".encode("utf-16-le")
    assert data.count(stream) == 1
    path = tmp_path / "budsjett.xls"
    path.write_bytes(data.replace(stream, "WORKBOOK".encode("utf-16-le")))
    attachment = read_attachment(path)
    assert attachment.kind == "budget" and _read(sub, attachment) == _planned(sub)


def _record(data: bytes, record_type: int) -> int:
    """Where a BIFF record of the workbook globals starts in an .xls drawn by the generator."""
    position = data.find(b"\x09\x08\x10\x00")  # the globals' BOF record
    while True:
        found, length = struct.unpack_from("<HH", data, position)
        if found == record_type:
            return position
        position += 4 + length


def test_an_xls_with_a_password_to_open_is_refused_as_encrypted_not_corrupt(tmp_path):
    _sub, data, _ = _budget(2020, "xls")
    locked = bytearray(data)
    struct.pack_into("<H", locked, _record(data, 0xE1), 0x2F)  # INTERFACEHDR becomes FILEPASS, as encryption writes
    path = tmp_path / "budsjett.xls"
    path.write_bytes(bytes(locked))
    assert read_attachment(path).problem.code == "encrypted"


def test_an_xls_xlrd_cannot_parse_is_read_through_libreoffice(tmp_path, libreoffice_exports):
    """(libreoffice_exports: LibreOffice with Calc is there, or the test skips and says so)"""
    sub, data, _ = _budget(2020, "xls")
    miscounted = bytearray(data)
    sst = _record(data, 0xFC)
    struct.pack_into("<I", miscounted, sst + 8, struct.unpack_from("<I", data, sst + 8)[0] + 50)  # unique strings
    path = tmp_path / "budsjett.xls"
    path.write_bytes(bytes(miscounted))
    attachment = read_attachment(path)
    assert "converted-from-xls" in attachment.flags
    assert attachment.kind == "budget" and _read(sub, attachment) == _planned(sub)


def _repacked(tmp_path, data: bytes, rename) -> Path:
    """The package written again with each part's name through `rename` (None leaves the part out)."""
    path = tmp_path / "budsjett.xlsx"
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if rename(item.filename) is not None:
                target.writestr(rename(item.filename), source.read(item.filename))
    return path


@pytest.mark.parametrize("year, rename", [
    (2024, lambda name: name.replace("/", "\\")),  # part names with backslashes, as some Windows tools store them
    (2020, lambda name: None if name == "xl/styles.xml" else name),  # a part the relationships name is missing
])
def test_an_xlsx_whose_package_other_writers_left_irregular_is_read(tmp_path, year, rename):
    sub, data, _ = _budget(year, "xlsx", writer="excel")
    attachment = read_attachment(_repacked(tmp_path, data, rename))
    assert attachment.kind == "budget" and _read(sub, attachment) == _planned(sub)


@pytest.mark.parametrize("top, embedded, kind", [("Workbook", "WordDocument", "xls"), ("WORKBOOK", "WordDocument", "xls"),
                                                 ("WordDocument", "Workbook", "doc")])
def test_a_compound_file_is_what_its_top_stream_says_not_what_an_embedded_object_holds(tmp_path, top, embedded, kind):
    path = tmp_path / "vedlegg.bin"
    path.write_bytes(hostile.ole_container([top], size=4096, embedded=embedded))
    assert ole_kind(path) == kind


@pytest.mark.parametrize("year", [2020, 2024])
def test_a_budget_saved_as_strict_open_xml_is_read_like_any_xlsx(tmp_path, year):
    sub, data, _ = _budget(year, "xlsx", writer="strict")
    assert b"http://purl.oclc.org/ooxml/spreadsheetml/main" in _part(data, "xl/workbook.xml")
    path = tmp_path / "budsjett.xlsx"
    path.write_bytes(data)
    attachment = read_attachment(path)
    assert attachment.kind == "budget" and _read(sub, attachment) == _planned(sub)


def test_claims_exported_by_a_web_spreadsheet_keep_months_stored_as_bare_day_numbers(tmp_path):
    for n in range(50):  # the same workbook as Excel writes it has a month as a date cell
        _sub, excel, _ = _budget(2024, "xlsx", writer="excel", seed=f"web:{n}")
        if any(isinstance(cell, datetime) for ws in load_workbook(io.BytesIO(excel)) for row in ws.values
               for cell in row):
            break
    sub, data, _ = _budget(2024, "xlsx", writer="web", seed=f"web:{n}")
    assert "xl/styles.xml" not in _names(data) and b"<dimension" not in _part(data, "xl/worksheets/sheet1.xml")
    path = tmp_path / "beregningsgrunnlag.xlsx"
    path.write_bytes(data)
    assert _read(sub, read_attachment(path)) == _planned(sub)


LIBREOFFICE_CASES = [(year, layout) for year in (2020, 2024) for layout in ("table", "sheets", "turned")]


@pytest.fixture(scope="module")
def libreoffice_exports(tmp_path_factory) -> dict:
    """Budgets drawn as .ods, opened and saved as .xlsx by LibreOffice headless in one run."""
    soffice = soffice_or_skip("spreadsheets exported by LibreOffice to .xlsx were NOT read")
    work = tmp_path_factory.mktemp("libreoffice")
    plans = {}
    for year, layout in LIBREOFFICE_CASES:
        sub, data, _ = _budget(year, "ods", layout, seed="libreoffice")
        name = f"budsjett-{year}-{layout}"
        (work / f"{name}.ods").write_bytes(data)
        plans[name] = sub
    out = work / "xlsx"
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(out), *sorted(str(p) for p in work.glob("*.ods"))],
                   check=True, capture_output=True, timeout=CONVERSION_SECONDS)
    if not out.is_dir():
        pytest.skip("LibreOffice has no Calc (apt-get install libreoffice-calc-nogui): spreadsheets exported by "
                    "LibreOffice to .xlsx were NOT read")
    return {name: (sub, read_attachment(out / f"{name}.xlsx")) for name, sub in plans.items()}


@pytest.mark.parametrize("year, layout", LIBREOFFICE_CASES)
def test_a_budget_libreoffice_saved_as_xlsx_is_read(libreoffice_exports, year, layout):
    sub, attachment = libreoffice_exports[f"budsjett-{year}-{layout}"]
    assert attachment.kind == "budget" and _read(sub, attachment) == _planned(sub)


def _names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def _part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)
