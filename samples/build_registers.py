"""Writes the default reference registers in samples/registers/ from a fixed seed.

Kommune names and 2024 kommunenummer are real; sentraliseringsklasse is an
approximation from SSB Klass 128 notes (domain/05); org numbers are synthetic
but pass mod-11 (Vardø keeps the number shown in docs/contract.md). People in the
registers are synthetic HPR numbers that the generator draws on for
scenarios that need a register hit (ALIS Vest/Nord, max years).

Run: python -m samples.build_registers
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

from samples.generator.identifiers import make_hpr, make_orgnr

REGISTERS_DIR = Path(__file__).parent / "registers"
SEED = 20240901

# (kommunenummer 2024, name, sentraliseringsklasse)
KOMMUNER = (
    ("0301", "Oslo kommune", 1), ("1103", "Stavanger kommune", 2), ("4601", "Bergen kommune", 2),
    ("5001", "Trondheim kommune", 2), ("4204", "Kristiansand kommune", 2), ("1106", "Haugesund kommune", 3),
    ("1804", "Bodø kommune", 3), ("5501", "Tromsø kommune", 3), ("1508", "Ålesund kommune", 3),
    ("3403", "Hamar kommune", 3), ("1101", "Eigersund kommune", 4), ("1820", "Alstahaug kommune", 4),
    ("1833", "Rana kommune", 4), ("5503", "Harstad kommune", 4), ("5601", "Alta kommune", 4),
    ("1520", "Ørsta kommune", 4), ("5603", "Hammerfest kommune", 5), ("1813", "Brønnøy kommune", 5),
    ("5014", "Frøya kommune", 5), ("1868", "Øksnes kommune", 5), ("5634", "Vardø kommune", 6),
    ("5636", "Nesseby kommune", 6), ("5624", "Lebesby kommune", 6), ("5626", "Gamvik kommune", 6),
    ("1134", "Suldal kommune", 6), ("1151", "Utsira kommune", 6), ("3424", "Rendalen kommune", 6),
    ("4221", "Valle kommune", 6), ("4636", "Solund kommune", 6), ("1856", "Røst kommune", 6),
    ("1573", "Smøla kommune", 6), ("5020", "Osen kommune", 6),
)
KNOWN_ORGNR = {"5634": "964830533"}
NOT_EDUCATION_ENTERPRISE = {"1101", "1868", "5626", "1151", "1573"}


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (REGISTERS_DIR / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def build() -> None:
    rng = random.Random(SEED)
    REGISTERS_DIR.mkdir(exist_ok=True)
    kommuner = [[nr, name, KNOWN_ORGNR.get(nr) or make_orgnr(rng), klass] for nr, name, klass in KOMMUNER]
    _write("kommuner.csv", ["kommunenummer", "name", "org_number", "sentraliseringsklasse"], kommuner)
    _write("utdanningsvirksomheter.csv", ["org_number"],
           [[row[2]] for row in kommuner if row[0] not in NOT_EDUCATION_ENTERPRISE])
    taken: set[str] = set()
    vest_nord = [[make_hpr(rng, taken), rng.choice(["ALIS Vest", "ALIS Nord"])] for _ in range(40)]
    _write("alis_vest_nord.csv", ["hpr_number", "project"], vest_nord)
    rekruttering = [[row[2], year] for row in kommuner for year in (2019, 2020, 2021) if rng.random() < 0.15]
    _write("rekrutteringstilskudd.csv", ["org_number", "year"], rekruttering)
    history: list[list[object]] = []
    for _ in range(60):  # veterans: funded in 4 earlier years, so elig.max-years applies
        hpr, orgnr = make_hpr(rng, taken), rng.choice(kommuner)[2]
        history += [[hpr, year, orgnr, "240000.00"] for year in (2019, 2020, 2021, 2022)]
    for _ in range(30):  # funded once or twice, still eligible
        hpr, orgnr = make_hpr(rng, taken), rng.choice(kommuner)[2]
        for year in rng.sample([2019, 2021, 2022, 2023], rng.randint(1, 2)):
            history.append([hpr, year, orgnr, f"{rng.randrange(80, 241) * 1000}.00"])
    _write("grant_history.csv", ["hpr_number", "year", "org_number", "amount_nok"], history)


if __name__ == "__main__":
    build()
