"""The chunk tasks of a batch on a dask.distributed cluster: `alis batch --dask tcp://HOST:8786`.

prefect-dask's DaskTaskRunner sends each chunk task to a worker of a cluster
that is already running; the flow, its lock on OUT, the batch-level rules and
the overview stay in the command's process. A task on a dask worker reads,
decides and writes through isolated children of that worker (pipeline/isolation.py),
so the worker process must be allowed to start children: dask starts its
workers as daemonic processes unless `distributed.worker.daemon` is False
(`DASK_DISTRIBUTED__WORKER__DAEMON=False`), and a daemonic process may not.
Every worker must see INBOX, OUT and the registers at the same paths as the
command (a shared file system) and reach the Prefect server (a running one
when the workers are on other machines).
"""
from __future__ import annotations

import multiprocessing

CONNECT_SECONDS = 20


class ClusterProblem(RuntimeError):
    """The cluster cannot run the batch; the message says why, in Norwegian, for the operator."""


def _may_start_children() -> bool:
    return not multiprocessing.current_process().daemon


def check_cluster(address: str) -> int:
    """The threads of the cluster's workers; raises ClusterProblem when it does not answer, has no
    workers, or has workers that may not start the children every file is read in."""
    from distributed import Client

    try:
        with Client(address, timeout=CONNECT_SECONDS) as client:
            threads = sum(client.nthreads().values())
            allowed = client.run(_may_start_children)
    except (OSError, TimeoutError) as exc:
        raise ClusterProblem(f"dask-klyngen på {address} svarer ikke ({type(exc).__name__})") from exc
    if not threads:
        raise ClusterProblem(f"dask-klyngen på {address} har ingen arbeidere")
    if not all(allowed.values()):
        raise ClusterProblem(f"arbeiderne i dask-klyngen på {address} kan ikke starte barneprosesser; start dem "
                             "med DASK_DISTRIBUTED__WORKER__DAEMON=False")
    return threads


def task_runner(address: str):
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=address)


def cluster_threads(runner) -> int | None:
    """Threads of the workers of the cluster an entered DaskTaskRunner is connected to."""
    return sum(runner.client.nthreads().values()) or None
