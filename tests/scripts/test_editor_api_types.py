"""The editor's API types are generated from the OpenAPI schema, and `make checks` fails when the
committed ones are out of date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.editor_api_types import REPO, TARGET


def _check(target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.editor_api_types", "--check", "--target", str(target)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_committed_types_match_the_schema() -> None:
    result = _check(TARGET)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_stale_types_fail_the_check_with_a_diff(tmp_path: Path) -> None:
    stale = tmp_path / "api.ts"
    committed = TARGET.read_text(encoding="utf-8")
    marker = "        WorkflowIssue: {\n"
    stale.write_text(committed.replace(marker, marker + "            gone: string;\n", 1))
    result = _check(stale)
    assert result.returncode == 1
    assert "-            gone: string;" in result.stdout.splitlines()
    assert result.stderr.strip().endswith("is out of date: run `make api-types` and commit it.")
    assert stale.read_text(encoding="utf-8") != committed
