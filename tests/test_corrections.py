"""A caseworker corrects what the machine read, or settles a finding, and every later run decides on that.

Built on the generator: a submission drawn for a scenario, often garbled (samples/generator/garble.py) so
that the pipeline cannot read a decisive value; the caseworker's correction comes from the generator's
truth, and the rerun must reach the truth's decision. Runs here are plain Python (pipeline.process with an
OUT, as the flows call it); tests/test_corrections_cli.py runs the same through `alis`.
"""
from __future__ import annotations

import json
import random
import shutil
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.correction_values import CorrectionError, catalogue, parse_value
from checks.corrections import CorrectionResult, Seen, load_text
from checks.findings import finding
from checks.registers import load_registers
from extractors.models import Attribution
from pipeline.batch_rules import with_batch_rules
from pipeline.corrections import Refused, add_acceptance, add_correction, corrections_path, reading
from pipeline.inbox import Submission
from pipeline.process import decide_submission, write_application
from pipeline.render.summary import render_summary
from pipeline.result import Municipality, Result
from samples.generator import garble, new_context, scenarios, write
from tests import result_examples as examples
from tests.result_examples import doctor

ROOT = Path(__file__).resolve().parents[1]
REGISTERS = load_registers(ROOT / "samples" / "registers")
FIXED = ROOT / "samples" / "inbox"
KARI = Attribution(by="Kari Saksbehandler", at=datetime(2026, 12, 2, 10, 15, tzinfo=timezone(timedelta(hours=1))),
                   why="Kontrollert mot avtalen kommunen sendte på e-post 01.12.2026.")


class Case:
    """One submission in an inbox of its own, with its truth, run into OUT as the flows run it."""

    def __init__(self, base: Path, sid: str):
        self.inbox, self.out, self.sid = base / "inbox", base / "out", sid

    @property
    def entry(self) -> Path:
        return self.inbox / self.sid

    @property
    def truth(self) -> dict:
        return json.loads((self.inbox / ".truth" / f"{self.sid}.json").read_text(encoding="utf-8"))

    def run(self) -> Result:
        result = decide_submission(Submission(self.entry, self.sid), REGISTERS, out=self.out)
        write_application(result, self.out, date(2026, 12, 2))
        return result

    def correct(self, address: str, value: str) -> CorrectionResult:
        return add_correction(self.out, self.sid, address, value, KARI)

    def file_of(self, kind: str, hpr: str) -> str:
        return next(n for n, f in self.truth["files"].items() if f["kind"] == kind and f["hpr_number"] == hpr)


def planned(base: Path, year: int, status: str, variant: str, seed: str, kind: str | None = None,
            wanted=lambda done, case: True) -> tuple[Case, garble.Garble | None]:
    """The first of a few plans for the scenario that takes the garble `kind` as `wanted` (or none)."""
    for attempt in range(12):
        shutil.rmtree(base / "inbox", ignore_errors=True)
        (base / "inbox").mkdir(parents=True)
        plan_seed = f"{seed}:{attempt}"
        sub = scenarios.build(random.Random(plan_seed), new_context(), f"AR-{year}-900001", year, status, variant)
        sub.zipped = False
        case = Case(base, sub.submission_id)
        if kind is None:
            write(case.inbox, sub, random.Random(f"{plan_seed}:draw"))
            return case, None
        done = garble.write_garbled(case.inbox, sub, random.Random(f"{plan_seed}:draw"),
                                    random.Random(f"{plan_seed}:garble"), (kind,))
        if done is not None and wanted(done, case):
            return case, done
    pytest.fail(f"no plan for {year} {variant} takes the garble {kind} as wanted")


def review_rules(result: Result) -> set[str]:
    return {f.rule for f in result.findings if f.severity == "review"}


def norwegian(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def test_a_corrected_org_number_in_the_form_lets_the_rules_decide_the_case(tmp_path):
    case, _ = planned(tmp_path, 2020, "manual_review", "orgnr-invalid", "corr:orgnr")
    assert review_rules(case.run()) == {"id.orgnr-invalid", "id.municipality-unknown"}
    case.correct("form:org_number", case.truth["municipality"]["org_number"])
    result = case.run()
    assert result.status == "approve", [f.message for f in result.findings]
    assert result.municipality.org_number == case.truth["municipality"]["org_number"]
    assert result.recommended_total_nok == Decimal(case.truth["files"][case.file_of("budget", None)]["fields"]
                                                   ["total_requested"])


def test_a_form_amount_written_as_text_is_corrected_and_its_form_problem_settled(tmp_path):
    case, _ = planned(tmp_path, 2024, "approve", "clean", "corr:form-amount")
    form = case.entry / "skjema.json"
    data = json.loads(form.read_text(encoding="utf-8"))
    written = f"kr {data['requested_amount_nok']}".replace(".", ",")
    form.write_text(json.dumps({**data, "requested_amount_nok": written}), encoding="utf-8")
    assert "doc.form-invalid" in review_rules(case.run())
    case.correct("form:requested_amount", written)
    result = case.run()
    assert (result.status, result.recommended_total_nok) == (
        case.truth["expected_status"], Decimal(case.truth["expected_recommended_total"]))
    assert "doc.form-invalid" not in {f.rule for f in result.findings}


@pytest.fixture(scope="module")
def end_dropped(tmp_path_factory):
    """A 2024 vikariat too short for a grant whose agreement leaves out the end date: run, corrected from the
    truth, run again."""
    case, done = planned(tmp_path_factory.mktemp("end-dropped"), 2024, "reject", "vikar-too-short",
                         "corr:end-dropped", "end-dropped")
    before = case.run()
    truth_end = case.truth["files"][done.file]["fields"]["employment_end"]
    made = case.correct(f"doctor:{done.hpr}:employment_end", norwegian(truth_end))
    return case, done, before, made, case.run()


def test_a_doctor_field_corrected_from_the_truth_reaches_the_truths_decision(end_dropped):
    case, _, before, _, after = end_dropped
    assert before.status == "manual_review"
    assert (after.status, after.recommended_total_nok) == (
        case.truth["expected_status"], Decimal(case.truth["expected_recommended_total"]))
    assert set(case.truth["decisive_rules"]) <= {f.rule for f in after.findings}


def test_a_refusal_on_a_corrected_value_names_the_caseworker_in_its_evidence(end_dropped):
    _, done, _, _, after = end_dropped
    [refusal] = [f for f in after.findings if f.rule == "elig.vikar-too-short" and f.hpr_number == done.hpr]
    assert refusal.evidence.route == "corrected" and refusal.evidence.corrected == KARI
    assert refusal.evidence.file == done.file


def test_the_result_keeps_the_correction_beside_what_was_read(end_dropped):
    case, done, _, made, after = end_dropped
    [kept] = after.corrections
    assert (kept.state, kept.field, kept.by, kept.why, kept.at) == (
        "applied", f"doctor:{done.hpr}:employment_end", KARI.by, KARI.why, KARI.at)
    assert kept.value == case.truth["files"][done.file]["fields"]["employment_end"]
    assert (kept.read.value, kept.read.file, kept.read_shown) == (None, done.file, "–")
    assert kept.read.sha256 == next(a.sha256 for a in after.attachments if a.file == done.file)
    assert made.shown == kept.shown == norwegian(kept.value)


def test_a_correction_survives_the_run_that_rewrites_the_outputs(end_dropped):
    case, *_ = end_dropped
    assert corrections_path(case.out, case.sid).is_file()
    assert json.loads((case.out / "applications" / case.sid / "result.json").read_text())["corrections"]


def test_a_correction_whose_value_was_read_differently_in_a_new_file_is_not_applied(end_dropped, tmp_path):
    case, done, *_ = end_dropped
    again = Case(tmp_path, case.sid)
    shutil.copytree(case.out, again.out)
    shutil.copytree(case.inbox, again.inbox)
    municipality_sends = tmp_path / "ungarbled"
    sub = scenarios.build(random.Random("corr:end-dropped:0"), new_context(), case.sid, 2024, "reject",
                          "vikar-too-short")
    sub.zipped = False
    write(municipality_sends, sub, random.Random("corr:end-dropped:0:draw"))
    shutil.copy(municipality_sends / case.sid / done.file, again.entry / done.file)
    result = again.run()
    assert result.status == "manual_review"
    [outdated] = [f for f in result.findings if f.rule == "doc.correction-outdated"]
    assert done.file in outdated.message and "ny versjon av filen" in outdated.message
    assert [c.state for c in result.corrections] == ["outdated"]
    assert all(f.evidence is None or f.evidence.route != "corrected" for f in result.findings)


def _unreadable(case: Case, cell: str) -> tuple[str, str]:
    """The address and the field of the value the garble made unreadable, found by its cell in what was read."""
    [budget] = [a.budget for a in reading(case.out, case.sid).attachments if a.kind == "budget"]
    for row in budget.rows:
        for name in ("requested", "total_cost", "cofunding"):
            if getattr(row, name).evidence and getattr(row, name).evidence.where.endswith(f"!{cell}"):
                return f"budget:{row.hpr_number.value}:{name}", name
    for claim in budget.claims:
        for name in ("absence_hours", "absence_rate", "supervision_hours", "supervision_rate", "learning_costs"):
            value = getattr(claim, name)
            if value.evidence and value.evidence.where.endswith(f"!{cell}") and value.value is None:
                return f"claim:{claim.hpr_number.value}:{claim.month.value}:{name}", name
    pytest.fail(f"no unreadable value at {cell}")


def _truth_value(case: Case, address: str, name: str) -> str:
    fields = case.truth["files"][case.file_of("budget", None)]["fields"]
    hpr = address.split(":")[1]
    if address.startswith("claim:"):
        month = address.split(":")[2]
        return next(c[name] for c in fields["claims"] if c["hpr_number"] == hpr and c["month"] == month)
    return next(r[name] for r in fields["rows"] if r["hpr_number"] == hpr)


def _row_amount(done: garble.Garble, case: Case) -> bool:
    """The garble hit the requested amount, total cost or cofunding of a budget row (the truth's amounts)."""
    before = done.detail.split(": ")[1].split(" -> ")[0]
    rows = case.truth["files"][case.file_of("budget", None)]["fields"]["rows"]
    return any(Decimal(before) == Decimal(row[name]) for row in rows for name in ("requested", "total_cost",
                                                                                   "cofunding"))


@pytest.mark.parametrize("year, seed", [(2024, "corr:claim"), (2020, "corr:row")], ids=["claim", "budget-row"])
def test_an_amount_cell_corrected_from_the_truth_reaches_the_truths_amount(tmp_path, year, seed):
    case, done = planned(tmp_path, year, "approve", "clean", seed, "amount-garbled",
                         wanted=_row_amount if year == 2020 else lambda done, case: True)
    assert case.run().status == "manual_review"
    address, name = _unreadable(case, done.detail.split(":")[0])
    value = _truth_value(case, address, name)
    case.correct(address, f"{Decimal(value):f}".replace(".", ","))
    result = case.run()
    assert (result.status, result.recommended_total_nok) == (
        case.truth["expected_status"], Decimal(case.truth["expected_recommended_total"]))


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory):
    """The fixed sample that stops on an agreement the municipality did not date, run once."""
    case = Case(tmp_path_factory.mktemp("unsigned"), "AR-2020-000104")
    shutil.copytree(FIXED / case.sid, case.entry)
    before = case.run()
    return case, before, next(d.hpr_number for d in before.doctors)


def test_a_settled_finding_becomes_info_with_who_and_why_and_the_case_is_decided(unsigned, tmp_path):
    base, before, hpr = unsigned
    case = Case(tmp_path, base.sid)
    shutil.copytree(base.inbox, case.inbox)
    shutil.copytree(base.out, case.out)
    assert before.status == "manual_review"
    add_acceptance(case.out, case.sid, "doc.agreement-unsigned", hpr, KARI)
    result = case.run()
    [settled] = [f for f in result.findings if f.rule == "doc.agreement-unsigned"]
    assert (settled.severity, settled.settled, settled.message) == (
        "info", KARI, next(f.message for f in before.findings if f.rule == "doc.agreement-unsigned"))
    assert result.status == "approve" and result.recommended_total_nok == result.requested_total_nok
    assert (case.out / "applications" / case.sid / "vedtak-utkast.docx").is_file()


@pytest.mark.parametrize("address, value, code, said", [
    ("doctor:1111111:employment_end", "30.06.2024", 2, "ingen lege «1111111»"),
    ("doctor:{hpr}:sluttdato", "30.06.2024", 2, "ikke et felt som kan rettes"),
    ("doctor:{hpr}:signed_municipality", "31.06.2020", 2, "ikke en dato"),
    ("form:requested_amount", "mange penger", 2, "ikke et beløp"),
    ("claim:{hpr}:2020-03:absence_hours", "7,5", 2, "regime A"),
    ("form:grant_year", "2022", 2, "2019, 2020, 2021, 2023, 2024"),
])
def test_a_correction_that_does_not_fit_the_application_is_refused_and_nothing_is_stored(unsigned, address, value,
                                                                                         code, said):
    case, _, hpr = unsigned
    with pytest.raises(Refused) as refused:
        case.correct(address.format(hpr=hpr), value)
    assert refused.value.code == code and said in str(refused.value)
    assert not corrections_path(case.out, case.sid).exists()


def test_a_correction_of_an_application_not_under_out_is_refused_with_exit_code_1(unsigned):
    case, _, hpr = unsigned
    with pytest.raises(Refused) as refused:
        add_correction(case.out, "AR-2020-999999", f"doctor:{hpr}:employment_end", "30.06.2024", KARI)
    assert refused.value.code == 1 and "AR-2020-999999" in str(refused.value)


@pytest.mark.parametrize("rule, doctor, said", [
    ("doc.agreement-missing", "{hpr}", "ikke noe funn doc.agreement-missing"),
    ("doc.agreement-unsigned", None, "oppgi hvem med --doctor"),
    ("doc.field-missing", "{hpr}", "rettes med --field"),
    ("amount.cap-per-alis", "{hpr}", "stopper ikke saken"),
    ("doc.no-such-rule", None, "ikke en regel"),
])
def test_settling_a_finding_the_application_does_not_stop_on_is_refused(unsigned, rule, doctor, said):
    case, _, hpr = unsigned
    with pytest.raises(Refused) as refused:
        add_acceptance(case.out, case.sid, rule, doctor and doctor.format(hpr=hpr), KARI)
    assert refused.value.code == 2 and said in str(refused.value)
    assert not corrections_path(case.out, case.sid).exists()


@pytest.mark.parametrize("text", ["corrections: [\n  - field: form:org_number\n  value", "- just a list\n",
                                  "submission_id: AR-2020-000104\ncorrections:\n  - field: form:org_number\n"])
def test_a_broken_corrections_file_is_a_finding_not_a_crash(unsigned, tmp_path, text):
    base, _, _ = unsigned
    case = Case(tmp_path, base.sid)
    shutil.copytree(base.inbox, case.inbox)
    corrections_path(case.out, case.sid).parent.mkdir(parents=True)
    corrections_path(case.out, case.sid).write_text(text, encoding="utf-8")
    result = case.run()
    assert result.status == "manual_review" and "doc.correction-invalid" in review_rules(result)
    assert "pipeline.error" not in review_rules(result)


def test_a_hand_edited_entry_that_cannot_be_used_is_flagged_and_the_others_still_apply(unsigned, tmp_path):
    base, _, hpr = unsigned
    case = Case(tmp_path, base.sid)
    shutil.copytree(base.inbox, case.inbox)
    shutil.copytree(base.out, case.out)
    add_acceptance(case.out, case.sid, "doc.agreement-unsigned", hpr, KARI)
    path = corrections_path(case.out, case.sid)
    path.write_text(path.read_text(encoding="utf-8").replace("corrections: []", (
        "corrections:\n- field: form:requested_amount\n  value: omtrent mye\n  why: x\n  by: Ola\n"
        "  at: 2026-12-01T09:00:00+01:00\n  read: {}\n")), encoding="utf-8")
    result = case.run()
    [invalid] = [f for f in result.findings if f.rule == "doc.correction-invalid"]
    assert "omtrent mye" in invalid.message
    assert [c.state for c in result.corrections] == ["invalid", "applied"]
    assert next(f for f in result.findings if f.rule == "doc.agreement-unsigned").severity == "info"


def test_a_double_claim_found_across_the_batch_is_settled_when_the_caseworker_accepted_it():
    def claimed(sid: str, corrections=()) -> Result:
        return Result(submission_id=sid, grant_year=2024, status="approve", municipality=Municipality(),
                      recommended_total_nok=Decimal(100), payout_nok=Decimal(100), ruleset="2024",
                      doctors=[doctor("Kari Nordmann", "1234567", "100", "100")], corrections=list(corrections))

    seen = finding("id.double-claim", "x", hpr="1234567")
    accepted = CorrectionResult(kind="accept", rule="id.double-claim", hpr_number="1234567", label="x",
                                findings=[Seen.of(seen)], by=KARI.by, at=KARI.at, why=KARI.why, state="unused")
    ours, theirs = with_batch_rules([claimed("AR-1", [accepted]), claimed("AR-2")])
    assert (ours.status, ours.recommended_total_nok, theirs.status) == ("approve", Decimal(100), "manual_review")
    assert [(f.severity, f.settled) for f in ours.findings] == [("info", KARI)]
    assert ours.corrections[0].state == "applied" and accepted.state == "unused"


def test_the_summary_shows_a_correction_at_its_value_with_what_was_read():
    html = render_summary(examples.corrected()).replace("\xa0", " ")
    assert "Korrigert av Kari Saksbehandler 02.12.2026: 30.06.2024 (lest: –)" in html
    assert "Avklart av Kari Saksbehandler 02.12.2026: Kommunen bekrefter" in html


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(catalogue()["kinds"])), text=st.text(max_size=30))
def test_any_text_for_any_kind_of_value_is_a_value_or_a_norwegian_refusal(kind, text):
    try:
        parse_value(kind, text, "feltet")
    except CorrectionError as refused:
        assert "feltet" in str(refused)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200) | st.sampled_from(["[", "{a: [b", "submission_id: X\ncorrections: 3\n", "- 1\n"]))
def test_any_text_in_a_corrections_file_is_read_or_said_to_be_broken(text):
    loaded = load_text(text, "AR-2024-000001", "corrections/AR-2024-000001.yaml")
    assert loaded.file is None or loaded.problem is None
