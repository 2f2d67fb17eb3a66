"""Colour formula candidates: when a prompt about RGBA pixels spells out what happens to each colour channel
("each colour channel c becomes (c - 0.5) * contrast + 0.5", "rgb = 1 - rgb", "each of r, g, b becomes
c / (1 + c)", "c -> c^(1/gamma)"), transcribe it into a kernel over `array<vec4<f32>>` that applies the
formula to r, g and b and keeps alpha (or, where the prompt says "all four channels" or "including alpha",
to alpha too), as one more candidate for the reranked pool.

Nineteenth session: a scale of rgb before the channel formula ("scale each pixel's rgb by `exposure`, then apply
Reinhard c / (1 + c)"), an earlier statement inlined ("c = colour * exposure, then c / (1 + c)"), a plain scale of rgb
by a uniform, alpha set in words ("output alpha is set to 1.0"), the input buffer's own name as the channel
("ldr = pow(hdr * 2^exposure, 1/gamma)"), and buffers whose access is declared next to their names.
The formula is read by `formula.py` (same spans, notation and functions); this module only decides that
its one free element name stands for a channel, binds the other names to uniform fields, and writes the
vec4 kernel: inputs, then the output, then the uniform, as the conventions order them; in place when the
prompt says so.
It does NOT handle formulas that mix channels (luma, sepia, swizzles), more than one colour buffer read
per pixel, or per-channel parameters: those return nothing and stay with the model and the retrieved
shaders. It never validates (the caller runs naga) and never decides (the reviewer does).
"""
from __future__ import annotations

import ast
import copy
import re

from . import expr, formula
from .declared import declared_buffers, said_uniforms
from .formula_chain import Inline
from .prompt_words import STOP, first_pos, legal, prompt_buffers, says_in_place, uniform_names

# A prompt about colours: the conventions make them `array<vec4<f32>>` in (r, g, b, a) order.
_COLOUR = re.compile(r"\b(?:rgba?|pixels?|texels?|colou?rs?|channels?)\b|\br,\s*g,?\s*(?:and\s+|or\s+)?b\b", re.I)
# Names a formula may give the channel it transforms.
_CHANNEL = {"c", "v", "x", "ch", "channel", "rgb", "col", "color", "colour", "comp", "value", "val", "k"}
_ALPHA_TOO = re.compile(r"\ball\s+(?:four|4)\s+(?:channels?|components?)\b|\bincluding\s+(?:the\s+)?alpha\b|"
                        r"\balpha\s+(?:too|as well|also)\b|\bevery\s+channel\s+including\b|\brgba\s*=", re.I)
_ALPHA_SET = re.compile(r"\balpha\b[^.;,]{0,20}?\b(?:is\s+)?(?:set\s+to|=|becomes|forced\s+to)\s*([01](?:\.0+)?)(?!\d)(?!\.\d)",
                        re.I)  # "output alpha is set to 1.0"
# Channels mixed, pixels read around, or more than one step: not one formula per channel.
_MIXED = re.compile(r"\b(?:sepia|swap|swizzle|bgra?|premultipl\w*|block|blur\w*|"
                    r"\w*sampl\w*|neighbo\w*|kernel|width|height|rows?|cols?|columns?|grid|2d|\d+\s*x\s*\d+)\b", re.I)
_DEFAULT_IN, _DEFAULT_OUT = "src", "dst"


_SAME_TYPE = {"min", "max", "clamp", "pow", "step", "smoothstep", "atan2", "minimum", "maximum", "fmin", "fmax",
              "power", "clip", "mix", "lerp"}  # WGSL wants one type for these arguments (mix's weight may be a scalar)
_SPLAT = "__splat"


class _Splat(ast.NodeTransformer):
    """A scalar argument of a builtin that wants one type for all its arguments, next to the channel vector,
    is splatted (`clamp(c.rgb, 0.0, 1.0)` -> `clamp(c.rgb, vec3<f32>(0.0), vec3<f32>(1.0))`)."""

    def __init__(self, channel: str):
        self.channel = channel

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = getattr(node.func, "id", "").lower()
        if name in _SAME_TYPE:
            args = node.args[:2] if name in ("mix", "lerp") else node.args
            if any(self.channel in expr.free_names(a) for a in args):
                node.args = [ast.Call(ast.Name(_SPLAT), [a], []) if a in args and self.channel not in
                             expr.free_names(a) else a for a in node.args]
        return node


    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)  # c^(1/gamma) is pow(c.rgb, vec3<f32>(1.0 / gamma)); c^2 stays a product
        if isinstance(node.op, ast.Pow) and self.channel in expr.free_names(node.left) and \
                self.channel not in expr.free_names(node.right) and \
                not (isinstance(node.right, ast.Constant) and node.right.value in (2, 3, 4)):
            return ast.Call(ast.Name("pow"), [node.left, ast.Call(ast.Name(_SPLAT), [node.right], [])], [])
        return node


def _splat(text: str, vec: str) -> str:
    return text.replace(_SPLAT, vec)


def colour_candidates(prompt: str) -> list[str]:
    """WGSL kernels applying the prompt's per-channel formula to each pixel's r, g, b (and a, if said), or its
    channel-by-channel assignments (`channel_candidates`); [] when the prompt is not about colours or spells out
    no formula in one channel name."""
    if not _COLOUR.search(prompt):
        return []
    if _MIXED.search(prompt):
        return channel_candidates(prompt)
    codes: list[str] = []
    scaled = _SCALED_THEN.search(prompt)  # "scale each pixel's rgb by `exposure`, then apply Reinhard c / (1 + c)"
    said = said_uniforms(prompt)
    known: dict[str, ast.expr] = {}  # "c = colour * exposure, then Reinhard c / (1 + c)": the earlier statement
    for target, op, node, pos in sorted(formula._formulas(prompt), key=lambda f: f[3]):
        bounded = isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("clamp", "min", "max")
        uses = [n for n in expr.free_names(node) if n in known and n != target]
        if target and op == "=" and target not in expr.free_names(node):
            known[target] = node
        if uses and not re.search(r"\bthen\b", prompt[pos:]):
            node, op = Inline({n: known[n] for n in uses}).visit(copy.deepcopy(node)), "="
        elif scaled and pos > scaled.end() and not re.search(r"\bthen\b", prompt[pos:]):
            node, op = _scaled_first(node, scaled.group(1), said), "="
            if node is None:
                continue
        elif _THEN_POW.match(prompt, pos) and not re.search(r"\bthen\b", prompt[:pos]):
            exponent = expr.parse_whole(_THEN_POW.match(prompt, pos).group(1))
            if exponent is None:  # "apply Reinhard c/(1+c) to r, g and b, then gamma-encode with exponent 1/2.2"
                continue
            node, op = ast.BinOp(node, ast.Pow(), exponent), "="
        elif re.search(r"\bthen\b", prompt[:pos]) or re.search(r"\bthen\b", prompt[pos:]) and not bounded:
            continue  # one step of several ("first ..., then ..."), unless the step after is the bound it took
        codes = _kernels(prompt, target, op, node)
        if codes:
            break
    only = None if codes else _SCALED_ONLY.search(prompt)  # "multiplying r, g and b by `keep`", nothing else
    if only and not scaled:
        node = _scaled_first(ast.Name("c"), only.group(1), said)
        codes = _kernels(prompt, None, "=", node) if node is not None else []
    return codes or channel_candidates(prompt) or key_candidates(prompt)


# "..., then gamma-encode with exponent 1/2.2", "then raise the result to the power 0.4545": a power after the formula
_THEN_POW = re.compile(r"(?:(?![.;](?:\s|$)).)*?\bthen\s+(?:gamma[- ]?(?:encode|correct)\w*|raise\w*|apply\s+(?:a\s+)?(?:gamma|power))"
                       r"[^.;]{0,40}?\b(?:exponent|power)\s+(?:of\s+)?(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)?|"
                       r"`?[A-Za-z_]\w*`?)", re.I)
# "if g > 0.5 and g > 1.4 * max(r, b) ... alpha set to 0; otherwise copy the pixel unchanged": a key on the channels
_KEY_IF = re.compile(r"\bif\s+", re.I)
_KEY_END = re.compile(r"\s*(?:[,;:]|->|\bthe\s+pixel\b|\bthen\b|\bset\b|\bmake\b|\bwrite\b)", re.I)


def _condition(text: str) -> str:
    """The condition at the start of `text`, up to a comma, "->" or a verb outside parentheses."""
    depth = 0
    for k, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and _KEY_END.match(text, k):
            return text[:k].strip()
    return text.strip()
_KEY_ALPHA = re.compile(r"\balpha\b[^.;]{0,12}?\b(?:set\s+to|to|=)\s*0(?:\.0)?\b|\bfully\s+transparent\b", re.I)
_KEY_ELSE = re.compile(r"\b(?:otherwise|else)\b[^.;]{0,30}?\b(?:copy|copied|unchanged|keep|kept|as\s+it\s+is|pass)", re.I)


def key_candidates(prompt: str) -> list[str]:
    """A kernel for a key on the channels: where the condition on r, g, b (numbers, functions, uniforms the prompt
    names) holds, the pixel's alpha becomes 0 and its rgb stays; every other pixel is copied; [] otherwise."""
    m = _KEY_IF.search(prompt)
    if m is None or not _KEY_ALPHA.search(prompt, m.end()) or not _KEY_ELSE.search(prompt, m.end()):
        return []
    text = re.sub(r"\bAND\b", "and", re.sub(r"\bOR\b", "or", _condition(prompt[m.end():])))
    try:
        cond = ast.parse(expr.normalise(text), mode="eval").body
    except (SyntaxError, ValueError):
        return []
    said = said_uniforms(prompt)
    names = [n for n in expr.free_names(cond) if n not in expr.MODULES]
    uniforms = [n for n in dict.fromkeys(names) if n not in ("r", "g", "b", "a")]
    if not any(n in ("r", "g", "b") for n in names) or any(u not in said or not legal(u) for u in uniforms):
        return []
    bind = {ch: f"c.{ch}" for ch in "rgba"} | {u: f"{formula._PARAMS}.{u}" for u in uniforms}
    parts = cond.values if isinstance(cond, ast.BoolOp) else [cond]
    try:
        tests = [expr.emit(x, bind) for x in parts]
    except expr.Reject:
        return []
    if not all(isinstance(x, ast.Compare) for x in parts):
        return []
    joined = (" && " if not isinstance(cond, ast.BoolOp) or isinstance(cond.op, ast.And) else " || ").join(
        f"({t})" if len(parts) > 1 else t for t in tests)
    ends = None if says_in_place(prompt) else _ends(prompt, set(uniforms) | {"r", "g", "b", "a"})
    if says_in_place(prompt):
        named = prompt_buffers(prompt, min_names=1)
        src = dst = named[1][0] if named and named[1] else "pixels"
    elif ends is None:
        return []
    else:
        src, dst = ends
    body = [f"    let c = {src}[i];", f"    {dst}[i] = select(c, vec4<f32>(c.rgb, 0.0), {joined});"]
    return [formula.map_kernel([] if src == dst else [src], dst, uniforms, "vec4<f32>", "f32", body)]


_SCALED_THEN = re.compile(r"\b(?:scale|multiply)\w*\s+(?:the\s+|each\s+pixel'?s\s+|each\s+)?(?:rgb|colou?rs?|pixels?)\b"
                          r"[^.;]{0,40}?\bby\s+(?:the\s+uniform\s+|an?\s+)?`?([A-Za-z_]\w*)`?[^.;]{0,40}?,?\s*(?:and\s+)?"
                          r"then\b", re.I)


_SCALED_ONLY = re.compile(r"\b(?:scal|multiply|multiplying|multiplies)\w*\s+(?:the\s+|each\s+pixel'?s\s+)?"
                          r"(?:rgb|r,\s*g,?\s*and\s+b|colou?r\s+channels|colou?rs?)\s+by\s+(?:the\s+uniform\s+|an?\s+)?"
                          r"`?([A-Za-z_]\w*|\d+(?:\.\d+)?)`?(?!\s*[\^*/+(])", re.I)


def _scaled_first(node: ast.expr, factor: str, said: set[str]) -> ast.expr | None:
    """The formula in one channel name applied to the channel times `factor` (a uniform the prompt names), or None."""
    channels = [n for n in expr.free_names(node) if n.lower() in _CHANNEL]
    if factor not in said and not re.fullmatch(r"\d+(?:\.\d+)?", factor) or len(set(channels)) != 1:
        return None
    scaled = ast.BinOp(ast.Name(channels[0]), ast.Mult(), ast.Name(factor) if factor in said else
                       ast.Constant(float(factor)))
    return Inline({channels[0]: scaled}).visit(copy.deepcopy(node))


# "red = t", "G' = 0.7 * r + 0.3 * g", "blue becomes 1 - t", "alpha = 1": one assignment per output channel
_ASSIGN = re.compile(r"(?<![\w.'`])`?(?P<ch>red|green|blue|alpha|[rgbaRGBA])(?:'|_out|_new)?`?\s*(?:=(?!=)|->|\bbecomes\b)\s*")
_MORE = re.compile(r"\b(?:clamp\w*|clip\w*|saturat\w*|then|afterwards|at\s+(?:most|least)|never|cap\w*|limit\w*|"
                   r"if|unless|otherwise|when|normali[sz]\w*)\b", re.I)  # a step beyond the assignments: not transcribed
_CHANNEL_OF = {"red": "r", "green": "g", "blue": "b", "alpha": "a"}
_NEIGHBOURS = re.compile(r"\b(?:block|blur\w*|neighbo\w*|kernel|width|height|rows?|cols?|columns?|grid|2d|"
                         r"\d+\s*x\s*\d+)\b", re.I)


def channel_candidates(prompt: str) -> list[str]:
    """A kernel writing each output pixel from the prompt's channel assignments ("red = t, green = 1 - |2t - 1|,
    blue = 1 - t, alpha = 1" on a float map; "r' = 0.393 r + 0.769 g + 0.189 b, ..." on colours): r, g and b must
    all be given; alpha is the input's (or 1.0 from a float input) unless assigned. The names r, g, b, a (red...)
    read the input colour; one other name is the element of a float input; the rest must be uniforms the prompt
    names. [] otherwise."""
    if _NEIGHBOURS.search(prompt):
        return []
    found: dict[str, ast.expr] = {}
    rest = prompt  # the words outside the assignments
    for m in _ASSIGN.finditer(prompt):
        ch = _CHANNEL_OF.get(m.group("ch").lower(), m.group("ch").lower())
        text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s+(?=[rgba]\b|red\b|green\b|blue\b|alpha\b)", r"\1*",
                      prompt[m.end():])  # "0.393 r + 0.769 g": products
        got = expr.parse_prefix(text, bare_ok=True)
        if got is None or ch in found:
            continue
        found[ch] = got[0]
        rest = rest.replace(prompt[m.start():m.end()] + got[1], " ", 1)
    if not {"r", "g", "b"} <= set(found) or _MORE.search(rest):
        return []
    said = uniform_names(prompt)
    reads = {"r", "g", "b", "a", "red", "green", "blue", "alpha"}
    free = list(dict.fromkeys(n for e in found.values() for n in expr.free_names(e) if n not in expr.MODULES))
    uniforms = [n for n in free if n in said and n.lower() not in reads]
    elems = [n for n in free if n not in uniforms and n.lower() not in reads]
    colour_in = any(n.lower() in reads for n in free)
    if len(elems) > 1 or elems and colour_in or not elems and not colour_in or \
            any(not legal(u) or u.lower() in STOP for u in uniforms):
        return []
    in_place = says_in_place(prompt)
    if in_place:
        if not colour_in or elems:
            return []
        named = prompt_buffers(prompt, min_names=1)  # ([], [the one buffer]) or None for an in-place prompt
        outs = [n for n in (named[1] if named else []) if n not in uniforms and n not in free]
        src = dst = outs[0] if outs else "pixels"
    else:
        ends = _ends(prompt, set(uniforms) | set(free), ticked_pair=True)
        if ends is None:
            return []
        src, dst = ends
    bind = {u: f"{formula._PARAMS}.{u}" for u in uniforms}
    bind.update({n: f"c.{_CHANNEL_OF.get(n.lower(), n.lower())}" for n in free if n.lower() in reads})
    bind.update({n: "t" for n in elems})
    try:
        parts = [expr.emit(found[ch], bind) for ch in "rgb"]
        alpha = expr.emit(found["a"], bind) if "a" in found else "c.a" if colour_in else "1.0"
    except expr.Reject:
        return []
    let = f"    let c = {src}[i];" if colour_in else f"    let t = {src}[i];"
    code = formula.map_kernel([] if in_place else [src], dst, uniforms, "vec4<f32>", "f32",
                              [let, f"    {dst}[i] = vec4<f32>({', '.join(parts)}, {alpha});"])
    if not colour_in:  # a float map in, colours out
        code = code.replace(f"var<storage, read> {src}: array<vec4<f32>>", f"var<storage, read> {src}: array<f32>")
    return [code]


def _ends(prompt: str, exclude: set[str], ticked_pair: bool = False) -> tuple[str, str] | None:
    """(input, output) buffer names of a per-pixel kernel that is not in place: the inputs and outputs the prompt
    names, less `exclude` (uniforms, channel names), one each at most (`src` / `dst` when unnamed); with
    `ticked_pair`, two backticked names and no output cue are the input, then the output ("map (buffer `heat`) to
    colours in `colors`"). None when the names do not give one of each."""
    declared = {n: acc for n, (acc, _) in declared_buffers(prompt).items() if n not in exclude}
    reads, writes = [n for n, a in declared.items() if a == "read"], [n for n, a in declared.items() if a == "read_write"]
    if len(reads) == 1 and len(writes) == 1:  # "`hdr` (read, array<vec4<f32>>), `ldr` (read_write, ...)"
        return reads[0], writes[0]
    named = prompt_buffers(prompt, min_names=1)
    ins = [n for n in (named[0] if named else []) if n not in exclude]
    outs = [n for n in (named[1] if named else []) if n not in exclude]
    ticked = [n for n in dict.fromkeys(re.findall(r"`([A-Za-z_]\w*)`", prompt)) if n not in exclude]
    if ticked_pair and not outs and len(ticked) == 2:
        ins, outs = ticked[:1], ticked[1:]
    if len(ins) > 1 or len(outs) > 1:
        return None
    src, dst = (ins[0] if ins else _DEFAULT_IN), (outs[0] if outs else _DEFAULT_OUT)
    return None if src == dst else (src, dst)


def _kernels(prompt: str, target: str | None, op: str, node: ast.expr) -> list[str]:
    """The kernel written on `c.rgb` at once (the style of the training shaders; scalars beside the vector are
    splatted) and channel by channel (naga's fallback where the vector form does not type-check); [] when the
    formula's names are not one channel plus uniforms the prompt names, or the buffers are unclear."""
    free = [n for n in expr.free_names(node) if n not in expr.MODULES]
    said = said_uniforms(prompt)
    channels = [n for n in free if n.lower() in _CHANNEL and n not in said]
    ends = None if says_in_place(prompt) else _ends(prompt, said)
    if not channels and ends and ends[0] in free and f"`{ends[0]}`" in prompt:
        channels = [ends[0]]  # "ldr = pow(hdr * 2^exposure, 1/gamma)" over the input `hdr`
    if len(set(channels)) != 1 or op not in ("=", "->") or target not in (None, channels[0]) and \
            (target or "").lower() not in _CHANNEL and not (ends and target == ends[1]):
        return []
    ch = channels[0]
    uniforms = sorted(dict.fromkeys(n for n in free if n != ch), key=lambda n: first_pos(prompt, n))
    if any(u not in said or not legal(u) or u.lower() in STOP for u in uniforms):
        return []  # every other name is one the prompt calls a uniform (not "wise" of "channel-wise")
    in_place = says_in_place(prompt)
    if in_place:
        named = prompt_buffers(prompt, min_names=1)
        src = dst = (named[1][0] if named and named[1] else "pixels")
    else:
        ends = ends if ends and ends[0] == ch else _ends(prompt, set(uniforms) | {ch})  # `hdr` itself, or the names
        if ends is None:
            return []
        src, dst = ends
    alpha = _ALPHA_TOO.search(prompt) is not None
    set_alpha = _ALPHA_SET.search(prompt)  # "output alpha is set to 1.0"
    keep = (set_alpha.group(1) if "." in set_alpha.group(1) else set_alpha.group(1) + ".0") if set_alpha else "c.a"
    fields = {u: f"{formula._PARAMS}.{u}" for u in uniforms}
    values = []
    try:  # on the whole colour
        whole = _splat(expr.emit(_Splat(ch).visit(copy.deepcopy(node)), {ch: "c" if alpha else "c.rgb", **fields}),
                       "vec4<f32>" if alpha else "vec3<f32>")
        values.append(whole if alpha else f"vec4<f32>({whole}, {keep})")
    except expr.Reject:
        pass
    try:  # channel by channel
        parts = [expr.emit(node, {ch: f"c.{comp}", **fields}) for comp in ("r", "g", "b", "a")[:4 if alpha else 3]]
        values.append(f"vec4<f32>({', '.join(parts + ([] if alpha else [keep]))})")
    except expr.Reject:
        pass
    codes = []
    for value in values:
        code = formula.map_kernel([] if in_place else [src], dst, uniforms, "vec4<f32>", "f32",
                                  [f"    let c = {src}[i];", f"    {dst}[i] = {value};"])
        if code not in codes:
            codes.append(code)
    return codes
