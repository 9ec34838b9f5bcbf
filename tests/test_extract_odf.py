"""OpenDocument files (.odt, .ods) from LibreOffice read like their Word and Excel counterparts.

The samples generator writes no OpenDocument files, so these tests write the
smallest valid ones themselves.
"""
from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest

from extractors import read_attachment
from extractors.odf import a1_formula

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def _pack(path, mimetype: str, body: str):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                                        f"<office:document-content {_NS}><office:body>{body}</office:body>"
                                        f"</office:document-content>")
    return path


def _cell(value=None, formula=None):
    extra = f' table:formula="{formula}"' if formula else ""
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"{extra}/>'
    return f'<table:table-cell office:value-type="string"{extra}><text:p>{value}</text:p></table:table-cell>'


def _row(*cells):
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


@pytest.fixture()
def claim_ods(tmp_path):
    sheet = ('<table:table table:name="Beregningsgrunnlag">'
             + _row(_cell("HPR-nr."), _cell("Måned"), _cell("Fraværstimer"), _cell("Fraværssats"),
                    _cell("Veiledningstimer"), _cell("Veiledningssats"), _cell("Læringsaktiviteter"), _cell("Sum"))
             + _row(_cell("1234567"), _cell("september 2023"), _cell(16), _cell(1032.75), _cell(4), _cell(1397.25),
                    _cell(0), _cell(1, "of:=[.C2]*[.D2]+[.E2]*[.F2]+[.G2]"))
             + "</table:table>")
    return _pack(tmp_path / "krav.ods", "application/vnd.oasis.opendocument.spreadsheet",
                 f"<office:spreadsheet>{sheet}</office:spreadsheet>")


def test_ods_claim_sheet_is_a_regime_b_budget(claim_ods):
    budget = read_attachment(claim_ods).budget
    assert (budget.regime, budget.claims[0].hpr_number.value, budget.claims[0].month.value) == (
        "B", "1234567", "2023-09")


def test_ods_formula_is_recomputed_and_a_wrong_stored_value_noted(claim_ods):
    budget = read_attachment(claim_ods).budget
    assert budget.claims[0].total.value == Decimal("22113")
    assert [m.evidence.where for m in budget.arithmetic] == ["Beregningsgrunnlag!H2"]


def test_odt_training_plan_is_read_by_its_labels(tmp_path):
    body = ("<office:text><text:h>Individuell utdanningsplan</text:h>"
            "<text:p>Navn på lege:<text:tab/>Kari<text:s/>Nordmann</text:p>"
            "<text:p>HPR-nr.: <text:span>1234567</text:span></text:p></office:text>")
    plan = read_attachment(_pack(tmp_path / "plan.odt", "application/vnd.oasis.opendocument.text", body))
    assert (plan.kind, plan.training_plan.doctor_name.value, plan.hpr_number) == (
        "training_plan", "Kari Nordmann", "1234567")


@pytest.mark.parametrize("formula, expected", [
    ("of:=[.D2]*[.E2]", "=D2*E2"),
    ("of:=SUM([.J5:.J9])", "=SUM(J5:J9)"),
    ("of:=[$Beregningsgrunnlag.J7]+[.B1]", "='Beregningsgrunnlag'!J7+B1"),
    ("of:=ROUND([.A1];2)", "=ROUND(A1,2)"),
])
def test_ods_formula_is_rewritten_in_a1_form(formula, expected):
    assert a1_formula(formula) == expected
