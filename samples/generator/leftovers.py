"""Files an operating system or Office leaves beside the attachments when a folder is zipped.

Windows writes Thumbs.db and desktop.ini, an open Office file leaves a "~$" lock
file, macOS zips carry __MACOSX/._ resource forks and .DS_Store. None of them is
an attachment; the pipeline must pass over them rather than call them unreadable.
"""
from __future__ import annotations

import random

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def leftovers(rng: random.Random, attachment_names: list[str], zipped: bool) -> dict[str, bytes]:
    """Some of them, as one user's machine would leave them."""
    found: dict[str, bytes] = {}
    if rng.random() < 0.5:
        found["Thumbs.db"] = OLE_MAGIC + bytes(504)
        found["desktop.ini"] = b"[.ShellClassInfo]\r\nIconResource=C:\\Windows\\system32\\imageres.dll,-3\r\n"
    office = [n for n in attachment_names if n.lower().endswith((".docx", ".xlsx", ".xlsm"))]
    if office and rng.random() < 0.5:
        owner = b"Saksbehandler"
        found["~$" + rng.choice(office)[2:]] = bytes([len(owner)]) + owner + bytes(162 - 1 - len(owner))
    if zipped and rng.random() < 0.5:
        for name in attachment_names[:2]:
            found[f"__MACOSX/._{name}"] = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64)
        found[".DS_Store"] = b"\x00\x00\x00\x01Bud1" + bytes(32)
    return found
