"""JSON Pointers (RFC 6901): the one helper that builds and follows them, for the compiler, the block
diff and whoever reads what an issue points at."""

from __future__ import annotations

from collections.abc import Mapping


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


def value_at(document: object, text: str) -> object:
    """The value a JSON Pointer names in `document`; None where the path leads nowhere."""
    for part in pointer_parts(text):
        if isinstance(document, Mapping):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document
