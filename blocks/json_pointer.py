"""JSON Pointers (RFC 6901): the one helper that builds them, for the compiler and the block diff."""

from __future__ import annotations


def pointer(*parts: object) -> str:
    """A JSON Pointer (RFC 6901) to the given path."""
    text = "/" + "/".join(map(str, parts))
    if "~" not in text and text.count("/") == len(parts):
        return text
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)
