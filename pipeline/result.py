"""result.json and batch.json: the contract's output models (docs/contract.md §4).

Money is Decimal inside; it becomes a JSON number only here, at the boundary.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from checks.corrections import CorrectionResult
from checks.models import DoctorDecision, Finding, Status
from extractors.models import Attachment, AttachmentKind, OcrReading

PIPELINE_VERSION = "0.1.0"

# Every field is always written, so the schema marks them all required.
ALWAYS_WRITTEN = ConfigDict(json_schema_serialization_defaults_required=True)

Money = Annotated[Decimal, PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]


class Municipality(BaseModel):
    model_config = ALWAYS_WRITTEN

    name: str | None = None
    kommunenummer: str | None = None
    org_number: str | None = None


class DoctorResult(DoctorDecision):
    """A doctor as result.json shows it: the decision without the checks' working fields."""

    model_config = ALWAYS_WRITTEN

    requested_nok: Money = Decimal("0")
    recommended_nok: Money = Decimal("0")
    claimed_months: list[str] = []  # regime B's months; kept so a later single re-run can check double claims
    rejected: bool = Field(default=False, exclude=True)

    @classmethod
    def from_decision(cls, d: DoctorDecision) -> "DoctorResult":
        return cls(**d.model_dump())


class AttachmentResult(BaseModel):
    model_config = ALWAYS_WRITTEN

    file: str
    sha256: str
    kind: AttachmentKind
    hpr_number: str | None = None
    reason: str = ""
    problem: str | None = None
    flags: list[str] = []  # e.g. "macros", "hidden-text", "encrypted", "ocr"
    ocr: OcrReading | None = None  # pages read by OCR, pages skipped and why, mean and lowest confidence

    @classmethod
    def from_attachment(cls, a: Attachment) -> "AttachmentResult":
        return cls(
            file=a.file,
            sha256=a.sha256,
            kind=a.kind,
            hpr_number=a.hpr_number,
            reason=a.reason,
            problem=a.problem.code if a.problem else None,
            flags=a.flags,
            ocr=a.ocr,
        )


class Result(BaseModel):
    """One submission's machine-readable result (applications/ID/result.json)."""

    model_config = ALWAYS_WRITTEN

    submission_id: str
    grant_year: int | None = None
    status: Status
    municipality: Municipality
    requested_total_nok: Money | None = None
    recommended_total_nok: Money | None = None
    payout_nok: Money | None = None
    allocated_nok: Money | None = None
    # What unused funds took off the payout (regime A), so allocation can cut the payout the same way.
    unused_funds_deducted_nok: Money | None = None
    doctors: list[DoctorResult] = []
    attachments: list[AttachmentResult] = []
    findings: list[Finding] = []
    ruleset: str | None = None
    pipeline_version: str = PIPELINE_VERSION
    # A caseworker's corrections (alis correct): each value corrected beside what was read, each finding
    # settled, with who, when, why, and whether it was applied.
    corrections: list[CorrectionResult] = []


class BatchEntry(BaseModel):
    model_config = ALWAYS_WRITTEN

    submission_id: str
    status: Status
    grant_year: int | None = None
    municipality: str | None = None
    requested_total_nok: Money | None = None
    recommended_total_nok: Money | None = None
    payout_nok: Money | None = None
    allocated_nok: Money | None = None
    deciding_rules: list[str] = []
    outputs: dict[str, str] = {}  # name -> path relative to OUT


class Batch(BaseModel):
    """batch.json: every submission of the run, whatever happened to it."""

    model_config = ALWAYS_WRITTEN

    inbox: str
    started_at: str
    finished_at: str
    pipeline_version: str = PIPELINE_VERSION
    submissions: list[BatchEntry] = []
