"""Filling a Word template (docxtpl) with finished Norwegian text: the letter and the confirmation it encloses."""
from __future__ import annotations

from pathlib import Path

from pipeline.render.docx_template import word_template
from pipeline.render.environment import environment


def render_docx(template_path: Path, context: dict) -> bytes:
    """The template filled in, escaped; a variable the template uses that the context lacks raises.
    The template is read and compiled once per process (pipeline/render/docx_template.py)."""
    return word_template(template_path, environment(loader=False)).render(context)
