"""Parameter files: one per grant year, every value with a source, unknown years refused."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from checks.findings import rule_table
from checks.parameters import UnknownYear, describe, known_years, load_parameters
from checks.sources import named


def test_the_five_grant_years_have_parameters():
    assert known_years() == [2019, 2020, 2021, 2023, 2024]


@pytest.mark.parametrize("year", [2018, 2022, 2025, None])
def test_a_year_without_a_file_is_refused_with_a_clear_message(year):
    with pytest.raises(UnknownYear, match=f"Ingen regler for tilskuddsåret {year}"):
        load_parameters(year)


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2023, 2024])
def test_every_parameter_has_a_source(year):
    assert all(row.source for row in describe(load_parameters(year)))


def test_assumptions_are_marked_for_alis_rules():
    assumed = {row.name for row in describe(load_parameters(2024)) if row.assumption}
    assert assumed == {"appropriations", "deadline", "district_supplement_per_year", "reporting_deadline"}


def test_the_2019_cap_is_an_assumption():
    assert load_parameters(2019).cap_per_alis.assumption


def test_derived_rates_are_shown_with_their_formula():
    rows = {row.name: row for row in describe(load_parameters(2024))}
    assert rows["max_absence_rate"].value == "1\u00a0032,75"
    assert rows["max_absence_rate"].source.startswith("beregnet: 0,85 × 1\u00a0215")


def test_factors_stay_exact_decimals():
    assert load_parameters(2023).max_absence_factor.value == Decimal("0.85")


def test_regime_a_years_have_no_monthly_rates():
    params = load_parameters(2021)
    assert params.is_regime_a and params.salaersats is None


def test_backdating_is_a_2023_rule_only():
    assert load_parameters(2023).backdating_floor is not None
    assert load_parameters(2024).backdating_floor is None


def test_2021_total_appropriation_is_both_schemes():
    assert load_parameters(2021).total_appropriation() == Decimal("102000000")


def test_2021_allocates_employed_doctors_against_the_ansatt_appropriation():
    params = load_parameters(2021)
    assert params.appropriation_for("kommunalt_ansatt") == "ansatt"
    assert params.appropriation_for("vikar") == "naeringsdrift"


def test_years_with_one_appropriation_allocate_against_the_total():
    assert load_parameters(2024).appropriation_for("kommunalt_ansatt") == "total"


def test_every_source_cited_reads_as_a_document_not_a_file_of_ours():
    cited = [row.source for year in (2019, 2020, 2021, 2023, 2024) for row in describe(load_parameters(year))]
    cited += [rule.source for rule in rule_table().values()]
    internal = re.compile(r"seed 0|\.md\b|\.csv\b|\.ya?ml\b|FACTS|domain \d")
    assert [s for s in cited if internal.search(named(s, 2024))] == []
