"""The service the intake team leaves running: `alis serve` on a real Prefect server.

One `alis serve` for the module, against the session's server; runs are
triggered through the API as the UI or `prefect deployment run` would.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time

import httpx
import pytest
from prefect import get_client
from prefect.client.schemas.filters import (FlowRunFilter, FlowRunFilterId, FlowRunFilterName, LogFilter,
                                            LogFilterFlowRunId)
from prefect.client.schemas.sorting import FlowRunSort, TaskRunSort
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

from pipeline.corrections import add_correction
from samples.generator import generate
from tests.cli import ALIS, alis
from tests.test_corrections import KARI
from tests.test_distributed import cluster

NIGHTLY = "alis-nightly-batch/nightly"
ON_DEMAND = "alis-single-submission/on-demand"


@pytest.fixture(scope="module")
def service(tmp_path_factory, prefect_server):
    base = tmp_path_factory.mktemp("service")
    inbox, out = base / "inbox", base / "out"
    generate(inbox, 3, seed=5)
    log = open(base / "serve.log", "wb")
    env = {**prefect_server.env, "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    process = subprocess.Popen([ALIS, "serve", "--inbox", inbox, "--out", out, "--cron", "30 1 * * *"], env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    with temporary_settings({PREFECT_API_URL: prefect_server.url}), get_client(sync_client=True) as client:
        deadline = time.monotonic() + 120
        while True:
            try:
                client.read_deployment_by_name(ON_DEMAND)
                break
            except ObjectNotFound:
                assert process.poll() is None and time.monotonic() < deadline, (base / "serve.log").read_text()
                time.sleep(0.5)
        yield {"inbox": inbox, "out": out, "client": client}
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(60)


def triggered(name: str, **parameters):
    run = run_deployment(name, parameters=parameters, timeout=600)
    assert run.state.is_completed(), run.state
    return run


def logged(client, run_id, line: re.Pattern, seconds: float = 60) -> bool:
    """Whether the run's logs come to hold `line`: a run sends its logs in batches, some after it ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])), limit=200,
                                offset=0)
        if any(line.search(log.message) for log in logs):
            return True
        time.sleep(1)
    return False


def test_serve_refuses_without_a_running_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "home")
    (tmp_path / "inbox").mkdir()
    done = alis("serve", "--inbox", tmp_path / "inbox", "--out", tmp_path / "out", env=env)
    assert done.returncode == 1 and "trenger en Prefect-server som kjører hele tiden" in done.stderr


@pytest.mark.parametrize("command", ["serve", "batch"])
def test_a_url_naming_no_running_server_is_refused_clearly(tmp_path, command):
    with socket.socket() as taken:  # bound and never listening: a port nothing else can answer on
        taken.bind(("127.0.0.1", 0))
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "home"),
               "PREFECT_API_URL": f"http://127.0.0.1:{taken.getsockname()[1]}/api"}
        (tmp_path / "inbox").mkdir()
        args = ["--inbox", tmp_path / "inbox"] if command == "serve" else [tmp_path / "inbox"]
        done = alis(command, *args, "--out", tmp_path / "out", env=env)
    assert done.returncode == 1 and "svarer ikke" in done.stderr and "Traceback" not in done.stderr


def test_the_nightly_deployment_runs_on_a_cron_schedule_in_oslo_time(service):
    deployment = service["client"].read_deployment_by_name(NIGHTLY)
    [schedule] = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == ("30 1 * * *", "Europe/Oslo", True)


def test_the_on_demand_deployment_reruns_one_submission_by_id(service):
    sid = sorted(p.stem for p in (service["inbox"] / ".truth").glob("*.json"))[0]
    run = triggered(ON_DEMAND, submission_id=sid)
    result = json.loads((service["out"] / "applications" / sid / "result.json").read_text())
    assert result["submission_id"] == sid and run.name == f"run-{sid}"


def test_an_on_demand_rerun_applies_the_caseworkers_correction(service):
    sid = sorted(p.stem for p in (service["inbox"] / ".truth").glob("*.json"))[-1]
    triggered(ON_DEMAND, submission_id=sid)
    add_correction(service["out"], sid, "form:requested_amount", "kr 1 234", KARI)
    triggered(ON_DEMAND, submission_id=sid)
    result = json.loads((service["out"] / "applications" / sid / "result.json").read_text())
    assert [(c["field"], c["value"], c["state"]) for c in result["corrections"]] == [
        ("form:requested_amount", "1234", "applied")]


def test_a_served_nightly_run_shows_its_logs_progress_and_artifacts_in_prefect(service, prefect_server):
    run = triggered(NIGHTLY)
    client = service["client"]
    listed = json.loads((service["out"] / "batch.json").read_text())["submissions"]
    assert len(listed) == 3
    assert logged(client, run.id, re.compile(r"Søknader avgjort( \(\d fra før\))?: 3 av 3"))
    artifacts = httpx.post(f"{prefect_server.url}/artifacts/filter", timeout=30, json={
        "artifacts": {"flow_run_id": {"any_": [str(run.id)]}}, "limit": 50, "offset": 0, "sort": "CREATED_DESC"}).json()
    assert {"progress", "markdown", "table"} <= {artifact["type"] for artifact in artifacts}
    assert all(a["data"] == 100 for a in artifacts if a["type"] == "progress")


def most_at_once(client, run_id) -> int:
    """How many of a run's chunk tasks ran at the same time, from the times Prefect kept."""
    tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])), limit=200,
                                  offset=0, sort=TaskRunSort.EXPECTED_START_TIME_ASC)
    spans = [(t.start_time, t.end_time) for t in tasks if t.name.startswith("decide-")]
    assert spans and all(start and end for start, end in spans)
    return max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)


def test_a_served_nightly_run_keeps_to_its_workers(service):
    run = triggered(NIGHTLY, workers=1, fresh=True)
    assert most_at_once(service["client"], run.id) == 1


def test_a_served_nightly_run_sends_its_chunks_to_the_dask_cluster_it_is_given(service):
    with cluster(daemon=False) as two_workers:
        before = two_workers.scheduler.transition_counter
        run = triggered(NIGHTLY, dask=two_workers.scheduler_address, fresh=True)
        ran_there = two_workers.scheduler.transition_counter - before
    assert run.state.is_completed() and ran_there > 0
    assert len(json.loads((service["out"] / "batch.json").read_text())["submissions"]) == 3


def test_serve_refuses_a_dask_cluster_that_does_not_answer(tmp_path, prefect_server):
    generate(tmp_path / "inbox", 1, seed=3)
    done = alis("serve", "--inbox", tmp_path / "inbox", "--out", tmp_path / "out", "--dask", "tcp://127.0.0.1:9",
                env=prefect_server.env)
    assert done.returncode == 1 and "dask-klyngen på tcp://127.0.0.1:9 svarer ikke" in done.stderr


def test_a_batch_with_a_running_server_uses_it_and_starts_none(tmp_path, prefect_server):
    generate(tmp_path / "inbox", 1, seed=3)
    done = alis("batch", tmp_path / "inbox", "--out", tmp_path / "out", env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "temporary server" not in done.stderr and prefect_server.url.removesuffix("/api") in done.stderr


def test_a_run_with_a_running_server_shows_its_parameters_there(tmp_path, prefect_server):
    generate(tmp_path / "inbox", 1, seed=3)
    sid = next(p.name for p in (tmp_path / "inbox").iterdir() if not p.name.startswith("."))
    done = alis("run", tmp_path / "inbox" / sid, "--out", tmp_path / "out", env=prefect_server.env)
    assert done.returncode == 0, done.stderr[-2000:]
    with temporary_settings({PREFECT_API_URL: prefect_server.url}), get_client(sync_client=True) as client:
        named = FlowRunFilter(name=FlowRunFilterName(any_=[f"run-{sid.removesuffix('.zip')}"]))
        runs = client.read_flow_runs(flow_run_filter=named, sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=10,
                                     offset=0)
    run = next(r for r in runs if r.parameters.get("out") == str(tmp_path / "out"))
    assert run.state.is_completed()
    assert run.parameters["submission_id"] == sid.removesuffix(".zip")
    assert run.parameters["inbox"] == str(tmp_path / "inbox") and run.parameters["out"] == str(tmp_path / "out")
