"""Rules that need every submission of the batch: a doctor claimed by two submissions (docs/rules.md §3b).

Runs after every submission is decided and before any output is final, and
for a single re-run against the results already written. The checks work on
Decisions; a Result keeps the doctors' claimed months, which is all they need.
"""
from __future__ import annotations

from checks.corrections import settle
from checks.models import Decision, Finding
from checks.rules.identity import batch_double_claims
from checks.status import with_findings
from pipeline.result import Result


def as_decision(result: Result) -> Decision:
    return Decision(status=result.status, grant_year=result.grant_year,
                    requested_total_nok=result.requested_total_nok,
                    recommended_total_nok=result.recommended_total_nok, payout_nok=result.payout_nok,
                    doctors=result.doctors, findings=result.findings, ruleset=result.ruleset)


def with_batch_rules(results: list[Result]) -> list[Result]:
    """Every result, those sharing a doctor with another submission given `id.double-claim` and re-derived."""
    decided = {r.submission_id: r for r in results if r.ruleset is not None}
    extra = batch_double_claims({sid: as_decision(r) for sid, r in decided.items()})
    return [_updated(r, extra[r.submission_id]) if r.submission_id in extra else r for r in results]


def _updated(result: Result, findings: list[Finding]) -> Result:
    """The batch's findings added, those a caseworker accepted for this application settled as info."""
    corrections = [c.model_copy() for c in result.corrections]
    findings = settle(findings, [c for c in corrections if c.kind == "accept"])
    decision = with_findings(as_decision(result), findings)
    return result.model_copy(update={
        "status": decision.status, "findings": decision.findings, "corrections": corrections,
        "recommended_total_nok": decision.recommended_total_nok, "payout_nok": decision.payout_nok,
        "unused_funds_deducted_nok": None if decision.payout_nok is None else result.unused_funds_deducted_nok,
    })


def against_written(result: Result, written: list[Result]) -> Result:
    """A re-run submission checked for double claims against the results already under OUT.

    Only the re-run result changes: the others keep what their own run found
    until they are run again.
    """
    others = [r for r in written if r.submission_id != result.submission_id]
    return next(r for r in with_batch_rules([result, *others]) if r.submission_id == result.submission_id)
