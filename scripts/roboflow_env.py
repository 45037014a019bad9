"""A throwaway virtualenv with Roboflow Inference 1.8.3, outside the repo, built once per machine.

Conformance tests compare our answers with Roboflow's own code running in it, the test suite dumps
Roboflow's block catalog from it when ../shared/ is absent, and benchmarks may time it. Nothing of
ours is installed there and nothing of it is imported here: callers run its interpreter.

    python -m scripts.roboflow_env        # create it if needed (minutes), print its interpreter

A stamp file names the requirement it was built for, so a finished environment costs nothing and an
interrupted one is completed; a lock keeps two builds from running into each other.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

# The `http` extra brings the server itself: conformance tests call its routes in-process, benchmarks
# may serve it.
REQUIREMENT = "inference[http]==1.8.3"
PYTHON = "python3.11"
CACHE_DIR = Path(os.environ.get("BLOCKWISE_CACHE_DIR", Path.home() / ".cache" / "blockwise"))
ENV_DIR = CACHE_DIR / "roboflow-1.8.3"
STAMP = ENV_DIR / ".blockwise-stamp"


def env_python() -> Path:
    return ENV_DIR / "bin" / "python"


def env_ready() -> bool:
    return STAMP.is_file() and STAMP.read_text(encoding="utf-8").strip() == REQUIREMENT


def env_ensure() -> Path:
    """The environment's interpreter, building the environment first when it is not complete."""
    if env_ready():
        return env_python()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "roboflow-env.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not env_ready():
            _build()
    return env_python()


def _build() -> None:
    print(f"building {ENV_DIR} with {REQUIREMENT} (several minutes, once per machine)", file=sys.stderr)
    if not env_python().exists():
        subprocess.run([PYTHON, "-m", "venv", str(ENV_DIR)], check=True)
    subprocess.run(
        [str(env_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENT],
        check=True,
    )
    STAMP.write_text(REQUIREMENT + "\n", encoding="utf-8")


if __name__ == "__main__":
    print(env_ensure())
