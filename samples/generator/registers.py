"""The default registers, read so that generated submissions agree with them."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "registers"


@dataclass(frozen=True)
class Kommune:
    kommunenummer: str
    name: str
    org_number: str
    klass: int


@dataclass(frozen=True)
class Registers:
    kommuner: tuple[Kommune, ...]
    education_enterprises: frozenset[str]
    vest_nord_hprs: tuple[str, ...]
    veteran_hprs: tuple[str, ...]  # funded in four earlier years (elig.max-years in 2024)
    history_hprs: frozenset[str]

    def enterprises(self, central: bool | None = None) -> list[Kommune]:
        return [k for k in self.kommuner if k.org_number in self.education_enterprises
                and (central is None or (k.klass == 6) != central)]

    def non_enterprises(self) -> list[Kommune]:
        return [k for k in self.kommuner if k.org_number not in self.education_enterprises]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(directory: Path = DEFAULT_DIR) -> Registers:
    kommuner = tuple(Kommune(r["kommunenummer"], r["name"], r["org_number"], int(r["sentraliseringsklasse"]))
                     for r in _rows(directory / "kommuner.csv"))
    history = _rows(directory / "grant_history.csv")
    years: dict[str, set[str]] = {}
    for r in history:
        years.setdefault(r["hpr_number"], set()).add(r["year"])
    return Registers(
        kommuner=kommuner,
        education_enterprises=frozenset(r["org_number"] for r in _rows(directory / "utdanningsvirksomheter.csv")),
        vest_nord_hprs=tuple(r["hpr_number"] for r in _rows(directory / "alis_vest_nord.csv")),
        veteran_hprs=tuple(h for h, ys in years.items() if len(ys) >= 4),
        history_hprs=frozenset(years),
    )
