"""Ground truth for one submission, in the field names of extractors/models.py."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from samples.generator.plan import Doctor, Submission


def _money(value: Decimal | None) -> str | None:
    """Two decimals, or the exact value when it has more (7.5 h x 1032.75 = 7745.625)."""
    if value is None:
        return None
    if value == value.quantize(Decimal("0.01")):
        return f"{value.quantize(Decimal('0.01'))}"
    return f"{value.normalize():f}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def agreement(sub: Submission, d: Doctor, scan: dict | None = None) -> dict:
    """The agreement's fields as the original document states them, also when it came as a scan or
    photo (`scan` says how it was made, so benches can tell)."""
    fields = {
        "municipality_name": sub.kommune.name,
        "doctor_name": d.name, "hpr_number": d.hpr, "position": d.position,
        "position_percent": _money(Decimal(d.percent)),
        "employment_start": _iso(d.employment_start), "employment_end": _iso(d.employment_end),
        "effective_from": _iso(d.effective_from),
        "signed_municipality": _iso(d.signed_municipality), "signed_doctor": _iso(d.signed_doctor),
    }
    if d.shows_orgnr:
        fields["municipality_org_number"] = sub.kommune.org_number
    if sub.regime == "B":
        fields["via_agency"] = bool(d.agency_statement)
    made = {"scan": scan} if scan else {}
    return {"kind": "agreement", "hpr_number": d.hpr, **made, "fields": fields}


def training_plan(sub: Submission, d: Doctor) -> dict:
    return {"kind": "training_plan", "hpr_number": d.hpr, "fields": {
        "doctor_name": d.name, "hpr_number": d.hpr, "supervisor": d.supervisor, "enterprise": sub.kommune.name,
        "specialisation_start": _iso(d.specialisation_start)}}


def budget(sub: Submission, cells: dict) -> dict:
    """`cells` says how the workbook stores sums (see budget_xlsx); fields are the recomputed values."""
    if sub.regime == "A":
        fields = {"rows": [{"doctor_name": d.name, "hpr_number": d.hpr, "position": d.position,
                            "total_cost": _money(d.total_cost), "cofunding": _money(d.cofunding),
                            "requested": _money(d.requested)} for d in sub.doctors],
                  "total_requested": _money(sub.total_requested)}
    else:
        fields = {"claims": [{"hpr_number": d.hpr, "doctor_name": d.name, "month": c.key,
                              "absence_hours": _money(c.absence_hours), "absence_rate": _money(c.absence_rate),
                              "supervision_hours": _money(c.supervision_hours),
                              "supervision_rate": _money(c.supervision_rate),
                              "learning_costs": _money(c.learning_costs), "total": _money(c.total)}
                             for d in sub.doctors for c in d.claims],
                  "facilitation": _money(sub.facilitation),
                  "district_supplement": {d.hpr: _money(d.district_supplement) for d in sub.doctors
                                          if d.district_supplement is not None},
                  "total_claimed": _money(sub.total_claimed)}
    return {"kind": "budget", "hpr_number": None, **cells, "fields": fields}


def other() -> dict:
    return {"kind": "other", "hpr_number": None, "fields": {}}


def render(sub: Submission, files: dict[str, dict], leftovers: list[str] = ()) -> bytes:
    """The truth of one submission; `leftovers` names the system files beside the attachments."""
    truth = {
        "submission_id": sub.submission_id,
        "grant_year": sub.grant_year,
        "scenario": sub.scenario,
        "expected_status": sub.expected_status,
        "decisive_rules": sub.decisive_rules,
        "expected_recommended_total": _money(sub.expected_recommended_total),
        "expected_payout": _money(sub.expected_payout),
        "municipality": {"name": sub.kommune.name, "kommunenummer": sub.kommune.kommunenummer,
                         "org_number": sub.kommune.org_number, "sentraliseringsklasse": sub.kommune.klass},
        "packaging": "zip" if sub.zipped else "folder",
        "files": files,
        "leftovers": sorted(leftovers),
    }
    return (json.dumps(truth, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
