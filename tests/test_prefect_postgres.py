"""The Prefect server on PostgreSQL, as an operator runs it in production (docs/operations.md).

PostgreSQL comes from ALIS_TEST_POSTGRES (an admin URL of a running server,
as .ci/run starts one) or, without it, from a cluster this module makes in a
temporary folder with the installed binaries (as the postgres user when run
as root). Without either the test skips, and says why in the summary.
"""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import asyncpg
import pytest

from tests.cli import alis
from tests.prefect_server import free_port, start_server, stop_server

FIXED = Path(__file__).resolve().parents[1] / "samples" / "inbox"


class PostgresMissing(UserWarning):
    """The PostgreSQL test could not run: no server and no binaries to start one."""


def skip_loudly(reason: str):
    warnings.warn(PostgresMissing(reason))
    pytest.skip(reason)


def _bin_dir() -> Path | None:
    if shutil.which("pg_config"):
        found = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip())
        if (found / "initdb").exists():
            return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


def _own_cluster(folder: Path) -> tuple[str, subprocess.Popen]:
    """An admin URL of a PostgreSQL cluster started in `folder`, trusting local connections."""
    binaries = _bin_dir()
    if binaries is None:
        skip_loudly("PostgreSQL is not installed (.ci/run installs postgresql and postgresql-contrib); "
                    "set ALIS_TEST_POSTGRES to an admin URL to use a running server")
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            skip_loudly("running as root and there is no postgres user to run PostgreSQL as")
        shutil.chown(folder, user)
    data, port = folder / "data", free_port()
    subprocess.run([binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   user=user, check=True, capture_output=True)
    server = subprocess.Popen([binaries / "postgres", "-D", data, "-p", str(port), "-k", folder,
                               "-c", "listen_addresses=127.0.0.1"], user=user, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    deadline = time.monotonic() + 60
    while subprocess.run([binaries / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode:
        assert server.poll() is None and time.monotonic() < deadline, "PostgreSQL did not start"
        time.sleep(0.3)
    return url, server


async def _sql(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def postgres():
    """An admin URL and a fresh database for this module, dropped afterwards."""
    own = None
    admin = os.environ.get("ALIS_TEST_POSTGRES")
    folder = Path(tempfile.mkdtemp(prefix="alis-pg-"))
    try:
        if not admin:
            admin, own = _own_cluster(folder)
        name = f"alis_prefect_{uuid.uuid4().hex[:8]}"
        asyncio.run(_sql(admin, f"CREATE DATABASE {name}"))
        database = admin.rsplit("/", 1)[0] + f"/{name}"
        yield database.replace("postgresql://", "postgresql+asyncpg://", 1), database
        asyncio.run(_sql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        if own is not None:
            own.terminate()
            own.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_run_is_recorded_by_a_prefect_server_on_postgresql(postgres, tmp_path_factory, tmp_path):
    prefect_url, database = postgres
    server = start_server(tmp_path_factory.mktemp("prefect-postgres"), database_url=prefect_url)
    try:
        done = alis("run", FIXED / "AR-2020-000101", "--out", tmp_path / "out", env=server.env)
    finally:
        stop_server(server)
    assert done.returncode == 0, done.stderr[-2000:]

    async def recorded() -> list[str]:
        connection = await asyncpg.connect(database)
        try:
            return [row["name"] for row in await connection.fetch("SELECT name FROM flow_run")]
        finally:
            await connection.close()

    assert "run-AR-2020-000101" in asyncio.run(recorded())
