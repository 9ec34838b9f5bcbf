"""Synthetic ALIS submissions with ground truth: `generate(out, count, seed)`.

Each submission is planned first (scenarios.py), then drawn as files; the
truth beside the inbox (OUT/.truth/ID.json) comes from the same plan.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator

from samples.generator import agreement, budget_xlsx, cover_letter, form_json, notices, scenarios, training_plan, truth
from samples.generator.office_zip import pack
from samples.generator.plan import Submission
from samples.generator.registers import load
from samples.generator.leftovers import leftovers
from samples.generator.variation import chance, file_name, set_wide, wide

# Every grant year with rules (docs/rules.md §2), the two regimes' latest first.
YEARS = (2020, 2024, 2019, 2023, 2021)
# Share of agreements drawn as legible scans or phone photos (read by OCR), besides the faint scans
# of the "scanned-agreement" scenario: small by default, so a demo inbox stays quick to read.
SCAN_SHARE = 0.02


def draw_files(rng: random.Random, sub: Submission) -> tuple[dict[str, bytes], dict[str, dict]]:
    """The attachments of a planned submission and the truth per file name."""
    files: dict[str, bytes] = {}
    facts: dict[str, dict] = {}
    taken: set[str] = {"skjema.json"}

    def add(kind: str, content: bytes, fact: dict, ext: str = "", **name_parts: object) -> None:
        name = file_name(rng, kind, taken, year=sub.grant_year, ext=ext, **name_parts)
        files[name], facts[name] = content, fact

    for d in sub.doctors:
        parts = {"first": d.first_name, "initial": d.initial}
        if d.has_agreement:
            data, ext, scan = agreement.render(rng, sub, d)
            add("agreement", data, truth.agreement(sub, d, scan), ext, **parts)
        if sub.regime == "A" and d.has_plan:
            data, ext = training_plan.render(rng, sub, d)
            add("training_plan", data, truth.training_plan(sub, d), ext, **parts)
    if sub.has_budget:
        data, cells, ext = budget_xlsx.render(rng, sub)
        add("budget", data, truth.budget(sub, cells), ext)
    if sub.cover_letter:
        as_pdf = rng.random() < 0.5
        add("other_pdf" if as_pdf else "other_docx", cover_letter.render(rng, sub, as_pdf), truth.other())
    if chance(rng, "not-agreement", 0.06):
        data, ext = notices.render(rng, sub)
        add(f"other_{ext}", data, truth.other())
    if chance(rng, "long-pdf", 0.01):
        add("other_pdf", notices.long_report(rng, sub, rng.randint(40, 350)), truth.other())
    order = list(files)
    rng.shuffle(order)
    return {n: files[n] for n in order}, facts


def write(out: Path, sub: Submission, rng: random.Random) -> None:
    files, facts = draw_files(rng, sub)
    content = {"skjema.json": form_json.render(sub), **files}
    left = leftovers(rng, list(files), sub.zipped) if wide() and rng.random() < 0.15 else {}
    content.update(left)
    if sub.zipped:
        (out / f"{sub.submission_id}.zip").write_bytes(pack(content))
    else:
        folder = out / sub.submission_id
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in content.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    (out / ".truth").mkdir(exist_ok=True)
    (out / ".truth" / f"{sub.submission_id}.json").write_bytes(truth.render(sub, facts, list(left)))


def _plan_scans(sub: Submission, rng: random.Random, share: float, dpi: int | None) -> None:
    """Marks agreements to be drawn as legible scans or photos, by an rng of their own so that the
    rest of the submission is drawn as without them."""
    for doctor in sub.doctors:
        if not doctor.scan and doctor.has_agreement and rng.random() < share:
            doctor.scan = "legible"
        doctor.scan_dpi = dpi


def new_context(registers_dir: Path | None = None) -> scenarios.Context:
    return scenarios.Context.for_registers(load(registers_dir) if registers_dir else load())


def plans(count: int, seed: int, wide: bool = True, scans: float = SCAN_SHARE,
          scan_dpi: int | None = None) -> Iterator[tuple[Submission, random.Random]]:
    """The planned submissions of a run, each with the random stream its files are drawn from;
    the grant years in turn (YEARS). The variation width holds while the caller draws each one.
    `scans` is the share of agreements that come as a scan or a photo (1.0: every agreement);
    `scan_dpi` scans them all at one resolution."""
    rng, ctx = random.Random(seed), new_context()
    numbers = rng.sample(range(100, 999999), count)
    set_wide(wide)
    try:
        for i, number in enumerate(numbers):
            year = YEARS[i % len(YEARS)]
            sub_rng = random.Random(f"{seed}:{i}")
            sub = scenarios.build(sub_rng, ctx, f"AR-{year}-{number:06d}", year, scenarios.pick_status(sub_rng))
            _plan_scans(sub, random.Random(f"{seed}:{i}:scans"), scans, scan_dpi)
            yield sub, sub_rng
    finally:
        set_wide(True)


def generate(out: Path, count: int, seed: int, wide: bool = True, scans: float = SCAN_SHARE,
             scan_dpi: int | None = None) -> list[str]:
    """Writes `count` submissions into `out`; returns their ids.

    `wide` (the default) draws from the widest variation real files show; narrow keeps to
    the examples docs/documents.md names. `scans` and `scan_dpi` as for `plans`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ids = []
    for sub, sub_rng in plans(count, seed, wide, scans, scan_dpi):
        write(out, sub, sub_rng)
        ids.append(sub.submission_id)
    return ids
