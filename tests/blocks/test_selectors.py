"""The selector grammar (blocks/selectors.py) as the compiler reads it."""

import pytest

from executor.compiler.parse import parse_selector


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("$inputs.image", ("input", "image", None)),
        ("$steps.crop.crops", ("step", "crop", "crops")),
        ("$steps.crop.*", ("step", "crop", "*")),
        ("$steps.crop", ("step", "crop", None)),
        ("$inputsXimage", None),
        ("$inputs.", None),
        ("$steps.crop.crops.more", None),
        ("$outputs.x", None),
    ],
)
def test_selectors_parse_by_the_one_grammar(text, parsed):
    selector = parse_selector(text)
    assert (None if selector is None else (selector.source, selector.name, selector.output)) == parsed
