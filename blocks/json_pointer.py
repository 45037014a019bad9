"""JSON Pointers (RFC 6901): the one helper that builds them, for the compiler and the block diff."""

from __future__ import annotations


def pointer(*parts: object) -> str:
    """A JSON Pointer (RFC 6901) to the given path."""
    text = "/" + "/".join(map(str, parts))
    # The common case (plain names and indices) needs no escaping; it runs for every property.
    if "~" not in text and text.count("/") == len(parts):
        return text
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def pointer_parts(text: str) -> list[str]:
    """The path a JSON Pointer built by `pointer` names."""
    return [part.replace("~1", "/").replace("~0", "~") for part in text.split("/")[1:]] if text else []
