"""Sources as a caseworker reads them: "seed 001" becomes the document it stands for (sources.yaml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_SEED = re.compile(r"seed \d{3}")


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    return yaml.safe_load((Path(__file__).with_name("sources.yaml")).read_text(encoding="utf-8"))


def named(source: str) -> str:
    """The source with every seed number replaced by its document's name; unknown numbers stay."""
    return _SEED.sub(lambda m: _titles().get(m.group(0), m.group(0)), source)
