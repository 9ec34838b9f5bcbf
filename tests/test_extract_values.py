"""Norwegian numbers, dates, months, positions and HPR numbers as people write them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from extractors.values import (find_dates, parse_amount, parse_date, parse_hpr, parse_month, parse_percent,
                               parse_position)


@pytest.mark.parametrize("text, expected", [
    ("240 000", "240000"),
    ("240 000,00", "240000.00"),
    ("kr 240.000,-", "240000"),
    ("240000", "240000"),
    ("1 032,75", "1032.75"),
    ("NOK 8 262", "8262"),
    ("240\u00a0000", "240000"),
    ("1\u2009032,75", "1032.75"),
    ("8\u202f262 kr", "8262"),
    ("1.032,75", "1032.75"),
    ("1,032.75", "1032.75"),
    ("1032.75", "1032.75"),
    ("12,5", "12.5"),
    ("kr 0,-", "0"),
    ("-1 200", "-1200"),
    ("(1 200)", "-1200"),
    ("1.140", "1140"),
    ("1 234 567,89", "1234567.89"),
])
def test_amount_text_becomes_exact_decimal(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("cell, expected", [(250000, "250000"), (1032.75, "1032.75"), (0.1, "0.1")])
def test_amount_cell_becomes_decimal_without_float_noise(cell, expected):
    assert parse_amount(cell) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "kr", "12.09.2023x", None, True])
def test_amount_rejects_what_is_not_a_number(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["14.01.2019", "01.09.2023", "1,2,3"])
def test_a_date_or_badly_grouped_digits_in_an_amount_cell_is_not_an_amount(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text, expected", [
    ("01.09.2023", date(2023, 9, 1)),
    ("1.9.2023", date(2023, 9, 1)),
    ("1. september 2023", date(2023, 9, 1)),
    ("1 sept. 2023", date(2023, 9, 1)),
    ("2023-09-01", date(2023, 9, 1)),
    ("01/09/2023", date(2023, 9, 1)),
    ("01-09-2023", date(2023, 9, 1)),
    ("Vardø, 15.09.2023", date(2023, 9, 15)),
    ("15. Desember 2023", date(2023, 12, 15)),
])
def test_date_text_in_any_norwegian_form(text, expected):
    assert parse_date(text) == expected


def test_date_cell_is_taken_as_it_is():
    assert parse_date(datetime(2023, 9, 1, 0, 0)) == date(2023, 9, 1)


@pytest.mark.parametrize("text", ["31.02.2023", "2023-13-01", "ikke signert", "", "______", "47-12-34-56"])
def test_date_rejects_impossible_or_missing_dates(text):
    assert parse_date(text) is None


def test_two_dates_on_one_line_are_both_found_in_order():
    assert [d for d, _ in find_dates("Vardø, 20.10.2023   Vardø, 14. oktober 2023")] == [
        date(2023, 10, 20), date(2023, 10, 14)]


@pytest.mark.parametrize("value, expected", [
    ("september 2023", "2023-09"),
    ("Sept 2023", "2023-09"),
    ("2023-09", "2023-09"),
    ("09.2023", "2023-09"),
    ("9/2023", "2023-09"),
    ("01.09.2023", "2023-09"),
    (datetime(2023, 9, 1), "2023-09"),
    (date(2024, 2, 29), "2024-02"),
])
def test_month_in_any_form_becomes_year_dash_month(value, expected):
    assert parse_month(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("januar 2024", "2024-01"), ("jan. 24", "2024-01"), ("Jan 24", "2024-01"), ("okt.23", "2023-10"),
    ("sep 2023", "2023-09"), ("September 2023", "2023-09"), ("14. januar 2019", "2019-01"),
    ("3. mars 2024", "2024-03"), ("03/12/2018", "2018-12"), ("09/2023", "2023-09"),
])
def test_claim_month_written_with_a_month_name_short_year_or_slashes(value, expected):
    assert parse_month(value) == expected


@pytest.mark.parametrize("text", ["13.2023", "sum", "", None])
def test_month_rejects_what_is_not_a_month(text):
    assert parse_month(text) is None


@pytest.mark.parametrize("text, expected", [
    ("Selvstendig næringsdrivende fastlege", "naeringsdrivende"),
    ("introduksjonsleg e", "introduksjonslege"),  # broken by a narrow table cell
    ("fastlege (næringsdrivende)", "naeringsdrivende"),
    ("Kommunalt ansatt fastlege", "kommunalt_ansatt"),
    ("Fastlege, fast ansatt i kommunen", "kommunalt_ansatt"),
    ("fastlege med fastlønn", "kommunalt_ansatt"),
    ("Fastlegevikar", "vikar"),
    ("Vikar for fastlege", "vikar"),
    ("Introduksjonslege", "introduksjonslege"),
    ("Lege ved legevakt", "annen"),
    ("sykehjemslege", "annen"),
    ("kommunelege, legevakt", "annen"),
    ("vikar", "vikar"),
])
def test_position_text_maps_to_the_rules_positions(text, expected):
    assert parse_position(text) == expected


def test_position_unknown_text_is_not_guessed():
    assert parse_position("fastlege") is None


@pytest.mark.parametrize("value, expected", [
    ("1234567", "1234567"), (1234567, "1234567"), (12345678.0, "12345678"), ("HPR-nr.: 123456789", "123456789"),
    ("12345", "12345"), ("1 234 567", "1234567"), ("HPR 9\u00a0876\u00a0543", "9876543"),
])
def test_hpr_digits_are_read_and_validity_left_to_the_checks(value, expected):
    assert parse_hpr(value) == expected


@pytest.mark.parametrize("value, expected", [("930 6163", "9306163"), ("93 06 163", "9306163"),
                                             ("9306163.0", "9306163"), ("9306163,00", "9306163")])
def test_hpr_typed_with_spaces_or_as_a_decimal_keeps_every_digit(value, expected):
    assert parse_hpr(value) == expected


@pytest.mark.parametrize("value", ["93061634.5", "12 34", "930616.3"])
def test_hpr_is_never_a_part_of_a_longer_number(value):
    assert parse_hpr(value) is None


@pytest.mark.parametrize("value, expected", [("100 %", 100), ("80%", 80), ("50 prosent", 50), (0.8, 80), ("60", 60)])
def test_percent_in_text_or_fraction_cell(value, expected):
    assert parse_percent(value) == Decimal(expected)
