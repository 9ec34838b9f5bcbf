"""The committed inbox samples/inbox/: one submission per status for 2020 and 2024, and one
for each other grant year on what that year alone has.

Scenarios are chosen explicitly so that the first eight cover every status in both
regimes; 2019 is approved under its own deadline, 2021 is reduced for a vikariat of a
year or less, 2023 is approved on an agreement backdated to 01.10.2022.
Run: python -m samples.fixed [--out DIR]
"""
from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from samples.generator import new_context, scenarios, write

INBOX = Path(__file__).parent / "inbox"
SEED = 2024
CASES = (
    (2020, "approve", "clean", "AR-2020-000101"),
    (2020, "partial", "cap", "AR-2020-000102"),
    (2020, "reject", "after-deadline", "AR-2020-000103"),
    (2020, "manual_review", "unsigned", "AR-2020-000104"),
    (2024, "approve", "clean", "AR-2024-000201"),
    (2024, "partial", "month-before-signing", "AR-2024-000202"),
    (2024, "reject", "via-agency", "AR-2024-000203"),
    (2024, "manual_review", "agreement-missing", "AR-2024-000204"),
    (2019, "approve", "clean", "AR-2019-000301"),
    (2021, "partial", "vikar-too-short-one", "AR-2021-000401"),
    (2023, "approve", "backdated", "AR-2023-000501"),
)


def build(out: Path = INBOX) -> list[str]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    ctx = new_context()
    for i, (year, status, variant, submission_id) in enumerate(CASES):
        rng = random.Random(f"fixed:{SEED}:{i}")
        sub = scenarios.build(rng, ctx, submission_id, year, status, variant)
        sub.zipped = submission_id == "AR-2024-000202"
        sub.cover_letter = i in (0, 5)
        write(out, sub, rng)
    return [case[3] for case in CASES]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m samples.fixed")
    parser.add_argument("--out", type=Path, default=INBOX)
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
