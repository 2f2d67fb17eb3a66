"""The expression layer (`inference/expr.py`): maths notation read as Python and written as WGSL with the
parentheses WGSL needs. Written for this test, not taken from any benchmark."""
from __future__ import annotations

import ast

import pytest

from tiny_agent_trainer.inference.expr import Reject, emit, free_names, normalise, parse_prefix


@pytest.mark.parametrize("text, python", [
    ("|v| + 3t^2", "abs(v) + 3*t**2"),
    ("x[i] > 0 ? x[i] : 0.1 * x[i]", "(x) if (x > 0) else (0.1 * x)"),
    ("if c <= 0.04 then c / 12.92, else c^2. Alpha is kept", "(c / 12.92) if (c <= 0.04) else (c**2). Alpha is kept"),
    ("if v > 0, then v; otherwise 0", "(v) if (v > 0) else (0)"),
    ("(w >> 22u) ^ w", "(w >> 22) ** w"),  # a float formula's ^ is a power ...
    ("`k` * x", "k * x"),
])
def test_normalise_reads_maths_notation_as_python(text, python):
    assert normalise(text) == python


def test_an_integer_formulas_caret_is_xor():
    assert normalise("(w >> 22u) ^ w", ints=True) == "(w >> 22) ^ w"


def test_the_longest_prefix_that_is_an_expression_and_where_it_stops():
    node, src = parse_prefix("2 * x + 1 for the buffer x. Then more")
    assert src == "2 * x + 1" and ast.unparse(node) == "2 * x + 1"
    assert parse_prefix("depth-of-field pass") is None  # a hyphenated word is not a subtraction
    assert parse_prefix("x") is None and parse_prefix("x", bare_ok=True)[1] == "x"  # a lone name only where asked
    assert free_names(parse_prefix("a * exp(-b) + a")[0]) == ["a", "b"]


@pytest.mark.parametrize("text, wgsl", [
    ("s^3 - 1", "s * s * s - 1.0"),  # pow() is undefined below 0: small powers are products
    ("x^1.5", "pow(x, 1.5)"),
    ("(a - b) * (a - b)", "(a - b) * (a - b)"),
    ("a - (b - c)", "a - (b - c)"),
    ("relu6(x) + sigmoid(x)", "clamp(x, 0.0, 6.0) + (1.0 / (1.0 + exp(-x)))"),  # a template keeps its own ( )
    ("x if x > 0 else 0", "select(0.0, x, x > 0.0)"),
])
def test_emit_writes_wgsl_with_the_parentheses_it_needs(text, wgsl):
    node, _ = parse_prefix(text, bare_ok=True)
    names = {n: n for n in free_names(node)}
    assert emit(node, names) == wgsl


def test_an_unbound_name_or_an_unknown_function_is_refused():
    with pytest.raises(Reject):
        emit(parse_prefix("wobble(x) + 1")[0], {"x": "x"})
    with pytest.raises(Reject):
        emit(parse_prefix("x + y")[0], {"x": "x"})
