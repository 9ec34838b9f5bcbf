"""The rule and allocation case harnesses (tests/rules/) fail a case they cannot check as written."""
from __future__ import annotations

from decimal import Decimal

import pytest

from checks.allocation import allocate, claims_for
from checks.parameters import load_parameters
from tests.rules.allocation_cases import unstated
from tests.rules.strict_keys import CaseFailure, allocation_case_errors, refuse, rule_case_errors

DOCTOR = {"name": "Kari Nordmann", "hpr": "1234567", "total_cost": 300000, "requested": 240000}
CLAIM = {"month": "2023-09", "absence_hours": 10, "absence_rate": 1000}


def rule_case(**changes) -> dict:
    case = {"name": "x", "year": 2020, "doctors": [dict(DOCTOR)], "output": {"status": "approve"}}
    return {**case, **changes}


def test_a_case_as_written_passes_the_key_check():
    refuse(rule_case_errors(rule_case()))


@pytest.mark.parametrize(("case", "key"), [
    (rule_case(output={"finding": ["elig.max-years"]}), "finding"),
    (rule_case(doctor=[DOCTOR]), "doctor"),
    (rule_case(doctors=[{**DOCTOR, "hrp": "1"}]), "hrp"),
    (rule_case(year=2024, doctors=[{**DOCTOR, "claims": [{**CLAIM, "absense_rate": 1}]}]), "absense_rate"),
    (rule_case(output={"doctors": {"1234567": {"recomended_nok": 240000}}}), "recomended_nok"),
    (rule_case(form={"orgnr": "1"}), "orgnr"),
], ids=["output", "case", "doctor", "claim", "output-doctor", "form"])
def test_a_misspelt_key_at_any_level_fails_the_case(case, key):
    with pytest.raises(CaseFailure, match=f"unknown key '{key}'"):
        refuse(rule_case_errors(case))


ALLOCATION = {"name": "x", "year": 2020, "appropriations": {"total": 100},
              "applications": [{"id": "AR-1", "recommended": 200}],
              "output": {"allocated": {"AR-1": 100}, "schemes": {"total": {"recommended": 200, "allocated": 100,
                                                                            "cut": True}}}}


@pytest.mark.parametrize(("change", "key"), [
    ({"applications": [{"id": "AR-1", "recomended": 200}]}, "recomended"),
    ({"output": {"alocated": {"AR-1": 100}}}, "alocated"),
    ({"output": {"schemes": {"total": {"cutt": True}}}}, "cutt"),
], ids=["application", "output", "scheme"])
def test_a_misspelt_key_fails_an_allocation_case(change, key):
    with pytest.raises(CaseFailure, match=f"unknown key '{key}'"):
        refuse(allocation_case_errors({**ALLOCATION, **change}))


def allocation_of(case: dict):
    params = load_parameters(case["year"])
    claims = [c for a in case["applications"] for c in claims_for(a["id"], Decimal(a["recommended"]), [], [], params)]
    return allocate(claims, {"total": Decimal(case["appropriations"]["total"])})


def test_an_allocation_case_must_state_every_application_and_every_outcome_of_its_schemes():
    partial = {**ALLOCATION, "output": {"allocated": {}, "schemes": {"total": {"cut": True}}}}
    assert unstated(partial, allocation_of(partial)) == [
        "application AR-1: what it is allocated is not stated", "scheme total: allocated, recommended not stated"]
    assert unstated(ALLOCATION, allocation_of(ALLOCATION)) == []
