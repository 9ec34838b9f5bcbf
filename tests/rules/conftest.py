"""Collect the rule cases in tests/rules/cases/*.yaml (OpenFisca style) as pytest items.

Each file is a list of cases. A case names a grant year, states the facts a
caseworker would see (form fields, doctors, registers) and what the checks
must conclude under `output`:

  status                  approve | partial | reject | manual_review
  findings / no_findings  rule ids that must be present / absent
  messages                {rule id: text the message must contain}
  exact_messages          {rule id: the whole message}
  requested_total_nok, recommended_total_nok, payout_nok   (null for none)
  doctors                 {hpr: {recommended_nok, requested_nok, eligible_months, rejected}}
  parameters              {name: value} of the year's parameters (derived rates included)

A key the harness does not know, at any level (the case, a doctor, a claim, the
output, a doctor of the output), fails the case: a misspelt `finding:` would
otherwise make a case that cannot fail.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml

from checks.decide import decide
from checks.findings import rule_table
from checks.models import Decision
from checks.parameters import load_parameters
from tests.rules.allocation_cases import AllocationItem
from tests.rules.builder import build_facts, default_registers
from tests.rules.strict_keys import CaseFailure, refuse, rule_case_errors


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    """A list of named cases; allocation*.yaml are allocation cases, the rest rule cases."""

    def collect(self):
        item = AllocationItem if self.path.name.startswith("allocation") else YamlItem
        cases = yaml.safe_load(self.path.read_text(encoding="utf-8")) or []
        names = set()
        for case in cases:
            if case["name"] in names:
                raise CaseFailure(f"two cases named {case['name']!r} in {self.path.name}")
            names.add(case["name"])
            yield item.from_parent(self, name=case["name"], case=case)


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class YamlItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        refuse(rule_case_errors(self.case))
        params = load_parameters(self.case["year"])
        expected = self.case.get("output", {})
        errors = self._check_parameters(params, expected.get("parameters", {}))
        if "doctors" in self.case or "form" in self.case:
            facts = build_facts(self.case, params)
            decision = decide(facts, params, default_registers(self.case.get("registers")))
            errors += self._check_decision(decision, expected)
            errors += self._check_regimes(decision, params.regime.value)
        if errors:
            raise CaseFailure("\n".join(errors))

    @staticmethod
    def _check_parameters(params, expected: dict[str, Any]) -> list[str]:
        errors = []
        for name, value in expected.items():
            actual = getattr(params, name)
            actual = getattr(actual, "value", actual)
            wanted = _amount(value) if isinstance(value, (int, float)) else value
            if isinstance(wanted, str) and not isinstance(actual, str):
                actual = str(actual)
            if actual != wanted:
                errors.append(f"parameter {name}: expected {wanted}, got {actual}")
        return errors

    @staticmethod
    def _check_regimes(decision: Decision, regime: str) -> list[str]:
        """docs/rules.md §4's regime column holds for every finding of every case."""
        table = rule_table()
        return [f"{f.rule} is not a regime {regime} rule" for f in decision.findings
                if regime not in table[f.rule].regimes]

    @staticmethod
    def _check_decision(decision: Decision, expected: dict[str, Any]) -> list[str]:
        errors = []
        rules = {f.rule for f in decision.findings}
        shown = "; ".join(f"{f.rule}: {f.message}" for f in decision.findings) or "none"
        if "status" in expected and decision.status != expected["status"]:
            errors.append(f"status: expected {expected['status']}, got {decision.status}")
        for rule in expected.get("findings", []):
            if rule not in rules:
                errors.append(f"finding {rule} expected but absent")
        for rule in expected.get("no_findings", []):
            if rule in rules:
                errors.append(f"finding {rule} present but must not be")
        for rule, text in expected.get("messages", {}).items():
            messages = [f.message.replace("\u00a0", " ") for f in decision.findings if f.rule == rule]
            if not any(text in m for m in messages):
                errors.append(f"no {rule} message contains {text!r}: {messages}")
        for rule, text in expected.get("exact_messages", {}).items():
            messages = [f.message.replace("\u00a0", " ") for f in decision.findings if f.rule == rule]
            if text not in messages:
                errors.append(f"no {rule} message is exactly {text!r}: {messages}")
        for field in ("requested_total_nok", "recommended_total_nok", "payout_nok"):
            if field in expected and getattr(decision, field) != _amount(expected[field]):
                errors.append(f"{field}: expected {expected[field]}, got {getattr(decision, field)}")
        by_hpr = {d.hpr_number: d for d in decision.doctors}
        for hpr, wanted in expected.get("doctors", {}).items():
            doctor = by_hpr.get(str(hpr))
            if doctor is None:
                errors.append(f"doctor {hpr} missing from the decision")
                continue
            for field, value in wanted.items():
                actual = getattr(doctor, field)
                value = _amount(value) if field.endswith("_nok") else value
                if actual != value:
                    errors.append(f"doctor {hpr} {field}: expected {value}, got {actual}")
        if errors:
            errors.append(f"findings were: {shown}")
        return errors

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailure):
            return f"rule case {self.name!r} ({self.path.name}):\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"rule case: {self.name}"
