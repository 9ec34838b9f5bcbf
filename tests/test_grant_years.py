"""Each grant year beside 2020 and 2024 generated, read and decided under its own rules (docs/rules.md
sections 1–3): what sets the year apart leads to the status and amount its scenario aims at."""
from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from checks.decide import decide
from checks.models import ApplicationFacts, Decision
from checks.parameters import load_parameters
from checks.registers import load_registers
from extractors import read_attachment, read_form
from pipeline.inbox import Deadline, members
from pipeline.process import FORM_NAME
from samples.generator import new_context, scenarios, write
from samples.generator.plan import Submission

REGISTERS = load_registers(Path(__file__).resolve().parents[1] / "samples" / "registers")


def _decided(tmp_path: Path, year: int, status: str, variant: str, wanted=lambda sub: True,
             ) -> tuple[Submission, Decision]:
    """The first plan for the scenario that `wanted` accepts, written as files, read and decided."""
    ctx = new_context()
    for n in range(50):
        rng = random.Random(f"grant-years:{year}:{variant}:{n}")
        sub = scenarios.build(rng, ctx, f"AR-{year}-{700000 + n:06d}", year, status, variant)
        if wanted(sub):
            break
    else:
        pytest.fail(f"no {variant} plan for {year} in 50 tries")
    write(tmp_path, sub, rng)
    folder = tmp_path / sub.submission_id
    if not folder.is_dir():
        with zipfile.ZipFile(tmp_path / f"{sub.submission_id}.zip") as archive:
            archive.extractall(folder)
    facts = ApplicationFacts(submission_id=sub.submission_id, form=read_form(folder / "skjema.json"),
                             attachments=[read_attachment(m.path, m.name) for m in members(folder, Deadline())
                                          if m.name != FORM_NAME])
    return sub, decide(facts, load_parameters(year), REGISTERS)


def _rules(decision: Decision) -> set[str]:
    return {f.rule for f in decision.findings}


@pytest.mark.parametrize("year, status, variant", [
    (2019, "approve", "clean"), (2019, "partial", "cap"), (2019, "reject", "after-deadline"),
    (2019, "manual_review", "unsigned"),
    (2021, "approve", "clean"), (2021, "partial", "vikar-too-short-one"), (2021, "reject", "position-annen"),
    (2021, "manual_review", "plan-missing"),
    (2023, "approve", "backdated"), (2023, "partial", "absence-rate"), (2023, "reject", "via-agency"),
    (2023, "manual_review", "agreement-missing"),
])
def test_a_scenario_reaches_its_status_and_amount_under_its_years_rules(tmp_path, year, status, variant):
    sub, decision = _decided(tmp_path, year, status, variant)
    assert decision.status == status, [f.message for f in decision.findings]
    assert decision.recommended_total_nok == sub.expected_recommended_total
    assert set(sub.decisive_rules) <= _rules(decision)


def test_2019_counts_its_own_deadline_not_2020s(tmp_path):
    sub, decision = _decided(tmp_path, 2019, "reject", "after-deadline")
    assert sub.submitted_at[:10] < "2020-06-01"
    assert "25.11.2019" in next(f.message for f in decision.findings if f.rule == "elig.after-deadline")


def test_2021_funds_a_kommunalt_ansatt_doctor_and_a_vikar_beyond_a_year(tmp_path):
    sub, decision = _decided(tmp_path, 2021, "approve", "clean",
                             lambda s: {"kommunalt_ansatt", "vikar"} <= {d.position for d in s.doctors})
    assert decision.status == "approve"
    assert {d.hpr_number for d in decision.doctors if not d.rejected} == {d.hpr for d in sub.doctors}


def test_2021_rejects_a_vikariat_of_a_year_or_less(tmp_path):
    sub, decision = _decided(tmp_path, 2021, "reject", "vikar-too-short")
    assert decision.status == "reject"
    assert all(d.rejected for d in decision.doctors)
    assert "elig.vikar-too-short" in _rules(decision)


def test_2023_pays_months_before_signing_for_an_agreement_backdated_to_1_october_2022(tmp_path):
    sub, decision = _decided(tmp_path, 2023, "approve", "backdated")
    backdated = next(d for d in sub.doctors if d.effective_from is not None)
    months = next(d.eligible_months for d in decision.doctors if d.hpr_number == backdated.hpr)
    assert months[0] == "2022-10" and backdated.signed_municipality.isoformat() > "2022-10-01"
    assert "elig.month-before-signing" not in _rules(decision)


def test_2023_caps_rates_at_salaersats_1140(tmp_path):
    _sub, decision = _decided(tmp_path, 2023, "partial", "absence-rate")
    message = next(f.message for f in decision.findings if f.rule == "amount.absence-rate-above-max")
    assert "969" in message.replace("\u00a0", " ")
