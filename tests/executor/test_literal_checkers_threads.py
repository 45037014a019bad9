"""A block's literal checkers are compiled once and shared by the server's threads."""

import threading
from typing import Any

import pytest

from executor.compiler.literals import Checker, LiteralValidator


def test_a_checker_asked_for_while_another_thread_compiles_it_is_the_finished_one():
    validator = LiteralValidator({})
    fragment = {"type": "integer"}
    compiling, release = threading.Event(), threading.Event()
    compile_for_real = validator._compile

    def held_compile(asked: Any) -> Checker:
        compiling.set()
        release.wait(5)
        return compile_for_real(asked)

    validator._compile = held_compile  # type: ignore[method-assign,assignment]
    answers: dict[str, Any] = {}

    def check(name: str) -> None:
        try:
            answers[name] = validator.checker(fragment)("seven")
        except RecursionError as error:
            answers[name] = error

    first = threading.Thread(target=check, args=("first",))
    first.start()
    assert compiling.wait(5)
    # The second thread asks while the first is inside the compile: before the lock it was handed the
    # placeholder, which called itself.
    second = threading.Thread(target=check, args=("second",))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert answers["first"] == answers["second"]
    assert isinstance(answers["second"], str) and "integer" in answers["second"]


def test_a_compile_that_fails_leaves_no_placeholder_behind():
    validator = LiteralValidator({})
    fragment = {"type": "integer"}

    def failing(asked: Any) -> Checker:
        raise ValueError("broken schema")

    validator._compile = failing  # type: ignore[method-assign,assignment]
    with pytest.raises(ValueError, match="broken schema"):
        validator.checker(fragment)
    del validator._compile
    assert validator.checker(fragment)(3) is None
