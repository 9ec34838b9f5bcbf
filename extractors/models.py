"""Records the extractors return: every value with the place it stood.

These models are the contract between extraction (files in) and the checks
(findings out). Nothing here knows about Prefect or about the rules.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Grade(str, Enum):
    """How sure the extractor is of a value (Docling-style grades, no fake numbers).

    `found`: read where the document states this field (a label's value, a column's cell, a party's
    signature date), in a form that reads one way only. `low`: read, but by a weaker route (a
    pattern in running text, a default, a label inside a longer cell, a value taken out of a
    sentence) or in an odd form (an HPR in other digits). `missing`: no value; when the evidence
    is set, it shows the text that stood where the value should be and could not be read.
    Whether a rule may decide on a value is checks/certainty.py's call, from the route and the grade.
    """

    found = "found"
    low = "low"
    missing = "missing"


# How a value was found, strongest first: a label with its value in the next table cell or column,
# the value after its label in the same cell, under a row of labels, on the line under its label,
# next to a party word in a signature block, a spreadsheet cell under its column header, a key of
# skjema.json, a caseworker's correction (alis correct); weaker: a pattern in running text, or a default the
# document's silence implies (no vikarbyrå named). checks/certainty.yaml says which routes a rule may decide on.
Route = Literal["label-cell", "label-inline", "label-above", "label-next-line", "signature-block", "sheet-cell",
                "form-field", "corrected", "running-text", "default"]


class Attribution(BaseModel):
    """Who did something a person answers for (corrected a value, settled a finding), when, and why."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    by: str
    at: datetime
    why: str


class Evidence(BaseModel):
    """Where a value stood: the file, the page or cell, the raw text, and how it was found.

    `where` is human-readable and stable: "s. 2" for a PDF page,
    "Budsjett!L7" for a spreadsheet cell, "avsnitt 12" or "tabell 1 rad 3"
    for a Word document. `ocr_confidence` is set (0–1) only when the text was
    read by OCR from an image; a text layer leaves it empty.
    """

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    file: str
    where: str
    value: str | int | float | None = None
    bbox: tuple[float, float, float, float] | None = None
    route: Route | None = None
    ocr_confidence: float | None = None
    corrected: Attribution | None = None  # set with route "corrected": the caseworker who gave the value


class Extracted(BaseModel, Generic[T]):
    value: T | None = None
    evidence: Evidence | None = None
    grade: Grade = Grade.missing

    @property
    def found(self) -> bool:
        return self.value is not None


AttachmentKind = Literal["agreement", "training_plan", "budget", "other", "unreadable"]
Position = Literal["naeringsdrivende", "kommunalt_ansatt", "vikar", "introduksjonslege", "annen"]


class AgreementRecord(BaseModel):
    """A fastlegeavtale (regime A) or ALIS-avtale (regime B)."""

    template: Literal["fastlegeavtale", "alis-avtale", "unknown"] = "unknown"
    follows_directorate_template: bool = False
    municipality_name: Extracted[str] = Field(default_factory=Extracted)
    municipality_org_number: Extracted[str] = Field(default_factory=Extracted)
    doctor_name: Extracted[str] = Field(default_factory=Extracted)
    hpr_number: Extracted[str] = Field(default_factory=Extracted)
    position: Extracted[Position] = Field(default_factory=Extracted)
    position_percent: Extracted[Decimal] = Field(default_factory=Extracted)
    employment_start: Extracted[date] = Field(default_factory=Extracted)
    employment_end: Extracted[date] = Field(default_factory=Extracted)
    effective_from: Extracted[date] = Field(default_factory=Extracted)
    via_agency: Extracted[bool] = Field(default_factory=Extracted)
    signed_municipality: Extracted[date] = Field(default_factory=Extracted)
    signed_doctor: Extracted[date] = Field(default_factory=Extracted)

    @property
    def signing_date(self) -> date | None:
        """The agreement is signed when the later of the two parties signed."""
        dates = [d.value for d in (self.signed_municipality, self.signed_doctor) if d.value]
        return max(dates) if len(dates) == 2 else None


class LearningActivity(BaseModel):
    activity: str
    when: str = ""
    goals: list[str] = []


class Course(BaseModel):
    name: str
    cost: Decimal | None = None


class TrainingPlanRecord(BaseModel):
    """Individuell utdanningsplan (spesialistforskriften § 25)."""

    doctor_name: Extracted[str] = Field(default_factory=Extracted)
    hpr_number: Extracted[str] = Field(default_factory=Extracted)
    supervisor: Extracted[str] = Field(default_factory=Extracted)
    enterprise: Extracted[str] = Field(default_factory=Extracted)
    specialisation_start: Extracted[date] = Field(default_factory=Extracted)
    activities: list[LearningActivity] = []
    courses: list[Course] = []


class BudgetRow(BaseModel):
    """Regime A: one doctor's row on the sheet "Budsjett"."""

    doctor_name: Extracted[str] = Field(default_factory=Extracted)
    hpr_number: Extracted[str] = Field(default_factory=Extracted)
    position: Extracted[Position] = Field(default_factory=Extracted)
    costs: dict[str, Extracted[Decimal]] = {}
    total_cost: Extracted[Decimal] = Field(default_factory=Extracted)
    cofunding: Extracted[Decimal] = Field(default_factory=Extracted)
    requested: Extracted[Decimal] = Field(default_factory=Extracted)


class ClaimRow(BaseModel):
    """Regime B: one doctor's claim for one month on "Beregningsgrunnlag"."""

    hpr_number: Extracted[str] = Field(default_factory=Extracted)
    doctor_name: Extracted[str] = Field(default_factory=Extracted)
    month: Extracted[str] = Field(default_factory=Extracted)  # "YYYY-MM"
    absence_hours: Extracted[Decimal] = Field(default_factory=Extracted)
    absence_rate: Extracted[Decimal] = Field(default_factory=Extracted)
    supervision_hours: Extracted[Decimal] = Field(default_factory=Extracted)
    supervision_rate: Extracted[Decimal] = Field(default_factory=Extracted)
    learning_costs: Extracted[Decimal] = Field(default_factory=Extracted)
    total: Extracted[Decimal] = Field(default_factory=Extracted)


class ArithmeticMismatch(BaseModel):
    """A stored spreadsheet sum that differs from the recomputed one."""

    evidence: Evidence
    stored: Decimal | None
    recomputed: Decimal


class BudgetRecord(BaseModel):
    """The one budget (regime A) or claim (regime B) spreadsheet."""

    regime: Literal["A", "B", "unknown"] = "unknown"
    rows: list[BudgetRow] = []  # regime A
    total_requested: Extracted[Decimal] = Field(default_factory=Extracted)  # regime A total row
    claims: list[ClaimRow] = []  # regime B
    district_supplement: dict[str, Extracted[Decimal]] = {}  # regime B, by HPR
    facilitation: Extracted[Decimal] = Field(default_factory=Extracted)  # regime B
    total_claimed: Extracted[Decimal] = Field(default_factory=Extracted)  # regime B
    arithmetic: list[ArithmeticMismatch] = []


class ExtractionProblem(BaseModel):
    """Why a file could not be read: a stable code and a Norwegian message."""

    code: str  # e.g. "encrypted", "corrupt", "too-large", "timeout", "no-text-layer"
    message: str


class OcrReading(BaseModel):
    """What OCR read of an attachment: the pages read and those left unread (with why), and how sure it
    was of the words, weighted by their characters (mean) and of the least sure word (min)."""

    pages_read: list[int] = []
    pages_skipped: dict[int, str] = {}  # page -> Norwegian reason
    mean_confidence: float | None = None
    min_confidence: float | None = None

    def summary(self) -> str:
        """In Norwegian: "lest med OCR (2 sider, sikkerhet i snitt 0,97, lavest 0,55)" and the pages unread."""
        pages = len(self.pages_read)
        parts = [f"{pages} side{'r' if pages != 1 else ''}"]
        if self.mean_confidence is not None:
            parts.append(f"sikkerhet i snitt {_comma(self.mean_confidence)}, lavest {_comma(self.min_confidence)}")
        text = f"lest med OCR ({', '.join(parts)})"
        if self.pages_skipped:
            text += "; " + "; ".join(f"s. {n} {why}" for n, why in sorted(self.pages_skipped.items()))
        return text


def _comma(value: float | None) -> str:
    return f"{value:.2f}".replace(".", ",") if value is not None else "–"


class Attachment(BaseModel):
    """One file of a submission: what it is, why we think so, and what it said."""

    file: str
    sha256: str
    kind: AttachmentKind
    reason: str = ""  # why it was classified so, in Norwegian
    hpr_number: str | None = None
    agreement: AgreementRecord | None = None
    training_plan: TrainingPlanRecord | None = None
    budget: BudgetRecord | None = None
    problem: ExtractionProblem | None = None
    flags: list[str] = []  # e.g. "macros", "hidden-text", "ocr"
    ocr: OcrReading | None = None  # set when any page was read by OCR


class FormRecord(BaseModel):
    """skjema.json as read: every field optional; `problems` (the file) and `field_problems` (one field) say
    what was wrong. A field's problem is kept by its key in skjema.json so a correction of that field settles it."""

    submission_id: str | None = None
    grant_year: int | None = None
    submitted_at: str | None = None  # ISO 8601 with offset, as sent
    municipality_name: str | None = None
    kommunenummer: str | None = None
    org_number: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    requested_amount: Decimal | None = None
    unused_funds: Decimal | None = None
    recruitment_challenges: str | None = None
    planned_activities: str | None = None
    problems: list[str] = []  # Norwegian descriptions of the file's problems
    field_problems: dict[str, str] = {}  # key in skjema.json ("municipality.org_number") -> Norwegian description
    sha256: str | None = None  # of skjema.json as read, so a correction knows which version it corrected

    def all_problems(self) -> list[str]:
        """Every problem in Norwegian; any at all means doc.form-invalid."""
        return [*self.problems, *self.field_problems.values()]
