"""Makes Office files (zip containers) byte-identical for the same seed.

python-docx and openpyxl stamp the current time into zip entries and core
properties; samples must not change between runs of the same seed.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import Callable

FIXED_TIME = (2024, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def rewritten(data: bytes, edit: Callable[[str, bytes], bytes], added: dict[str, bytes] | None = None,
              restamp: bool = False, dropped: frozenset[str] = frozenset()) -> bytes:
    """The zip with each part passed through `edit(name, content)`, `dropped` parts left out and
    `added` parts appended; `restamp` gives every entry the fixed time instead of keeping its own."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in dropped:
                continue
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME) if restamp else info
            dst.writestr(entry, edit(info.filename, src.read(info.filename)), zipfile.ZIP_DEFLATED)
        for name, content in (added or {}).items():
            dst.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def normalised(data: bytes) -> bytes:
    def edit(name: str, content: bytes) -> bytes:
        if name == "docProps/core.xml":
            return _W3CDTF.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", content)
        return content

    return rewritten(data, edit, restamp=True)


def with_cached_values(data: bytes, cached: dict[int, dict[str, object]]) -> bytes:
    """Stores values beside formulas, as Excel does on save (sheet number -> cell -> value)."""
    def edit(name: str, content: bytes) -> bytes:
        match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
        if not match or int(match.group(1)) not in cached:
            return content
        values = cached[int(match.group(1))]
        return re.sub(rb'(<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f>)<v></v>',
                      lambda m: m.group(1) + b"<v>" + str(values.get(m.group(2).decode(), "")).encode() + b"</v>",
                      content)

    return rewritten(data, edit)


def pack(files: dict[str, bytes]) -> bytes:
    """A submission as one .zip with its files at the root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()
