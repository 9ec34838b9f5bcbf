"""Generated submissions read by the extractors, paired with the generator's truth.

Shared by the test_extract_* modules through the session fixture `generated`
in tests/conftest.py: the inboxes are generated and every attachment read once.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from extractors import read_attachment
from extractors.models import Attachment
from samples.generator import generate


@dataclass
class Sample:
    submission_id: str
    name: str
    path: Path
    truth: dict  # the file's entry in .truth/ID.json: kind, hpr_number, fields, ...
    attachment: Attachment


SEEDS = (11, 12)
COUNT = 10


def read_samples(out: Path, count: int, seed: int) -> list[Sample]:
    generate(out, count, seed)
    samples: list[Sample] = []
    for truth_file in sorted((out / ".truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        folder = _folder(out, truth["submission_id"])
        for name, info in truth["files"].items():
            path = folder / name
            samples.append(Sample(truth["submission_id"], name, path, info, read_attachment(path, name)))
    return samples


def _folder(out: Path, submission_id: str) -> Path:
    folder = out / submission_id
    if folder.is_dir():
        return folder
    unpacked = out / ".unpacked" / submission_id
    with zipfile.ZipFile(out / f"{submission_id}.zip") as archive:
        archive.extractall(unpacked)
    return unpacked


def expected_kind(sample: Sample) -> str:
    """A faint scan (no words left for OCR) cannot be read, whatever it shows."""
    scan = sample.truth.get("scan")
    return "unreadable" if scan and not scan["legible"] else sample.truth["kind"]


def of_kind(samples: list[Sample], kind: str) -> list[Sample]:
    return [s for s in samples if expected_kind(s) == kind and s.attachment.kind == kind]


def same(expected: object, actual: object) -> bool:
    """Truth values are strings; numbers compare as Decimals to half an øre, dates as ISO text."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if hasattr(actual, "isoformat"):
        return actual.isoformat() == expected
    if isinstance(actual, Decimal):
        return abs(actual - Decimal(str(expected))) <= Decimal("0.005")
    if isinstance(actual, bool):
        return actual == expected
    return str(actual).strip().casefold() == str(expected).strip().casefold()


def mismatches(samples: list[Sample], record_of, field: str) -> list[tuple[str, object, object]]:
    """(file, expected, extracted) for every sample whose field differs from the truth."""
    wrong = []
    for sample in samples:
        if field not in sample.truth["fields"]:
            continue
        expected = sample.truth["fields"][field]
        actual = getattr(record_of(sample), field).value
        if not same(expected, actual):
            wrong.append((f"{sample.submission_id}/{sample.name}", expected, actual))
    return wrong
