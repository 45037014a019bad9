"""tests/conftest.py marks the slow kinds that `make test-fast` leaves out, by fixture or folder."""

from types import SimpleNamespace

from tests.conftest import REPO_DIR, slow_kinds


def _item(path: str, *fixtures: str):
    return SimpleNamespace(fixturenames=list(fixtures), path=REPO_DIR / path)


def test_slow_kinds_are_told_by_fixture_and_folder():
    assert slow_kinds(_item("tests/frontend/test_editor_e2e.py", "editor", "db")) == {"browser"}
    assert slow_kinds(_item("tests/registry/jobs/test_run_batch.py", "workers")) == {"workers"}
    assert slow_kinds(_item("tests/frontend/test_editor_batch.py", "editor", "pool")) == {"browser", "workers"}
    assert slow_kinds(_item("tests/conformance/test_validate_parity.py", "db")) == {"conformance"}
    assert slow_kinds(_item("tests/registry/test_runs_api.py", "api", "model_server")) == set()
