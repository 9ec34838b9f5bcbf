"""Zip containers are checked before any Office parser opens them (extractors/safety.py)."""
from __future__ import annotations

import io
import zipfile

import pytest

from extractors.safety import LIMITS, Rejected, SafetyLimits, check_zip


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _code(tmp_path, data: bytes, limits: SafetyLimits = LIMITS) -> str | None:
    path = tmp_path / "fil.docx"
    path.write_bytes(data)
    try:
        check_zip(path, "Word-dokument", limits)
    except Rejected as rejected:
        return rejected.problem.code
    return None


def test_entries_sharing_their_bytes_are_refused(tmp_path):
    """The overlapping-entry zip bomb (CVE-2024-0450), which Python 3.11.7's zipfile still opens."""
    data = bytearray(_zip({"a.xml": b"<a/>", "b.xml": b"<b/>"}))
    second = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    data[second + 42: second + 46] = (0).to_bytes(4, "little")
    assert _code(tmp_path, bytes(data)) == "corrupt"


def test_too_many_entries_are_refused(tmp_path):
    parts = {f"p{i}.bin": b"" for i in range(11)}
    assert _code(tmp_path, _zip(parts), SafetyLimits(zip_entries=10)) == "too-many-entries"


def test_password_protected_zip_entries_are_encrypted(tmp_path):
    data = bytearray(_zip({"word/document.xml": b"<w/>"}))
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.index(marker)
        flag = 6 if marker == b"PK\x03\x04" else 8
        data[at + flag] |= 1
    assert _code(tmp_path, bytes(data)) == "encrypted"


@pytest.mark.parametrize("prolog", [
    b'<?xml version="1.0"?><!-- kommentar --><!DOCTYPE w>',
    '\ufeff<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w><w/>'.encode("utf-16-le"),
    b"<?xml version='1.0'?>\r\n  <!DOCTYPE w SYSTEM 'http://x'>",
])
def test_a_dtd_is_found_behind_comments_byte_order_marks_and_utf16(tmp_path, prolog):
    assert _code(tmp_path, _zip({"word/document.xml": prolog + b"<w/>"})) == "xml-dtd"


def test_ordinary_xml_parts_pass(tmp_path):
    parts = {"[Content_Types].xml": b'<?xml version="1.0"?><Types/>', "word/document.xml": b"<w:document/>"}
    assert _code(tmp_path, _zip(parts)) is None


def test_a_prolog_longer_than_the_cap_is_refused(tmp_path):
    padded = b"<?xml version='1.0'?><!--" + b" " * (LIMITS.xml_prolog_bytes + 10) + b"--><w/>"
    assert _code(tmp_path, _zip({"word/document.xml": padded})) == "xml-dtd"
