"""Running the installed `alis` command the way an operator does."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ALIS = str(Path(sys.executable).parent / "alis")


def alis(*args: str | Path, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([ALIS, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)
