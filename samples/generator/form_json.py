"""skjema.json exactly as docs/contract.md §1 shows it."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from samples.generator.people import email_for
from samples.generator.plan import Submission

CHALLENGES = (
    "Kommunen har hatt ledige fastlegehjemler i flere år og bruker vikarer i stor grad.",
    "Lang reisevei og små fagmiljø gjør det vanskelig å rekruttere spesialister i allmennmedisin.",
    "Flere fastleger går av med pensjon de neste årene.",
)
ACTIVITIES = (
    "Individuell veiledning, gruppeveiledning og kurs etter utdanningsplan.",
    "Tilrettelagt spesialiseringsløp med fri til kurs og veiledning i arbeidstiden.",
)


def render(sub: Submission) -> bytes:
    form = {
        "submission_id": sub.submission_id,
        "grant_year": sub.grant_year,
        "submitted_at": sub.submitted_at,
        "municipality": {"name": sub.kommune.name, "kommunenummer": sub.kommune.kommunenummer,
                         "org_number": sub.form_org_number},
        "contact": {"name": sub.contact, "email": email_for(sub.kommune.name)},
        "requested_amount_nok": float(sub.requested_amount.quantize(Decimal("0.01"), ROUND_HALF_UP)),
        "unused_funds_nok": float(sub.unused_funds),
        "recruitment_challenges": CHALLENGES[len(sub.submission_id) % len(CHALLENGES)],
        "planned_activities": ACTIVITIES[sub.grant_year % len(ACTIVITIES)],
    }
    return (json.dumps(form, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
