"""The allocation cases in allocation*.yaml (docs/rules.md §5), run as pytest items.

A case names a grant year and lists the granted applications as a caseworker
sees them after the batch:

  appropriations     {scheme: NOK} to set the year's appropriation lower for the example (optional)
  applications       id, recommended (NOK), other_grant (got the recruitment grant: served last),
                     or doctors [{position, recommended}] where the year has two schemes (2021)

and under `output`:

  allocated          {id: NOK} what each application gets: every application of the case, exactly
  schemes            {scheme: {recommended, allocated, cut}} every appropriation the case draws on, all three
  parameters         {scheme: NOK} the year's own appropriations (checked before any override)

A key the harness does not know, at any level, fails the case, and so does an
application or a scheme whose outcome the case leaves unstated.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from checks.allocation import allocate, claims_for
from checks.findings import finding
from checks.parameters import Parameter, YearParameters, load_parameters
from tests.rules.strict_keys import SCHEME_KEYS, CaseFailure, allocation_case_errors, refuse


class AllocationCaseFailure(CaseFailure):
    pass


def _nok(value: Any) -> Decimal:
    return Decimal(str(value))


def _with_appropriations(params: YearParameters, overrides: dict[str, Any] | None) -> YearParameters:
    if not overrides:
        return params
    appropriation = Parameter[dict[str, Decimal]](value={k: _nok(v) for k, v in overrides.items()}, unit="NOK",
                                                  source="testtilfelle")
    return params.model_copy(update={"appropriations": appropriation})


def _claims(application: dict[str, Any], params: YearParameters):
    doctors = [(d.get("position"), _nok(d["recommended"])) for d in application.get("doctors", [])]
    total = _nok(application["recommended"]) if "recommended" in application else sum(
        (amount for _, amount in doctors), Decimal("0"))
    findings = [finding("elig.other-grant-priority", "rekrutteringstilskudd")] if application.get("other_grant") else []
    return claims_for(str(application["id"]), total, doctors, findings, params)


def unstated(case: dict[str, Any], allocation) -> list[str]:
    """Every application's amount and every drawn-on scheme's three outcomes must be stated: exact, not a sample."""
    expected = case.get("output", {})
    stated = {str(sid) for sid in expected.get("allocated", {})}
    errors = [f"application {a['id']}: what it is allocated is not stated"
              for a in case.get("applications", []) if str(a["id"]) not in stated]
    schemes = expected.get("schemes", {})
    for outcome in allocation.schemes:
        if outcome.recommended == 0 and outcome.scheme not in schemes:
            continue  # an appropriation nobody drew on
        missing = SCHEME_KEYS - set(schemes.get(outcome.scheme, {}))
        if missing:
            errors.append(f"scheme {outcome.scheme}: {', '.join(sorted(missing))} not stated")
    return errors


class AllocationItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        refuse(allocation_case_errors(self.case), AllocationCaseFailure)
        expected = self.case["output"]
        own = load_parameters(self.case["year"])
        errors = [f"appropriation {scheme}: expected {value}, got {own.appropriations.value.get(scheme)}"
                  for scheme, value in expected.get("parameters", {}).items()
                  if own.appropriations.value.get(scheme) != _nok(value)]
        params = _with_appropriations(own, self.case.get("appropriations"))
        claims = [c for a in self.case.get("applications", []) for c in _claims(a, params)]
        allocation = allocate(claims, params.appropriations.value)
        errors += unstated(self.case, allocation)
        for sid, value in expected.get("allocated", {}).items():
            got = allocation.for_submission(str(sid))
            if got != _nok(value):
                errors.append(f"application {sid}: expected {value}, got {got}")
        outcomes = {s.scheme: s for s in allocation.schemes}
        for scheme, wanted in expected.get("schemes", {}).items():
            outcome = outcomes[scheme]
            for field, value in wanted.items():
                got = getattr(outcome, field)
                if got != (value if isinstance(value, bool) else _nok(value)):
                    errors.append(f"scheme {scheme} {field}: expected {value}, got {got}")
        if errors:
            raise AllocationCaseFailure("\n".join(errors))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AllocationCaseFailure):
            return f"allocation case {self.name!r} ({self.path.name}):\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"allocation case: {self.name}"
