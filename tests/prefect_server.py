"""A real Prefect server for the tests that need one: `prefect server start` on a free port, one per session.

Not prefect_test_harness: `alis serve` refuses a temporary server, and the
operator's setup (a server the commands talk to over PREFECT_API_URL) is what
these tests specify. Commands run with `Server.env`, which names the server.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pipeline.server import stop_process

PREFECT = str(Path(sys.executable).parent / "prefect")
STARTUP_SECONDS = 240  # a fresh database migrates first: 25 s alone on 2 cores, more while other tests run


@dataclass(frozen=True)
class Server:
    url: str
    home: Path
    process: subprocess.Popen

    @property
    def env(self) -> dict[str, str]:
        """The environment of a command that uses this server (and its own Prefect home)."""
        return {**os.environ, "PREFECT_API_URL": self.url, "PREFECT_HOME": str(self.home)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(home: Path, database_url: str | None = None) -> Server:
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_UI_ENABLED="false", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    if database_url:
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = database_url
    log = open(home / "server.log", "wb")
    process = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}/api", home, process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(server)
    tail = (home / "server.log").read_text(errors="replace")[-3000:]
    pytest.fail(f"prefect server start did not answer within {STARTUP_SECONDS} s:\n{tail}")


def stop_server(server: Server) -> None:
    stop_process(server.process, grace_seconds=30)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("prefect-home"))
    yield server
    stop_server(server)
