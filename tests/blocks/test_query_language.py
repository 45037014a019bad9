"""The query-language evaluator on classification data, strings, numbers and sequences."""

import pytest

from blocks.query_language.evaluation import QueryLanguageError, apply_operations, evaluate_statement

PREDICTION = {
    "image": {"width": 10, "height": 10},
    "predictions": [
        {"class": "red", "class_id": 0, "confidence": 0.9},
        {"class": "blue", "class_id": 2, "confidence": 0.1},
    ],
    "top": "red",
    "confidence": 0.9,
}


@pytest.mark.parametrize(
    ("value", "operations", "expected"),
    [
        (PREDICTION, [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}], "red"),
        (PREDICTION, [{"type": "ClassificationPropertyExtract", "property_name": "all_classes"}], ["red", "blue"]),
        (
            PREDICTION,
            [
                {"type": "ClassificationPropertyExtract", "property_name": "top_class_confidence"},
                {"type": "Multiply", "other": 100},
                {"type": "NumberRound", "decimal_digits": 0},
            ],
            90.0,
        ),
        ("12.7", [{"type": "ToNumber", "cast_to": "int"}], 12),
        (3, [{"type": "Divide", "other": 2}, {"type": "ToString"}], "1.5"),
        ("Hello", [{"type": "StringToLowerCase"}, {"type": "StringSubSequence", "start": 1, "end": 3}], "el"),
        ("abc123", [{"type": "StringMatches", "regex": r"\d+"}], True),
        (["a", "b", "a"], [{"type": "SequenceElementsCount"}], {"a": 2, "b": 1}),
        (["a", "b"], [{"type": "SequenceJoin", "separator": "-"}], "a-b"),
        (["a", "b"], [{"type": "SequenceLength"}], 2),
        ("cat", [{"type": "LookupTable", "lookup_table": {"cat": "animal"}}], "animal"),
        (0, [{"type": "ToBoolean"}], False),
    ],
)
def test_operations(value, operations, expected):
    assert apply_operations(value, operations) == expected


def test_operation_errors_are_clear():
    with pytest.raises(QueryLanguageError, match="Divide by zero"):
        apply_operations(1, [{"type": "Divide", "other": 0}])
    with pytest.raises(QueryLanguageError, match="StringToUpperCase needs a string, got int"):
        apply_operations(1, [{"type": "StringToUpperCase"}])
    with pytest.raises(QueryLanguageError, match="not supported here"):
        apply_operations(1, [{"type": "DetectionsFilter"}])


def _binary(comparator, right, operations=()):
    return {
        "type": "BinaryStatement",
        "left_operand": {"type": "DynamicOperand", "operand_name": "x", "operations": list(operations)},
        "comparator": {"type": comparator},
        "right_operand": {"type": "StaticOperand", "value": right},
    }


@pytest.mark.parametrize(
    ("statement", "x", "expected"),
    [
        (_binary("(Number) >=", 0.5), 0.7, True),
        (_binary("(Number) <", 0.5), 0.7, False),
        (_binary("(Number) in range", [1, 3]), 2, True),
        (
            _binary("==", "red", [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}]),
            PREDICTION,
            True,
        ),
        (_binary("(String) startsWith", "re"), "red", True),
        (_binary("in (Sequence)", ["a", "b"]), "b", True),
        (_binary("any in (Sequence)", ["z", "b"]), ["b"], True),
        (
            {
                "type": "UnaryStatement",
                "operand": {"type": "DynamicOperand", "operand_name": "x"},
                "operator": {"type": "(Sequence) is empty"},
                "negate": True,
            },
            [1],
            True,
        ),
        (
            {
                "type": "StatementGroup",
                "operator": "and",
                "statements": [_binary("(Number) >", 1), _binary("(Number) <", 5)],
            },
            3,
            True,
        ),
        (
            {
                "type": "StatementGroup",
                "operator": "and",
                "statements": [_binary("(Number) >", 1), _binary("(Number) <", 2)],
            },
            3,
            False,
        ),
    ],
)
def test_statements(statement, x, expected):
    assert evaluate_statement(statement, {"x": x}) is expected


def test_statement_naming_a_missing_parameter():
    with pytest.raises(QueryLanguageError, match="`y`, which is not an evaluation parameter"):
        evaluate_statement({**_binary("==", 1), "left_operand": {"type": "DynamicOperand", "operand_name": "y"}}, {})
