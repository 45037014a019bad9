"""Roboflow Inference 1.8.3 in a throw-away virtualenv outside the repo, created once.

`python -m scripts.roboflow_env` prints the environment's Python, creating the environment first
when it is missing (`pip install inference==1.8.3`, a few minutes). Benchmarks and conformance
checks that compare with Roboflow call `roboflow_python()`. A lock file keeps two callers from
installing at once; an environment that already has the version is used as it is.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

VERSION = "1.8.3"
ROOT = Path(os.environ.get("BLOCKWISE_ROBOFLOW_ENV", Path.home() / ".cache" / "blockwise" / f"roboflow-{VERSION}"))
PYTHON = ROOT / "bin" / "python"
LOCK = ROOT.parent / "roboflow-env.lock"


def _installed() -> bool:
    if not PYTHON.exists():
        return False
    probe = [str(PYTHON), "-c", "from importlib.metadata import version; print(version('inference'))"]
    found = subprocess.run(probe, capture_output=True, text=True, check=False, timeout=120)
    return found.stdout.strip() == VERSION


def roboflow_python() -> Path:
    """The environment's interpreter; installs Roboflow Inference first when it is not there yet."""
    ROOT.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed():
            if not PYTHON.exists():
                subprocess.run([sys.executable, "-m", "venv", str(ROOT)], check=True)
            subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", f"inference=={VERSION}"], check=True)
    return PYTHON


if __name__ == "__main__":
    print(roboflow_python())
