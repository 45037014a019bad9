"""Operations: each takes one value and returns another, applied in sequence."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from blocks.kinds import (
    BOOLEAN_KIND,
    CLASSIFICATION_PREDICTION_KIND,
    DICTIONARY_KIND,
    FLOAT_KIND,
    FLOAT_ZERO_TO_ONE_KIND,
    IMAGE_KIND,
    INTEGER_KIND,
    LIST_OF_VALUES_KIND,
    STRING_KIND,
    WILDCARD_KIND,
    Kind,
)

NUMBER_KINDS = (INTEGER_KIND, FLOAT_KIND, FLOAT_ZERO_TO_ONE_KIND)


def _operation_config(
    description: str, inputs: tuple[Kind, ...], outputs: tuple[Kind, ...], title: str | None = None
) -> ConfigDict:
    extra = {
        "description": description,
        "compound": False,
        "input_kind": [kind.as_dict() for kind in inputs],
        "output_kind": [kind.as_dict() for kind in outputs],
    }
    config = ConfigDict(json_schema_extra=extra)  # type: ignore[typeddict-item]
    if title is not None:
        config["title"] = title
    return config


class ClassificationPropertyExtract(BaseModel):
    model_config = _operation_config(
        "Reads one property of a classification prediction.",
        (CLASSIFICATION_PREDICTION_KIND,),
        (STRING_KIND, LIST_OF_VALUES_KIND, FLOAT_ZERO_TO_ONE_KIND),
    )
    type: Literal["ClassificationPropertyExtract"]
    property_name: Literal[
        "top_class", "top_class_confidence", "top_class_confidence_single", "all_classes", "all_confidences"
    ]


class ToNumber(BaseModel):
    model_config = _operation_config(
        "Turns a string, boolean or number into an int or a float.",
        (STRING_KIND, BOOLEAN_KIND, *NUMBER_KINDS),
        NUMBER_KINDS,
    )
    type: Literal["ToNumber"]
    cast_to: Literal["int", "float"]


class ToString(BaseModel):
    model_config = _operation_config("Turns any value into its text form.", (WILDCARD_KIND,), (STRING_KIND,))
    type: Literal["ToString"]


class ToBoolean(BaseModel):
    model_config = _operation_config("Turns a number into true (non-zero) or false.", NUMBER_KINDS, (BOOLEAN_KIND,))
    type: Literal["ToBoolean"]


class NumberRound(BaseModel):
    model_config = _operation_config("Rounds a number to a number of decimal digits.", NUMBER_KINDS, NUMBER_KINDS)
    type: Literal["NumberRound"]
    decimal_digits: int


class Multiply(BaseModel):
    model_config = _operation_config("Multiplies a number by `other`.", NUMBER_KINDS, NUMBER_KINDS)
    type: Literal["Multiply"]
    other: int | float


class Divide(BaseModel):
    model_config = _operation_config("Divides a number by `other`.", NUMBER_KINDS, NUMBER_KINDS)
    type: Literal["Divide"]
    other: int | float


class StringToLowerCase(BaseModel):
    model_config = _operation_config("Lower-cases a string.", (STRING_KIND,), (STRING_KIND,))
    type: Literal["StringToLowerCase"]


class StringToUpperCase(BaseModel):
    model_config = _operation_config("Upper-cases a string.", (STRING_KIND,), (STRING_KIND,))
    type: Literal["StringToUpperCase"]


class StringSubSequence(BaseModel):
    model_config = _operation_config(
        "Takes the characters from `start` up to `end` (exclusive; -1 means to the end).",
        (STRING_KIND,),
        (STRING_KIND,),
    )
    type: Literal["StringSubSequence"]
    start: int = 0
    end: int = -1


class StringMatches(BaseModel):
    model_config = _operation_config(
        "True when the regular expression matches somewhere in the string.", (STRING_KIND,), (BOOLEAN_KIND,)
    )
    type: Literal["StringMatches"]
    regex: str


class SequenceLength(BaseModel):
    model_config = _operation_config(
        "The number of elements of a list or dictionary.",
        (LIST_OF_VALUES_KIND, DICTIONARY_KIND),
        (INTEGER_KIND,),
    )
    type: Literal["SequenceLength"]


class SequenceElementsCount(BaseModel):
    model_config = _operation_config(
        "Counts how often each distinct element occurs in a list.", (LIST_OF_VALUES_KIND,), (DICTIONARY_KIND,)
    )
    type: Literal["SequenceElementsCount"]


class SequenceJoin(BaseModel):
    model_config = _operation_config(
        "Joins the elements of a list into one string.", (LIST_OF_VALUES_KIND,), (STRING_KIND,)
    )
    type: Literal["SequenceJoin"]
    separator: str = ", "


class LookupTable(BaseModel):
    model_config = _operation_config(
        "Replaces a value by the one the table maps it to.", (WILDCARD_KIND,), (WILDCARD_KIND,)
    )
    type: Literal["LookupTable"]
    lookup_table: dict[str, Any]


class ExtractImageProperty(BaseModel):
    model_config = _operation_config(
        "Reads the size, height, width or aspect ratio of an image.", (IMAGE_KIND,), (INTEGER_KIND,)
    )
    type: Literal["ExtractImageProperty"]
    property_name: Literal["size", "height", "width", "aspect_ratio"]


Operation = Annotated[
    ClassificationPropertyExtract
    | ToNumber
    | ToString
    | ToBoolean
    | NumberRound
    | Multiply
    | Divide
    | StringToLowerCase
    | StringToUpperCase
    | StringSubSequence
    | StringMatches
    | SequenceLength
    | SequenceElementsCount
    | SequenceJoin
    | LookupTable
    | ExtractImageProperty,
    Field(discriminator="type"),
]

OPERATION_MODELS: tuple[type[BaseModel], ...] = (
    ClassificationPropertyExtract,
    ToNumber,
    ToString,
    ToBoolean,
    NumberRound,
    Multiply,
    Divide,
    StringToLowerCase,
    StringToUpperCase,
    StringSubSequence,
    StringMatches,
    SequenceLength,
    SequenceElementsCount,
    SequenceJoin,
    LookupTable,
    ExtractImageProperty,
)
