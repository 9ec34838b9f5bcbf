"""The status a batch-level finding leaves behind still follows docs/rules.md §4, whatever the findings."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.findings import finding, rule_table
from checks.models import Decision, DoctorDecision
from checks.status import with_findings

ORDER = ["approve", "partial", "reject", "manual_review"]
RULES = sorted(rule_table())
NOTES = [rule for rule in RULES if rule_table()[rule].severity in ("warning", "info")]
HPR = "1234567"

findings = st.lists(st.sampled_from(RULES).map(lambda rule: finding(rule, "x", hpr=HPR)), max_size=6)
doctors = st.lists(st.booleans().map(lambda rejected: DoctorDecision(hpr_number=HPR, rejected=rejected)),
                   min_size=1, max_size=3)


def decided(found, doctors) -> Decision:
    return with_findings(Decision(status="approve", doctors=doctors, recommended_total_nok=Decimal(100),
                                  payout_nok=Decimal(100)), found)


@settings(max_examples=200, deadline=None)
@given(findings, findings, doctors)
def test_more_findings_never_make_the_status_better(first, later, doctors):
    before = decided(first, doctors)
    after = with_findings(before, later)
    assert ORDER.index(after.status) >= ORDER.index(before.status)


@settings(max_examples=200, deadline=None)
@given(findings, doctors, st.lists(st.sampled_from(NOTES)))
def test_warnings_and_info_never_change_the_status(found, doctors, notes):
    extra = [finding(rule, "x") for rule in notes]
    assert decided(found + extra, doctors).status == decided(found, doctors).status


@settings(max_examples=200, deadline=None)
@given(findings, doctors)
def test_the_status_follows_the_severities(found, doctors):
    decision = decided(found, doctors)
    severities = {f.severity for f in found}
    if "review" in severities:
        assert decision.status == "manual_review"
    elif any(f.severity == "reject" and f.level == "application" for f in found) or all(d.rejected for d in doctors):
        assert decision.status == "reject"
    elif "reduce" in severities or any(d.rejected for d in doctors):
        assert decision.status == "partial"
    else:
        assert decision.status == "approve"


@settings(max_examples=200, deadline=None)
@given(findings, doctors)
def test_totals_follow_the_status(found, doctors):
    decision = decided(found, doctors)
    expected = {"manual_review": None, "reject": Decimal(0)}.get(decision.status, Decimal(100))
    assert decision.recommended_total_nok == expected and decision.payout_nok == expected
