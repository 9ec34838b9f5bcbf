"""Prefect settings the pipeline needs before Prefect is imported, unless the operator set them."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REGISTERS = PROJECT_ROOT / "samples" / "registers"

PREFECT_DEFAULTS = {
    # The ephemeral server needs 24-27 s on a fresh database here (PERFORMANCE.md).
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    # No telemetry from a machine that holds applicants' documents.
    "DO_NOT_TRACK": "1",
}

# Set to "0" by a command that reads one application (`alis run`): its parsing children load the OCR models only
# when a scan comes, instead of the command waiting for them (0.5 s) before its first file (pipeline/warmup.py).
WARM_OCR = "ALIS_WARM_OCR"


def apply_prefect_defaults() -> None:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
