"""Static checks that naga does not make, for shaders that validate but cannot be right.

`racy_store(code)`: some store writes one fixed element of a storage buffer (`total[0] = ...`, a literal
index) from every invocation: no enclosing `if` that compares with `==`, and no earlier
`if (... != ...) { return; }` / `if (... > 0u) { return; }` that lets a single invocation through. With
more than one invocation the element's final value is whichever thread wrote last (the classic broken
reduction tail `if (t < n) { out[0] = partial[t]; }`). Shaders whose workgroup size is a literal 1 are
never flagged (one invocation per workgroup may be the design).

Used by inference to drop such members from a reranked pool. This module does NOT validate (naga does)
and does not look at atomics, workgroup memory or anything but these stores.
"""
from __future__ import annotations

import re

from .lexer import significant, tokenize
from .names import indexed_uses, storage_outputs

_ONE_THREAD = re.compile(r"!=|>\s*0")  # `t != 0u`, `lid.x > 0u`: only invocation 0 goes on


def racy_store(code: str) -> bool:
    """Whether a store to a literal index of a `read_write` storage buffer runs in every invocation."""
    m = re.search(r"@workgroup_size\(([^)]*)\)", code)
    if m and all(p.strip() in ("1", "1u", "1i") for p in m.group(1).split(",") if p.strip()):
        return False
    outs = storage_outputs(code)
    if not outs:
        return False
    sig = significant(tokenize(code))
    stores = {n for n, j in indexed_uses(sig, outs)  # `out[0] = ...`, `out[0].x = ...`: one fixed element
              if j < len(sig) and sig[j].text == "=" and sig[n + 2].kind == "int" and sig[n + 3].text == "]"
              and all(sig[k].text != "[" for k in range(n + 4, j))}
    stack: list[str] = []  # header of every open block ("if (t == 0u)", "for (...)", "fn main(...)")
    guarded: list[bool] = [False]  # per open block: an earlier single-invocation early return
    returned: list[bool] = [False]  # per open block: it contains `return`
    start = 0
    for n, t in enumerate(sig):
        if t.text == "{":
            stack.append(" ".join(x.text for x in sig[start:n]))
            guarded.append(guarded[-1])
            returned.append(False)
            start = n + 1
        elif t.text == "}":
            head = stack.pop() if stack else ""
            guarded.pop()
            had_return = returned.pop()
            if head.startswith("if") and had_return and _ONE_THREAD.search(head):
                guarded[-1] = True
            start = n + 1
        elif t.text == ";":
            start = n + 1
        elif t.text == "return":
            returned[-1] = True
        elif n in stores and not guarded[-1] and not any(h.startswith("if") and "==" in h for h in stack):
            return True
    return False
