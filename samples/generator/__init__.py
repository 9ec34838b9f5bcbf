"""Synthetic ALIS submissions with ground truth: `generate(out, count, seed)`.

Each submission is planned first (scenarios.py), then drawn as files; the
truth beside the inbox (OUT/.truth/ID.json) comes from the same plan.
"""
from __future__ import annotations

import random
from pathlib import Path

from samples.generator import agreement, budget_xlsx, cover_letter, form_json, notices, scenarios, training_plan, truth
from samples.generator.office_zip import pack
from samples.generator.plan import Submission
from samples.generator.registers import load
from samples.generator.leftovers import leftovers
from samples.generator.variation import chance, file_name, set_wide, wide

YEARS = (2020, 2024)


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
            data, ext = agreement.render(rng, sub, d)
            add("agreement", data, truth.agreement(sub, d), ext, **parts)
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


def new_context(registers_dir: Path | None = None) -> scenarios.Context:
    return scenarios.Context.for_registers(load(registers_dir) if registers_dir else load())


def generate(out: Path, count: int, seed: int, wide: bool = True) -> list[str]:
    """Writes `count` submissions into `out`, about half 2020 and half 2024; returns their ids.

    `wide` (the default) draws from the widest variation real files show; narrow keeps to
    the examples DOCUMENTS.md names."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng, ctx = random.Random(seed), new_context()
    numbers = rng.sample(range(100, 999999), count)
    ids = []
    set_wide(wide)
    try:
        for i, number in enumerate(numbers):
            year = YEARS[i % 2]
            sub_rng = random.Random(f"{seed}:{i}")
            sub = scenarios.build(sub_rng, ctx, f"AR-{year}-{number:06d}", year, scenarios.pick_status(sub_rng))
            write(out, sub, sub_rng)
            ids.append(sub.submission_id)
    finally:
        set_wide(True)
    return ids
