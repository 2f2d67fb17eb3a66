"""Exceptions to a formula, said after it: "ratio = numer / denom, but write 0 wherever |denom| < 0.1", "num / den
into `ratio`, except any slot where den is exactly 0.0 should come out as 0", "..., or 0 when den is 0".

`override(after, ...)` reads the words that follow a formula and returns the exception as (value, condition), both
Python `ast` expressions, so that the caller writes `value if condition else formula`. A condition may be notation
("|den| < 0.1") or words over one name ("den is exactly 0.0", "x is below 0.02", "the magnitude of v is under 1e-3",
"den is zero", "x is negative").

This module only reads words; it does not bind names to buffers, write WGSL or decide which candidate wins.
"""
from __future__ import annotations

import ast
import re

from .expr import parse_whole

_NUM = r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?"
_VALUE = rf"(?P<val>{_NUM}|[A-Za-z_]\w*)"
_STOP_AT = r"(?=\s+(?:so|to|because|since|rather|instead)\b|[.;,](?:\s|$)|$)"
# "but write 0 wherever |den| < 0.1": the value, then the condition
_WRITE_WHERE = re.compile(r"\s*,?\s*(?:but|and|except)?\s*(?:write|use|output|return|store|give|set\s+(?:it|the\s+result)"
                          rf"\s+to)\s+{_VALUE}\s+(?:where|wherever|whenever|when|if)\s+"
                          rf"(?P<cond>(?:(?![.;,](?:\s|$)).)+?){_STOP_AT}", re.I)
# "except any slot where den is exactly 0.0 should come out as 0", "except where x < 0, which gives 0"
_EXCEPT_WHERE = re.compile(r"\s*,?\s*(?:except|but|unless)\s+(?:(?:for\s+)?(?:any|every|each|the)\s+\w+\s+)?"
                           r"(?:where|wherever|whenever|when|if|whose)\s+(?P<cond>(?:(?![.;,](?:\s|$)).)+?)\s*,?\s*"
                           r"(?:(?:which|that|it|they)\s+)?(?:should|must|shall|will|has\s+to|have\s+to)?\s*"
                           r"(?:come\s+out\s+as|be(?:come)?|gives?|yields?|reads?|is\s+set\s+to|are\s+set\s+to|"
                           r"becomes?|maps?\s+to|->|→|=>)\s+" + _VALUE + _STOP_AT, re.I)
# "..., or 0 when comp.a is 0": the formula's other value
_OR_WHEN = re.compile(rf"\s*,?\s*or\s+{_VALUE}\s+(?:when|where|wherever|whenever|if)\s+"
                      rf"(?P<cond>(?:(?![.;,](?:\s|$)).)+?){_STOP_AT}", re.I)

# words for a comparison of one name with a number: "den is exactly 0.0", "its magnitude is below 0.02"
_OPS = [(r"is\s+(?:exactly\s+|equal\s+to\s+)?|equals\s+|==\s*", "=="),
        (r"is\s+(?:below|under|less\s+than|smaller\s+than)\s+|<\s*", "<"),
        (r"is\s+(?:above|over|greater\s+than|larger\s+than|more\s+than|bigger\s+than)\s+|>\s*", ">"),
        (r"is\s+(?:at\s+most|no\s+more\s+than)\s+|<=\s*", "<="),
        (r"is\s+(?:at\s+least|no\s+less\s+than)\s+|>=\s*", ">=")]
_WORD_COND = re.compile(r"(?:(?:the\s+)?(?P<abs>magnitude|absolute\s+value)\s+(?:of\s+)?)?`?(?P<name>[A-Za-z_][\w.]*)`?"
                        r"(?:'s\s+(?P<abs2>magnitude|absolute\s+value))?\s+(?P<op>.+?)(?P<num>" + _NUM + r")$", re.I)
_SIGN_COND = re.compile(r"`?(?P<name>[A-Za-z_][\w.]*)`?\s+is\s+(?P<what>zero|negative|positive)$", re.I)


def condition(text: str, ints: bool = False, names: frozenset[str] = frozenset()) -> ast.expr | None:
    """A condition in notation or in words over one name, as a comparison; None when it is neither."""
    text = text.strip().rstrip(".")
    node = parse_whole(text, ints, names)
    if isinstance(node, (ast.Compare, ast.BoolOp)) and not any(  # not Python's `is` of "den is zero"
            isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for x in ast.walk(node) if isinstance(x, ast.Compare)
            for op in x.ops):
        return node
    sign = _SIGN_COND.fullmatch(text)
    if sign:
        op = {"zero": "==", "negative": "<", "positive": ">"}[sign.group("what").lower()]
        return parse_whole(f"{sign.group('name')} {op} 0", ints, names)
    m = _WORD_COND.fullmatch(text)
    if not m:
        return None
    op = next((sym for words, sym in _OPS if re.fullmatch(words, m.group("op"), re.I)), None)
    if op is None:
        return None
    name = f"abs({m.group('name')})" if m.group("abs") or m.group("abs2") else m.group("name")
    return parse_whole(f"{name} {op} {m.group('num')}", ints, names)


def override(after: str, ints: bool = False, names: frozenset[str] = frozenset()) -> tuple[ast.expr, ast.expr] | None:
    """(value, condition) of an exception said right after a formula (or after its output: "into `ratio`, except
    ..."), or None."""
    after = re.sub(r"^\s*(?:into|->|=>|→)\s*`?[A-Za-z_]\w*`?", "", after)
    for pattern in (_WRITE_WHERE, _EXCEPT_WHERE, _OR_WHEN):
        m = pattern.match(after)
        if m:
            value, cond = parse_whole(m.group("val"), ints, names), condition(m.group("cond"), ints, names)
            if value is not None and cond is not None:
                return value, cond
    return None
