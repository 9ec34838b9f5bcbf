"""Which Prefect server a command talks to: the operator's running one, or a temporary one of its own.

With PREFECT_API_URL (in the environment or the Prefect profile) naming a
server, `alis batch` and `alis run` use it and start nothing; without it
Prefect starts a temporary server for each command (10-30 s). A schedule
needs a server that outlives the command, so `alis serve` requires one.
"""
from __future__ import annotations


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
