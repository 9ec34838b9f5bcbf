"""Files in, records out: the two calls the pipeline makes.

`read_form` reads skjema.json; `read_attachment` decides what a file is from
its content and reads it (extractors/reading.py). Neither raises for a bad
file: what went wrong is in the record (FormRecord.problems,
Attachment.problem). Both are imported when first asked for, so a process that
only handles records (`extractors.models`) does not load every parser.
"""
from __future__ import annotations

__all__ = ["read_attachment", "read_form"]


def __getattr__(name: str):
    if name == "read_attachment":
        from extractors.reading import read_attachment

        return read_attachment
    if name == "read_form":
        from extractors.form import read_form

        return read_form
    raise AttributeError(f"module 'extractors' has no attribute {name!r}")
