"""Shared fixtures: paths to the shared reference data."""

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_DIR.parent / "shared"
ROBOFLOW_DESCRIBE_PATH = SHARED_DIR / "data" / "roboflow-describe-1.8.3.json.gz"


def load_roboflow_describe() -> dict[str, Any]:
    with gzip.open(ROBOFLOW_DESCRIBE_PATH, "rt", encoding="utf-8") as handle:
        payload: dict[str, Any] = json.load(handle)
    return payload


@pytest.fixture(scope="session")
def roboflow_describe() -> dict[str, Any]:
    """Roboflow Inference 1.8.3's describe payload (250 blocks, 45 kinds), from ../shared/."""
    return load_roboflow_describe()
