"""Who the doctors of an application are, and which documents belong to each.

The budget decides who the doctors are (regime A: one row each; regime B: the
claim rows grouped by HPR). Agreements and training plans are matched to them
by HPR number, falling back to the name when the HPR is missing or differs.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from extractors.models import (
    AgreementRecord,
    Attachment,
    BudgetRecord,
    BudgetRow,
    ClaimRow,
    Evidence,
    Extracted,
    Position,
    TrainingPlanRecord,
)


def normalise_hpr(value: str | None) -> str | None:
    if value is None:
        return None
    digits = re.sub(r"[\s\u00a0\u202f.-]", "", str(value))
    return digits or None


def normalise_name(value: str | None) -> str | None:
    """Case, accents-as-written, commas and word order do not make two names differ."""
    if not value:
        return None
    text = unicodedata.normalize("NFC", value).casefold().replace(",", " ")
    words = sorted(w for w in re.split(r"\s+", text) if w)
    return " ".join(words) or None


@dataclass
class DoctorDocs:
    key: str
    rows: list[BudgetRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    agreements: list[tuple[Attachment, AgreementRecord]] = field(default_factory=list)
    plans: list[tuple[Attachment, TrainingPlanRecord]] = field(default_factory=list)
    supplement: Extracted[Decimal] | None = None

    @property
    def budget_entries(self) -> list[BudgetRow | ClaimRow]:
        return [*self.rows, *self.claims]

    @property
    def hpr(self) -> str | None:
        return next((normalise_hpr(e.hpr_number.value) for e in self.budget_entries
                     if e.hpr_number.value), None)

    @property
    def hpr_evidence(self) -> Evidence | None:
        return next((e.hpr_number.evidence for e in self.budget_entries if e.hpr_number.value), None)

    @property
    def name(self) -> str | None:
        return next((e.doctor_name.value for e in self.budget_entries if e.doctor_name.value), None)

    @property
    def agreement(self) -> AgreementRecord | None:
        return self.agreements[0][1] if self.agreements else None

    @property
    def agreement_file(self) -> str | None:
        return self.agreements[0][0].file if self.agreements else None

    def _from_agreement_or_row(self, attr: str) -> Extracted:
        if self.agreement is not None and getattr(self.agreement, attr).found:
            return getattr(self.agreement, attr)
        return next((getattr(r, attr) for r in self.rows if getattr(r, attr).found), Extracted())

    @property
    def position(self) -> Extracted[Position]:
        return self._from_agreement_or_row("position")

    def agreement_value(self, attr: str) -> Extracted:
        return getattr(self.agreement, attr) if self.agreement is not None else Extracted()

    @property
    def employment_start(self) -> date | None:
        return self.agreement_value("employment_start").value

    @property
    def employment_end(self) -> date | None:
        return self.agreement_value("employment_end").value

    @property
    def via_agency(self) -> bool | None:
        if self.agreement is None:
            return None
        return bool(self.agreement.via_agency.value)

    @property
    def signing_date(self) -> date | None:
        return self.agreement.signing_date if self.agreement is not None else None


def budgets(attachments: list[Attachment]) -> list[tuple[Attachment, BudgetRecord]]:
    return [(a, a.budget) for a in attachments if a.kind == "budget" and a.budget is not None]


def doctors_from_budget(budget: BudgetRecord, regime: str) -> list[DoctorDocs]:
    """One DoctorDocs per budget row (A) or per HPR among the claim rows (B), in sheet order."""
    doctors: dict[str, DoctorDocs] = {}
    entries = budget.rows if regime == "A" else budget.claims
    for index, entry in enumerate(entries):
        key = (normalise_hpr(entry.hpr_number.value) or normalise_name(entry.doctor_name.value)
               or f"rad-{index + 1}")
        if regime == "A" and key in doctors:
            key = f"{key}#{index + 1}"
        doctor = doctors.setdefault(key, DoctorDocs(key=key))
        (doctor.rows if regime == "A" else doctor.claims).append(entry)
    for hpr, amount in budget.district_supplement.items():
        for doctor in doctors.values():
            if doctor.hpr == normalise_hpr(hpr):
                doctor.supplement = amount
    return list(doctors.values())


def _match(doctors: list[DoctorDocs], hpr: str | None, name: str | None) -> DoctorDocs | None:
    by_hpr = next((d for d in doctors if hpr and d.hpr == hpr), None)
    if by_hpr is not None:
        return by_hpr
    wanted = normalise_name(name)
    return next((d for d in doctors if wanted and normalise_name(d.name) == wanted), None)


def attach_documents(doctors: list[DoctorDocs], attachments: list[Attachment]) -> list[Attachment]:
    """Give every agreement and plan to its doctor; return those that fit no doctor."""
    unmatched = []
    for attachment in attachments:
        record = attachment.agreement if attachment.kind == "agreement" else (
            attachment.training_plan if attachment.kind == "training_plan" else None)
        if record is None:
            continue
        hpr = normalise_hpr(record.hpr_number.value) or normalise_hpr(attachment.hpr_number)
        doctor = _match(doctors, hpr, record.doctor_name.value)
        if doctor is None:
            unmatched.append(attachment)
        elif attachment.kind == "agreement":
            doctor.agreements.append((attachment, record))
        else:
            doctor.plans.append((attachment, record))
    return unmatched
