"""result.json and batch.json: the contract's output models (CONTRACT.md section 4).

Money is Decimal inside; it becomes a JSON number only here, at the boundary.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

from checks.models import DoctorDecision, Finding, Status
from extractors.models import Attachment, AttachmentKind, Evidence, Position

PIPELINE_VERSION = "0.1.0"

Money = Annotated[Decimal, PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]


class Municipality(BaseModel):
    name: str | None = None
    kommunenummer: str | None = None
    org_number: str | None = None


class DoctorResult(BaseModel):
    name: str | None = None
    hpr_number: str | None = None
    position: Position | None = None
    agreement_signed: date | None = None
    employment_start: date | None = None
    employment_end: date | None = None
    via_agency: bool | None = None
    requested_nok: Money
    recommended_nok: Money
    eligible_months: list[str] = []

    @classmethod
    def from_decision(cls, d: DoctorDecision) -> "DoctorResult":
        return cls(**d.model_dump(exclude={"rejected"}))


class AttachmentResult(BaseModel):
    file: str
    sha256: str
    kind: AttachmentKind
    hpr_number: str | None = None
    reason: str = ""
    problem: str | None = None

    @classmethod
    def from_attachment(cls, a: Attachment) -> "AttachmentResult":
        return cls(
            file=a.file,
            sha256=a.sha256,
            kind=a.kind,
            hpr_number=a.hpr_number,
            reason=a.reason,
            problem=a.problem.code if a.problem else None,
        )


class FindingResult(BaseModel):
    rule: str
    severity: str
    level: str
    hpr_number: str | None = None
    message: str
    evidence: Evidence | None = None
    source: str = ""

    @classmethod
    def from_finding(cls, f: Finding) -> "FindingResult":
        return cls(**f.model_dump())


class Result(BaseModel):
    """One submission's machine-readable result (applications/ID/result.json)."""

    submission_id: str
    grant_year: int | None = None
    status: Status
    municipality: Municipality
    requested_total_nok: Money | None = None
    recommended_total_nok: Money | None = None
    payout_nok: Money | None = None
    allocated_nok: Money | None = None
    doctors: list[DoctorResult] = []
    attachments: list[AttachmentResult] = []
    findings: list[FindingResult] = []
    ruleset: str | None = None
    pipeline_version: str = PIPELINE_VERSION


class BatchEntry(BaseModel):
    submission_id: str
    status: Status
    grant_year: int | None = None
    municipality: str | None = None
    requested_total_nok: Money | None = None
    recommended_total_nok: Money | None = None
    payout_nok: Money | None = None
    deciding_rules: list[str] = []
    outputs: dict[str, str] = {}  # name -> path relative to OUT


class Batch(BaseModel):
    """batch.json: every submission of the run, whatever happened to it."""

    inbox: str
    started_at: str
    finished_at: str
    pipeline_version: str = PIPELINE_VERSION
    submissions: list[BatchEntry] = []
