"""Results to render: one of each kind built by hand (exact wording), and those of the fixed sample inbox.

The hand-built ones pin down wording and edge cases; the sample inbox gives real-shaped data.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path

from checks.registers import load_registers
from pipeline.inbox import list_submissions
from pipeline.process import process_submission

from extractors.models import Attribution, Evidence
from checks.correction_targets import Read
from checks.corrections import CorrectionResult, Seen
from checks.models import Finding
from pipeline.result import AttachmentResult, DoctorResult, Municipality, Result

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITY = Municipality(name="Tromsø kommune", kommunenummer="5501", org_number="940101808")


def doctor(name: str, hpr: str, requested: str, recommended: str, **kw) -> DoctorResult:
    return DoctorResult(
        name=name,
        hpr_number=hpr,
        position=kw.pop("position", "kommunalt_ansatt"),
        agreement_signed=kw.pop("agreement_signed", date(2023, 8, 28)),
        employment_start=kw.pop("employment_start", date(2023, 9, 1)),
        requested_nok=Decimal(requested),
        recommended_nok=Decimal(recommended),
        eligible_months=kw.pop("eligible_months", [f"2023-{m:02d}" for m in (9, 10, 11, 12)] + ["2024-01"]),
        **kw,
    )


def attachments() -> list[AttachmentResult]:
    return [
        AttachmentResult(file="ALIS-avtale Kari Nordmann.pdf", sha256="a" * 64, kind="agreement",
                         hpr_number="1234567", reason="Tittelen «ALIS-avtale» på side 1 og HPR-nr. 1234567"),
        AttachmentResult(file="beregningsgrunnlag 2024.xlsx", sha256="b" * 64, kind="budget",
                         reason="Arket «Beregningsgrunnlag» med kolonnene HPR-nr. og måned"),
    ]


def result(status: str, **kw) -> Result:
    defaults = dict(
        submission_id="AR-2024-000123",
        grant_year=2024,
        status=status,
        municipality=MUNICIPALITY,
        requested_total_nok=Decimal("512345.50"),
        recommended_total_nok=Decimal("512345.50"),
        payout_nok=Decimal("512345.50"),
        doctors=[doctor("Kari Nordmann", "1234567", "512345.50", "512345.50")],
        attachments=attachments(),
        findings=[],
        ruleset="2024",
    )
    return Result(**(defaults | kw))


def approve() -> Result:
    return result("approve")


REDUCTION = Finding(
    rule="amount.absence-rate-above-max",
    severity="reduce",
    level="doctor",
    hpr_number="1234567",
    message="Timesatsen for fravær 1 100 kr er over maksimum 1 032,75 kr per time; 1 032,75 kr er lagt til grunn.",
    evidence=Evidence(file="beregningsgrunnlag 2024.xlsx", where="Beregningsgrunnlag!F7", value=1100),
    source="seed 001: 0,85 × salærsats 1 215 kr",
)


def partial() -> Result:
    return result(
        "partial",
        submission_id="AR-2024-000124",
        requested_total_nok=Decimal("250000"),
        recommended_total_nok=Decimal("240000"),
        payout_nok=Decimal("240000"),
        doctors=[doctor("Kari Nordmann", "1234567", "250000", "240000")],
        findings=[
            REDUCTION,
            Finding(rule="id.budget-arithmetic", severity="warning", level="application",
                          message="Summen i celle Beregningsgrunnlag!J20 er 250 100 kr, men radene summerer til 250 000 kr.",
                          evidence=Evidence(file="beregningsgrunnlag 2024.xlsx", where="Beregningsgrunnlag!J20", value=250100),
                          source="antakelse"),
        ],
    )


def reject() -> Result:
    return result(
        "reject",
        submission_id="AR-2024-000125",
        requested_total_nok=Decimal("300000"),
        recommended_total_nok=Decimal("0"),
        payout_nok=Decimal("0"),
        doctors=[doctor("Ola Nordmann", "7654321", "300000", "0", via_agency=True, eligible_months=[])],
        findings=[
            Finding(rule="elig.after-deadline", severity="reject", level="application",
                          message="Søknaden kom inn 3. september 2024, etter søknadsfristen 1. september 2024.",
                          evidence=Evidence(file="skjema.json", where="submitted_at", value="2024-09-03T10:15:00+02:00"),
                          source="antakelse: frist som 2023 (seed 003)"),
        ],
    )


def manual_review() -> Result:
    return result(
        "manual_review",
        submission_id="AR-2024-000126",
        recommended_total_nok=None,
        payout_nok=None,
        findings=[
            Finding(rule="doc.agreement-unsigned", severity="review", level="doctor", hpr_number="1234567",
                          message="ALIS-avtalen for Kari Nordmann har ingen signaturdato. Kontroller at avtalen er signert av begge parter.",
                          evidence=Evidence(file="ALIS-avtale Kari Nordmann.pdf", where="s. 3", value=None),
                          source="seed 001"),
        ],
    )


CORRECTED_BY = Attribution(by="Kari Saksbehandler", at=datetime(2026, 12, 2, 10, 15, tzinfo=timezone(timedelta(hours=1))),
                           why="Sluttdatoen står i arbeidsavtalen kommunen sendte på e-post 01.12.2026.")


def corrected() -> Result:
    """A case a caseworker corrected (an end date nobody could read) and settled (an undated signature)."""
    unsigned = Finding(rule="doc.agreement-unsigned", severity="info", level="doctor", hpr_number="1234567",
                       message="Avtalen for Kari Nordmann mangler signaturdato fra kommunen.",
                       evidence=Evidence(file="ALIS-avtale Kari Nordmann.pdf", where="signatur"),
                       source="seed 001", settled=CORRECTED_BY.model_copy(update={
                           "why": "Kommunen bekrefter på e-post at avtalen ble signert 28.08.2023."}))
    end = CorrectionResult(
        kind="value", field="doctor:1234567:employment_end", hpr_number="1234567",
        label="sluttdato for Kari Nordmann", value="2024-06-30", shown="30.06.2024",
        read=Read(value=None, file="ALIS-avtale Kari Nordmann.pdf", where="s. 1", sha256="a" * 64), read_shown="–",
        state="applied", **CORRECTED_BY.model_dump())
    accepted = CorrectionResult(
        kind="accept", rule="doc.agreement-unsigned", hpr_number="1234567",
        label="Avtalen for Kari Nordmann mangler signaturdato fra kommunen.", state="applied",
        findings=[Seen.of(unsigned)], **unsigned.settled.model_dump())
    return result(
        "approve",
        submission_id="AR-2024-000128",
        doctors=[doctor("Kari Nordmann", "1234567", "512345.50", "512345.50", position="vikar",
                        employment_end=date(2024, 6, 30))],
        findings=[unsigned], corrections=[end, accepted])


def all_kinds() -> list[Result]:
    return [approve(), partial(), reject(), manual_review()]


def with_facilitation() -> Result:
    """Regime B: the total holds the municipality's facilitation on top of the doctors' amounts."""
    return result(
        "approve",
        submission_id="AR-2024-000127",
        requested_total_nok=Decimal("262500"),
        recommended_total_nok=Decimal("262500"),
        payout_nok=Decimal("262500"),
        doctors=[doctor("Kari Nordmann", "1234567", "250000", "250000")],
    )


@cache
def sample_results() -> tuple[Result, ...]:
    """The fixed sample inbox, processed once per test session however many modules render it."""
    registers = load_registers(ROOT / "samples" / "registers")
    return tuple(process_submission(entry, registers) for entry in list_submissions(ROOT / "samples" / "inbox"))

