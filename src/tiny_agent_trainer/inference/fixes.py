"""Deterministic source-level fixes for the name errors a small model makes most often: an
identifier used but never declared (`arrayLength(&out)` when the output is `dst`), a field read
from the uniform struct that the struct does not declare (`params.limit`), a struct field declared
twice, a WGSL reserved word used as a name (`target`, `filter`, `std`: renamed `target_`).

`name_fixes(code, diagnostics)` yields rewrites of `code` for naga's first error, best guess
first: for an unknown identifier, the declared names it most likely meant (an output buffer where
it is indexed or passed to `arrayLength`, else by spelling); for an unknown field, the struct's
fields that the shader never reads, then the others; for a repeated field, the struct without the
repeat; for a reserved word, the same name with a trailing underscore. Renaming uses the WGSL
lexer, so only whole identifier tokens change.
`adopt_names(code, donor)` (from `wgsl/names.py`, re-exported here) renames the buffers and uniform
fields of `code` to the donor's when both have the same interface (bindings, access modes, types,
field types): a verified training shader found by retrieval then speaks the prompt's names, taken
from the model's own candidate.
`adopt_numbers(code, prompt)` replaces the shader's float constants that the prompt does not contain
by the prompt's numbers that the shader lacks (in order, when the counts agree): the model copies
digits one token at a time and sometimes drifts (`3.7` -> `3.75`, `12.5` -> `1.5`); well-known constants (pi, 2 pi,
pi / 180, e, the largest f32...) never count as drifted unless the prompt spells one of them. `adopt_integers` does the
same for whole numbers (`-32768, 32767` for "clamp(a - b, -128, 127)"), never for bindings, workgroup sizes, array
lengths or in shaders with loops; `adopt_prompt_numbers` applies both.
`as_float(code)` retypes the integer storage arrays (`array<u32>`, `array<vec4<i32>>`; not atomics) to
`f32` and the suffixed integer literals (`2u`) to floats: the conventions make elements `f32` unless the
prompt speaks of integers, and the model sometimes answers "the larger of a[i] and b[i]" in `u32`.
This module does NOT validate (the caller keeps only rewrites that naga accepts) or decode.
"""
from __future__ import annotations

import difflib
import math
import re
from typing import Iterator

from ..wgsl.lexer import tokenize
from ..wgsl.names import adopt_names, interface, rename, rename_many, struct_of_uniform, substitute_tokens

__all__ = ["adopt_names", "adopt_numbers", "as_float", "interface", "name_fixes", "rename", "rename_many"]

MAX_GUESSES = 4

_UNKNOWN = re.compile(r"no definition in scope for identifier: `(\w+)`")
_FIELD = re.compile(r"invalid field accessor `(\w+)`")
_REDEF = re.compile(r"redefinition of `(\w+)`")
_RESERVED = re.compile(r"name `(\w+)` is a reserved keyword")


def _declared(code: str) -> dict[str, list[str]]:
    """Names by kind: `out` (read_write storage), `in` (read storage), `other` (uniform, workgroup,
    let/var/const, function parameters)."""
    out = re.findall(r"var<storage,\s*read_write>\s+(\w+)", code)
    ins = re.findall(r"var<storage(?:,\s*read)?>\s+(\w+)", code)
    other = re.findall(r"var<(?:uniform|workgroup|private)>\s+(\w+)", code)
    other += re.findall(r"\b(?:let|var|const)\s+(\w+)", code)
    other += re.findall(r"[(,]\s*(?:@builtin\(\w+\)\s*|@location\(\d+\)\s*)?(\w+)\s*:\s*(?:vec|u32|i32|f32)", code)
    seen: set[str] = set()
    res: dict[str, list[str]] = {"out": [], "in": [], "other": []}
    for kind, names in (("out", out), ("in", ins), ("other", other)):
        for n in names:
            if n not in seen:
                seen.add(n)
                res[kind].append(n)
    return res


def _similar(name: str, cands: list[str]) -> list[str]:
    return sorted(cands, key=lambda c: -difflib.SequenceMatcher(None, name.lower(), c.lower()).ratio())


def _unknown_ident(code: str, name: str) -> Iterator[str]:
    d = _declared(code)
    as_output = re.search(r"arrayLength\(\s*&\s*%s\b|\b%s\s*\[[^\]]*\]\s*(?:[-+*/]?=[^=]|\.\w+\s*=)|&\s*%s\s*\[" %
                          ((re.escape(name),) * 3), code)
    if as_output:
        order = d["out"] + _similar(name, d["in"] + d["other"])
    else:
        order = _similar(name, d["out"] + d["in"] + d["other"])
    for cand in order[:MAX_GUESSES]:
        yield rename(code, name, cand)


def _unknown_field(code: str, field: str) -> Iterator[str]:
    u = struct_of_uniform(code)
    if u is None:
        return
    var, fields = u[0], [n for n, _ in u[2]]
    used = set(re.findall(r"\b%s\.(\w+)" % re.escape(var), code))
    order = _similar(field, [f for f in fields if f not in used]) + _similar(field, [f for f in fields if f in used])
    pat = re.compile(r"\b%s\.%s\b" % (re.escape(var), re.escape(field)))
    for f in order[:MAX_GUESSES]:
        yield pat.sub(f"{var}.{f}", code)


def _repeated_field(code: str, name: str) -> Iterator[str]:
    for m in re.finditer(r"struct\s+\w+\s*\{([^}]*)\}", code):
        body = m.group(1)
        lines = body.split("\n")
        hits = [k for k, ln in enumerate(lines) if re.match(r"\s*%s\s*:" % re.escape(name), ln)]
        if len(hits) > 1:
            kept = [ln for k, ln in enumerate(lines) if k not in hits[1:]]
            yield code[:m.start(1)] + "\n".join(kept) + code[m.end(1):]


def _reserved_name(code: str, name: str) -> Iterator[str]:
    new = name + "_"
    while re.search(r"\b%s\b" % re.escape(new), code):
        new += "_"
    yield rename(code, name, new)


def name_fixes(code: str, diagnostics: list[dict]) -> Iterator[str]:
    """Candidate rewrites of `code` for the first diagnostic naga reported (none if it is not a name error)."""
    msg = next((d.get("message", "") for d in diagnostics if d.get("message")), "")
    for pat, fix in ((_UNKNOWN, _unknown_ident), (_FIELD, _unknown_field), (_REDEF, _repeated_field),
                     (_RESERVED, _reserved_name)):
        m = pat.search(msg)
        if m:
            for cand in fix(code, m.group(1)):
                if cand != code:
                    yield cand
            return


_PROMPT_NUM = re.compile(r"(?<![\w.])\d+\.\d+(?:[eE][-+]?\d+)?(?![\w])|(?<![\w.])\d+(?:[eE][-+]?\d+)?(?![\w.])")


def _value(text: str) -> float | None:
    try:
        return float(int(text.rstrip("ui"), 0)) if text.lower().startswith("0x") else float(text.rstrip("fhui"))
    except ValueError:
        return None


def _distinct(pattern: re.Pattern, prompt: str) -> list[tuple[str, float]]:
    """The numbers of `prompt` that `pattern` matches, as (text, value), each value once, in order."""
    out: list[tuple[str, float]] = []
    for m in pattern.finditer(prompt):
        v = _value(m.group(0))
        if v is not None and v not in [q for _, q in out]:
            out.append((m.group(0), v))
    return out


# constants a shader writes out that no prompt spells as digits (pi, 2 pi, pi / 180, e, ln 2, sqrt 2...): never drift
_KNOWN = [math.pi, math.tau, math.pi / 2, math.pi / 4, math.pi / 180, 180 / math.pi, math.e, math.log(2), math.log(10),
          math.sqrt(2), 1 / math.sqrt(2), 1 / math.log(2), 1 / math.log(10), 1 / math.pi, 1 / math.tau,
          3.4e38, 3.402823e38, 3.4028235e38, 3.40282347e38, 1e30, 1e38]  # the largest f32: a reduction's sentinel


def _known(v: float) -> bool:
    return any(abs(abs(v) - k) <= 1e-6 * k for k in _KNOWN)


def _drifted(toks: list, lits: list, prompt_nums: list[tuple[str, float]], structural_wanted: bool = True
             ) -> list[tuple[str, tuple[str, float]]] | None:
    """The literals of `lits` whose values the prompt lacks (not 0 or 1), in order, each paired with a prompt number
    that no literal of `toks` equals (0 and 1 among them only with `structural_wanted`); None when nothing is
    unmatched or the two lists differ in length."""
    lit_vals = {abs(v) for t in toks if t.kind in ("float", "int") and (v := _value(t.text)) is not None}
    prompt_vals = {v for _, v in prompt_nums}
    want = [(txt, v) for txt, v in prompt_nums if v not in lit_vals and (structural_wanted or v not in (0.0, 1.0))]
    have: list[str] = []
    for t in lits:
        v = _value(t.text)
        if v is not None and v not in prompt_vals and v not in (0.0, 1.0) and t.text not in have and not (
                _known(v) and not any(abs(abs(v) - p) <= 1e-5 * abs(v) for p in prompt_vals)):  # "use pi = 3.14159265"
            have.append(t.text)
    if not want or len(want) != len(have):
        return None
    return list(zip(have, want))


def adopt_numbers(code: str, prompt: str) -> str | None:
    """`code` with its unmatched float literals replaced, in order of appearance, by the prompt's
    numbers that no literal of the code equals (absolute values: the sign is a separate token); None
    when nothing is unmatched or the two unmatched lists differ in length."""
    toks = tokenize(code)
    pairs = _drifted(toks, [t for t in toks if t.kind == "float"], _distinct(_PROMPT_NUM, prompt))
    if pairs is None:
        return None
    new = {old: (txt if "." in txt or "e" in txt.lower() else txt + ".0") for old, (txt, _) in pairs}
    return substitute_tokens(code, ("float",), new)


# hex too (0xFFFF is 65535), not "32-bit" or "3-tap" (words, not constants)
_PROMPT_INT = re.compile(r"(?<![\w.])(?:0[xX][0-9a-fA-F]+|\d+)(?![\w.])(?!-[A-Za-z])")


def adopt_integers(code: str, prompt: str) -> str | None:
    """`code` with its unmatched integer literals (not 0 or 1, a workgroup size, binding or array length) replaced, in
    order of appearance, by the prompt's whole numbers that no literal of the code equals, each keeping its literal's
    suffix (`32767` -> `127`, `255u` -> `15u`); None when nothing is unmatched, the two lists differ in length, or the
    shader has loops or workgroup memory (a reduction's sizes and strides are not the prompt's numbers)."""
    if re.search(r"var\s*<\s*workgroup\b|\bfor\s*\(|\bloop\b|\bwhile\b", code):
        return None
    toks = tokenize(code)
    skip: set[int] = set()  # token indices inside @workgroup_size(...), @binding(...), @group(...), array<T, N>
    for n, t in enumerate(toks):
        if t.text in ("workgroup_size", "array", "binding", "group"):
            depth, k = 0, n + 1
            while k < len(toks):
                if toks[k].text in ("(", "<"):
                    depth += 1
                elif toks[k].text in (")", ">"):
                    depth -= 1
                    if depth <= 0:
                        break
                skip.add(k)
                k += 1
    lits = [t for n, t in enumerate(toks) if t.kind == "int" and n not in skip and not t.text.lower().startswith("0x")]
    pairs = _drifted(toks, lits, _distinct(_PROMPT_INT, prompt), structural_wanted=False)
    if pairs is None:
        return None
    new = {old: str(int(v)) + re.sub(r"^\d+", "", old) for old, (_, v) in pairs}
    return substitute_tokens(code, ("int",), new)


def adopt_prompt_numbers(code: str, prompt: str) -> str | None:
    """`adopt_numbers`, then `adopt_integers` on the result; None when neither changes anything."""
    floats = adopt_numbers(code, prompt)
    ints = adopt_integers(floats or code, prompt)
    return ints or floats


_INT_STORAGE = re.compile(r"(var\s*<\s*storage[^>]*>\s*\w+\s*:\s*array\s*<\s*(?:vec[234]\s*<\s*)?)[ui]32\b")


def as_float(code: str) -> str | None:
    """`code` with its integer storage arrays retyped `f32` and its suffixed decimal integer literals
    (`2u`, `7i`) written as floats (`2.0`); None when it has no integer storage array or uses a hex literal
    (bit patterns do not become floats). Whether the result type-checks is naga's call."""
    new = _INT_STORAGE.sub(r"\1f32", code)
    if new == code:
        return None
    lits = {t.text for t in tokenize(new) if t.kind == "int" and t.text[-1:] in ("u", "i")}
    if any(t.lower().startswith("0x") for t in lits):
        return None
    return substitute_tokens(new, ("int",), {t: t[:-1] + ".0" for t in lits})
