"""Imported only by the isolation forkserver: reads one tiny file of each format before any child forks.

Every child is a fork of the forkserver, so whatever the forkserver has done
the children need not do again: parsers' lazy imports, the label tables
loaded and their patterns compiled, the OCR models (extractors/ocr.py: one
inference thread, so no thread pool is lost in the fork), the rules and every
year's parameters, the output templates loaded and compiled. Without this,
each child paid for them anew.

The files are built here with the libraries the readers use, never with the
sample generator: production code does not depend on test data. Warming is
only a saving, so a warm-up that fails (its temporary folder swept away as
the command that started it exits) leaves the forkserver cold, not broken.
The libraries' warnings are silenced here too, once for every child.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import docx
import openpyxl
from reportlab.pdfgen import canvas

from checks.parameters import PARAMETER_DIR, UnknownYear, load_parameters
from extractors import ocr, read_attachment
from pipeline import batch_jobs, process  # noqa: F401 - what the children's jobs run
from pipeline.quiet import silence_libraries
from pipeline.settings import WARM_OCR
from pipeline.render import batch_summary, confirmation, letter  # noqa: F401 - what a child writes
from pipeline.render.environment import environment
from pipeline.render.docx_template import word_template

_TEXT = ["ALIS-avtale", "Navn: Kari Nordmann", "HPR-nr.: 1234567", "Tiltredelse: 01.09.2023"]


def _pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number, line in enumerate(_TEXT):
        page.drawString(72, 760 - 18 * number, line)
    page.showPage()
    page.save()
    return out.getvalue()


def _docx() -> bytes:
    document = docx.Document()
    for line in ["Individuell utdanningsplan", *_TEXT[1:]]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Veileder", "Ola Hansen"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Budsjett"
    for row in (["Navn", "HPR-nr.", "Søknadsbeløp"], ["Kari Nordmann", "1234567", 1000]):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _warm() -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="alis-warm-") as folder:
            for name, build in (("a.pdf", _pdf), ("a.docx", _docx), ("a.xlsx", _xlsx)):
                path = Path(folder) / name
                path.write_bytes(build())
                read_attachment(path)
        if os.environ.get(WARM_OCR) != "0":
            ocr.warm()
    except OSError:
        pass
    _warm_outputs()


def _warm_outputs() -> None:
    for path in sorted(PARAMETER_DIR.glob("*.yaml")):
        if path.stem.isdigit():
            try:
                load_parameters(int(path.stem))
            except UnknownYear:
                continue
    for name in ("summary.html.j2", "batch-summary.html.j2"):
        environment().get_template(name)
    for template in (letter.TEMPLATE, confirmation.TEMPLATE):
        word_template(template, environment(loader=False))


silence_libraries()
_warm()
