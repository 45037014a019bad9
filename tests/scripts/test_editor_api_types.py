"""The editor's API types are generated from the OpenAPI schema, and `make checks` fails when the
committed ones are out of date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.editor_api_types import REPO, TARGET, check


@pytest.fixture(scope="module")
def committed_check() -> tuple[subprocess.CompletedProcess[str], str]:
    """`--check` of the committed types, run once (it generates the schema and the TypeScript, which
    takes a while), and the TypeScript it generated."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.editor_api_types", "--check", "--target", str(TARGET)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return result, TARGET.read_text(encoding="utf-8")


def test_the_committed_types_match_the_schema(committed_check: tuple[subprocess.CompletedProcess[str], str]) -> None:
    result, _ = committed_check
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_stale_types_fail_the_check_with_a_diff(
    committed_check: tuple[subprocess.CompletedProcess[str], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The committed types are what the generator makes (the test above): a stale copy differs from them.
    _, fresh = committed_check
    stale = tmp_path / "api.ts"
    marker = "        WorkflowIssue: {\n"
    stale.write_text(fresh.replace(marker, marker + "            gone: string;\n", 1))
    assert check(stale, fresh) == 1
    out, err = capsys.readouterr()
    assert "-            gone: string;" in out.splitlines()
    assert err.strip().endswith("is out of date: run `make api-types` and commit it.")
    assert stale.read_text(encoding="utf-8") != fresh
