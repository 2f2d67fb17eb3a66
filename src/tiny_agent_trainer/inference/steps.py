"""A last step the prompt asks for after its main operation, read from its words, and a pool member
rewritten to apply it to the value it stores.

Requests often end in a bound: "apply the gain, then hard-limit the result to [-1, 1]", "lift every
channel by amount and make sure nothing goes past 0..1", "drops by 0.05 but never goes below 0",
"add refill, capping the result at 99". `last_step(prompt)` reads such a clause (a range with two
literal numbers, a lower bound after "never/not ... below", an upper bound after "capped at" / "never
above" / "at most"); `with_step(code, step)` wraps the one element store of an element-wise shader:
`y[i] = clamp(E, lo, hi);` for `f32`, `min(E, hi)` for integers, the rgb of a `vec4<f32>` colour with its
alpha kept. The reranker adds the rewrite beside the member, and the reviewer decides which explains
the prompt. A bound the member already applies gives back None.

This module does NOT read bounds held in uniforms (names are not numbers), nor rewrite shaders with
more than one store, loops or atomics; an unsigned lower bound is left alone (`max(a - b, 0u)` would
not undo a wrap-around).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"(-?\s?\d+(?:\.\d+)?|-?\.\d+)"
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


@dataclass(frozen=True)
class Step:
    """A bound on the stored value: `lo` and/or `hi` (None: no bound on that side); `spans`: where the prompt
    says so."""
    lo: float | None = None
    hi: float | None = None
    spans: tuple[tuple[int, int], ...] = ()


def _num(text: str) -> float:
    return float(text.replace(" ", ""))


def _opens(prompt: str, start: int) -> bool:
    """The clause at `start` opens the request (fewer than two words before it): the bound is the operation."""
    return len(re.findall(r"[A-Za-z]\w*", prompt[:start])) < 2


def last_step(prompt: str) -> Step | None:
    """The bound the prompt puts on the result of its main operation, or None (no such words, the words disagree,
    or the request opens with them: "clip x to [0, 1]" is a clamp, not a second step)."""
    m = _RANGE_RE.search(prompt)
    if m:
        lo, hi = _num(m.group(1)), _num(m.group(2))
        return Step(lo, hi, (m.span(),)) if lo < hi and not _opens(prompt, m.start()) else None
    lows, highs = list(_LOW_RE.finditer(prompt)), list(_HIGH_RE.finditer(prompt))
    low = [_num(g) for mm in lows for g in mm.groups() if g is not None]
    high = [_num(g) for mm in highs for g in mm.groups() if g is not None]
    if 0.0 in high and not low:  # "saturating at 0", "capped at 0": what a subtraction stops at is a floor
        low, high = [0.0], [h for h in high if h != 0.0]
    if len(set(low)) > 1 or len(set(high)) > 1 or not (low or high):
        return None
    step = Step(low[0] if low else None, high[0] if high else None, tuple(sorted(mm.span() for mm in lows + highs)))
    if step.lo is not None and step.hi is not None and step.lo >= step.hi or _opens(prompt, step.spans[0][0]):
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


def _int(v: float, signed: bool) -> str | None:
    if v != int(v) or (v < 0 and not signed):
        return None
    return f"{int(v)}i" if signed else f"{int(v)}u"


def _element_type(code: str, name: str) -> str | None:
    m = re.search(rf"var<storage,\s*read_write>\s+{re.escape(name)}\s*:\s*array<([^>]+>?)>", code)
    return m.group(1).replace(" ", "") if m else None


def _wrap(expr: str, typ: str, step: Step, prompt: str) -> tuple[list[str], str] | None:
    """(statements before the store, the new stored expression) applying `step` to `expr` of type `typ`."""
    if typ == "f32":
        lo, hi = (None if b is None else _f32(b) for b in (step.lo, step.hi))
        if lo is not None and hi is not None:
            return [], f"clamp({expr}, {lo}, {hi})"
        return [], f"max({expr}, {lo})" if lo is not None else f"min({expr}, {hi})"
    if typ in ("u32", "i32"):
        signed = typ == "i32"
        lo = None if step.lo is None else _int(step.lo, signed)
        hi = None if step.hi is None else _int(step.hi, signed)
        if (step.hi is not None and hi is None) or (step.lo is not None and (lo is None or not signed)):
            return None  # a fraction, a negative unsigned bound, or an unsigned floor (wrap-around)
        if lo is not None and hi is not None:
            return [], f"clamp({expr}, {lo}, {hi})"
        return [], f"max({expr}, {lo})" if lo is not None else f"min({expr}, {hi})"
    if typ == "vec4<f32>" and _COLOUR.search(prompt):
        v = lambda b: f"vec3<f32>({_f32(b)})"  # noqa: E731
        if step.lo is not None and step.hi is not None:
            rgb = f"clamp(res.rgb, {v(step.lo)}, {v(step.hi)})"
        else:
            rgb = f"max(res.rgb, {v(step.lo)})" if step.lo is not None else f"min(res.rgb, {v(step.hi)})"
        return [f"let res = {expr};"], f"vec4<f32>({rgb}, res.a)"
    return None


def with_step(code: str, step: Step, prompt: str = "") -> str | None:
    """`code` with `step` applied to the value of its one element store, or None when it does not apply:
    not exactly one store to a storage output, a loop, atomics, workgroup memory, or nothing would change."""
    if re.search(r"\b(?:for|while|loop|atomic\w*|workgroupBarrier)\b", code):
        return None
    outs = set(re.findall(r"var<storage,\s*read_write>\s+(\w+)", code))
    stores = [m for m in _STORE.finditer(code) if m.group(2) in outs]
    if len(stores) != 1:
        return None
    m = stores[0]
    typ = _element_type(code, m.group(2))
    got = _wrap(m.group(4).strip(), typ or "", step, prompt) if typ else None
    if got is None:
        return None
    pre, expr = got
    ind = m.group(1)
    lines = [f"{ind}{s}" for s in pre] + [f"{ind}{m.group(2)}[{m.group(3)}] = {expr};"]
    new = code[:m.start()] + "\n".join(lines) + code[m.end():]
    return None if new == code or _applies(m.group(4), step) else new


def applies(code: str, step: Step) -> bool:
    """The shader's one element store already applies this bound (the model composed both steps itself)."""
    outs = set(re.findall(r"var<storage,\s*read_write>\s+(\w+)", code))
    stores = [m for m in _STORE.finditer(code) if m.group(2) in outs]
    return len(stores) == 1 and _applies(stores[0].group(4), step)


def _applies(expr: str, step: Step) -> bool:
    """The stored expression already ends in this bound (`clamp(..., 0.0, 1.0)`, `min(..., 255u)`)."""
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", expr.replace(" ", ""))]
    outer = expr.strip().split("(", 1)[0]
    wanted = [b for b in (step.lo, step.hi) if b is not None]
    return outer in ("clamp", "min", "max", "saturate") and all(w in nums[-2:] for w in wanted) \
        or (outer == "saturate" and wanted == [0.0, 1.0])
