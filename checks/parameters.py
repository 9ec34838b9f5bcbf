"""The rules' numbers for one grant year, read from checks/parameters/YEAR.yaml.

Every value carries its source so that `alis rules --year Y` can show where it
came from and which values are assumptions. Derived rates (0.85 × salærsats and
so on) are computed here in Decimal, never stored, so they cannot drift from
the factors they come from.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Generic, Literal, NamedTuple, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict

from checks.money import format_number
from extractors.models import Position

PARAMETER_DIR = Path(__file__).with_name("parameters")

T = TypeVar("T")


class UnknownYear(LookupError):
    """The grant year has no parameter file: refuse rather than guess (docs/rules.md §2)."""

    def __init__(self, year: object):
        self.year = year
        known = ", ".join(str(y) for y in known_years())
        super().__init__(f"Ingen regler for tilskuddsåret {year}. Kjente år: {known}.")


class Parameter(BaseModel, Generic[T]):
    model_config = ConfigDict(frozen=True)

    value: T
    unit: str
    description: str = ""
    source: str
    assumption: bool = False


class YearParameters(BaseModel):
    """One grant year. Regime-specific parameters are None in the other regime."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    regime: Parameter[Literal["A", "B"]]
    appropriations: Parameter[dict[str, Decimal]]
    appropriation_schemes: Parameter[dict[Position, str]] | None = None
    deadline: Parameter[date]
    reporting_deadline: Parameter[date] | None = None  # when known: the letter names it
    max_years: Parameter[int]
    eligible_positions: Parameter[list[Position]]
    vikar_min_months: Parameter[int] | None = None
    # regime A
    cap_per_alis: Parameter[Decimal] | None = None
    cofunding_min: Parameter[Decimal] | None = None
    # regime B
    period_start: Parameter[date] | None = None
    period_end: Parameter[date] | None = None
    salaersats: Parameter[Decimal] | None = None
    max_absence_factor: Parameter[Decimal] | None = None
    hours_per_day: Parameter[int] | None = None
    max_supervision_factor: Parameter[Decimal] | None = None
    facilitation_max: Parameter[Decimal] | None = None
    backdating_floor: Parameter[date] | None = None
    district_supplement_per_year: Parameter[Decimal] | None = None
    district_class: Parameter[int] | None = None
    min_covered_days: Parameter[int] | None = None

    @property
    def is_regime_a(self) -> bool:
        return self.regime.value == "A"

    def total_appropriation(self) -> Decimal:
        """All of the year's appropriations together (2021 has two schemes)."""
        return sum(self.appropriations.value.values(), Decimal("0"))

    def appropriation_for(self, position: Position | None) -> str:
        """The appropriation a doctor is allocated against ("total" in years with one)."""
        if self.appropriation_schemes is None:
            return "total"
        return self.appropriation_schemes.value.get(position, "total")

    @property
    def max_absence_rate(self) -> Decimal:
        return self.max_absence_factor.value * self.salaersats.value

    @property
    def max_day_rate(self) -> Decimal:
        return self.max_absence_rate * self.hours_per_day.value

    @property
    def max_supervision_rate(self) -> Decimal:
        return self.max_supervision_factor.value * self.salaersats.value


class _DecimalLoader(yaml.SafeLoader):
    """YAML floats become Decimal so that 0.85 stays exactly 0.85."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node))
)


def known_years() -> list[int]:
    return sorted(int(p.stem) for p in PARAMETER_DIR.glob("*.yaml") if p.stem.isdigit())


@lru_cache(maxsize=None)
def load_parameters(year: int | None) -> YearParameters:
    """The year's parameters, parsed once: deciding, letters and the batch overview all ask for them."""
    path = PARAMETER_DIR / f"{year}.yaml"
    if not isinstance(year, int) or not path.is_file():
        raise UnknownYear(year)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)
    return YearParameters.model_validate(data)


class ParameterRow(NamedTuple):
    name: str
    description: str
    value: str
    unit: str
    source: str
    assumption: bool


def _show(value: object) -> str:
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return format_number(Decimal(value))
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe(params: YearParameters) -> list[ParameterRow]:
    """Rows for `alis rules --year Y`: every parameter, then the derived rates."""
    rows = []
    for name in YearParameters.model_fields:
        param = getattr(params, name)
        if isinstance(param, Parameter):
            rows.append(ParameterRow(name, param.description, _show(param.value), param.unit,
                                     param.source, param.assumption))
    if params.salaersats is not None:
        sats = _show(params.salaersats.value)
        derived = [
            ("max_absence_rate", "Fraværssats høyst", params.max_absence_rate, "NOK per time",
             f"{_show(params.max_absence_factor.value)} × {sats}"),
            ("max_day_rate", "Dagsats høyst", params.max_day_rate, "NOK per dag",
             f"{params.hours_per_day.value} × {_show(params.max_absence_rate)}"),
            ("max_supervision_rate", "Veiledningssats høyst", params.max_supervision_rate,
             "NOK per time", f"{_show(params.max_supervision_factor.value)} × {sats}"),
        ]
        for name, description, value, unit, formula in derived:
            rows.append(ParameterRow(name, description, _show(value), unit,
                                     f"beregnet: {formula} ({params.salaersats.source})", False))
    return rows
