"""The case harnesses refuse keys they do not know, at every level, so a misspelt key fails the case.

Without this a case with `finding: [elig.max-years]` (for `findings:`) checks
nothing and passes whatever the rules do.
"""
from __future__ import annotations

from typing import Any

from checks.models import DoctorDecision
from extractors.models import FormRecord
from tests.rules.builder import AS_READ, CASE_KEYS, CLAIM_KEYS, DOCTOR_KEYS, REGISTER_KEYS

RULE_OUTPUT_KEYS = {"status", "findings", "no_findings", "messages", "exact_messages", "requested_total_nok",
                    "recommended_total_nok", "payout_nok", "doctors", "parameters"}
ALLOCATION_CASE_KEYS = {"name", "year", "appropriations", "applications", "output"}
ALLOCATION_APPLICATION_KEYS = {"id", "recommended", "other_grant", "doctors"}
ALLOCATION_DOCTOR_KEYS = {"position", "recommended"}
ALLOCATION_OUTPUT_KEYS = {"allocated", "schemes", "parameters"}
SCHEME_KEYS = {"recommended", "allocated", "cut"}


class CaseFailure(AssertionError):
    pass


def unknown_keys(where: str, given: Any, known: set[str]) -> list[str]:
    """One line per key of `given` that is not in `known`, naming where it stood and what is allowed."""
    if not isinstance(given, dict):
        return [f"{where}: expected a mapping, got {given!r}"]
    return [f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})" for key in given if key not in known]


def rule_case_errors(case: dict[str, Any]) -> list[str]:
    """The case, its form and registers, each doctor and claim, the output and each doctor of the output."""
    output = case.get("output", {})
    errors = unknown_keys("case", case, CASE_KEYS) + unknown_keys("output", output, RULE_OUTPUT_KEYS)
    errors += unknown_keys("form", case.get("form", {}), set(FormRecord.model_fields))
    errors += unknown_keys("registers", case.get("registers") or {}, REGISTER_KEYS)
    for doctor in case.get("doctors", []):
        errors += unknown_keys(f"doctor {doctor.get('hpr')}", doctor, DOCTOR_KEYS)
        for claim in doctor.get("claims", []):
            errors += unknown_keys(f"claim {claim.get('month')}", claim, CLAIM_KEYS | AS_READ)
    for hpr, wanted in output.get("doctors", {}).items():
        errors += unknown_keys(f"output doctor {hpr}", wanted, set(DoctorDecision.model_fields))
    return errors


def allocation_case_errors(case: dict[str, Any]) -> list[str]:
    """The case, each application and its doctors, the output and each scheme of the output."""
    output = case.get("output", {})
    errors = unknown_keys("case", case, ALLOCATION_CASE_KEYS) + unknown_keys("output", output, ALLOCATION_OUTPUT_KEYS)
    for application in case.get("applications", []):
        errors += unknown_keys(f"application {application.get('id')}", application, ALLOCATION_APPLICATION_KEYS)
        for doctor in application.get("doctors", []):
            errors += unknown_keys(f"doctor of {application.get('id')}", doctor, ALLOCATION_DOCTOR_KEYS)
    for scheme, wanted in output.get("schemes", {}).items():
        errors += unknown_keys(f"scheme {scheme}", wanted, SCHEME_KEYS)
    return errors


def refuse(errors: list[str], failure: type[CaseFailure] = CaseFailure) -> None:
    if errors:
        raise failure("\n".join(errors))
