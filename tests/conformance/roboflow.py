"""Answers of the real Roboflow Inference 1.8.3, computed in its own environment and cached.

Also the source of Roboflow's block catalog for the test suite when ../shared/ is absent.

The environment is built on first use (scripts/roboflow_env.py); answers are cached outside the repo
by the content of the question and of the oracle script, so a second run costs no Roboflow start-up.
"""

import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from scripts.roboflow_env import CACHE_DIR, env_ensure

ORACLE = Path(__file__).resolve().parents[2] / "scripts" / "roboflow_oracle.py"


def _ask(command: str, question: Any) -> Any:
    text = json.dumps(question, sort_keys=True)
    digest = hashlib.sha256((ORACLE.read_text(encoding="utf-8") + command + text).encode("utf-8")).hexdigest()
    cached = CACHE_DIR / "roboflow-answers" / f"{command}-{digest[:24]}.json.gz"
    if cached.is_file():
        with gzip.open(cached, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    python = env_ensure()
    completed = subprocess.run(
        [str(python), str(ORACLE), command], input=text, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"Roboflow's oracle failed:\n{completed.stderr[-4000:]}")
    answer = json.loads(completed.stdout)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as handle:
        json.dump(answer, handle)
    partial.replace(cached)
    return answer


def roboflow_validate(definitions: list[Any]) -> list[dict[str, Any]]:
    """For each definition, `{"status", "body"}` as Roboflow's `POST /workflows/validate` answers."""
    answers: list[dict[str, Any]] = _ask("validate", definitions)
    return answers


def roboflow_describe_payload() -> dict[str, Any]:
    """Roboflow's `GET /workflows/blocks/describe` payload."""
    payload: dict[str, Any] = _ask("describe", None)
    return payload


DESCRIBE_FILE = CACHE_DIR / "roboflow-describe-1.8.3.json.gz"


def roboflow_describe_file() -> Path:
    """The describe payload as a gzipped JSON file (what `import_blocks` reads), dumped from the
    Roboflow environment once per machine."""
    if not DESCRIBE_FILE.is_file():
        # A name of this process's own: test runs started side by side each write their own, and the
        # last rename wins whole (one shared name interleaved two writers into a corrupt file).
        partial = DESCRIBE_FILE.with_suffix(f".{os.getpid()}.partial")
        with gzip.open(partial, "wt", encoding="utf-8") as handle:
            json.dump(roboflow_describe_payload(), handle)
        partial.replace(DESCRIBE_FILE)
    return DESCRIBE_FILE
