"""What every budget layout is written with: formulas with the value they compute to, the
style of a workbook's cells, a sheet writer under optional title rows, the column labels,
and regime B's summary sheet.

Cells come in one of four modes, recorded in the truth: "formulas" (sums as formulas with
no stored value, as openpyxl writes them), "cached" (formulas with stored values, as Excel
saves them), "stale" (one stored value disagrees with its formula) and "values" (plain
numbers, as an export writes them; some such files hold amounts as text like "240 000").
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from samples.generator import variation as v
from samples.generator.plan import COST_COLUMNS, Submission

MODES = (("formulas", 50), ("cached", 20), ("stale", 5), ("values", 25))
HEADERS_A = {
    "name": ("Navn", "Navn på lege", "Lege"),
    "hpr": ("HPR-nr.", "HPR nr", "HPR-nummer", "Helsepersonellnummer"),
    "position": ("Stilling", "Stillingstype"),
    "veiledning": ("Veiledning", "Kostnader veiledning"),
    "vikar ved fravær": ("Vikar ved fravær", "Vikarutgifter ved fravær"),
    "kurs": ("Kurs", "Kursutgifter"),
    "nettverkssamlinger": ("Nettverkssamlinger",),
    "kompensasjon for kortere liste": ("Kompensasjon for kortere liste", "Komp. redusert liste"),
    "andre tiltak": ("Andre tiltak",),
    "total": ("Sum kostnader", "Totale kostnader"),
    "cofunding": ("Kommunal egenfinansiering", "Kommunens andel"),
    "requested": ("Søknadsbeløp", "Omsøkt beløp", "Søkt tilskudd"),
}
HEADERS_B = {
    "hpr": ("HPR", "HPR-nr.", "HPR nr"),
    "name": ("Navn", "Navn på lege"),
    "month": ("Måned", "Periode (måned)"),
    "absence_hours": ("Fraværstimer", "Timer fravær"),
    "absence_rate": ("Sats fravær", "Sats per time fravær", "Timepris fravær"),
    "supervision_hours": ("Veiledningstimer", "Timer veiledning", "Antall veiledningstimer"),
    "supervision_rate": ("Sats veiledning", "Sats per time veiledning", "Timepris veiledning"),
    "learning_costs": ("Læringsaktiviteter kostnad", "Kostnad læringsaktiviteter", "Utgifter kurs"),
    "total": ("Sum", "Sum måned"),
}
CLAIM_FIELDS = ("absence_hours", "absence_rate", "supervision_hours", "supervision_rate", "learning_costs", "total")
# Two-row headers: a group label over neighbouring columns, short labels under it.
GROUPS_A = {"Kostnader": COST_COLUMNS,
            "Finansiering": ("total", "cofunding", "requested")}
GROUPS_B = {"Fravær": ("absence_hours", "absence_rate"), "Veiledning": ("supervision_hours", "supervision_rate")}
SUB_HEADERS = {
    "total": ("Sum kostnader", "Totalt"), "cofunding": ("Egenandel", "Kommunens andel"),
    "requested": ("Søkt beløp", "Søknadsbeløp"),
    "absence_hours": ("Timer", "Antall timer"), "supervision_hours": ("Timer", "Antall timer"),
    "absence_rate": ("Sats", "Kr per time", "Sats (kr)"), "supervision_rate": ("Sats", "Kr per time", "Sats (kr)"),
}
EXTRA_COLUMNS = ("Merknad", "Kommentar", "Intern ref.")
TOTAL_LABELS = ("Sum", "Totalt", "SUM")
WIDE_TOTAL_LABELS = ("I alt", "Sum alle leger", "Totalsum")


@dataclass
class Formula:
    """A formula and the value it computes to (stored only in some modes)."""

    text: str
    value: Decimal


@dataclass
class Style:
    mode: str
    text_numbers: bool
    layout: str = "table"  # "table", "sheets" (one per doctor), "sheets+summary", "turned"
    writer: str = "excel"  # "excel", "strict" (Strict Open XML), "web" (a web export); "ods", "xls" for those
    header_rows: int = 1
    labels_merged_down: bool = False  # under a two-row header: an ungrouped column's label spans both rows
    subtotals: bool = False  # a sum row under each doctor's months
    note_under: bool = False  # who filled it in, written under the table
    total_row: bool = True  # a claim sheet may end without a sum row
    cached: dict[int, dict[str, object]] = field(default_factory=dict)  # sheet number -> cell -> stored value
    budget_sheets: list[int] = field(default_factory=lambda: [1])  # the sheets whose sums may be stored stale


class Sheet:
    """Writes rows below optional title rows; formulas or plain values by the style's mode."""

    def __init__(self, rng: random.Random, ws: Worksheet, index: int, style: Style, title: str, width: int):
        self.rng, self.ws, self.style, self.row = rng, ws, style, 1
        self.cached = style.cached.setdefault(index, {})
        if rng.random() < 0.75:
            ws.cell(1, 1, title)
            if rng.random() < 0.6:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(2, width))
            self.row = 2 + rng.randint(0, 2)

    def _money(self, value: Decimal) -> object:
        """Text like "240 000" in text-number files, unless that would round away fractions of an øre."""
        if self.style.text_numbers and value == value.quantize(Decimal("0.01")):
            return v.money(self.rng, value)
        return int(value) if value == value.to_integral_value() else float(value)

    def write(self, values: list[object]) -> int:
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            if isinstance(value, Formula) and self.style.mode != "values":
                cell = self.ws.cell(self.row, col, "=" + value.text)
                self.cached[cell.coordinate] = self._number(value.value)
                continue
            if isinstance(value, Formula):
                value = value.value
            cell = self.ws.cell(self.row, col, self._money(value) if isinstance(value, Decimal) else value)
            if hasattr(value, "year"):
                cell.number_format = "mmm yyyy"
        self.row += 1
        return self.row - 1

    @staticmethod
    def _number(value: Decimal) -> str:
        return f"{value.normalize():f}"


def sheet_ref(title: str, coord: str) -> str:
    """A cell on another sheet as a formula names it ("'Budsjett Kari'!B14")."""
    return "'" + title.replace("'", "''") + "'!" + coord


def notes_under(rng: random.Random, sheet: Sheet, sub: Submission) -> None:
    """Who filled the sheet in, under the table: text that is not a doctor."""
    if v.wide() and rng.random() < 0.3:
        sheet.style.note_under = True
        sheet.row += 1
        sheet.write([rng.choice(["Utfylt av:", "Kontaktperson:", "Merknad:"]), sub.contact])


def label_column(cols: list[str], sums: set[str]) -> str:
    """A sum row's label stands in its first column that holds no sum."""
    return next(c for c in cols if c not in sums)


def summary_sheet(rng: random.Random, sub: Submission, ws: Worksheet, index: int, style: Style,
                  claims: Formula) -> None:
    """Regime B's "Oppsummering": district supplements per doctor, the claims, facilitation, the total."""
    sheet = Sheet(rng, ws, index, style, f"Oppsummering – {sub.kommune.name}", 3)
    refs = []
    supplements = [d for d in sub.doctors if d.district_supplement is not None]
    if supplements:
        sheet.write(["Navn", rng.choice(HEADERS_B["hpr"]), rng.choice(["Distriktstillegg", "Distriktstilskudd"])])
        for d in supplements:
            refs.append(f"C{sheet.write([d.name, d.hpr, d.district_supplement])}")
        sheet.row += 1
    base = sheet.write([rng.choice(["Sum beregningsgrunnlag", "Sum kompensasjon"]), None, claims])
    fac = sheet.write([rng.choice(["Tilrettelegging", "Tilrettelegging (inntil 5 %)"]), None, sub.facilitation])
    total = Formula(f"C{base}+C{fac}" + "".join(f"+{r}" for r in refs), sub.total_claimed)
    sheet.write([rng.choice(["Totalt omsøkt", "Sum søknad", "Totalt"]), None, total])
