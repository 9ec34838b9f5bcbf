"""`alis serve`: the nightly batch on a schedule and re-runs on demand, from one long-lived process.

Two deployments on the operator's Prefect server: `alis-nightly-batch/nightly`
on a cron schedule in Europe/Oslo, at most one run at a time, and
`alis-single-submission/on-demand`, which takes a submission id. The nightly
run's chunks run on `--workers` threads, or on the dask cluster of `--dask`,
from its parameters, which the UI shows and a manual run may change. Each flow run
executes in a subprocess of this one; runs and logs show in the Prefect UI.
The schedule is not paused when the process stops, so a night missed while
the service was down runs when it comes back.
"""
from __future__ import annotations

from pathlib import Path

from prefect import serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from pipeline.flows import batch_flow, run_flow
from pipeline.runs import crash_abandoned_runs

TIMEZONE = "Europe/Oslo"
NIGHTLY = "nightly"
ON_DEMAND = "on-demand"


def deployments(inbox: Path, out: Path, registers: Path, cron: str, workers: int,
                dask: str | None = None) -> list[RunnerDeployment]:
    where = {"inbox": str(inbox.resolve()), "out": str(out.resolve()), "registers_dir": str(registers.resolve()),
             "wait": True}
    nightly = batch_flow.to_deployment(
        name=NIGHTLY, schedules=[Cron(cron, timezone=TIMEZONE)], parameters={**where, "workers": workers, "dask": dask},
        concurrency_limit=1, entrypoint_type=EntrypointType.MODULE_PATH,
        description="Nattlig kjøring: hver søknad i innboksen får et resultat.")
    on_demand = run_flow.to_deployment(
        name=ON_DEMAND, parameters=where, entrypoint_type=EntrypointType.MODULE_PATH,
        description="Kjør én søknad på nytt fra innboksen (parameter submission_id).")
    return [nightly, on_demand]


def serve_forever(inbox: Path, out: Path, registers: Path, cron: str, workers: int, dask: str | None) -> None:
    crash_abandoned_runs()
    serve(*deployments(inbox, out, registers, cron, workers, dask), pause_on_shutdown=False)
