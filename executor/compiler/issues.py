"""Compiler findings: a stable code (from `ErrorCode`), a plain message, and where in the definition the problem is."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from blocks.errors import ErrorCode
from blocks.json_pointer import pointer, pointer_parts

__all__ = ["IssueList", "WorkflowIssue", "pointer", "pointer_parts", "suggest"]

MAX_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class WorkflowIssue:
    code: ErrorCode
    message: str
    pointer: str
    step: str | None = None
    property: str | None = None
    selector: str | None = None
    suggestions: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "pointer": self.pointer,
            "step": self.step,
            "property": self.property,
            "selector": self.selector,
            "suggestions": list(self.suggestions),
            **self.details,
        }


def suggest(name: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """A few close names, never the whole list."""
    return tuple(difflib.get_close_matches(name, list(candidates), n=MAX_SUGGESTIONS, cutoff=0.5))


class IssueList:
    """Collects issues; each stage appends, none stops the others unless it must."""

    def __init__(self) -> None:
        self.errors: list[WorkflowIssue] = []
        self.warnings: list[WorkflowIssue] = []

    def error(self, code: ErrorCode, message: str, at: str, **fields: Any) -> None:
        self.errors.append(_issue(code, message, at, fields))

    def warning(self, code: ErrorCode, message: str, at: str, **fields: Any) -> None:
        self.warnings.append(_issue(code, message, at, fields))


def _issue(code: ErrorCode, message: str, at: str, fields: dict[str, Any]) -> WorkflowIssue:
    details = fields.pop("details", None)
    return WorkflowIssue(
        code=code,
        message=message,
        pointer=at,
        details=MappingProxyType(dict(details or {})),
        **fields,
    )
