"""The application's status and totals from its findings (docs/rules.md §4)."""
from __future__ import annotations

from decimal import Decimal

from checks.models import Decision, DoctorDecision, Finding, Status


def derive_status(findings: list[Finding], doctors: list[DoctorDecision]) -> Status:
    """Review beats reject beats reduce; warnings and info never change the status."""
    if any(f.severity == "review" for f in findings):
        return "manual_review"
    application_reject = any(f.severity == "reject" and f.level == "application" for f in findings)
    if application_reject or all(d.rejected for d in doctors):
        return "reject"
    if any(f.severity == "reduce" for f in findings) or any(d.rejected for d in doctors):
        return "partial"
    return "approve"


def totals(status: Status, recommended: Decimal, payout: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(recommended_total, payout): None for manual review, 0 for a rejection."""
    if status == "manual_review":
        return None, None
    if status == "reject":
        return Decimal("0"), Decimal("0")
    return recommended, payout


def with_findings(decision: Decision, extra: list[Finding]) -> Decision:
    """The decision with findings found outside it (a batch-wide double claim), status derived again."""
    findings = [*decision.findings, *extra]
    status = derive_status(findings, decision.doctors)
    recommended, payout = totals(status, decision.recommended_total_nok or Decimal("0"),
                                 decision.payout_nok or Decimal("0"))
    return decision.model_copy(update={"findings": findings, "status": status,
                                       "recommended_total_nok": recommended, "payout_nok": payout})
