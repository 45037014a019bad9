"""Statements: comparisons of operands, combined into groups with `and` / `or`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from blocks.kinds import (
    BOOLEAN_KIND,
    DICTIONARY_KIND,
    FLOAT_KIND,
    FLOAT_ZERO_TO_ONE_KIND,
    INTEGER_KIND,
    LIST_OF_VALUES_KIND,
    STRING_KIND,
    WILDCARD_KIND,
    Kind,
)
from blocks.query_language.operations import Operation

NUMBERS = (INTEGER_KIND, FLOAT_KIND, FLOAT_ZERO_TO_ONE_KIND)
EQUATABLE = (INTEGER_KIND, STRING_KIND, FLOAT_KIND, FLOAT_ZERO_TO_ONE_KIND, BOOLEAN_KIND, LIST_OF_VALUES_KIND)
SEQUENCES = (LIST_OF_VALUES_KIND, DICTIONARY_KIND)


def _operator_config(description: str, *operand_kinds: tuple[Kind, ...]) -> ConfigDict:
    extra = {
        "description": description,
        "operands_number": len(operand_kinds),
        "operands_kinds": [[kind.as_dict() for kind in kinds] for kinds in operand_kinds],
    }
    return ConfigDict(json_schema_extra=extra)  # type: ignore[typeddict-item]


class Equals(BaseModel):
    model_config = _operator_config("True when both values are equal.", EQUATABLE, EQUATABLE)
    type: Literal["(Number) ==", "=="]


class NotEquals(BaseModel):
    model_config = _operator_config("True when the values differ.", EQUATABLE, EQUATABLE)
    type: Literal["(Number) !=", "!="]


class NumberGreater(BaseModel):
    model_config = _operator_config("True when the left number is greater.", NUMBERS, NUMBERS)
    type: Literal["(Number) >"]


class NumberGreaterEqual(BaseModel):
    model_config = _operator_config("True when the left number is greater or equal.", NUMBERS, NUMBERS)
    type: Literal["(Number) >="]


class NumberLower(BaseModel):
    model_config = _operator_config("True when the left number is smaller.", NUMBERS, NUMBERS)
    type: Literal["(Number) <"]


class NumberLowerEqual(BaseModel):
    model_config = _operator_config("True when the left number is smaller or equal.", NUMBERS, NUMBERS)
    type: Literal["(Number) <="]


class NumberInRange(BaseModel):
    model_config = _operator_config(
        "True when the number lies within [low, high] given as a two-element list.",
        NUMBERS,
        (LIST_OF_VALUES_KIND,),
    )
    type: Literal["(Number) in range"]


class StringContains(BaseModel):
    model_config = _operator_config(
        "True when the right string occurs in the left one.", (STRING_KIND,), (STRING_KIND,)
    )
    type: Literal["(String) contains"]


class StringStartsWith(BaseModel):
    model_config = _operator_config(
        "True when the left string starts with the right one.", (STRING_KIND,), (STRING_KIND,)
    )
    type: Literal["(String) startsWith"]


class StringEndsWith(BaseModel):
    model_config = _operator_config(
        "True when the left string ends with the right one.", (STRING_KIND,), (STRING_KIND,)
    )
    type: Literal["(String) endsWith"]


class In(BaseModel):
    model_config = _operator_config(
        "True when the value is an element (or key) of the sequence.",
        (STRING_KIND, INTEGER_KIND, FLOAT_KIND, FLOAT_ZERO_TO_ONE_KIND),
        SEQUENCES,
    )
    type: Literal["in (Sequence)"]


class AllInSequence(BaseModel):
    model_config = _operator_config(
        "True when every element of the left list is in the right one.",
        (LIST_OF_VALUES_KIND,),
        (LIST_OF_VALUES_KIND,),
    )
    type: Literal["all in (Sequence)"]


class AnyInSequence(BaseModel):
    model_config = _operator_config(
        "True when some element of the left list is in the right one.",
        (LIST_OF_VALUES_KIND,),
        (LIST_OF_VALUES_KIND,),
    )
    type: Literal["any in (Sequence)"]


class Exists(BaseModel):
    model_config = _operator_config("True when the value is not null.", (WILDCARD_KIND,))
    type: Literal["Exists"]


class DoesNotExist(BaseModel):
    model_config = _operator_config("True when the value is null.", (WILDCARD_KIND,))
    type: Literal["DoesNotExist"]


class IsTrue(BaseModel):
    model_config = _operator_config("True when the value is true.", (BOOLEAN_KIND,))
    type: Literal["(Boolean) is True"]


class IsFalse(BaseModel):
    model_config = _operator_config("True when the value is false.", (BOOLEAN_KIND,))
    type: Literal["(Boolean) is False"]


class IsEmpty(BaseModel):
    model_config = _operator_config("True when the list or dictionary has no elements.", SEQUENCES)
    type: Literal["(Sequence) is empty"]


class IsNotEmpty(BaseModel):
    model_config = _operator_config("True when the list or dictionary has elements.", SEQUENCES)
    type: Literal["(Sequence) is not empty"]


BinaryOperator = Annotated[
    In
    | AllInSequence
    | AnyInSequence
    | StringContains
    | StringEndsWith
    | StringStartsWith
    | NumberInRange
    | NumberLowerEqual
    | NumberLower
    | NumberGreaterEqual
    | NumberGreater
    | NotEquals
    | Equals,
    Field(discriminator="type"),
]
UnaryOperator = Annotated[Exists | DoesNotExist | IsTrue | IsFalse | IsEmpty | IsNotEmpty, Field(discriminator="type")]

BINARY_OPERATOR_MODELS: tuple[type[BaseModel], ...] = (
    In,
    AllInSequence,
    AnyInSequence,
    StringContains,
    StringEndsWith,
    StringStartsWith,
    NumberInRange,
    NumberLowerEqual,
    NumberLower,
    NumberGreaterEqual,
    NumberGreater,
    NotEquals,
    Equals,
)
UNARY_OPERATOR_MODELS: tuple[type[BaseModel], ...] = (
    Exists,
    DoesNotExist,
    IsTrue,
    IsFalse,
    IsEmpty,
    IsNotEmpty,
)


class StaticOperand(BaseModel):
    type: Literal["StaticOperand"]
    value: Any
    operations: list[Operation] = Field(default_factory=list)


class DynamicOperand(BaseModel):
    type: Literal["DynamicOperand"]
    operations: list[Operation] = Field(default_factory=list)
    operand_name: str = "_"


Operand = Annotated[StaticOperand | DynamicOperand, Field(discriminator="type")]


class BinaryStatement(BaseModel):
    type: Literal["BinaryStatement"]
    left_operand: Operand
    comparator: BinaryOperator
    right_operand: Operand
    negate: bool = False


class UnaryStatement(BaseModel):
    type: Literal["UnaryStatement"]
    operand: Operand
    operator: UnaryOperator
    negate: bool = False


class StatementGroup(BaseModel):
    type: Literal["StatementGroup"]
    statements: list[Annotated[BinaryStatement | UnaryStatement | StatementGroup, Field(discriminator="type")]] = Field(
        min_length=1
    )
    operator: Literal["and", "or"] = "or"
