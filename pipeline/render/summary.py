"""summary.html: one application on one page, for a caseworker who has two minutes."""
from __future__ import annotations

from pipeline.render.actions import next_step
from pipeline.render.amounts import OTHER_LABEL, other_amounts
from pipeline.render.environment import environment
from checks.models import Finding
from pipeline.result import Result

SEVERITY_ORDER = ("review", "reject", "reduce", "warning", "info")
CORRECTION_STATES = {"applied": "Ja", "outdated": "Nei: utdatert", "invalid": "Nei: feil",
                     "replaced": "Nei: erstattet", "unused": "Nei: ikke lenger aktuell"}


def render_summary(result: Result) -> str:
    """Status and amount first, then what must be done, then the evidence behind it."""
    return environment().get_template("summary.html.j2").render(**summary_context(result))


def summary_context(result: Result) -> dict:
    findings = sorted_findings(result.findings)
    return {
        "r": result,
        "to_do": [f for f in findings if f.severity == "review"],
        "other_findings": [f for f in findings if f.severity != "review"],
        "other": other_amounts(result),
        "other_label": OTHER_LABEL,
        "next_step": next_step,
        "correction_states": CORRECTION_STATES,
        "corrected_doctors": {c.hpr_number for c in result.corrections if c.state == "applied" and c.hpr_number},
        "doctor_names": {d.hpr_number: d.name for d in result.doctors if d.hpr_number},
        "unread_because": {f.evidence.file: f.message for f in result.findings
                           if f.rule in ("doc.unreadable", "doc.no-text-layer") and f.evidence},
    }


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Most decisive first: what stops the case, then what refuses, reduces, warns, informs."""
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return sorted(findings, key=lambda f: rank.get(f.severity, len(rank)))
