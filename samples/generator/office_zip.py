"""Makes Office files (zip containers) byte-identical for the same seed.

python-docx and openpyxl stamp the current time into zip entries and core
properties; samples must not change between runs of the same seed.
"""
from __future__ import annotations

import io
import re
import zipfile

FIXED_TIME = (2024, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalised(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _W3CDTF.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", content)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_cached_values(data: bytes, cached: dict[int, dict[str, object]]) -> bytes:
    """Stores values beside formulas, as Excel does on save (sheet number -> cell -> value)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if match and int(match.group(1)) in cached:
                values = cached[int(match.group(1))]
                content = re.sub(rb'(<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f>)<v></v>',
                                 lambda m: m.group(1) + b"<v>" + str(values.get(m.group(2).decode(), "")).encode()
                                 + b"</v>", content)
            dst.writestr(info, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def pack(files: dict[str, bytes]) -> bytes:
    """A submission as one .zip with its files at the root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()
