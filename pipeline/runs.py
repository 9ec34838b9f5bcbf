"""Our flow runs in Prefect: each labelled with the process that runs it, those of a killed process set Crashed.

A flow run whose process is killed (kill -9, the OOM killer, a power cut)
stays RUNNING in Prefect for ever (RELIABILITY.md §4, case 30). Each run
labels itself with its host and pid, and each new run (and `alis serve` as it
starts) looks up our RUNNING runs: those labelled with this host and a pid
that no longer exists are set Crashed.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from prefect import get_client
from prefect.client.schemas.filters import (FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterState,
                                            FlowRunFilterStateType)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.context import FlowRunContext
from prefect.states import Crashed

from pipeline import workfolder
from pipeline.host import HOST, alive
from pipeline.out_lock import describe, holding

FLOW_NAMES = ("alis-nightly-batch", "alis-single-submission")
HOST_LABEL, PID_LABEL = "alis.host", "alis.pid"
RUNS_LOOKED_AT = 200  # the newest running runs; a server holding more running runs of ours has other troubles


@contextmanager
def started(out: Path, command: str, wait: bool, logger: logging.Logger | logging.LoggerAdapter) -> Iterator[None]:
    """The start every run makes: OUT to itself, its own work folder, and Prefect told of runs that were killed."""
    with holding(out, command, wait, on_wait=lambda holder: logger.info("waiting for %s", describe(holder))) as left:
        if left:
            logger.warning("took over %s from a run that ended without releasing it (%s)", out, describe(left))
        workfolder.activate()
        try:
            for run in crash_abandoned_runs():
                logger.warning("flow run %s set Crashed: its process is gone", run)
            label_this_run()
        except Exception as exc:  # noqa: BLE001 - housekeeping in Prefect never stops a night's work
            logger.warning("earlier runs not checked for crashes: %s", type(exc).__name__)
        yield


def label_this_run() -> None:
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run_labels(context.flow_run.id, {HOST_LABEL: HOST, PID_LABEL: str(os.getpid())})


def crash_abandoned_runs() -> list[str]:
    """Sets Crashed every RUNNING run of our flows whose process on this host is gone; returns them, named."""
    context = FlowRunContext.get()
    current = context.flow_run.id if context and context.flow_run else None
    crashed = []
    with get_client(sync_client=True) as client:
        running = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOW_NAMES))),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.RUNNING]))),
            sort=FlowRunSort.START_TIME_DESC, limit=RUNS_LOOKED_AT)
        for run in running:
            pid = run.labels.get(PID_LABEL, "")
            if run.id == current or run.labels.get(HOST_LABEL) != HOST or not pid.isdigit() or alive(int(pid)):
                continue
            client.set_flow_run_state(run.id, Crashed(message=f"Prosessen {pid} på {HOST} finnes ikke lenger."),
                                      force=True)
            crashed.append(f"{run.name} (pid {pid})")
    return crashed
