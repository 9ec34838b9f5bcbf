"""Imported only by the isolation forkserver: reads one tiny file of each format before any child forks.

Every child is a fork of the forkserver, so whatever the forkserver has done
the children need not do again: parsers' lazy imports, the label tables
loaded and their patterns compiled, the OCR models (extractors/ocr.py: one
inference thread, so no thread pool is lost in the fork). Without this, each
attachment paid for them anew in its child.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from extractors import ocr, read_attachment
from samples import hostile


def _warm() -> None:
    with tempfile.TemporaryDirectory(prefix="alis-warm-") as folder:
        for name, data in (("a.pdf", hostile.text_pdf()), ("a.docx", hostile.simple_docx()),
                           ("b.docx", hostile.hidden_content_docx()),
                           ("a.xlsx", hostile.simple_xlsx([["Budsjett", "Søknadsbeløp"], ["Lege", 1]], "Budsjett"))):
            path = Path(folder) / name
            path.write_bytes(data)
            read_attachment(path)
    ocr.warm()


_warm()
