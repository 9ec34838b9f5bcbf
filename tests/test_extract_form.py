"""skjema.json is read into a FormRecord that lists what is wrong instead of raising."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from extractors import read_form
from samples.generator import generate


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    generate(out, 6, 31)
    folders = [p for p in out.iterdir() if p.is_dir() and (p / "skjema.json").exists()]
    assert folders
    return [(json.loads((p / "skjema.json").read_text(encoding="utf-8")), read_form(p / "skjema.json"))
            for p in folders]


def test_generated_form_is_read_without_problems(forms):
    assert all(record.all_problems() == [] for _, record in forms)


def test_generated_form_identity_fields_are_read(forms):
    for raw, record in forms:
        assert (record.submission_id, record.grant_year, record.org_number, record.kommunenummer) == (
            raw["submission_id"], raw["grant_year"], raw["municipality"]["org_number"],
            raw["municipality"]["kommunenummer"])


def test_amounts_are_exact_decimals_not_floats(forms):
    for raw, record in forms:
        assert isinstance(record.requested_amount, Decimal)
        assert record.requested_amount == Decimal(str(raw["requested_amount_nok"]))


def _write(tmp_path, content: str):
    path = tmp_path / "skjema.json"
    path.write_text(content, encoding="utf-8")
    return read_form(path)


def test_missing_form_is_a_problem(tmp_path):
    assert read_form(tmp_path / "skjema.json").problems == ["Søknadsskjemaet mangler i innsendingen."]


@pytest.mark.parametrize("content", ["", "{", "ikke json", "[1, 2]", "\"tekst\""])
def test_form_that_is_not_a_json_object_is_a_problem(tmp_path, content):
    record = _write(tmp_path, content)
    assert record.problems and record.grant_year is None


@pytest.mark.parametrize("missing, word", [("grant_year", "Tilskuddsår"), ("requested_amount_nok", "Søknadsbeløp")])
def test_missing_required_field_is_named_in_the_problem(tmp_path, missing, word):
    form = {"grant_year": 2024, "municipality": {"org_number": "964830533"}, "requested_amount_nok": 1000}
    del form[missing]
    record = _write(tmp_path, json.dumps(form))
    assert list(record.field_problems) == [missing] and word in record.field_problems[missing]


def test_missing_org_number_is_a_problem(tmp_path):
    record = _write(tmp_path, json.dumps({"grant_year": 2024, "municipality": {}, "requested_amount_nok": 1}))
    assert record.field_problems == {"municipality.org_number": "Organisasjonsnummer mangler i søknadsskjemaet."}


@pytest.mark.parametrize("field, value", [("grant_year", "tjuetjuefire"), ("grant_year", True),
                                          ("requested_amount_nok", "512 000"), ("requested_amount_nok", -5),
                                          ("municipality", "Vardø")])
def test_field_of_the_wrong_type_is_a_problem_kept_under_its_key_and_left_empty(tmp_path, field, value):
    form = {"grant_year": 2024, "municipality": {"org_number": "964830533"}, "requested_amount_nok": 1000}
    form[field] = value
    record = _write(tmp_path, json.dumps(form))
    assert field in record.field_problems and "søknadsskjemaet" in record.field_problems[field]


def test_fields_that_could_be_read_are_kept_beside_the_problems(tmp_path):
    record = _write(tmp_path, json.dumps({"submission_id": "AR-1", "grant_year": 2024,
                                          "municipality": {"name": "Vardø kommune"}, "requested_amount_nok": 1}))
    assert (record.submission_id, record.municipality_name, record.all_problems() != []) == ("AR-1", "Vardø kommune", True)


def test_amount_keeps_every_decimal_as_written(tmp_path):
    form = {"grant_year": 2024, "municipality": {"org_number": "964830533"}, "requested_amount_nok": 512345.50}
    assert _write(tmp_path, json.dumps(form)).requested_amount == Decimal("512345.5")
