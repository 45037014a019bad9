"""Runs query-language operations and statements on workflow values (spec section 6.3).

Semantics follow Roboflow's for the non-detection subset; a value an operation cannot take raises
`QueryLanguageError` with the operation's name, which the engine reports against the step.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from blocks.images import WorkflowImage


class QueryLanguageError(Exception):
    pass


def _classification_property(value: Any, name: str) -> Any:
    if not isinstance(value, Mapping) or "predictions" not in value:
        raise QueryLanguageError("ClassificationPropertyExtract needs a classification prediction")
    predictions = value["predictions"]
    if isinstance(predictions, Mapping):  # multi-label
        classes = list(value.get("predicted_classes", []))
        confidences = [predictions[c]["confidence"] for c in classes if c in predictions]
        top = classes[0] if classes else None
        top_confidence = confidences[0] if confidences else 0.0
    else:
        classes = [p["class"] for p in predictions]
        confidences = [p["confidence"] for p in predictions]
        top = value.get("top") or (classes[0] if classes else None)
        top_confidence = value.get("confidence", confidences[0] if confidences else 0.0)
    if name == "top_class":
        return top
    if name in {"top_class_confidence", "top_class_confidence_single"}:
        return top_confidence
    if name == "all_classes":
        return classes
    if name == "all_confidences":
        return confidences
    raise QueryLanguageError(f"unknown classification property {name!r}")


def _image_property(value: Any, name: str) -> Any:
    if not isinstance(value, WorkflowImage):
        raise QueryLanguageError("ExtractImageProperty needs an image")
    if name == "width":
        return value.width
    if name == "height":
        return value.height
    if name == "size":
        return value.width * value.height
    if name == "aspect_ratio":
        return value.width / value.height if value.height else 0
    raise QueryLanguageError(f"unknown image property {name!r}")


def _number(value: Any, operation: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryLanguageError(f"{operation} needs a number, got {type(value).__name__}")
    return value


def _string(value: Any, operation: str) -> str:
    if not isinstance(value, str):
        raise QueryLanguageError(f"{operation} needs a string, got {type(value).__name__}")
    return value


def _to_number(value: Any, cast_to: str) -> int | float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise QueryLanguageError(f"ToNumber cannot turn {value!r} into a number") from exc
    return int(number) if cast_to == "int" else number


def _divide(value: Any, other: float) -> float:
    if other == 0:
        raise QueryLanguageError("Divide by zero")
    return _number(value, "Divide") / other


def _sequence(value: Any, operation: str) -> Sequence[Any] | Mapping[Any, Any]:
    if isinstance(value, list | tuple | dict):
        return value
    raise QueryLanguageError(f"{operation} needs a list or dictionary, got {type(value).__name__}")


def _lookup(value: Any, table: Mapping[str, Any]) -> Any:
    key = value if isinstance(value, str) else str(value)
    if key not in table:
        raise QueryLanguageError(f"LookupTable has no entry for {value!r}")
    return table[key]


_OPERATIONS: dict[str, Callable[[Any, Mapping[str, Any]], Any]] = {
    "ClassificationPropertyExtract": lambda v, op: _classification_property(v, op["property_name"]),
    "ExtractImageProperty": lambda v, op: _image_property(v, op["property_name"]),
    "ToNumber": lambda v, op: _to_number(v, op["cast_to"]),
    "ToString": lambda v, op: str(v),
    "ToBoolean": lambda v, op: bool(_number(v, "ToBoolean")),
    "NumberRound": lambda v, op: round(_number(v, "NumberRound"), op["decimal_digits"]),
    "Multiply": lambda v, op: _number(v, "Multiply") * op["other"],
    "Divide": lambda v, op: _divide(v, op["other"]),
    "StringToLowerCase": lambda v, op: _string(v, "StringToLowerCase").lower(),
    "StringToUpperCase": lambda v, op: _string(v, "StringToUpperCase").upper(),
    "StringSubSequence": lambda v, op: _substring(
        _string(v, "StringSubSequence"), op.get("start", 0), op.get("end", -1)
    ),
    "StringMatches": lambda v, op: re.search(op["regex"], _string(v, "StringMatches")) is not None,
    "SequenceLength": lambda v, op: len(_sequence(v, "SequenceLength")),
    "SequenceElementsCount": lambda v, op: dict(Counter(_sequence(v, "SequenceElementsCount"))),
    "SequenceJoin": lambda v, op: op.get("separator", ", ").join(str(e) for e in _sequence(v, "SequenceJoin")),
    "LookupTable": lambda v, op: _lookup(v, op["lookup_table"]),
}


def _substring(value: str, start: int, end: int) -> str:
    return value[start:] if end == -1 else value[start:end]


def apply_operations(value: Any, operations: Sequence[Mapping[str, Any]]) -> Any:
    for operation in operations:
        handler = _OPERATIONS.get(operation.get("type", ""))
        if handler is None:
            raise QueryLanguageError(f"operation {operation.get('type')!r} is not supported here")
        value = handler(value, operation)
    return value


def _operand(operand: Mapping[str, Any], parameters: Mapping[str, Any]) -> Any:
    if operand.get("type") == "DynamicOperand":
        name = operand.get("operand_name", "_")
        if name not in parameters:
            raise QueryLanguageError(f"the condition reads `{name}`, which is not an evaluation parameter")
        value = parameters[name]
    else:
        value = operand.get("value")
    return apply_operations(value, operand.get("operations", []))


def _compare(left: Any, right: Any, operator: str) -> bool:
    a, b = _number(left, operator), _number(right, operator)
    if operator == ">":
        return a > b
    if operator == ">=":
        return a >= b
    if operator == "<":
        return a < b
    return a <= b


def _in_range(value: Any, bounds: Any) -> bool:
    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        raise QueryLanguageError("(Number) in range needs [low, high]")
    low, high = _number(bounds[0], "in range"), _number(bounds[1], "in range")
    return low <= _number(value, "in range") <= high


_BINARY: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "(Number) ==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "(Number) !=": lambda a, b: a != b,
    "(Number) >": lambda a, b: _compare(a, b, ">"),
    "(Number) >=": lambda a, b: _compare(a, b, ">="),
    "(Number) <": lambda a, b: _compare(a, b, "<"),
    "(Number) <=": lambda a, b: _compare(a, b, "<="),
    "(Number) in range": _in_range,
    "(String) contains": lambda a, b: _string(b, "contains") in _string(a, "contains"),
    "(String) startsWith": lambda a, b: _string(a, "startsWith").startswith(_string(b, "startsWith")),
    "(String) endsWith": lambda a, b: _string(a, "endsWith").endswith(_string(b, "endsWith")),
    "in (Sequence)": lambda a, b: a in _sequence(b, "in"),
    "all in (Sequence)": lambda a, b: all(e in _sequence(b, "all in") for e in _sequence(a, "all in")),
    "any in (Sequence)": lambda a, b: any(e in _sequence(b, "any in") for e in _sequence(a, "any in")),
}

_UNARY: dict[str, Callable[[Any], bool]] = {
    "Exists": lambda a: a is not None,
    "DoesNotExist": lambda a: a is None,
    "(Boolean) is True": lambda a: a is True,
    "(Boolean) is False": lambda a: a is False,
    "(Sequence) is empty": lambda a: len(_sequence(a, "is empty")) == 0,
    "(Sequence) is not empty": lambda a: len(_sequence(a, "is not empty")) > 0,
}


def evaluate_statement(statement: Mapping[str, Any], parameters: Mapping[str, Any]) -> bool:
    kind = statement.get("type")
    if kind == "StatementGroup":
        results = (evaluate_statement(s, parameters) for s in statement.get("statements", []))
        outcome = all(results) if statement.get("operator", "or") == "and" else any(results)
    elif kind == "BinaryStatement":
        comparator = statement["comparator"]["type"]
        left = _operand(statement["left_operand"], parameters)
        right = _operand(statement["right_operand"], parameters)
        outcome = _BINARY[comparator](left, right)
    elif kind == "UnaryStatement":
        operator = statement["operator"]["type"]
        outcome = _UNARY[operator](_operand(statement["operand"], parameters))
    else:
        raise QueryLanguageError(f"unknown statement {kind!r}")
    return not outcome if statement.get("negate") else outcome
