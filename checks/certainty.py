"""How sure a value must be before a rule decides on it: checks/certainty.yaml, applied to one value.

The extractors say how they found a value (Evidence.route) and how sure they are (Extracted.grade);
this module alone decides whether that is enough for a rule to decide on: a strong route and the
grade found, or a weak route the policy accepts for that field. Everything else is a doubt, and a
doubt on a decisive value sends the doctor to a person (checks/rules/certainty.py).
"""
from __future__ import annotations

import re
from enum import Enum
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from extractors.models import Evidence, Extracted, Grade

POLICY_PATH = Path(__file__).with_name("certainty.yaml")


class Doubt(str, Enum):
    """Why a value is not sure enough to decide on."""

    weak = "weak"  # found only by a weak route, or by no route named
    low = "low"  # found by a strong route, but its extractor graded it low
    unreadable = "unreadable"  # text stood where the value should be and could not be read


class Acceptance(BaseModel):
    route: str
    statement: str | None = None
    why: str


class Decisive(BaseModel):
    name: str
    check: str
    regimes: list[str]


class Policy(BaseModel):
    routes: dict[str, dict[str, str]]
    said: dict[str, str]
    accepted: dict[str, list[Acceptance]]
    decisive: dict[str, dict[str, Decisive]]
    agree: dict[str, list[str]]

    @property
    def strong_routes(self) -> frozenset[str]:
        return frozenset(self.routes["strong"])


@cache
def policy() -> Policy:
    return Policy.model_validate(yaml.safe_load(POLICY_PATH.read_text(encoding="utf-8")))


def unreadable(value: Extracted) -> bool:
    """No value, but the evidence shows the text that stood where it should be."""
    evidence = value.evidence
    return value.value is None and evidence is not None and evidence.value not in (None, "")


def doubt(field: str, value: Extracted) -> Doubt | None:
    """Whether `value` of `field` is not sure enough to decide on, and why; a value not found at all
    is no doubt here (doc.field-missing says so where the rules need it)."""
    if value.value is None:
        return Doubt.unreadable if unreadable(value) else None
    if _accepted(field, value.evidence):
        return None
    if value.evidence is None or value.evidence.route not in policy().strong_routes:
        return Doubt.weak
    return Doubt.low if value.grade != Grade.found else None


def _accepted(field: str, evidence: Evidence | None) -> bool:
    """A weak route the policy accepts for this field (a silent agreement on vikarbyrå means no)."""
    if evidence is None:
        return False
    for rule in policy().accepted.get(field, []):
        if rule.route != evidence.route:
            continue
        if rule.statement is None or re.search(rule.statement, str(evidence.value or ""), re.IGNORECASE):
            return True
    return False


def decisive(record: str, regime: str) -> dict[str, Decisive]:
    """The fields of a record ("agreement", "budget_row", "claim", "summary") a rule decides on in `regime`."""
    return {name: spec for name, spec in policy().decisive[record].items() if regime in spec.regimes}


def said(reason: Doubt, evidence: Evidence | None) -> str:
    """How a finding words a doubt, in Norwegian: "står bare i løpende tekst, ikke ved en ledetekst"."""
    phrases = policy().said
    if reason is Doubt.weak:
        route = evidence.route if evidence is not None else None
        return phrases.get(route or "unknown-route", phrases["unknown-route"])
    return phrases[reason.value]
