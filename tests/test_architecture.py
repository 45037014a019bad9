"""Architecture rules that import-linter cannot express, checked on the source text.

Below the HTTP layers nothing knows about HTTP statuses: services, selectors, models, execution,
tasks, management commands and the pure packages raise domain errors (`blocks.errors`) and never
import `registry.api`, and modules log through their own logger (that error codes are `ErrorCode`
members is the type checker's job: the signatures say so). These catch stragglers after merges.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The HTTP layers (and the admin, a UI of its own); everything else in these packages is below them.
HTTP_LAYERS = ("registry/api/", "registry/roboflow/", "registry/admin/", "registry/docs/", "registry/health.py")
CODED = ["blocks", "executor", "registry"]
APPLICATION = ["blocks", "executor", "registry", "config", "frontend"]
LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
# Outbound HTTP clients read the status of the reply they got (requests' `Response.status_code`).
HTTP_REPLY_NAMES = {"response", "reply"}


def _modules(*folders: str) -> list[Path]:
    paths = (path for folder in folders for path in (ROOT / folder).rglob("*.py"))
    return sorted(path for path in paths if "migrations" not in path.parts)


def _below_http() -> list[Path]:
    return [path for path in _modules(*CODED) if not str(path.relative_to(ROOT)).startswith(HTTP_LAYERS)]


def _status_code_mentions(tree: ast.AST) -> list[int]:
    """Lines that name `status_code` as code (a name, an attribute, a parameter, a keyword); a string
    key in stored data is not code, and reading the status of an outbound HTTP reply is allowed."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "status_code":
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "status_code":
            reply = isinstance(node.value, ast.Name) and node.value.id in HTTP_REPLY_NAMES
            if not (reply and isinstance(node.ctx, ast.Load)):
                lines.append(node.lineno)
        elif isinstance(node, ast.arg) and node.arg == "status_code":
            lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg == "status_code":
            lines.append(node.value.lineno)
    return sorted(lines)


def _imports_http_layer(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(name.startswith(("registry.api", "registry.roboflow")) for name in names):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("check", [_status_code_mentions, _imports_http_layer])
def test_nothing_below_the_http_layers_knows_about_http(check: Callable[[ast.AST], list[int]]):
    offenders = {
        str(path.relative_to(ROOT)): lines for path in _below_http() if (lines := check(ast.parse(path.read_text())))
    }
    assert offenders == {}


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that read the process environment (`os.environ`, `os.getenv`, either imported from os)."""
    readers = {"environ", "environb", "getenv"}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.extend([node.lineno] if node.attr in readers else [])
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines.extend([node.lineno] if any(alias.name in readers for alias in node.names) else [])
    return sorted(lines)


def test_the_pure_packages_take_configuration_as_arguments():
    """`blocks` and `executor` never read the environment (nor Django settings: import-linter)."""
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in _modules("blocks", "executor")
        if (lines := _reads_environment(ast.parse(path.read_text())))
    }
    assert offenders == {}


def _is_print(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


def _is_root_logger_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "logging"
        and node.func.attr in LOG_CALLS
    )


def _is_logger_not_named_after_its_module(node: ast.AST) -> bool:
    if not (
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id in {"logger", "log", "LOGGER"} for t in node.targets)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "getLogger"
    ):
        return False
    args = node.value.args
    return not (len(args) == 1 and isinstance(args[0], ast.Name) and args[0].id == "__name__")


def _stray_logging(tree: ast.AST) -> list[int]:
    """Lines that log around the module's own logger: the root logger (`logging.info(...)`), a
    `logger` named otherwise than after its module, or `print`."""
    checks = (_is_print, _is_root_logger_call, _is_logger_not_named_after_its_module)
    return [getattr(node, "lineno", 0) for node in ast.walk(tree) if any(check(node) for check in checks)]


def test_modules_log_through_their_own_logger():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in _modules(*APPLICATION)
        if (lines := _stray_logging(ast.parse(path.read_text())))
    }
    assert offenders == {}


def test_the_checks_see_what_they_are_meant_to_catch():
    source = (
        "from registry.api.errors import ApiError\n"
        "from registry import api\n"
        "class E(Exception):\n"
        "    status_code = 409\n"
        "def f(status_code=400):\n"
        "    raise ApiError('x', code='made_up', status_code=404)\n"
        "ok = response.status_code\n"
        "data = {'status_code': 204}\n"
    )
    tree = ast.parse(source)
    assert _status_code_mentions(tree) == [4, 5, 6]
    assert _imports_http_layer(tree) == [1, 2]
    logs = ast.parse(
        "logger = logging.getLogger(__name__)\n"
        "log = logging.getLogger('blockwise')\n"
        "logging.warning('root')\n"
        "logger.warning('fine')\n"
        "print('out')\n"
    )
    assert _stray_logging(logs) == [2, 3, 5]
    environment = ast.parse(
        "import os\nfrom os import getenv\na = os.environ.get('A')\nb = os.getenv('B')\nc = os.sep\n"
    )
    assert _reads_environment(environment) == [2, 3, 4]


def test_every_registry_module_is_in_a_layer_of_the_import_contract():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    [layered] = [contract for contract in contracts if contract["type"] == "layers"]
    layers = {name.strip() for layer in layered["layers"] for name in layer.split(":")}
    top_level = {
        f"registry.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "registry").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    # Migrations are Django's; templates and demo data are not Python packages.
    assert sorted(top_level - layers - {"registry.migrations"}) == []
