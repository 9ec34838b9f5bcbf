"""Fixtures shared across test modules."""
import pytest

from tests.extract_samples import COUNT, SEEDS, Sample, read_samples
from tests.prefect_server import prefect_server  # noqa: F401 - one real Prefect server for the session


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> list[Sample]:
    """Every attachment of COUNT generated submissions for each of SEEDS, read once for all extract tests."""
    return [sample for seed in SEEDS
            for sample in read_samples(tmp_path_factory.mktemp(f"generated{seed}"), COUNT, seed)]
