"""Catalog conditions run through cel-python's transpiler: what authors write stays CEL, never Python."""

from pathlib import Path

import pytest

from procedures.conditions import ConditionSyntaxError, compile_condition, make_context

MEMBER = {"id": "m1", "age": 40}


@pytest.mark.parametrize(
    "payload",
    [
        "__import__('os').system('touch {marker}')",
        "\"); __import__('os').system('touch {marker}'); (\"",
        "'''); __import__('os').system('touch {marker}'); ('''",
    ],
)
def test_a_string_that_looks_like_python_is_only_a_string(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "ran"
    text = payload.format(marker=marker)
    condition = compile_condition(f"answers.note == {text!r}".replace("\\'", "\\u0027"))
    context = make_context("move_in", MEMBER, [MEMBER], {"note": text})
    assert condition.holds(context) is True
    assert condition.holds(make_context("move_in", MEMBER, [MEMBER], {"note": "other"})) is False
    assert not marker.exists()


def test_python_syntax_is_not_cel() -> None:
    with pytest.raises(ConditionSyntaxError):
        compile_condition("__import__('os').system('true') or True; import os")
