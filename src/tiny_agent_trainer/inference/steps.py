"""A last step the prompt asks for after its main operation, read from its words, and a pool member
rewritten to apply it to the value it stores.

Requests often end in a bound: "apply the gain, then hard-limit the result to [-1, 1]", "lift every
channel by amount and make sure nothing goes past 0..1", "drops by 0.05 but never goes below 0",
"add refill, capping the result at 99". `last_step(prompt)` reads such a clause (a range, a lower bound
after "never/not ... below", an upper bound after "capped at" / "never above" / "at most"), each bound a
literal number or a name the prompt calls a uniform ("[-ceiling, ceiling] (ceiling is a uniform)");
`with_step(code, step)` wraps the one element store of an element-wise shader: `y[i] = clamp(E, lo, hi);`
for `f32` and `i32`, `min(E, hi)` for `u32` (and for a floor, `a - b` tested before it can wrap around:
`select(a - b, 0u, a < b)`), the rgb of a `vec4<f32>` colour with its alpha kept; a bound
named in the prompt reads `params.name`, a field added to the `Params` struct (or a new struct and binding)
when the shader lacks it. The reranker adds the rewrite beside the member, and the reviewer decides which
explains the prompt. A bound the member already applies gives back None.

This module does NOT rewrite shaders with more than one store, loops or atomics; an unsigned floor on anything but
one subtraction is a plain `max` (other wrap-arounds, such as an overflowing product, are not undone).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..wgsl.names import interface, uniform_declaration

_NUM = r"(-?\s?\d+(?:\.\d+)?|-?\.\d+|-?\s?[A-Za-z_]\w*)"  # a literal number, or a name the prompt calls a uniform
_RANGE = rf"\[?\(?\s*{_NUM}\s*(?:,|\.\.\.?|to|and|-|–)\s*{_NUM}\s*[\])]?"
# "clamp/clip/limit/saturate/keep ... to/into/within/between [lo, hi]", "clamped to 0..1", "stays in 0-1"
_RANGE_RE = re.compile(
    rf"\b(?:clamp|clip|limit|hard[- ]?limit|saturat|restrict|keep|stay|bound|constrain|goes? past|go beyond|"
    rf"never (?:leaves?|exceeds?|goes? outside))\w*\b(?:[^.;:!?]{{0,40}}?\b(?:to|into|within|between|in|inside|"
    rf"past|outside))?\s+(?:the\s+)?(?:range\s+|interval\s+)?(?:of\s+)?{_RANGE}", re.I)
_LOW_RE = re.compile(
    rf"\b(?:never|not|n't|no|without)\b[^.;:!?,]{{0,24}}?\b(?:below|under|less than|lower than|beneath)\s+{_NUM}"
    rf"|\b(?:with a (?:floor|minimum) of|floored at|stopping at|bottoming out at)\s+{_NUM}", re.I)
_HIGH_RE = re.compile(
    rf"\b(?:never|not|n't|no|without)\b[^.;:!?,]{{0,24}}?\b(?:above|over|exceed\w*|more than|greater than|"
    rf"higher than|past)\s+{_NUM}"
    rf"|\b(?:capp?(?:ed|ing|s)?|saturat\w*|topp?(?:ed|ing) out|maxing out|maxed out)\s+(?:\w+\s+){{0,3}}?at\s+{_NUM}"
    rf"|\b(?:with a (?:ceiling|maximum|cap) of|at most)\s+{_NUM}", re.I)
_COLOUR = re.compile(r"\b(?:rgb|rgba|colou?rs?|channels?|pixels?|texels?|image|picture|frame)\b", re.I)
_STORE = re.compile(r"^(\s*)(\w+)\[([^\]]+)\]\s*=\s*(.+);\s*$", re.M)


Bound = float | str  # a literal number, or a uniform field's name ("-ceiling": its negation)


@dataclass(frozen=True)
class Step:
    """A bound on the stored value: `lo` and/or `hi` (None: no bound on that side); `spans`: where the prompt
    says so."""
    lo: Bound | None = None
    hi: Bound | None = None
    spans: tuple[tuple[int, int], ...] = ()


def _value(text: str, uniforms) -> Bound | None:
    """A number, or a name the prompt calls a uniform (kept with its sign; `uniforms()` gives those names, read
    only when a bound is a word); None for any other word."""
    text = text.replace(" ", "")
    try:
        return float(text)
    except ValueError:
        return text if text.lstrip("-") in uniforms() else None


def _opens(prompt: str, start: int) -> bool:
    """The clause at `start` opens the request (fewer than two words before it): the bound is the operation."""
    return len(re.findall(r"[A-Za-z]\w*", prompt[:start])) < 2


def last_step(prompt: str) -> Step | None:
    """The bound the prompt puts on the result of its main operation, or None (no such words, the words disagree,
    or the request opens with them: "clip x to [0, 1]" is a clamp, not a second step)."""
    from .prompt_words import uniform_names

    uniforms = functools.cache(lambda: uniform_names(prompt))
    for m in _RANGE_RE.finditer(prompt):
        lo, hi = _value(m.group(1), uniforms), _value(m.group(2), uniforms)
        if lo is None or hi is None:
            continue
        if isinstance(lo, float) and isinstance(hi, float) and lo >= hi or _opens(prompt, m.start()):
            return None
        return Step(lo, hi, (m.span(),))
    lows = [(mm, v) for mm in _LOW_RE.finditer(prompt) for g in mm.groups() if g is not None
            for v in [_value(g, uniforms)] if v is not None]
    highs = [(mm, v) for mm in _HIGH_RE.finditer(prompt) for g in mm.groups() if g is not None
             for v in [_value(g, uniforms)] if v is not None]
    low, high = [v for _, v in lows], [v for _, v in highs]
    if 0.0 in high and not low:  # "saturating at 0", "capped at 0": what a subtraction stops at is a floor
        low, high = [0.0], [h for h in high if h != 0.0]
    if len(set(low)) > 1 or len(set(high)) > 1 or not (low or high):
        return None
    step = Step(low[0] if low else None, high[0] if high else None, tuple(sorted(mm.span() for mm, _ in lows + highs)))
    if isinstance(step.lo, float) and isinstance(step.hi, float) and step.lo >= step.hi \
            or _opens(prompt, step.spans[0][0]):
        return None
    return step


_JOIN = re.compile(r"[\s,;(]*(?:\b(?:and|but|then|so|while|which)\b[\s,]*)*$", re.I)
_CLAUSE = re.compile(r",|;|\(|\b(?:and|but|then|so|while|which|making sure|make sure)\b", re.I)


def without_step(prompt: str, step: Step) -> str:
    """The prompt with the clause of its bound (from the comma or "and" / "but" / "then" that opens it) left out:
    the request for the main operation alone."""
    out, last = "", 0
    for start, end in step.spans:
        seg = prompt[last:start]
        opens = [m for m in _CLAUSE.finditer(seg) if m.start() >= len(seg) - 40]
        if opens:
            seg = seg[:opens[-1].start()]
        out += _JOIN.sub("", seg)
        last = end
    rest = prompt[last:].lstrip(" )")
    sep = "" if not rest or rest[0] in ",.;:!?" else " "
    return (out + sep + rest).strip()


def _f32(v: float) -> str:
    text = repr(float(v))
    return text if "e" not in text else f"{v:.9f}".rstrip("0")


def _lit(b: Bound, typ: str) -> str | None:
    """The WGSL for bound `b` of element type `typ` (a uniform name reads `params.name`); None when it cannot be
    one (a fraction or a negative number for an unsigned type)."""
    if isinstance(b, str):
        neg, name = b.startswith("-"), b.lstrip("-")
        return None if neg and typ == "u32" else ("-" if neg else "") + f"params.{name}"
    if typ in ("f32", "vec4<f32>"):
        return _f32(b)
    if b != int(b) or (b < 0 and typ == "u32"):
        return None
    return f"{int(b)}{'i' if typ == 'i32' else 'u'}"


def one_store(code: str):
    """(the store's match, the stored buffer's element type) when the shader stores to exactly one element of its
    storage outputs in one statement, else None."""
    outs = {name: typ[len("array<"):-1] for _, acc, name, typ in interface(code)[0]
            if acc.endswith(",read_write>") and typ.startswith("array<")}
    stores = [m for m in _STORE.finditer(code) if m.group(2) in outs]
    return (stores[0], outs[stores[0].group(2)]) if len(stores) == 1 else None


def _wrap(expr: str, typ: str, step: Step, prompt: str) -> tuple[list[str], str] | None:
    """(statements before the store, the new stored expression) applying `step` to `expr` of type `typ`."""
    if typ not in ("f32", "i32", "u32") and not (typ == "vec4<f32>" and _COLOUR.search(prompt)):
        return None
    lo, hi = (None if b is None else _lit(b, typ) for b in (step.lo, step.hi))
    if (step.lo is not None and lo is None) or (step.hi is not None and hi is None):
        return None
    if typ == "u32" and lo is not None:  # `max(a - b, 0u)` cannot undo a wrap-around: test before subtracting
        parts = _difference(expr)
        if parts is not None:
            a, b = parts
            floor = f"select({expr}, {lo}, {a} < {b})" if step.lo == 0 else \
                f"select({expr}, {lo}, {a} < {b} + {lo})"
            return [], floor if hi is None else f"min({floor}, {hi})"
    pre = []
    if typ == "vec4<f32>":  # the rgb of the colour, alpha kept
        pre, expr = [f"let res = {expr};"], "res.rgb"
        lo, hi = (None if b is None else f"vec3<f32>({b})" for b in (lo, hi))
    if lo is not None and hi is not None:
        out = f"clamp({expr}, {lo}, {hi})"
    else:
        out = f"max({expr}, {lo})" if lo is not None else f"min({expr}, {hi})"
    return pre, f"vec4<f32>({out}, res.a)" if typ == "vec4<f32>" else out


def _difference(expr: str) -> tuple[str, str] | None:
    """(a, b) when `expr` is `a - b` with exactly one binary minus outside parentheses, else None."""
    depth, cuts = 0, []
    for k, ch in enumerate(expr):
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == "-" and depth == 0 and k > 0 and re.search(r"[\w)\]]\s*$", expr[:k]):
            cuts.append(k)
    if len(cuts) != 1 or re.search(r"[+*/%&|^<>]", re.sub(r"\([^()]*\)|\[[^\]]*\]", "", expr)):
        return None
    return expr[:cuts[0]].strip(), expr[cuts[0] + 1:].strip()


def _with_fields(code: str, step: Step, scalar: str) -> str | None:
    """`code` with a uniform field for each name among the step's bounds that its `Params` struct lacks (added
    last, in the order lo, hi; a struct and its binding are made when the shader has none)."""
    names = [b.lstrip("-") for b in (step.lo, step.hi) if isinstance(b, str)]
    if not names:
        return code
    uni, m = uniform_declaration(code) or (None, None)  # the uniform's own struct, wherever it stands
    if uni and (uni.group(1) != "params" or not m):
        return None  # a uniform under another name: leave it
    if m:
        have = set(re.findall(r"(\w+)\s*:", m.group(1)))
        add = "".join(f"    {n}: {scalar},\n" for n in dict.fromkeys(names) if n not in have)
        body = m.group(1).rstrip()
        body = (body + ("," if body and not body.endswith(",") else "") + "\n") if body else "\n"
        return code[:m.start(1)] + body + add + code[m.end(1):]
    if re.search(r"\bstruct\s+Params\b", code):
        return None  # a struct called Params that is not the uniform: no second one
    fields = "".join(f"    {n}: {scalar},\n" for n in dict.fromkeys(names))
    bindings = [int(b) for b in re.findall(r"@binding\((\d+)\)", code)]
    last = list(re.finditer(r"^@group\(0\)\s*@binding\(\d+\)[^\n]*\n", code, re.M))
    if not last:
        return None
    at = last[-1].end()
    decl = f"@group(0) @binding({max(bindings) + 1}) var<uniform> params: Params;\n"
    return f"struct Params {{\n{fields}}}\n\n" + code[:at] + decl + code[at:]


def with_step(code: str, step: Step, prompt: str = "") -> str | None:
    """`code` with `step` applied to the value of its one element store, or None when it does not apply:
    not exactly one store to a storage output, a loop, atomics, workgroup memory, or nothing would change."""
    if re.search(r"\b(?:for|while|loop|atomic\w*|workgroupBarrier)\b", code):
        return None
    one = one_store(code)
    if one is None:
        return None
    m, typ = one
    got = _wrap(m.group(4).strip(), typ, step, prompt)
    if got is None or _applies(m.group(4), step):
        return None
    pre, expr = got
    ind = m.group(1)
    lines = [f"{ind}{s}" for s in pre] + [f"{ind}{m.group(2)}[{m.group(3)}] = {expr};"]
    new = code[:m.start()] + "\n".join(lines) + code[m.end():]
    return _with_fields(new, step, "f32" if typ == "vec4<f32>" else typ)


def applies(code: str, step: Step) -> bool:
    """The shader's one element store already applies this bound (the model composed both steps itself)."""
    one = one_store(code)
    return one is not None and _applies(one[0].group(4), step)


def _applies(expr: str, step: Step) -> bool:
    """The stored expression already ends in this bound (`clamp(..., 0.0, 1.0)`, `min(..., 255u)`,
    `clamp(..., -params.c, params.c)`)."""
    flat = expr.replace(" ", "")
    outer = flat.split("(", 1)[0]
    if outer not in ("clamp", "min", "max", "saturate"):
        return False
    nums = [float(x) for x in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", flat)]
    names = re.findall(r"-?params\.\w+", flat)
    for b in (step.lo, step.hi):
        if b is None:
            continue
        if isinstance(b, str):
            if ("-" if b.startswith("-") else "") + "params." + b.lstrip("-") not in names[-2:]:
                return False
        elif b not in nums[-2:] and not (outer == "saturate" and b in (0.0, 1.0)):
            return False
    return True
