"""The one Jinja environment every output is rendered with: escaping on, no silent blanks."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.render.format import FILTERS, finalize

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@cache
def environment(loader: bool = True) -> Environment:
    """Autoescape is always on (text comes from municipalities); a missing variable raises.

    Built once per process: compiled templates are cached by the environment.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES) if loader else None,
        autoescape=True,
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env
