"""Filling a Word template (docxtpl) with finished Norwegian text: the letter and the confirmation it encloses."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate

from pipeline.render.environment import environment


def render_docx(template_path: Path, context: dict) -> bytes:
    """The template filled in, escaped; a variable the template uses that the context lacks raises."""
    template = DocxTemplate(template_path)
    env = environment(loader=False)
    missing = template.get_undeclared_template_variables(jinja_env=env, context=context)
    if missing:
        raise ValueError(f"{template_path.name} uses variables the context lacks: {sorted(missing)}")
    template.render(context, jinja_env=env, autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()
