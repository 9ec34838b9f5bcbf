"""How far a batch has come, where whoever runs it looks.

On a terminal a bar (rich); in a log (a served run, output to a file) a
line at every tenth and at least every half minute; in the Prefect UI a
progress artifact. `advance` is called from the worker threads.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as Bar

LOG_EVERY_SECONDS = 30.0
ARTIFACT_EVERY_SECONDS = 2.0


class Progress:
    def __init__(self, doing: str, total: int, *, terminal: bool, log: Callable[[str], None],
                 artifact: Callable[[float], None] | None = None):
        self.doing, self.total = doing, total
        self.done = self.reused = 0
        self._log, self._artifact = log, artifact
        self._lock = threading.Lock()
        self._logged_at = self._shown_at = time.monotonic()
        self._logged_tenth = 0
        self._bar: Bar | None = None
        if terminal and total:
            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True))
            self._task = self._bar.add_task(doing, total=total)
            self._bar.start()

    def advance(self, reused: bool = False) -> None:
        with self._lock:
            self.done += 1
            self.reused += reused
            line = self._due_line()
            show = self._due_artifact()
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, description=self._describe())
        elif line:
            self._log(line)
        if show and self._artifact:
            self._artifact(100.0 * self.done / self.total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _describe(self) -> str:
        reused = f" ({self.reused} fra før)" if self.reused else ""
        return f"{self.doing}{reused}"

    def _due_line(self) -> str | None:
        tenth = 10 * self.done // max(self.total, 1)
        now = time.monotonic()
        if tenth == self._logged_tenth and now - self._logged_at < LOG_EVERY_SECONDS and self.done < self.total:
            return None
        self._logged_tenth, self._logged_at = tenth, now
        return f"{self._describe()}: {self.done} av {self.total}"

    def _due_artifact(self) -> bool:
        now = time.monotonic()
        if self.done < self.total and now - self._shown_at < ARTIFACT_EVERY_SECONDS:
            return False
        self._shown_at = now
        return True
