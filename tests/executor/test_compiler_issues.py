"""JSON Pointers: built by one helper, read back by its inverse."""

from executor.compiler.issues import pointer, pointer_parts


def test_pointers_escape_and_read_back():
    assert pointer("steps", 0, "images") == "/steps/0/images"
    assert pointer("steps", 2, "a/b~c", "") == "/steps/2/a~1b~0c/"
    assert pointer_parts("/steps/2/a~1b~0c/") == ["steps", "2", "a/b~c", ""]
    assert pointer_parts("") == []
