"""Which machine and which processes: what tells a live run from one that was killed."""
from __future__ import annotations

import os
import socket

HOST = socket.gethostname()


def alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine (one of another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
