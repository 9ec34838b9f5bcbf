"""Organisation numbers (mod 11, Brønnøysund) and batch-wide double claims."""
from __future__ import annotations

import pytest

from checks.models import Decision, DoctorDecision
from checks.rules.identity import batch_double_claims, orgnr_is_valid


@pytest.mark.parametrize("number", ["964830533", "983544622", "987984481", "935478715"])
def test_real_organisation_numbers_pass(number):
    assert orgnr_is_valid(number)


@pytest.mark.parametrize("number", ["964830534", "96483053", "9648305330", "96483053X", "", None])
def test_wrong_check_digit_or_length_fails(number):
    assert not orgnr_is_valid(number)


def test_remainder_giving_check_digit_ten_is_never_valid():
    # the first eight digits whose weighted sum leaves remainder 1, so the check digit would be 10
    base = next(f"{n:08d}" for n in range(10000000, 10001000)
                if 11 - sum(int(d) * w for d, w in zip(f"{n:08d}", (3, 2, 7, 6, 5, 4, 3, 2))) % 11 == 10)
    assert not any(orgnr_is_valid(base + str(last)) for last in range(10))


def _decision(year: int, claims: dict[str, list[str]]) -> Decision:
    doctors = [DoctorDecision(hpr_number=hpr, claimed_months=months) for hpr, months in claims.items()]
    return Decision(status="approve", grant_year=year, doctors=doctors)


def test_double_claim_in_a_batch_marks_every_submission_involved():
    found = batch_double_claims({
        "AR-1": _decision(2024, {"1234567": ["2023-09", "2023-10"]}),
        "AR-2": _decision(2024, {"1234567": ["2023-10"]}),
        "AR-3": _decision(2024, {"7654321": ["2023-10"]}),
    })
    assert set(found) == {"AR-1", "AR-2"}
    assert found["AR-1"][0].rule == "id.double-claim"


def test_regime_a_claims_the_whole_year():
    assert set(batch_double_claims({"AR-1": _decision(2020, {"1234567": []}),
                                    "AR-2": _decision(2020, {"1234567": []})})) == {"AR-1", "AR-2"}


def test_same_doctor_in_months_that_do_not_overlap_is_no_double_claim():
    assert batch_double_claims({
        "AR-1": _decision(2024, {"1234567": ["2023-09"]}),
        "AR-2": _decision(2024, {"1234567": ["2023-10"]}),
    }) == {}


def test_same_doctor_in_different_years_is_no_double_claim():
    assert batch_double_claims({
        "AR-1": _decision(2023, {"1234567": ["2023-08"]}),
        "AR-2": _decision(2024, {"1234567": ["2023-08"]}),
    }) == {}
