"""What the checks decide: findings, per-doctor amounts and the status."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from extractors.models import Attachment, Attribution, Evidence, FormRecord, Position

Severity = Literal["review", "reject", "reduce", "warning", "info"]
Level = Literal["application", "doctor", "attachment"]
Status = Literal["approve", "partial", "reject", "manual_review"]


class Finding(BaseModel):
    """One rule's verdict, with the numbers in a Norwegian message and its source."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    rule: str
    severity: Severity
    level: Level
    hpr_number: str | None = None
    message: str
    evidence: Evidence | None = None
    source: str = ""  # seed file, public source, or "antakelse"
    settled: Attribution | None = None  # accepted by a caseworker (alis correct --accept): info from then on


class DoctorDecision(BaseModel):
    name: str | None = None
    hpr_number: str | None = None
    position: Position | None = None
    agreement_signed: date | None = None
    employment_start: date | None = None
    employment_end: date | None = None
    via_agency: bool | None = None
    requested_nok: Decimal = Decimal("0")
    recommended_nok: Decimal = Decimal("0")
    eligible_months: list[str] = []
    claimed_months: list[str] = []  # regime B: every month claimed; empty in regime A (the whole year)
    rejected: bool = False


class ApplicationFacts(BaseModel):
    """Everything the checks need about one submission, already extracted."""

    submission_id: str
    form: FormRecord
    attachments: list[Attachment] = []


class Decision(BaseModel):
    status: Status
    grant_year: int | None = None
    requested_total_nok: Decimal | None = None
    recommended_total_nok: Decimal | None = None
    payout_nok: Decimal | None = None
    doctors: list[DoctorDecision] = []
    findings: list[Finding] = []
    ruleset: str | None = None
