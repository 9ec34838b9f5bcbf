"""Status derivation (docs/rules.md §4) and the amount invariants every decision keeps."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from checks.decide import decide, decide_without_rules
from checks.findings import finding, pipeline_error, rule_table
from checks.models import Decision, DoctorDecision
from checks.parameters import load_parameters
from checks.status import derive_status, totals, with_findings
from tests.rules.builder import build_facts, default_registers

ACCEPTED = DoctorDecision(hpr_number="1234567")
REJECTED = DoctorDecision(hpr_number="7654321", rejected=True)


def test_no_findings_is_approve():
    assert derive_status([], [ACCEPTED]) == "approve"


def test_review_beats_an_application_level_reject():
    findings = [finding("elig.after-deadline", "x"), finding("doc.budget-missing", "x")]
    assert derive_status(findings, [ACCEPTED]) == "manual_review"


def test_pipeline_error_means_manual_review():
    assert derive_status([pipeline_error("tidsavbrudd")], [ACCEPTED]) == "manual_review"


def test_application_level_reject_is_reject_even_with_accepted_doctors():
    assert derive_status([finding("elig.after-deadline", "x")], [ACCEPTED]) == "reject"


def test_every_doctor_rejected_is_reject():
    assert derive_status([finding("elig.max-years", "x", hpr="7654321")], [REJECTED]) == "reject"


def test_one_of_two_doctors_rejected_is_partial():
    assert derive_status([finding("elig.max-years", "x", hpr="7654321")], [ACCEPTED, REJECTED]) == "partial"


def test_reduce_is_partial():
    assert derive_status([finding("amount.cap-per-alis", "x", hpr="1234567")], [ACCEPTED]) == "partial"


def test_warning_and_info_never_change_the_status():
    findings = [finding("id.amount-mismatch", "x"), finding("amount.unused-funds-deducted", "x")]
    assert derive_status(findings, [ACCEPTED]) == "approve"


def test_manual_review_has_no_totals():
    assert totals("manual_review", Decimal(100), Decimal(90)) == (None, None)


def test_reject_has_zero_totals():
    assert totals("reject", Decimal(100), Decimal(90)) == (Decimal(0), Decimal(0))


def test_partial_keeps_its_totals():
    assert totals("partial", Decimal(100), Decimal(90)) == (Decimal(100), Decimal(90))


def test_a_batch_finding_added_later_turns_the_decision_to_manual_review():
    decision = Decision(status="approve", doctors=[ACCEPTED], recommended_total_nok=Decimal(100),
                        payout_nok=Decimal(100))
    updated = with_findings(decision, [finding("id.double-claim", "x", hpr="1234567")])
    assert (updated.status, updated.recommended_total_nok, updated.payout_nok) == ("manual_review", None, None)


def test_every_rule_in_the_table_has_a_known_severity_and_level():
    table = rule_table()
    assert len(table) == 41
    assert table["amount.cap-per-alis"].severity == "reduce"
    assert (table["doc.ocr-read"].severity, table["doc.ocr-uncertain"].severity) == ("info", "review")
    assert table["doc.unmatched-attachment"].level == "attachment"


def test_year_without_rules_goes_to_manual_review():
    facts = build_facts({"doctors": []}, load_parameters(2024))
    decision = decide_without_rules(facts, "Det finnes ikke regler for tilskuddsåret 2022.")
    assert decision.status == "manual_review"
    assert [f.rule for f in decision.findings] == ["doc.form-invalid"]
    assert decision.recommended_total_nok is None


money = st.decimals(min_value=0, max_value=500000, places=2)
hours = st.decimals(min_value=0, max_value=200, places=2)
rates = st.decimals(min_value=0, max_value=3000, places=2)
months_2024 = st.sampled_from(["2023-07", "2023-08", "2023-09", "2023-12", "2024-03", "2024-08", "2024-09"])


def _positive_amounts_hold(decision) -> None:
    for doctor in decision.doctors:
        assert Decimal(0) <= doctor.recommended_nok <= doctor.requested_nok
    if decision.recommended_total_nok is not None:
        assert Decimal(0) <= decision.recommended_total_nok <= decision.requested_total_nok
        assert Decimal(0) <= decision.payout_nok <= decision.recommended_total_nok


@settings(max_examples=60, deadline=None)
@given(total_cost=money, requested=money, unused=money)
def test_regime_a_recommended_is_never_negative_nor_above_requested(total_cost, requested, unused):
    case = {"form": {"unused_funds": unused},
            "doctors": [{"name": "Kari Nordmann", "hpr": "1234567", "total_cost": total_cost, "requested": requested}]}
    params = load_parameters(2020)
    _positive_amounts_hold(decide(build_facts(case, params), params, default_registers()))


@settings(max_examples=60, deadline=None)
@given(claims=st.lists(st.fixed_dictionaries({
    "month": months_2024, "absence_hours": hours, "absence_rate": rates,
    "supervision_hours": hours, "supervision_rate": rates, "learning_costs": money}), min_size=1, max_size=4),
    supplement=st.none() | money, facilitation=st.none() | money,
    start=st.dates(min_value=date(2023, 6, 1), max_value=date(2024, 6, 1)))
def test_regime_b_recommended_is_never_negative_nor_above_requested(claims, supplement, facilitation, start):
    case = {"facilitation": facilitation,
            "doctors": [{"name": "Kari Nordmann", "hpr": "1234567", "claims": claims,
                         "district_supplement": supplement, "employment_start": start}]}
    params = load_parameters(2024)
    _positive_amounts_hold(decide(build_facts(case, params), params, default_registers()))
