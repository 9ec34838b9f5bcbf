"""A small mutation check: one-line bugs the suite once let through, each applied alone to a copy of the
code, with the tests that should catch it run against that copy.

    python bench/mutations.py                 # the committed HEAD
    python bench/mutations.py --rev fefca44   # an older commit, with its own tests

A mutation is caught when its tests fail on the mutated copy; the unmutated copy
must pass them first, so a failure means the mutation, not a broken test. The
copy is a `git archive` of the revision in a temporary folder; the working tree
is never touched. Tests run with `python -m pytest` from the copy, which puts
the copy's packages ahead of the installed (editable) ones.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation("øre rounded half to even in the rules' amounts", "checks/money.py",
             "rounding=ROUND_HALF_UP)", "rounding=ROUND_HALF_EVEN)", ("tests/rules",)),
    Mutation("øre rounded half to even in rendered amounts", "pipeline/render/format.py",
             "rounding=ROUND_HALF_UP)", "rounding=ROUND_HALF_EVEN)", ("tests/test_render_format.py",)),
    Mutation("HPR validity widened to 6-10 digits", "checks/rules/identity.py",
             'r"[0-9]{7,9}", hpr)', 'r"[0-9]{6,10}", hpr)', ("tests/rules",)),
    Mutation("HPR validity widened to 6-9 digits", "checks/rules/identity.py",
             'r"[0-9]{7,9}", hpr)', 'r"[0-9]{6,9}", hpr)', ("tests/rules",)),
    Mutation("HPR validity widened to 7-10 digits", "checks/rules/identity.py",
             'r"[0-9]{7,9}", hpr)', 'r"[0-9]{7,10}", hpr)', ("tests/rules",)),
    Mutation("budget header searched in the first 8 rows only", "extractors/sheet_tables.py",
             "HEADER_SEARCH_ROWS = 30", "HEADER_SEARCH_ROWS = 8", ("tests/test_extract_budget_layouts.py",)),
    Mutation("an HPR of the wrong length graded found, not low", "extractors/fields.py",
             "            extracted.grade = Grade.low\n        return extracted, hit.line_index",
             "            extracted.grade = Grade.found\n        return extracted, hit.line_index",
             ("tests/test_extract_agreement.py",)),
    Mutation("allocation cut rounded half up, not down", "checks/allocation.py",
             "rounding=ROUND_DOWN)", "rounding=ROUND_HALF_UP)", ("tests/rules", "tests/test_allocate.py")),
)


def copy_of(rev: str, folder: Path) -> Path:
    """The revision's files, as committed, in `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    imported = subprocess.run([sys.executable, "-c", "import checks; print(checks.__file__)"], cwd=folder,
                              capture_output=True, text=True, check=True).stdout.strip()
    if not imported.startswith(str(folder)):
        raise SystemExit(f"the copy's code is not the one imported ({imported}): the check would prove nothing")
    return folder


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[bool, str]:
    """Whether the tests pass in the copy, and the first test that failed (else pytest's last line)."""
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-rf", "-p", "no:cacheprovider", *tests],
                          cwd=copy, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failed = [line.split(" - ")[0] for line in lines if line.startswith("FAILED ")]
    return done.returncode == 0, (failed or lines or [done.stderr[-200:]])[-1]


def check(copy: Path, mutation: Mutation) -> str:
    path = copy / mutation.file
    original = path.read_text(encoding="utf-8")
    if original.count(mutation.old) != 1:
        return "not applicable (the line is not in this revision)"
    passed, summary = run_tests(copy, mutation.tests)
    if not passed:
        return f"tests fail without the mutation: {summary}"
    path.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
    try:
        passed, summary = run_tests(copy, mutation.tests)
    finally:
        path.write_text(original, encoding="utf-8")
    return f"LET THROUGH ({summary})" if passed else f"caught ({summary})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD", help="the commit whose code and tests are checked")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alis-mutations-") as folder:
        copy = copy_of(args.rev, Path(folder))
        for mutation in MUTATIONS:
            started = time.monotonic()
            outcome = check(copy, mutation)
            print(f"{mutation.name}: {outcome} [{time.monotonic() - started:.0f} s]", flush=True)


if __name__ == "__main__":
    main()
