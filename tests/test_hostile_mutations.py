"""Valid files with bytes cut or flipped end as a record or a known problem code, never as a crash."""
from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.safety import MESSAGES
from pipeline.isolation import Limits, read_isolated
from samples import hostile

# codes the isolating parent gives when the extractor itself failed: a damaged file must not need them
ISOLATION_CODES = {"timeout", "memory", "crashed", "extractor-error"}
LIMITS = Limits(seconds=10, memory_bytes=1024 * 1024 * 1024)
ORIGINALS = {
    "avtale.pdf": hostile.text_pdf(),
    "avtale.docx": hostile.simple_docx(),
    "budsjett.xlsx": hostile.simple_xlsx([["Budsjett", "Søknadsbeløp"], ["Lege", 1000]], "Budsjett"),
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(ORIGINALS)), where=st.floats(0, 1), byte=st.integers(0, 255),
       cut=st.booleans())
def test_a_damaged_file_ends_as_a_record_or_a_known_problem(tmp_path, name, where, byte, cut):
    data = bytearray(ORIGINALS[name])
    at = min(int(where * len(data)), len(data) - 1)
    if cut:
        del data[at:]
    else:
        data[at] = byte
    path = tmp_path / name
    path.write_bytes(bytes(data))
    attachment = read_isolated(path, name, LIMITS)
    assert attachment.problem is None or attachment.problem.code in set(MESSAGES) - ISOLATION_CODES
    assert attachment.sha256 == hashlib.sha256(bytes(data)).hexdigest()
