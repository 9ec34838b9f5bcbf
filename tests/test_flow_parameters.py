"""Flow parameters reach the Prefect server as Prefect itself would send them, without FastAPI's encoder."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from prefect import Flow

from pipeline.flows import run_flow

PARAMETERS = {"submission_id": "AR-2024-000201", "inbox": Path("/srv/innboks"), "out": Path("ut"),
              "registers_dir": Path("/srv/registre"), "workers": 2, "wait": True, "fresh": False, "nothing": None}


def test_plain_parameters_are_sent_as_prefect_sends_them():
    assert run_flow.serialize_parameters(PARAMETERS) == Flow.serialize_parameters(run_flow, PARAMETERS)


def test_other_parameters_are_left_to_prefect():
    odd = {"decimal": __import__("decimal").Decimal("1.5"), "listed": [Path("/a")]}
    assert run_flow.serialize_parameters(odd) == Flow.serialize_parameters(run_flow, odd)


def test_sending_the_parameters_does_not_import_fastapi():
    script = ("import sys; from pathlib import Path; from pipeline.flows import run_flow; "
              "run_flow.serialize_parameters({'inbox': Path('/x'), 'submission_id': 'A'}); "
              "print('fastapi' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
