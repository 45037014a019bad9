"""The dependency files: runtime apart from development tools, every pin exact and constrained alike."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(\[[^\]]+\])?==([^\s#]+)")


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (REPO / name).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(3)
        else:
            assert line.startswith(("#", "-r ")) or not line.strip(), (name, line)
    return found


def test_runtime_requirements_hold_no_development_tool():
    runtime = pins("requirements.txt")
    for tool in ("pytest", "pytest-django", "pytest-cov", "ruff", "mypy", "import-linter", "playwright", "onnx"):
        assert tool not in runtime
    assert "inference-sdk" not in runtime


def test_roboflows_client_is_pinned_for_the_conformance_tests_only():
    assert pins("requirements-conformance.txt") == {"inference-sdk": "1.8.3"}
    assert "inference-sdk" not in pins("requirements-dev.txt")


def test_every_pin_matches_the_constraints():
    constraints = pins("constraints.txt")
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-conformance.txt"):
        for package, version in pins(name).items():
            assert constraints.get(package) == version, (name, package)
