"""Rules that need every submission of the batch: a doctor claimed by two submissions (docs/rules.md §3b).

Runs after every submission is decided, and for a single re-run against the
results already written. A batch keeps of each decision only its `Claims` (the
grant year and each doctor's HPR number with the months claimed), which is all
the rule needs, so what waits for the last decision stays small however large
the batch; only the submissions the rule changes are written again.
"""
from __future__ import annotations

from pydantic import BaseModel

from checks.corrections import settle
from checks.models import Decision, DoctorDecision, Finding
from checks.rules.identity import batch_double_claims
from checks.status import with_findings
from pipeline.result import Result


class Claims(BaseModel):
    """What the batch-level rules need of one decided submission."""

    grant_year: int | None = None
    doctors: list[tuple[str, list[str]]] = []  # HPR number, months claimed (none: the whole year)

    @classmethod
    def of(cls, result: Result) -> "Claims | None":
        """None for a result no rules were applied to (it cannot be a double claim)."""
        if result.ruleset is None:
            return None
        return cls(grant_year=result.grant_year,
                   doctors=[(d.hpr_number, d.claimed_months) for d in result.doctors if d.hpr_number])


def double_claims(claims: dict[str, Claims]) -> dict[str, list[Finding]]:
    """The findings to add, by submission id, for submissions sharing a doctor with another of the batch."""
    return batch_double_claims({sid: Decision(status="approve", grant_year=c.grant_year, doctors=[
        DoctorDecision(hpr_number=hpr, claimed_months=months) for hpr, months in c.doctors]) for sid, c in claims.items()})


def as_decision(result: Result) -> Decision:
    return Decision(status=result.status, grant_year=result.grant_year,
                    requested_total_nok=result.requested_total_nok,
                    recommended_total_nok=result.recommended_total_nok, payout_nok=result.payout_nok,
                    doctors=result.doctors, findings=result.findings, ruleset=result.ruleset)


def with_batch_rules(results: list[Result]) -> list[Result]:
    """Every result, those sharing a doctor with another submission given `id.double-claim` and re-derived."""
    extra = double_claims({r.submission_id: c for r in results if (c := Claims.of(r)) is not None})
    return [updated(r, extra[r.submission_id]) if r.submission_id in extra else r for r in results]


def updated(result: Result, findings: list[Finding]) -> Result:
    """The batch's findings added, those a caseworker accepted for this application settled as info,
    and its status and amounts derived again."""
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
