"""The samples generator: deterministic, valid forms, real variety, a complete fixed inbox."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from samples.generator import YEARS, generate, new_context, scenarios
from samples.generator.identifiers import orgnr_valid
from samples.fixed import CASES, INBOX, build
from samples.generator.registers import DEFAULT_DIR
from samples.generator.variation import WIDE_LABELS

HPR_LABELS = ("Helsepersonellnummer", "HPR-nummer", "HPR-nr.", "HPR nr")
DATE_PATTERNS = {
    "dd.mm.yyyy": re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b"),
    "iso": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "d. month yyyy": re.compile(r"\b\d{1,2}\. (januar|februar|mars|april|mai|juni|juli|august|september|"
                                r"oktober|november|desember) \d{4}\b"),
}


@pytest.fixture(scope="module")
def run30(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("inbox30")
    generate(out, 30, seed=11)
    return out


def _entries(inbox: Path) -> dict[str, dict[str, bytes]]:
    """Every submission's files by name, folders and zips alike."""
    subs: dict[str, dict[str, bytes]] = {}
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.suffix == ".zip":
            with zipfile.ZipFile(entry) as zf:
                subs[entry.stem] = {n: zf.read(n) for n in zf.namelist()}
        else:
            subs[entry.name] = {p.name: p.read_bytes() for p in entry.iterdir()}
    return subs


def _digest(inbox: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(inbox)).encode() + path.read_bytes())
    return h.hexdigest()


def test_same_seed_writes_identical_bytes(tmp_path):
    generate(tmp_path / "a", 4, seed=5)
    generate(tmp_path / "b", 4, seed=5)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_another_seed_writes_other_submissions(tmp_path):
    assert generate(tmp_path / "a", 4, seed=5) != generate(tmp_path / "b", 4, seed=6)


def test_every_submission_has_a_json_form_with_grant_year(run30):
    for sid, files in _entries(run30).items():
        form = json.loads(files["skjema.json"].decode("utf-8"))
        assert form["submission_id"] == sid and form["grant_year"] in YEARS


def test_every_grant_year_and_both_packagings_occur(run30):
    entries = list(p for p in run30.iterdir() if not p.name.startswith("."))
    assert {p.name.split("-")[1] for p in entries} == {"2019", "2020", "2021", "2023", "2024"}
    assert any(p.suffix == ".zip" for p in entries) and any(p.is_dir() for p in entries)


def test_truth_names_exactly_the_attachments(run30):
    for sid, files in _entries(run30).items():
        truth = json.loads((run30 / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))
        assert set(truth["files"]) | set(truth["leftovers"]) == set(files) - {"skjema.json"}


@pytest.fixture(scope="module")
def agreement_texts(run30: Path) -> list[str]:
    texts = []
    for sid, files in _entries(run30).items():
        truth = json.loads((run30 / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))
        for name, fact in truth["files"].items():
            if fact["kind"] == "agreement" and name.endswith(".pdf"):
                pdf = pdfium.PdfDocument(files[name])
                texts.append("\n".join(page.get_textpage().get_text_range() for page in pdf))
    return texts


def test_agreements_use_more_than_one_hpr_label(agreement_texts):
    text = "\n".join(agreement_texts).lower()
    used = {label for label in HPR_LABELS if label.lower() in text}
    assert len(used) >= 2


def test_agreements_use_more_than_one_date_format(agreement_texts):
    text = "\n".join(agreement_texts)
    assert sum(bool(p.search(text)) for p in DATE_PATTERNS.values()) >= 2


def test_budget_header_row_is_not_always_row_one(run30):
    header_rows = set()
    for sid, files in _entries(run30).items():
        truth = json.loads((run30 / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))
        for name, fact in truth["files"].items():
            if fact["kind"] == "budget" and fact.get("writer") == "excel":  # openpyxl cannot open Strict OOXML
                ws = load_workbook(io.BytesIO(files[name])).worksheets[0]
                header_rows.add(next(r for r in range(1, 10) if ws.cell(r, 2).value is not None))
    assert len(header_rows) >= 2


def _budget_extensions(inbox: Path) -> set[str]:
    names = [name for truth in (inbox / ".truth").glob("*.json")
             for name, fact in json.loads(truth.read_text(encoding="utf-8"))["files"].items() if fact["kind"] == "budget"]
    return {name.rsplit(".", 1)[1] for name in names}


def test_wide_budgets_come_in_several_spreadsheet_formats(run30):
    assert len(_budget_extensions(run30)) >= 2
    assert _budget_extensions(run30) <= {"xlsx", "xlsm", "ods", "xls"}


def test_narrow_generation_writes_only_xlsx_budgets(tmp_path):
    generate(tmp_path, 12, seed=5, wide=False)
    assert _budget_extensions(tmp_path) == {"xlsx"}


def test_wide_agreements_use_labels_beyond_the_documents_md_examples(agreement_texts):
    text = "\n".join(agreement_texts).lower()
    wide = {label for field in ("hpr_number", "doctor_name", "employment_start")
            for label in WIDE_LABELS[field] if len(label) > 4 and label.lower() in text}
    assert wide


def test_budget_sums_are_formulas_in_some_files(run30):
    formulas = 0
    for sid, files in _entries(run30).items():
        truth = json.loads((run30 / ".truth" / f"{sid}.json").read_text(encoding="utf-8"))
        for name, data in files.items():
            fact = truth["files"].get(name, {})
            if name.endswith(".xlsx") and fact.get("kind") == "budget" and fact.get("writer") == "excel":
                ws = load_workbook(io.BytesIO(data)).worksheets[0]
                formulas += any(str(c.value).startswith("=") for row in ws.iter_rows() for c in row)
    assert formulas > 0


def test_fixed_inbox_covers_every_status_in_both_regimes_and_every_grant_year():
    truths = [json.loads(p.read_text(encoding="utf-8")) for p in (INBOX / ".truth").glob("*.json")]
    covered = {(t["grant_year"], t["expected_status"]) for t in truths}
    assert covered >= {(y, s) for y in (2020, 2024) for s in ("approve", "partial", "reject", "manual_review")}
    assert {year for year, _ in covered} == set(YEARS)


def test_fixed_inbox_matches_its_module(tmp_path):
    build(tmp_path / "inbox")
    assert _digest(tmp_path / "inbox") == _digest(INBOX), "samples/inbox is stale: run python -m samples.fixed"
    assert len(CASES) == 11


@pytest.mark.parametrize("register", ["kommuner.csv", "utdanningsvirksomheter.csv", "rekrutteringstilskudd.csv",
                                      "grant_history.csv"])
def test_register_org_numbers_pass_mod11(register):
    with (DEFAULT_DIR / register).open(encoding="utf-8") as fh:
        numbers = [row["org_number"] for row in csv.DictReader(fh)]
    assert numbers and all(orgnr_valid(n) for n in numbers)


def test_invalid_orgnr_scenario_breaks_the_check_digit():
    sub = scenarios.build(random.Random(1), new_context(), "AR-2020-000001", 2020, "manual_review", "orgnr-invalid")
    assert not orgnr_valid(sub.form_org_number) and orgnr_valid(sub.kommune.org_number)


def _plans(year: int, status: str, n: int = 40) -> list:
    ctx = new_context()
    return [scenarios.build(random.Random(i), ctx, f"AR-{year}-{i:06d}", year, status) for i in range(n)]


@pytest.mark.parametrize("year", YEARS)
def test_approve_plans_recommend_exactly_what_they_request(year):
    for sub in _plans(year, "approve"):
        assert sub.expected_recommended_total == sub.requested_amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.mark.parametrize("year", YEARS)
def test_partial_plans_recommend_less_than_requested(year):
    for sub in _plans(year, "partial"):
        assert 0 < sub.expected_recommended_total < sub.requested_amount


@pytest.mark.parametrize("year", YEARS)
def test_every_grant_year_has_scenarios_for_every_status(year):
    assert {status for y, status in scenarios.VARIANTS if y == year} == {"approve", "partial", "reject", "manual_review"}


def test_a_batch_never_names_one_doctor_in_two_submissions(run30):
    seen: list[str] = []
    for path in (run30 / ".truth").glob("*.json"):
        truth = json.loads(path.read_text(encoding="utf-8"))
        seen += sorted({f["hpr_number"] for f in truth["files"].values() if f["hpr_number"]})
    assert len(seen) == len(set(seen))
