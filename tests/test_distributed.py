"""A batch whose chunk tasks run on a dask.distributed cluster gives what a batch on one machine gives.

`alis batch --dask ADDRESS` sends the chunk tasks to the cluster's workers
(prefect-dask); each worker reads through isolated children of its own, so
its processes must be allowed to start children. A local cluster of two
worker processes stands in for the machines.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import dask
import pytest
from distributed import LocalCluster

from tests.cli import alis

FIXED_INBOX = Path(__file__).resolve().parents[1] / "samples" / "inbox"


def cluster(daemon: bool) -> LocalCluster:
    with dask.config.set({"distributed.worker.daemon": daemon}):
        return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("distributed") / "inbox"
    shutil.copytree(FIXED_INBOX, inbox)
    return inbox


@pytest.fixture(scope="module")
def both(inbox, tmp_path_factory, prefect_server) -> tuple[Path, Path, object]:
    """The same inbox through the cluster and through this machine's threads."""
    base = tmp_path_factory.mktemp("outs")
    with cluster(daemon=False) as two_workers:
        on_cluster = alis("batch", inbox, "--out", base / "dask", "--dask", two_workers.scheduler_address,
                          env=prefect_server.env)
    here = alis("batch", inbox, "--out", base / "here", env=prefect_server.env)
    assert here.returncode == 0, here.stderr[-2000:]
    return base / "dask", base / "here", on_cluster


def results(out: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in (out / "applications").glob("*/result.json")}


def test_a_batch_on_a_cluster_exits_0(both):
    assert both[2].returncode == 0, both[2].stderr[-2000:]


def test_a_batch_on_a_cluster_decides_every_submission_as_one_machine_does(both):
    on_cluster, here, _ = both
    assert results(on_cluster) == results(here) and len(results(here)) == 11


def test_a_batch_on_a_cluster_writes_every_output_one_machine_writes(both):
    on_cluster, here, _ = both
    listed = sorted(p.relative_to(here).as_posix() for p in here.rglob("*") if p.is_file() and ".alis" not in p.parts)
    assert sorted(p.relative_to(on_cluster).as_posix() for p in on_cluster.rglob("*")
                  if p.is_file() and ".alis" not in p.parts) == listed


def test_a_cluster_whose_workers_may_not_start_children_is_refused(inbox, tmp_path, prefect_server):
    with cluster(daemon=True) as daemonic:
        done = alis("batch", inbox, "--out", tmp_path / "out", "--dask", daemonic.scheduler_address,
                    env=prefect_server.env)
    assert done.returncode == 1 and "DASK_DISTRIBUTED__WORKER__DAEMON=False" in done.stderr
