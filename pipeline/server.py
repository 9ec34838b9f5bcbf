"""Which Prefect server a command talks to: the operator's running one, or a temporary one of its own.

With PREFECT_API_URL (in the environment or the Prefect profile) naming a
server, `alis batch` and `alis run` use it and start nothing; without it
Prefect starts a temporary server for each command (10-30 s). A schedule
needs a server that outlives the command, so `alis serve` requires one.
"""
from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


def api_url() -> str | None:
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def responds(url: str, timeout: float = 5.0) -> bool:
    """Whether a Prefect server answers at `url`; any HTTP answer counts (a server behind auth answers too)."""
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return True


class TemporaryServer:
    """Prefect's temporary server, started by the command itself as soon as it knows it needs one.

    The server takes 10-20 s to start, most of it importing in its own
    process. Prefect starts it only when the flow asks for a client, after the
    command has imported everything, and imports the whole server in the
    command's own process first (5 s of CPU) just to start it. Started here
    with the same command line and settings, it boots on the other core while
    this process loads the flows; the flow talks to it through PREFECT_API_URL
    and it is stopped when the command exits, as Prefect stops its own.
    """

    def __init__(self, startup_seconds: float):
        self.startup_seconds = startup_seconds
        self.port = _free_port()
        self.process = self._launch()
        atexit.register(self.stop)
        log.info("Starting temporary server on http://127.0.0.1:%d", self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _launch(self) -> subprocess.Popen:
        """The command line and environment Prefect's SubprocessASGIServer gives its server (prefect 3.8.8)."""
        from prefect.settings import get_current_settings

        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
               **get_current_settings().to_environment_variables(exclude_unset=True)}
        packages = Path(importlib.util.find_spec("prefect").origin).parents[1]
        return subprocess.Popen([sys.executable, "-m", "uvicorn", "--app-dir", str(packages),
                                 "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                                 "--port", str(self.port), "--log-level", "error", "--lifespan", "on"], env=env)

    def ready(self) -> str:
        """Waits until the server answers; its API URL. Raises RuntimeError when it does not start."""
        import httpx

        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self.process.poll() == PORT_TAKEN:
                self.port, self.process = _free_port(), self._launch()
            elif self.process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect server did not answer within {self.startup_seconds:g} s")

    def stop(self) -> None:
        stop_process(self.process, grace_seconds=5)


def stop_process(process: subprocess.Popen, grace_seconds: float) -> None:
    """Asks the process to end, and kills it when it has not within the grace."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PORT_TAKEN = 3  # what uvicorn exits with when its port is taken


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
