"""Vector candidates: prompts about `array<vec4<f32>>` elements whose xyz part is a 3-vector (positions, velocities,
normals) and whose w is padding, a size or an age to keep (or a value to set), as one more candidate for the reranked
pool (nineteenth session):

- "rescale each element's xyz to unit length and leave w as it is" / "xyz /= length(xyz)": `normalize(c.xyz)` with
  the element's w (or the w the prompt sets: "set w to 0.0");
- "positions.xyz += velocities.xyz * dt": the update of the xyz part written in the prompt, in place, other
  buffers' `.xyz` read at the same index, the other names uniform fields the prompt names.

Bindings follow the conventions (inputs, then the output or the buffer updated in place, then the uniform). This
module does NOT read colours (`colour_formula.py`), scalar formulas (`formula.py`) or conditions ("wherever |v| exceeds
max_speed"), never validates (the caller runs naga) and never decides (the reviewer does).
"""
from __future__ import annotations

import re

from . import expr
from .declared import said_uniforms
from .formula import _PARAMS, map_kernel
from .formula_names import aliases
from .prompt_words import STOP, legal, prompt_buffers, says_in_place, stated_order

_VEC4 = re.compile(r"\bvec4\b|\bfloat4\b", re.I)
_NORMALISE = re.compile(r"\b(?:re)?normali[sz]\w*\b|\bunit\s+length\b|\bxyz\s*/=\s*length\s*\(\s*xyz\s*\)", re.I)
_SET_W = re.compile(r"\b(?:set|sets|setting|write|writes|force)\s+(?:the\s+)?w\s+(?:to|=)\s*(-?\d+(?:\.\d+)?)|"
                    r"\bw\s*(?:=|becomes|is\s+set\s+to)\s*(-?\d+(?:\.\d+)?)", re.I)
_UPDATE = re.compile(r"(?<![\w.`])`?([A-Za-z_]\w*)`?\.xyz\s*([-+*/]?=)(?!=)\s*")
_OTHER = re.compile(r"\b(?:if|when|wherever|whenever|exceed\w*|unless|clamp\w*|limit\w*)\b", re.I)


def vector_candidates(prompt: str) -> list[str]:
    """The xyz kernels the prompt's words give (normalise, or its written update), and a formula over whole vec4
    elements of several buffers applied to all four channels; [] when it speaks of neither, or of a condition."""
    codes = []
    if _VEC4.search(prompt) and re.search(r"\bxyz\b", prompt) and not _OTHER.search(prompt):
        codes += [c for c in (_normalised(prompt), _updated(prompt)) if c]
    codes += [c for c in (_whole(prompt),) if c]
    return list(dict.fromkeys(codes))


_ALL_FOUR = re.compile(r"\b(?:all|every|each\s+of\s+the)\s+(?:four|4)\s+(?:channels|components|lanes)\b|"
                       r"\bincluding\s+(?:the\s+)?alpha\b|\balpha\s+(?:too|included|as\s+well)\b", re.I)
_ASSIGN = re.compile(r"(?<![\w.`])`?([A-Za-z_]\w*)`?\s*=(?!=)\s*")
_SWIZZLE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.(rgba|rgb|xyzw|xyz|[rgbawxyz])\b")


def _whole(prompt: str) -> str | None:
    """"composite = fg + bg * (1 - fg.a), applied to all four channels" over RGBA (vec4) buffers: each name the
    element of its buffer (a short name standing for a longer one: `fg` for `fg_layer`), `.a`/`.rgb`... its swizzle,
    the result the whole vec4; None unless the prompt says all four channels and the rule reads two buffers or more."""
    if not _ALL_FOUR.search(prompt) or not re.search(r"\b(?:rgba|vec4|colou?rs?|pixels?|layers?)\b", prompt, re.I):
        return None
    said = said_uniforms(prompt)
    for m in _ASSIGN.finditer(prompt):
        target = m.group(1)
        got = expr.parse_prefix(_SWIZZLE.sub(r"\1__\2", prompt[m.end():]))
        if got is None or not legal(target) or target.lower() in STOP - {"result", "output"}:  # "result = ..." names it
            continue
        free = [n for n in expr.free_names(got[0]) if n not in expr.MODULES]
        bases = list(dict.fromkeys(n.split("__")[0] for n in free if n not in said))
        uniforms = [n for n in free if n in said]
        if len(bases) < 2 or target in bases or any(not legal(b) or b.lower() in STOP for b in bases):
            continue
        alias = aliases(prompt, bases, target)
        bind = {n: f"{alias.get(n.split('__')[0], n.split('__')[0])}[i]" + (f".{n.split('__')[1]}" if "__" in n else "")
                for n in free if n not in said}
        bind.update({u: f"{_PARAMS}.{u}" for u in uniforms})
        try:
            value = expr.emit(got[0], bind)
        except expr.Reject:
            continue
        inputs = stated_order(prompt, [alias.get(b, b) for b in bases])
        return map_kernel(inputs, target, uniforms, "vec4<f32>", "f32", [f"    {target}[i] = {value};"])
    return None


def _w(prompt: str, var: str) -> str:
    m = _SET_W.search(prompt)
    if m is None:
        return f"{var}.w"
    value = m.group(1) or m.group(2)
    return value if "." in value else value + ".0"


def _normalised(prompt: str) -> str | None:
    if not _NORMALISE.search(prompt):
        return None
    named = prompt_buffers(prompt, min_names=1)
    if says_in_place(prompt) or re.search(r"\bmodif\w*\s+it\b", prompt, re.I):  # "modify it in place" too
        outs = named[1] if named else []
        each = re.search(r"\beach\s+(?:vec4<f32>|vec4f|vec4|float4|element|entry)\s+(?:in|of)\s+`?([A-Za-z_]\w*)`?", prompt)
        if not outs and each and legal(each.group(1)) and each.group(1).lower() not in STOP:
            outs = [each.group(1)]  # "each vec4<f32> in normals is (x, y, z, w)"
        if len(outs) != 1:
            return None
        src = dst = outs[0]
    else:
        if not named or len(named[0]) != 1 or len(named[1]) != 1:
            return None
        (src,), (dst,) = named
    body = [f"    let c = {src}[i];", f"    {dst}[i] = vec4<f32>(normalize(c.xyz), {_w(prompt, 'c')});"]
    return map_kernel([] if src == dst else [src], dst, [], "vec4<f32>", "f32", body)


def _updated(prompt: str) -> str | None:
    m = _UPDATE.search(prompt)
    if m is None:
        return None
    target, op = m.group(1), m.group(2)
    text = re.sub(r"(?<![\w.])([A-Za-z_]\w*)\.xyz\b", r"\1__xyz", prompt[m.end():])
    got = expr.parse_prefix(text, bare_ok=op != "=")
    if got is None:
        return None
    node = got[0]
    free = [n for n in expr.free_names(node) if n not in expr.MODULES]
    said = said_uniforms(prompt)
    buffers = [n[:-5] for n in free if n.endswith("__xyz")]
    uniforms = [n for n in free if not n.endswith("__xyz")]
    if any(u not in said or not legal(u) or u.lower() in STOP for u in uniforms) or \
            any(not legal(b) for b in buffers + [target]):
        return None
    if op == "=" and target not in buffers:
        return None  # not an update of the buffer itself: its w would have no source
    inputs = stated_order(prompt, [b for b in dict.fromkeys(buffers) if b != target])
    bind = {f"{b}__xyz": f"{b}[i].xyz" for b in buffers if b != target}
    bind[f"{target}__xyz"] = "p.xyz"
    bind.update({u: f"{_PARAMS}.{u}" for u in uniforms})
    try:
        value = expr.emit(node, bind)
    except expr.Reject:
        return None
    xyz = value if op == "=" else f"p.xyz {op[0]} ({value})"
    body = [f"    let p = {target}[i];", f"    {target}[i] = vec4<f32>({xyz}, {_w(prompt, 'p')});"]
    return map_kernel(inputs, target, list(dict.fromkeys(uniforms)), "vec4<f32>", "f32", body)
