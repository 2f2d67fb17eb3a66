"""Exceptions to a formula said in words (`inference/override.py`): conditions in notation or in words over one name
become comparisons, and the exception after a formula (or after its output) becomes (value, condition); prose that is
no comparison gives nothing. The prompts here are written for this test, not taken from any benchmark."""
from __future__ import annotations

import ast

import pytest

from tiny_agent_trainer.inference.override import condition, override


@pytest.mark.parametrize("text, want", [
    ("|w| < 0.25", "abs(w) < 0.25"),
    ("w is exactly 0.0", "w == 0.0"),
    ("gain equals 1", "gain == 1"),
    ("w is below 0.5", "w < 0.5"),
    ("w is greater than 2", "w > 2"),
    ("the magnitude of w is under 1e-3", "abs(w) < 0.001"),
    ("w's absolute value is at least 4", "abs(w) >= 4"),
    ("w is zero", "w == 0"),
    ("w is negative", "w < 0"),
])
def test_conditions_in_notation_and_in_words(text, want):
    got = condition(text)
    assert got is not None and ast.unparse(got) == want


@pytest.mark.parametrize("text", ["w is big", "the weather is nice", "w is not here", "w in range"])
def test_prose_is_no_condition(text):
    assert condition(text) is None  # never Python's `is` / `in`


@pytest.mark.parametrize("after, value, cond", [
    (", but write 0 wherever |w| < 0.1.", "0", "abs(w) < 0.1"),
    (" into `q`, except any slot where w is exactly 0.0 should come out as 0 rather than NaN.", "0", "w == 0.0"),
    (", except where w is negative, which gives -1.", "-1", "w < 0"),
    (", or 0 when w is 0.", "0", "w == 0"),
])
def test_an_exception_after_a_formula(after, value, cond):
    got = override(after)
    assert got is not None and (ast.unparse(got[0]), ast.unparse(got[1])) == (value, cond)


@pytest.mark.parametrize("after", [". Write the result to `q`.", ", and write it fast.", ", except on Sundays."])
def test_no_exception(after):
    assert override(after) is None
