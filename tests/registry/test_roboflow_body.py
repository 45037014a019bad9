"""Roboflow's routes parse bodies with msgspec (registry/roboflow/body.py): every body gets the answer
the intake (registry.api.intake) gives it, refusals with the same code, message and location."""

import json
from typing import Any

import pytest
from django.test import Client

from blocks.errors import DomainError
from registry.api.intake import json_loads
from registry.api.limits import parse_json_bytes
from registry.models import Run
from registry.roboflow.body import json_bytes
from tests.registry.test_intake import HOSTILE, SPEC

BAD_BODIES = {
    **{name: f'{{"inputs": {{"x": {fragment}}}}}'.encode() for name, fragment in HOSTILE.items()},
    "trailing_comma": b'{"a": 1,}',
    "second_line_syntax": b'{"a": 1,\n  "b": }',
    "not_utf8": b'{"a": "\xff"}',
    "byte_order_mark": b'\xef\xbb\xbf{"a": 1}',
    "surrogate_then_letter": b'{"a": "\\ud800\\u0041"}',
    # Without a backslash in the body its strings are not walked again: these must be refused by the parse.
    "raw_nul": b'{"a": "x\x00y"}',
    "raw_nul_in_key": b'{"a\x00": 1}',
    "utf8_encoded_surrogate": b'{"a": "\xed\xa0\x80"}',
    "empty": b"",
    "leading_zero": b"[01]",
}
GOOD_BODIES = {
    "big_integers": b'{"a": 123456789012345678901234567890, "b": -9223372036854775809, "c": 18446744073709551616}',
    "floats": b'{"a": 1e300, "b": -0.0, "c": 1E5, "d": 2.5e-400}',
    "escapes": b'{"t": "\\ud83d\\ude00 \\u00e9 \\/ \\n", "k\\u00e9y": null}',
    "nested_within_the_limit": b'{"x": ' + b"[" * 60 + b"]" * 60 + b"}",
    "non_ascii": '{"name": "caf\u00e9 \u65e5\u672c"}'.encode(),
    "scalars": b"[true, false, null, 0, -1, 40]",
}


def _refusal(parse, data: bytes) -> tuple[str, str, list[Any]]:
    with pytest.raises(DomainError) as raised:
        parse(data)
    return raised.value.code, raised.value.message, raised.value.details


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_a_bad_body_gets_the_intakes_coded_refusal(name):
    data = BAD_BODIES[name]
    code, message, details = _refusal(parse_json_bytes, data)
    assert (code, message, details) == _refusal(json_loads, data)
    assert code  # every refusal is coded


def test_a_syntax_error_is_located_by_line_and_column():
    _, message, details = _refusal(parse_json_bytes, BAD_BODIES["second_line_syntax"])
    assert message == "The request body is not valid JSON: Expecting value at line 2, column 8."
    assert (details[0]["code"], details[0]["line"], details[0]["column"]) == ("parse_error", 2, 8)


@pytest.mark.parametrize("name", sorted(GOOD_BODIES))
def test_a_good_body_parses_to_what_the_intake_parses(name):
    data = GOOD_BODIES[name]
    parsed = parse_json_bytes(data)
    assert parsed == json_loads(data)
    assert json.dumps(parsed) == json.dumps(json_loads(data))  # same types too: big integers stay exact


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_run_route_answers_the_intakes_message_and_records_nothing(name):
    body = '{"specification": SPEC, "inputs": {"model_id": HOLE}}'.replace("SPEC", SPEC).replace("HOLE", HOSTILE[name])
    response = Client().post("/workflows/run", body.encode(), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"message": _refusal(json_loads, body.encode())[1]}
    assert Run.objects.count() == 0


def test_answers_are_encoded_as_json_and_what_msgspec_cannot_encode_as_django_does():
    from django.utils.functional import lazy

    assert json.loads(json_bytes({"a": [1, 2.5, "é", None], "c": 2**70})) == {"a": [1, 2.5, "é", None], "c": 2**70}
    lazy_text = lazy(lambda: "later", str)()
    assert json.loads(json_bytes({"t": lazy_text})) == {"t": "later"}
