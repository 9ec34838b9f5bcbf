"""Wall time of reading a long PDF: a report of hundreds of pages must be classified from its first
pages, far inside the 60 s an attachment may take (pipeline/isolation.py).

    python bench/long_pdf.py --pages 350 --rounds 3

Draws the generator's long report (kind other; agreements are named only deep inside), then times
extractors.read_attachment in this process and pipeline.isolation.read_isolated in a child process
with the batch's limits. Prints the kind, the pages laid out and the seconds per round.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import extractors.pdf_text  # noqa: E402
from extractors import read_attachment  # noqa: E402
from pipeline.isolation import read_isolated  # noqa: E402
from samples.generator import new_context, notices, scenarios  # noqa: E402


def _laid_out_pages(path: Path) -> int:
    """How many pages read_attachment lays out (pdf_text.group_words is called once per page)."""
    count = 0
    group = extractors.pdf_text.group_words

    def counting(*args):
        nonlocal count
        count += 1
        return group(*args)

    extractors.pdf_text.group_words = counting
    try:
        read_attachment(path)
    finally:
        extractors.pdf_text.group_words = group
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=350)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random("long-pdf")
    sub = scenarios.build(rng, new_context(), "AR-2024-000999", 2024, "approve")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "helse-og-omsorgsplan.pdf"
        path.write_bytes(notices.long_report(rng, sub, args.pages))
        print(f"{args.pages} sider, {path.stat().st_size // 1000} kB; sider lagt ut: {_laid_out_pages(path)}")
        for round_ in range(1, args.rounds + 1):
            start = time.perf_counter()
            kind = read_attachment(path).kind
            here = time.perf_counter() - start
            start = time.perf_counter()
            isolated = read_isolated(path, path.name).kind
            child = time.perf_counter() - start
            print(f"runde {round_}: read_attachment {here:.2f} s ({kind}), read_isolated {child:.2f} s ({isolated})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
