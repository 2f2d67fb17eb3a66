"""Border cells written apart: a 2D pool member rewritten so that the cells on the grid's border get what the prompt
says ("pixels on the one-pixel border get 0", "boundary cells are copied unchanged") instead of its stencil.

A small model often writes a clamped stencil everywhere (`min(x + 1u, w - 1u)`) where the prompt asks for the border
apart. `border_value(prompt)` reads what the border gets ("0" or "copy"), or None; `with_border(code, value)` finds the
member's 2D bounds guard (`if (x >= params.w || y >= params.h) { return; }`, `x`/`y` being `gid.x`/`gid.y` or names
bound to them) and its one store to the `f32` output (`steps.one_store`, as the bound twins use), and writes that store as `select(stencil, border, on_border)`,
`on_border` testing `gid.x`/`gid.y` against 0 and the guard's bounds minus one; "copy" reads the first input at the
store's index. The variant joins the pool beside its member; the reviewer decides.

This module does NOT rewrite members with more than one store to the output, without such a guard, with a border test
already, or with non-`f32` outputs; it reads nothing but the words about the border.
"""
from __future__ import annotations

import re

from ..wgsl.names import interface
from .steps import one_store

_KEPT = re.compile(r"\b(?:border|boundary|edge|outermost|outer)\b[^.;]*?\b(?P<what>copied|copy|unchanged|untouched|get\s+0|"
                   r"are\s+0|=\s*0|set\s+to\s+(?:0|zero)|zero(?:ed)?|keep|kept|stay|fixed|just\s+get\s+0)|"
                   r"\bset\s+(?:the\s+)?(?:[\w-]+\s+)?(?:border|boundary|edge)\w*\b[^.;]*?\bto\s+(?P<zero>0|zero)\b|"
                   r"\b(?:border|boundary)\s+(?:cells?|pixels?)\s*:\s*\w+\s*=\s*(?P<assigned>[A-Za-z_]\w*|0(?:\.0)?)", re.I)
_GUARD = re.compile(r"if\s*\(\s*(?P<x>[\w.]+)\s*>=\s*(?P<w>params\.\w+|\w+)\s*\|\|\s*(?P<y>[\w.]+)\s*>=\s*"
                    r"(?P<h>params\.\w+|\w+)\s*\)\s*\{?\s*(?:return;\s*\}?)?")
_EDGE = r"(?:==\s*0u?\b|\b0u?\s*==|==\s*[\w.()&]+\s*-\s*1u?\b|>=\s*[\w.()&]+\s*-\s*1u?\b|<\s*1u?\b)"
# a border test: two comparisons with the grid's edges joined by || or && (not the one `x == 0u` of a clamped read)
BORDER_TEST = re.compile(_EDGE + r"[^;{}]*?(?:\|\||&&)[^;{}]*?" + _EDGE + r"|\binterior\b|\bis_border|\bon_edge|\bborder\b",
                         re.I)


def border_value(prompt: str) -> str | None:
    """"0" when the prompt's border cells get zero, "copy" when they keep the input's value, None otherwise (or when
    it speaks of clamping or wrapping at the border instead)."""
    m = _KEPT.search(prompt)
    if m is None or re.search(r"\bclamp\w*|\bwrap\w*|\btor(?:us|oidal)\b|\bperiodic\b", prompt, re.I):
        return None
    if m.group("assigned"):  # "Border cells: u_next = u_cur"
        return "0" if m.group("assigned").startswith("0") else "copy"
    return "copy" if re.match(r"cop|unchanged|untouched|keep|kept|stay|fixed", m.group("what") or "", re.I) else "0"


def _gid(code: str, name: str, axis: str) -> bool:
    """Whether `name` is `gid.<axis>` or a `let` bound to it."""
    return name == f"gid.{axis}" or re.search(r"\blet\s+%s\s*=\s*gid\.%s\s*;" % (re.escape(name), axis), code) is not None


def _bound(code: str, name: str) -> str | None:
    """The u32 bound a guard compares with: `params.w`, or a `let w = params.w;` before it."""
    if name.startswith("params."):
        return name
    m = re.search(r"\blet\s+%s\s*=\s*(params\.\w+)\s*;" % re.escape(name), code)
    return m.group(1) if m else None


def with_border(code: str, value: str) -> str | None:
    """`code` whose one store to its `f32` output takes `value` ("0" or "copy") on the grid's border; None when the
    member has no 2D guard on `gid`, several stores, a border test already, or another output type."""
    if BORDER_TEST.search(code):
        return None
    guard = _GUARD.search(code)
    if guard is None or not (_gid(code, guard.group("x"), "x") and _gid(code, guard.group("y"), "y")):
        return None
    w, h = _bound(code, guard.group("w")), _bound(code, guard.group("h"))
    bindings = interface(code)[0]
    outs = [n for _, acc, n, t in bindings if acc.rstrip(">").endswith(",read_write") and t.replace(" ", "") == "array<f32>"]
    ins = [n for _, acc, n, t in bindings if acc.rstrip(">").endswith(",read") and t.replace(" ", "") == "array<f32>"]
    one = one_store(code)  # the shader's one element store, to its `f32` output, after the guard
    if w is None or h is None or len(outs) != 1 or one is None or one[0].group(2) != outs[0] or \
            one[0].start() < guard.end() or value == "copy" and not ins:
        return None
    m = one[0]
    indent, out, index, rhs = m.group(1, 2, 3, 4)
    edge = f"gid.x == 0u || gid.y == 0u || gid.x == {w} - 1u || gid.y == {h} - 1u"
    other = "0.0" if value == "0" else f"{ins[0]}[{index}]"
    return code[:m.start()] + f"{indent}{out}[{index}] = select({rhs}, {other}, {edge});" + code[m.end():]
