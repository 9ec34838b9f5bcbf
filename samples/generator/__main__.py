"""python -m samples.generator --out DIR --count N --seed S"""
from __future__ import annotations

import argparse
from pathlib import Path

from samples.generator import SCAN_SHARE, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.generator",
                                     description="Write synthetic ALIS submissions with ground truth.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scans", type=float, default=SCAN_SHARE, help="share of agreements drawn as scans or photos")
    args = parser.parse_args(argv)
    ids = generate(args.out, args.count, args.seed, scans=args.scans)
    print(f"{len(ids)} søknader skrevet til {args.out} (fasit i {args.out / '.truth'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
