"""A long batch tells how far it has come: a bar on a terminal, a line at every tenth in a log, an artifact."""
from __future__ import annotations

from pipeline.progress import Progress


def advanced(total: int, reused: int = 0) -> tuple[list[str], list[float]]:
    lines, shown = [], []
    progress = Progress("Søknader avgjort", total, terminal=False, log=lines.append, artifact=shown.append)
    for number in range(total):
        progress.advance(reused=number < reused)
    progress.close()
    return lines, shown


def test_without_a_terminal_a_line_is_logged_at_every_tenth():
    lines, _ = advanced(200)
    assert lines == [f"Søknader avgjort: {n} av 200" for n in range(20, 201, 20)]


def test_the_line_says_how_many_were_decided_before():
    lines, _ = advanced(10, reused=4)
    assert lines[-1] == "Søknader avgjort (4 fra før): 10 av 10"


def test_the_progress_artifact_ends_at_100_percent():
    _, shown = advanced(50)
    assert shown[-1] == 100.0 and shown == sorted(shown)
