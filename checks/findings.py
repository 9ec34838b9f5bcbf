"""Build findings from docs/rules.md §4's table (checks/rule_table.yaml), so severity and level live in one place."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from checks.models import Finding, Level, Severity
from extractors.models import Evidence

RULE_TABLE_PATH = Path(__file__).with_name("rule_table.yaml")


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a slip in the YAML (an unquoted comma) fails, never goes unseen

    severity: Severity
    level: Level
    regimes: list[str]
    source: str
    when: str  # what makes the rule fire, for docs/rules.md


@cache
def rule_table() -> dict[str, RuleSpec]:
    data = yaml.safe_load(RULE_TABLE_PATH.read_text(encoding="utf-8"))
    return {rule: RuleSpec.model_validate(spec) for rule, spec in data.items()}


def finding(rule: str, message: str, *, hpr: str | None = None, evidence: Evidence | None = None,
            source: str | None = None) -> Finding:
    """A finding for `rule`; `source` overrides the table's when a parameter names a sharper one."""
    spec = rule_table()[rule]
    return Finding(rule=rule, severity=spec.severity, level=spec.level, hpr_number=hpr,
                   message=message, evidence=evidence, source=source or spec.source)


def pipeline_error(message: str, evidence: Evidence | None = None) -> Finding:
    """The finding for a submission whose processing broke; the batch goes on."""
    return finding("pipeline.error", f"Behandlingen feilet: {message}. Søknaden må behandles manuelt.",
                   evidence=evidence)
