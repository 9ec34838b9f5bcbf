"""`alis allocate`: the appropriation shared over the results under OUT (docs/rules.md §5)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from checks.allocation import Claim, allocate, served_first
from checks.findings import finding
from pipeline.allocate import allocate_year, read_results
from pipeline.process import write_application
from pipeline.result import Result
from tests import result_examples as examples
from tests.cli import alis

TODAY = date(2024, 10, 1)
MILLION = Decimal("1000000")


def granted(sid: str, amount: Decimal, year: int = 2024, status: str = "approve", **kw) -> Result:
    """A decided application whose doctor is recommended `amount`."""
    position = kw.pop("position", "kommunalt_ansatt")
    doctor = examples.doctor("Kari Nordmann", "1234567", str(amount), str(amount), position=position)
    return examples.result(status, submission_id=sid, grant_year=year, ruleset=str(year), requested_total_nok=amount,
                           recommended_total_nok=amount, payout_nok=kw.pop("payout", amount),
                           unused_funds_deducted_nok=kw.pop("deducted", Decimal("0")), doctors=[doctor], **kw)


def written(out: Path, *results: Result) -> Path:
    for result in results:
        write_application(result, out, TODAY)
    return out


def read(out: Path, sid: str) -> Result:
    return Result.model_validate_json((out / "applications" / sid / "result.json").read_text(encoding="utf-8"))


def letter_text(out: Path, sid: str) -> str:
    document = Document(str(out / "applications" / sid / "vedtak-utkast.docx"))
    return "\n".join(p.text for p in document.paragraphs).replace("\u00a0", " ")


@pytest.fixture
def over_budget(tmp_path) -> Path:
    """2024: 500 million recommended against 431 million, so everyone is cut by the factor 0,862."""
    return written(tmp_path / "out",
                   granted("AR-2024-000001", 300 * MILLION),
                   granted("AR-2024-000002", 200 * MILLION, status="partial"),
                   examples.manual_review().model_copy(update={"submission_id": "AR-2024-000003"}),
                   examples.reject().model_copy(update={"submission_id": "AR-2024-000004"}))


def test_allocation_writes_the_json_and_the_spreadsheet(over_budget):
    allocate_year(2024, over_budget, TODAY)
    data = json.loads((over_budget / "allocation-2024.json").read_text(encoding="utf-8"))
    assert data["appropriations"][0]["appropriation_nok"] == 431_000_000
    assert {a["submission_id"] for a in data["applications"]} == {"AR-2024-000001", "AR-2024-000002"}
    assert load_workbook(over_budget / "allocation-2024.xlsx")["Fordeling"].max_row == 3


def test_each_granted_result_gets_its_pro_rata_amount(over_budget):
    allocate_year(2024, over_budget, TODAY)
    assert read(over_budget, "AR-2024-000001").allocated_nok == Decimal("258600000")
    assert read(over_budget, "AR-2024-000002").allocated_nok == Decimal("172400000")


def test_manual_review_and_rejected_results_get_no_allocation(over_budget):
    allocate_year(2024, over_budget, TODAY)
    assert read(over_budget, "AR-2024-000003").allocated_nok is None
    assert read(over_budget, "AR-2024-000004").allocated_nok is None


def test_the_draft_letter_is_rewritten_with_the_allocated_amount(over_budget):
    allocate_year(2024, over_budget, TODAY)
    assert "tilskudd på 258 600 000 kr for 2024" in letter_text(over_budget, "AR-2024-000001")


def test_the_payout_follows_the_allocated_amount(over_budget):
    allocate_year(2024, over_budget, TODAY)
    assert read(over_budget, "AR-2024-000002").payout_nok == Decimal("172400000")


def test_unused_funds_are_deducted_from_the_allocated_amount(tmp_path):
    out = written(tmp_path, granted("AR-2020-000001", Decimal("240000"), year=2020, payout=Decimal("190000"),
                                    deducted=Decimal("50000"), position="naeringsdrivende"),
                  granted("AR-2020-000002", 66 * MILLION, year=2020, position="naeringsdrivende"))
    allocate_year(2020, out, TODAY)
    # 66 000 000 of 66 240 000 recommended: 240 000 × 66 / 66,24 = 239 130,43, whole kroner rounded down
    result = read(out, "AR-2020-000001")
    assert (result.allocated_nok, result.payout_nok) == (Decimal("239130"), Decimal("189130"))
    assert read(out, "AR-2020-000002").allocated_nok == Decimal("65760869")


def test_running_it_twice_gives_the_same_files(over_budget):
    allocate_year(2024, over_budget, TODAY)
    first = [(over_budget / "allocation-2024.json").read_bytes(),
             *[p.read_bytes() for p in sorted(over_budget.glob("applications/*/result.json"))]]
    allocate_year(2024, over_budget, TODAY)
    second = [(over_budget / "allocation-2024.json").read_bytes(),
              *[p.read_bytes() for p in sorted(over_budget.glob("applications/*/result.json"))]]
    assert first == second


def test_a_result_no_longer_granted_loses_its_earlier_allocation(over_budget):
    allocate_year(2024, over_budget, TODAY)
    rerun = read(over_budget, "AR-2024-000002").model_copy(update={"status": "manual_review",
                                                                   "recommended_total_nok": None, "payout_nok": None})
    write_application(rerun, over_budget, TODAY)
    allocate_year(2024, over_budget, TODAY)
    assert read(over_budget, "AR-2024-000002").allocated_nok is None
    assert read(over_budget, "AR-2024-000001").allocated_nok == Decimal("300000000")


def test_results_of_other_years_are_left_alone(over_budget):
    other = granted("AR-2023-000001", Decimal("100000"), year=2023)
    written(over_budget, other)
    allocate_year(2024, over_budget, TODAY)
    assert read(over_budget, "AR-2023-000001").allocated_nok is None
    assert [r.submission_id for r in read_results(over_budget, 2023)] == ["AR-2023-000001"]


def test_the_spreadsheet_keeps_ids_and_org_numbers_as_text(over_budget):
    allocate_year(2024, over_budget, TODAY)
    sheet = load_workbook(over_budget / "allocation-2024.xlsx")["Fordeling"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2])}
    assert row["Organisasjonsnummer"].data_type == "s" and row["Organisasjonsnummer"].value == "940101808"
    assert row["Søknad"].data_type == "s"


def test_batch_json_shows_the_allocated_amounts(over_budget):
    allocate_year(2024, over_budget, TODAY)
    rows = {r["submission_id"]: r for r in json.loads((over_budget / "batch.json").read_text())["submissions"]}
    assert rows["AR-2024-000001"]["allocated_nok"] == 258_600_000


def test_2021_allocates_each_doctor_against_the_appropriation_of_the_position(tmp_path):
    doctors = [examples.doctor("Kari Nordmann", "1234567", "240000", "240000", position="naeringsdrivende"),
               examples.doctor("Ola Hansen", "7654321", "200000", "200000", position="kommunalt_ansatt")]
    application = granted("AR-2021-000001", Decimal("440000"), year=2021).model_copy(update={"doctors": doctors})
    out = written(tmp_path, application)
    report = allocate_year(2021, out, TODAY)
    assert {s.scheme: s.recommended_nok for s in report.appropriations} == {
        "naeringsdrift": Decimal("240000"), "ansatt": Decimal("200000")}
    assert read(out, "AR-2021-000001").allocated_nok == Decimal("440000")


def test_cli_refuses_a_year_without_rules_with_exit_2(tmp_path):
    done = alis("allocate", "--year", "2030", "--out", tmp_path)
    assert done.returncode == 2 and "2030" in done.stderr


def test_cli_exits_1_when_out_has_no_results(tmp_path):
    done = alis("allocate", "--year", "2024", "--out", tmp_path)
    assert done.returncode == 1 and "ingen resultater" in done.stderr


def test_cli_allocates_and_exits_0(over_budget):
    done = alis("allocate", "--year", "2024", "--out", over_budget)
    assert done.returncode == 0, done.stderr[-2000:]
    assert read(over_budget, "AR-2024-000001").allocated_nok == Decimal("258600000")


# Properties of the arithmetic, whatever the amounts (docs/rules.md §5).

AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
CLAIMS = st.lists(st.tuples(AMOUNTS, st.booleans(), st.sampled_from(["naeringsdrift", "ansatt"])), max_size=12)
APPROPRIATIONS = st.fixed_dictionaries({"naeringsdrift": AMOUNTS, "ansatt": AMOUNTS})


def claims_of(drawn) -> list[Claim]:
    return [Claim(f"AR-{i}", scheme, amount, first) for i, (amount, first, scheme) in enumerate(drawn)]


@settings(max_examples=200, deadline=None)
@given(CLAIMS, APPROPRIATIONS)
def test_allocated_is_never_negative_nor_above_recommended(drawn, appropriations):
    claims = claims_of(drawn)
    shares = allocate(claims, appropriations).shares
    assert all(Decimal(0) <= shares[(c.submission_id, c.scheme)] <= c.amount for c in claims)


@settings(max_examples=200, deadline=None)
@given(CLAIMS, APPROPRIATIONS)
def test_allocated_never_exceeds_the_appropriation(drawn, appropriations):
    for outcome in allocate(claims_of(drawn), appropriations).schemes:
        assert outcome.allocated <= outcome.appropriation


@settings(max_examples=200, deadline=None)
@given(CLAIMS, APPROPRIATIONS)
def test_applications_served_last_get_nothing_before_the_others_are_served_whole(drawn, appropriations):
    claims = claims_of(drawn)
    shares = allocate(claims, appropriations).shares
    for scheme in appropriations:
        ours = [c for c in claims if c.scheme == scheme]
        if any(shares[(c.submission_id, scheme)] > 0 for c in ours if not c.served_first):
            assert all(shares[(c.submission_id, scheme)] == c.amount for c in ours if c.served_first)


@settings(max_examples=200, deadline=None)
@given(CLAIMS, APPROPRIATIONS)
def test_when_the_appropriation_suffices_everyone_gets_the_recommended_amount(drawn, appropriations):
    claims = claims_of(drawn)
    shares = allocate(claims, appropriations).shares
    for scheme, appropriation in appropriations.items():
        ours = [c for c in claims if c.scheme == scheme]
        if sum((c.amount for c in ours), Decimal(0)) <= appropriation:
            assert all(shares[(c.submission_id, scheme)] == c.amount for c in ours)


@settings(max_examples=200, deadline=None)
@given(CLAIMS, APPROPRIATIONS)
def test_a_cut_amount_is_whole_kroner(drawn, appropriations):
    claims = claims_of(drawn)
    shares = allocate(claims, appropriations).shares
    for c in claims:
        share = shares[(c.submission_id, c.scheme)]
        assert share == c.amount or share == share.to_integral_value()


def test_the_recruitment_grant_finding_puts_an_application_last():
    assert not served_first([finding("elig.other-grant-priority", "x")]) and served_first([])


def test_cli_exits_1_on_a_broken_result_without_showing_its_content(over_budget):
    (over_budget / "applications" / "AR-2024-000001" / "result.json").write_text('{"submission_id": "Kari Nordmann"}')
    done = alis("allocate", "--year", "2024", "--out", over_budget)
    assert done.returncode == 1 and "ikke en gyldig result.json" in done.stderr
    assert "Kari Nordmann" not in done.stderr
