"""JSON Pointers: built by one helper, read back by its inverse, followed into a document."""

from blocks.json_pointer import value_at
from executor.compiler.issues import pointer, pointer_parts


def test_pointers_escape_and_read_back():
    assert pointer("steps", 0, "images") == "/steps/0/images"
    assert pointer("steps", 2, "a/b~c", "") == "/steps/2/a~1b~0c/"
    assert pointer_parts("/steps/2/a~1b~0c/") == ["steps", "2", "a/b~c", ""]
    assert pointer_parts("") == []


def test_a_pointer_leads_to_its_value_or_to_nothing():
    document = {"steps": [{"type": "a", "a/b~c": 1}]}
    assert value_at(document, pointer("steps", 0, "type")) == "a"
    assert value_at(document, pointer("steps", 0, "a/b~c")) == 1
    assert value_at(document, "") is document
    assert value_at(document, "/steps/1/type") is None
    assert value_at(document, "/steps/first") is None
    assert value_at(document, "/steps/0/type/deeper") is None
