"""Formula candidates: when a prompt spells out an elementwise formula ("envelope = amplitude *
exp(-rate * t)", "i.e. floor(v / 0.25) * 0.25", "model_params -= lr * grads"), transcribe it into
a float kernel that follows the kernel conventions, as one more candidate for the reranked pool.

How: candidate spans (after `=`, `-=`-style updates, a label like `|z| =`, "i.e.", "like", ":" and at backticks) are
parsed as Python expressions with `ast` by `expr.py`, which also writes them as WGSL (longest prefix that parses; `|v|` is read as `abs(v)`, `x^2`
as a power, `3t` as `3*t`, `np.`/`torch.`/`math.` prefixes are dropped, a table maps `relu6`, `sigmoid`,
`lerp`, `clip`, `np.where`, `mse_loss(..., reduction='none')`... to WGSL); the free names are bound to buffers and
uniform fields from the words around them: the output is the assignment's target or the name after
"->", "into", "to"...; names listed next to "uniform"/"params"/"constant" ("amplitude and rate are
uniforms", "params struct with amp, freq, phase") or said to be one ("lr is an f32 uniform") are uniform
fields, unless the prompt calls them a buffer; a placeholder element name (`v`, `t`, `x` not otherwise
named, or a short name written only in the formula) stands for the input buffer the prompt names but the
formula does not (a short name is a placeholder when it appears nowhere outside the formula's clause: `p` of
"... in phase_raw: wrapped = p - 2*pi * floor((p + pi) / (2*pi))"). A bare rule in one placeholder ("the curve 1.5*s - 0.5*s^3") is the map when nothing in
the prompt speaks of a branch or a second step; a rule left of an arrow writes the name on its right
("base ** expo -> result"); a bound after the formula wraps it ("but never past max_hp", "capped at 30",
"then clamp to [0, 1]"); statements that use earlier ones ("h = ...; d = mix(a, b, h)") become `let`s of
one kernel, and a name set to a number ("k = 0.25") is that number. Nineteenth session: names bound in words ("x comes
from `wavelength_nm`, y goes to `model_counts`", "a from `sdf_sphere`"), `T <- ...` and `y := ...` assignments (a short
target of an in-place prompt is the buffer it names: "in place on `temps`: T <- ..."), a piecewise rule one case per
line ("- v <= 0.04045 -> v / 12.92", "- otherwise -> ..."), "multiply each sample of `clip` by (1 - i / N)" (an update,
in place when the prompt says so), a name said to be the buffer's length ("N is the length of the buffer") read as
`arrayLength`, a bare rule opening with `|...|`, the article "a" never counted as a use of a name `a`, and a uniform
field `tau` never read as 2 pi. Bindings follow the conventions (inputs, then outputs, then one uniform struct, each in
order of first mention, or in the order a sentence lists the buffers: "num and den are float buffers"). The words around the formula are read by `prompt_words.py`, which also tells the
pool filters how many buffers the prompt names (`prompt_interface`).
The words that name a formula's parts (aliases, names bound in words, the scope text, in-place buffers) are read by
`formula_names.py`.
The reviewer decides whether the transcription explains the prompt better than the model's own
shader and the retrieved ones; this module never decides, never validates (the caller runs naga),
and handles only elementwise maps: `f32`, or `u32` when the prompt speaks of unsigned words or bits and of
nothing signed or float (then `^` is XOR, "XOR"/"AND"/"OR"/"mod" are operators, literals are `3u`, and
bit operations get the parentheses WGSL requires), or `i32` when it says i32 or signed integers and nothing
unsigned or float (seventeenth session; literals are plain integers, the index is `i32(i)`); no colours, 2D grids or
reductions: it returns nothing
for prompts that mention them (per-channel colour formulas are `colour_formula.py`'s). `a[i]` is the element of buffer
`a` and a bare `i` the element's index; a neighbour `a[i-1]` is read past the ends the way the words say (zero, clamp,
wrap: `formula_names.edge_rule`; no candidate without one) and `a[i % n]` gathers (twentieth session). Exceptions said
after a formula ("except where den is exactly 0.0 should come out as 0") are `override.py`'s; how formulas build on
each other (statements used by later ones, names set to numbers) is `formula_chain.py`'s.
"""
from __future__ import annotations

import ast
import copy
import re

from ..dataset.naming import BUILTINS
from .declared import declared_buffers, declared_uniform, said_uniforms
from .expr import (AUGOPS, EDGE, ELEMENT_I, FUNCS, INDEX, MODULES, PREC, ZERO, Reject, balanced, emit, emit_p, free_names,
                   paren, parse_prefix, parse_whole, u32_literals)
from .formula_names import (ARTICLE, PLACEHOLDERS, TYPE_WORDS, aliases, bound_names, edge_rule, in_place_buffers,
                            index_letter, integer_fields, is_named, length_of, scope_text)
from .formula_chain import Inline, chained, constants, module_bases, reassigned, then_bare
from .override import condition, override
from .prompt_words import (CLAUSE_END, IN_CUE, OUT_CUE, STOP, UNIFORM_WORDS, VERBS, buffer_cue, first_pos, legal,
                           mentions, output_name, reserved, says_in_place, stated_order, uniform_order)

_NOT_F32 = re.compile(r"\b(u32|i32|uint|ints?|integers?|saturating|unsigned|bits?|bitwise|rgba?|pixels?|colou?rs?|"
                      r"vec[234]|image|images|matrix|matrices|rows?|cols?|columns?|width|height|2d|grid|"
                      r"workgroup|reduce|reduction|sum of|mean of|histogram|atomic\w*|count)\b", re.I)
# An integer formula ("ciphertext = plaintext XOR keystream, all u32 words") is transcribed in u32 when the
# prompt says unsigned words and nothing of signs, floats, colours, grids or reductions.
_U32_WORDS = re.compile(r"\b(?:u32s?|uint\w*|unsigned|words?|bits?|bitwise|xor|0x[0-9a-f]+)\b", re.I)
_NOT_U32 = re.compile(r"\b(?:i32|signed|negative|floats?|f32|real|rgba?|pixels?|colou?rs?|vec[234]|image|images|matrix|"
                      r"matrices|rows?|cols?|columns?|width|height|2d|grid|workgroup|reduce|reduction|sum of|"
                      r"histogram|atomic\w*|count|counts|counting|saturat\w*)\b", re.I)
# A signed integer formula ("q[i] = clamp(acc[i], -128, 127), both array<i32>") is transcribed in i32 when the prompt
# says i32 or signed integers and nothing of unsigned words, floats, colours, grids or reductions.
_I32_WORDS = re.compile(r"\bi32s?\b|\bsigned\s+(?:32-bit\s+)?int", re.I)
_NOT_I32 = re.compile(r"\b(?:u32|uint\w*|unsigned|floats?|f32|real|rgba?|pixels?|colou?rs?|vec[234]|image|images|"
                      r"matrix|matrices|rows?|cols?|columns?|width|height|2d|grid|workgroup|reduce|reduction|sum of|"
                      r"histogram|atomic\w*|count|counts|counting)\b", re.I)
_PARAMS = "params"
# Words of `STOP` that do name buffers in prompts ("outputs = step(0, input)")
_NOUNS = {"input", "output", "result", "results", "value", "values", "element", "elements", "array", "arrays",
          "buffer", "buffers", "kernel", "shader"}
DEFAULT_OUTPUT_NAMES = ("out", "result", "dst")  # the output of an indexed formula whose prompt names none


_APPLIED = re.compile(r"(?<![\w.`])([A-Za-z]\w*)\s+(?:of\s+)?(?:(?:each|every|the)\s+(?:\w+\s+)?(?:in|of)\s+)?`?"
                      r"([A-Za-z_]\w*)`?(?=\s*(?:->|=>|→|\binto\b|\bto\b|\bin\b|,|\.|$))")


# The formula applies to every element ("apply exp(-x) to each item of vals"): a map, even with no output named.
_EVERY = re.compile(r"\b(?:to|on|of|for|over)\s+(?:each|every|all)\b|\belement[- ]?wise\b|\bper[- ]element\b", re.I)
_ELEMENT_OF = re.compile(r"\b(?:each|every|the)\s+(?:[in]-?th\s+)?(?:element|value|entry|item)\s+(?:of|in)\s+`?([A-Za-z_]\w*)`?\s+"
                         r"(?:becomes|is|should\s+be|equals|gets)\s+", re.I)
_DEFINITION = re.compile(r"(?<![\w.])[A-Za-z]\w*\s*\(\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\)\s*:?=(?!=)\s*")
_ARROW_INTO = re.compile(r"\s*(?:->|→|=>)\s*`?([A-Za-z_]\w*)`?(?=[\s.,;:!?)]|$)")
# A bare rule in one placeholder ("1.5*s - 0.5*s^3") is the whole map only where the prompt has no branch
_BRANCH = re.compile(r"\b(?:if|otherwise|else|unless|when|whenever|where|while|until|only|except|but|then|first|after|"
                     r"before|inside|outside|below|above|piecewise|branch\w*|part)\b", re.I)
_APPLIED_TO = re.compile(r"\b([A-Za-z]\w*)\s+applied\s+to\s+(?:the\s+)?(?:(?:input|array|buffer|list)\s+)?`?([A-Za-z_]\w*)")
# Words after a function's name that are not its argument ("swish applied to", "square root"), and the words
# before it that make it another function ("hard swish", "leaky relu", "clipped ReLU").
_NOT_ARGUMENTS = {"applied", "done", "computed", "elementwise", "root", "roots", "wave", "error", "distance", "norm",
                  "difference", "loss", "does", "do", "did", "works", "would", "will", "can"}  # "the way GLSL fract does"
_VARIANT = re.compile(r"(?:\bhard|\bh|\bleaky|\bquick|\bfast|\bapprox\w*|\bclipped|\bcapped|\bbounded|\bshifted|"
                      r"\bscaled|\bparametric|\brandomi[sz]ed|\bgated)[\s-]*$", re.I)
_ARROW_MAP = re.compile(r"(?:^|(?<=[\s:;(]))((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*(?:->|→|↦|=>)\s*")


_NUM_OR_NAME = r"`?(-?\d+(?:\.\d*)?|\.\d+|[A-Za-z_]\w*)`?"
_CAP = re.compile(r"[\s,;]*(?:and\s+|but\s+|then\s+)?(?:(?:never|not)\s+(?:go(?:ing|es)?\s+|rising\s+|getting\s+)?"
                  r"(?:past|above|over|beyond|more than|higher than|greater than|exceeding)|(?:capp|clipp|limit|saturat)"
                  r"(?:ed|ing)(?:\s+(?:it|the result|them))?\s+(?:at|to)(?:\s+a\s+max(?:imum)?\s+of)?|"
                  r"clamp(?:ed|ing)?(?:\s+(?:it|the result|them))?\s+to\s+at\s+most)\s+" + _NUM_OR_NAME, re.I)
_FLOOR = re.compile(r"[\s,;]*(?:and\s+|but\s+|then\s+)?(?:(?:never|not)\s+(?:go(?:ing|es)?\s+|dropping\s+|falling\s+)?"
                    r"(?:below|under|less than|lower than)|floored\s+at|clamp(?:ed|ing)?(?:\s+(?:it|the result|them))?"
                    r"\s+to\s+at\s+least)\s+" + _NUM_OR_NAME, re.I)
_RANGE = re.compile(r"[\s,;]*(?:and\s+|then\s+)?(?:clamp|clip|saturat|limit)(?:ed|ing|e)?(?:\s+(?:it|the result|them))?"
                    r"\s+(?:to|into|in|within)\s+(?:the\s+range\s+)?\[\s*" + _NUM_OR_NAME + r"\s*,\s*" + _NUM_OR_NAME +
                    r"\s*\]|[\s,;]*(?:and\s+|then\s+)?(?:clamp|clip|saturat|limit)(?:ed|ing|e)?(?:\s+(?:it|the result|them))?"
                    r"\s+(?:to|into|in|within|between)\s+(?:the\s+)?(?:[A-Za-z]+\d*\s+)?(?:range\s+)?(?:of\s+)?"
                    r"(-?\d+(?:\.\d*)?)\s*(?:\.\.\.?|…|\s(?:to|and)\s)\s*(-?\d+(?:\.\d*)?)(?![\w.])", re.I)
# "saturated to the int16 range -32768..32767", "clipped between -1 and 1"


def _bound(tail: str, ints: bool) -> list | None:
    """A bound written right after a formula: ["min", X] for "but never past X" / "capped at X", ["max", X]
    for "never below X", ["clamp", A, B] for "then clamp to [A, B]"; None if the formula stands alone."""
    def arg(text: str) -> ast.expr:
        return ast.parse(text if not re.fullmatch(r"\d+", text) or ints else text + ".0", mode="eval").body

    for pattern, func in ((_RANGE, "clamp"), (_CAP, "min"), (_FLOOR, "max")):
        m = pattern.match(tail)
        groups = [g for g in m.groups() if g is not None] if m else []
        if m and all(g.lower() not in STOP for g in groups):
            return [func, *(arg(g) for g in groups)]
    return None


def _bounded(node: ast.expr, bound: list, after: str, ints: bool) -> ast.expr:
    """`node` within `bound`; "saturating at 0" is a floor, and an unsigned difference floored at 0 is written so
    that it never wraps ("hp - dmg for two u32 arrays, saturating at 0": `select(0, hp - dmg, hp > dmg)`)."""
    zero = isinstance(bound[1], ast.Constant) and bound[1].value == 0
    if bound[0] == "min" and zero and re.match(r"[\s,;]*(?:and\s+|but\s+|then\s+)?saturat", after, re.I):
        bound = ["max", bound[1]]
    if ints and bound[0] == "max" and zero and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
        return ast.IfExp(ast.Compare(node.left, [ast.Gt()], [node.right]), node, ast.Constant(0))
    return ast.Call(ast.Name(bound[0]), [node, *bound[1:]], [])


def _starts_a_rule(prompt: str, start: int) -> bool:
    """Whether a bare rule may start at `start`: after words, not inside a larger expression (after an operator,
    a number or `=`, or within a call's parentheses: not "(1 + c)" of "c / (1 + c)", not "r + 0.5" of "0.3 r + 0.5 g")."""
    prev = prompt[:start].rstrip()
    if re.search(r"\b(?!each\b|every\b|all\b)\w+\s+of$|\b(?:and|or|between|than|by)$", prev, re.I):
        return False  # "remainder of s / t", "max of |a| and ...": the rule is an argument of words
    opened = prev.endswith("(")
    call = re.search(r"(?<![\w.])(\w+)\s*$", prev[:-1]) if opened else None
    if call and call.group(1).lower() in FUNCS:
        return False  # an argument of a function: "(p + pi)" of "floor((p + pi) / (2*pi))"
    if opened and re.search(r"[-+*/^&|%=<>.\w]$", prev[:-1].rstrip()) and not re.search(r"(?<![\w.])[A-Za-z]{3,}$", prev[:-1].rstrip()):
        return False  # "x / (1 + x*x)", "ln(1 + e^x)": a group inside an expression, not "in place (x & (x - 1))"
    if prev and not opened and (prev[-1] in "-+*/^&|%=<>.0123456789" or prev[-1].isalpha() and re.search(r"(?<![\w.])\w$", prev)
                 and prev[-1].lower() not in "ai"):
        return False  # after an operator, a number or a lone letter (an operand), not after "a" or "I"
    depth = prev.count("(") - prev.count(")")
    if depth > 0:  # only a parenthetical opened right here: "in place (x & (x - 1))"
        return depth == 1 and opened and (len(prev) == 1 or not prev[-2].isalnum() and prev[-2] != "_")
    return True


def _formulas(prompt: str, ints: bool = False) -> list[tuple[str | None, str, ast.expr, int]]:
    """(target or None, update operator or "=", expression, position) for every formula span of the prompt."""
    out = []
    named = frozenset(n for n in ("tau",) if is_named(prompt, n))  # "uniform fields ambient, dt, tau": not 2 pi
    typed = {n for n, t in declared_uniform(prompt) or [] if t}
    said = said_uniforms(prompt)
    branchy = re.search(r"\b(?:if|else|otherwise|when|whenever|unless)\b|\?", prompt, re.I) is not None

    def _parse(text: str, bare_ok: bool = False, ints: bool = False):
        return parse_prefix(text, bare_ok, ints, named)

    for m in _ELEMENT_OF.finditer(prompt):  # "each element of dest becomes p[i] + (q[i] - p[i]) * w"
        got = _parse(prompt[m.end():], ints=ints)
        if got is not None:
            out.append((m.group(1), "=", got[0], m.start()))
    for m in re.finditer(r"(?:`?([A-Za-z_]\w*)(?:\[\w*\])?'?`?(?:\s*\(\s*(?:[uif]32|float|u?int)\s*\))?\s*([-+*/]?=|<-|←|:=)"
                         r"(?![=>])\s*)|\|\s*\w+\s*\|\s*=(?!=)\s*|"
                         r"i\.e\.,?\s*|\blike\s+|:\s*|`|"
                         r"^\s*|\b(?i:computes?|calculates?|evaluates?|applies?|apply|returns?|gives?|as|writes?|"
                         r"stores?|outputs?|produces?|(?:should|must|will)\s+be|is|equals?|becomes?)\s+|"
                         r"\b(?i:replac\w*\s+(?:each|every|all)\s+(?:\w+\s+)?\w+\s+(?:by|with))\s+", prompt):
        rest = prompt[m.end():]
        clause = re.split(r"[.;!]\s", prompt[:m.start()])[-1]
        if "?" in clause and m.group(0).strip() == ":":  # the else branch of `c ? a : b`, read whole above
            continue
        got = _parse(rest, bare_ok=m.group(2) in AUGOPS, ints=ints)
        if got is None:
            continue
        node, src = got
        after = rest[rest.find(src) + len(src):]
        if re.match(r"\s*:(?!=)", after):  # "in: x / out: y" are labels, not x / out
            continue
        if re.match(r"\s*(?!//|--\s)(?:[-+*/^%·×√]|\*\*)", after):  # the formula goes on in notation we could not read:
            continue                                      # a prefix of it would be a wrong kernel
        target = m.group(1) if m.group(1) and m.group(2) else None
        if target is not None and target.lower() in (STOP - _NOUNS) | {"with", "weight", "beta"}:
            target = None
        op = m.group(2) if m.group(2) in AUGOPS else "="  # "T <- ...", "y := ...": assignments
        bound = _bound(after, ints)  # "hp += regen but never past max_hp"
        if bound is not None:
            if op != "=" and target is not None:  # the update is written out so that the bound takes all of it
                node, op = ast.BinOp(ast.Name(target), AUGOPS[op](), node), "="
            elif op != "=":
                bound = None
            if bound is not None:
                node = _bounded(node, bound, after, ints)
        if re.match(r"\s*,?\s*(?:and\s+)?(?:then\s+)?(?:converted|expressed|turned)\s+(?:in)?to\s+degrees\b|"
                    r"\s*,?\s*in\s+degrees\b", after, re.I) and "degrees" not in ast.dump(node):
            node = ast.Call(ast.Name("degrees"), [node], [])  # "atan2(u, v) converted to degrees"
        exception = override(after, ints, named)  # "ratio = numer / denom, but write 0 wherever |denom| < 0.1"
        if exception and op == "=":
            node = ast.IfExp(exception[1], exception[0], node)
        out.append((target, op, node, m.start()))
    for m in _CASE.finditer(prompt):  # "- v <= 0.04045 -> v / 12.92\n- otherwise -> ((v + 0.055) / 1.055) ^ 2.4"
        other = _ELSE.match(prompt, m.end())
        parts = ([parse_whole(t, ints, named) for t in (m.group("cond"), m.group("val"), other.group("val"))]
                 if other else [])
        if parts and all(parts) and isinstance(parts[0], ast.Compare):
            out.append((None, "=", ast.IfExp(parts[0], parts[1], parts[2]), m.start()))
    for m in _PASSIVE_SCALE.finditer(prompt):  # "sample i is multiplied by i / fade_len while i < fade_len", in place
        got = _parse(prompt[m.end():], ints=ints)
        if got is None or not says_in_place(prompt):
            continue
        node, rest = got[0], prompt[m.end():][prompt[m.end():].find(got[1]) + len(got[1]):]
        cond = re.match(r"\s*,?\s*(?:while|when|whenever|if|as\s+long\s+as|for)\s+((?:(?![.;,](?:\s|$)).)+?)(?=[.;,](?:\s|$)|$)",
                        rest, re.I)
        test = condition(cond.group(1), ints, named) if cond else None
        if cond and test is None:
            continue
        if m.group("first") and test is None:  # the first N samples: i < N
            test = ast.Compare(ast.Name(INDEX), [ast.Lt()], [parse_whole(m.group("first"), ints, named)])
        if test is not None:  # every other sample is multiplied by 1: it stays as it is
            node = ast.IfExp(test, node, ast.Constant(1.0 if not ints else 1))
        out.append((None, "/=" if m.group(2).lower().startswith("divid") else "*=", node, m.start()))
    for m in _SCALE.finditer(prompt):  # "multiply sample i of `clip` by (1 - i / N)": an update of the buffer
        got = _parse(prompt[m.end():], bare_ok=True, ints=ints)
        if got is not None and m.group(2).lower() not in STOP:
            op = "*=" if m.group(1).lower() in ("multiply", "scale") else "/="
            if says_in_place(prompt):
                out.append((m.group(2), op, got[0], m.start()))
            else:
                out.append((None, "=", ast.BinOp(ast.Name(m.group(2)), AUGOPS[op](), got[0]), m.start()))
    # a map's rule: "t -> 1.0 - pow(1.0 - t, 3.0)", "a, b -> sqrt(a * b)", "f(x) = x / (1 + |x|)", "h(t) = v0*t - 4.9*t*t"
    for m in [*_ARROW_MAP.finditer(prompt), *_DEFINITION.finditer(prompt)]:
        got = _parse(prompt[m.end():], ints=ints)
        if got is not None and set(re.findall(r"\w+", m.group(1))) <= set(free_names(got[0])):
            out.append((None, "->", got[0], m.start()))
    for m in _ARROW_INTO.finditer(prompt):  # "base ** expo -> result": the rule on the arrow's left, the output on its right
        left = prompt[:m.start()].rstrip()
        for k in [0] + [j.end() for j in re.finditer(r"[\s(:;,]", left)]:
            if re.search(r"\b(?:and|or|of|with|between|than|by)\s*$", left[:k], re.I):
                continue  # "max of |a| and |b| -> out": the rule is more than what follows "and"
            got = _parse(left[k:], ints=ints)
            if got is not None and got[1] == left[k:].strip():
                out.append((m.group(1), "=", got[0], k))
                break
    # a bare rule: "the curve 1.5*s - 0.5*s^3", or over buffers the prompt names: "the phase atan2(im, re) to `phase`"
    for m in re.finditer(r"(?:^|(?<=[\s(]))(?=[\d(]|\|\s*[A-Za-z]|[A-Za-z]\w*\s*[-+*/^&|%(])", prompt):
        if not _starts_a_rule(prompt, m.start()):
            continue
        got = _parse(prompt[m.end():], ints=ints)
        if got is None or not re.search(r"[-+*/^&|%(]", got[1]):
            continue
        names = set(free_names(got[0])) - module_bases(got[0])
        # "exp(-(x - mu)^2 / (2 sigma^2))" with `mu` and `sigma` declared f32 fields has one placeholder, `x`; not
        # one branch of "x if x > 0 else slope * x" (its typed `slope`), nor a group inside a larger rule
        rest = names - typed if not branchy and not prompt[:m.start()].endswith("(") else names
        rest = rest or names
        one_placeholder = len(rest) == 1 and all(n in PLACEHOLDERS or len(n) == 1 and n != INDEX for n in rest)
        alias = aliases(prompt, sorted(names), None)  # "atan2(east, north)" of `wind_east` and `wind_north`
        into = re.match(r"\s*(?:into|->|=>|→)\s*`[A-Za-z_]", prompt[m.end() + len(got[1]):])  # "num / den into `ratio`"
        named_buffers = names and INDEX not in names and all(  # "atan2(im, re) ... to `phase`": buffers it names
            re.search(r"`%s`|(?<![\w.])%s\[\]" % (re.escape(n), re.escape(n)), prompt) or buffer_cue(prompt, n) or n in alias or
            re.search(r"\b(?:in|from)\s+%s\b" % re.escape(n), prompt[:m.start()]) or
            into and n not in PLACEHOLDERS and len(n) > 1 or
            re.fullmatch(r"[A-Za-z]+_[A-Za-z]\w*", n) and is_named(prompt, n) and not names & said for n in names)
        # "... parts in re"; "vel_x and vel_y are ... atan2(vel_y, vel_x)": names written like names, none a uniform
        if re.fullmatch(r"[A-Za-z]+-[A-Za-z]+", got[1].strip()) and \
                re.match(r"\s+[A-Za-z]", prompt[m.end() + len(got[1]):]):
            continue  # "the bid-ask spread": a hyphenated word, not a subtraction
        if one_placeholder or named_buffers:
            exception = override(prompt[m.end() + len(got[1]):], ints, named)  # "num / den into `ratio`, except ..."
            out.append((None, "bare", ast.IfExp(exception[1], exception[0], got[0]) if exception else got[0], m.start()))
    # a function applied to a name: "log1p applied to inp -> dst", "relu6 pre_act -> post_act", "tanh of `x` into y"
    for m in [*_APPLIED_TO.finditer(prompt), *_APPLIED.finditer(prompt)]:
        func, name = m.group(1).lower(), m.group(2)
        if FUNCS.get(func, (0,))[0] == 1 and func not in ("f32", "float") and name.lower() not in STOP | VERBS | _NOT_ARGUMENTS \
                and not _VARIANT.search(prompt[:m.start()]):
            out.append((None, "=", ast.parse(f"{func}({name})", mode="eval").body, m.start()))
    for k, (target, op, node, pos) in enumerate(out):  # "w[n] = 0.5 * (1 - cos(...)), and each sample is multiplied
        m = target and op == "=" and _WEIGHTED.search(prompt, pos)  # by its w[n]": the rule scales the buffer
        if m and m.group("name") == target:
            out[k] = (None, "/=" if (m.group(1) or m.group(2)).lower().startswith("divid") else "*=", node, pos)
    return out


_WEIGHTED = re.compile(r"\b(?:(?:each|every|all)\s+(?:the\s+)?(?:samples?|elements?|values?|entry|entries)\s+(?:is|are|gets?)\s+"
                       r"(multiplied|scaled|divided)|(multiply|scale|divide)\s+(?:each|every|all)\s+(?:the\s+)?"
                       r"(?:samples?|elements?|values?|entry|entries)(?:\s+of\s+`?\w+`?)?)\s+by\s+(?:its\s+|their\s+|the\s+)?"
                       r"`?(?P<name>[A-Za-z_]\w*)`?", re.I)
_PASSIVE_SCALE = re.compile(r"\b(?:(?:each\s+|every\s+)?(?:sample|element|value|entry|item)\s+(?:i\s+|number\s+i\s+)?(?:is|gets)|"
                            r"the\s+first\s+`?(?P<first>[A-Za-z_]\w*|\d+)`?\s+(?:samples|elements|values|entries|items)"
                            r"(?:\s+of\s+(?:the\s+)?(?:\w+\s+)?`?\w+`?)?\s+(?:get|are))\s+"
                            r"(multiplied|scaled|divided)\s+by\s+(?!(?:its|their|the)\b)", re.I)
# "sample i is multiplied by ...", "the first `fade_len` samples of `audio_buf` get multiplied by i / fade_len"
_SCALE = re.compile(r"\b(multiply|scale|divide)\s+(?:(?:each|every|all)\s+)?(?:(?:the\s+)?(?:samples?|elements?|values?|"
                    r"entry|entries|items?)\s+(?:i\s+)?(?:of|in)\s+)?`([A-Za-z_]\w*)`\s+by\s+", re.I)
# one case of a piecewise rule per line ("- v <= 0.04045 -> v / 12.92", "x < 0: 0.01 * x"), then the other case
_CASE = re.compile(r"(?:^|\n)[ \t]*(?:[-*•][ \t]*)?(?:(?:if|for|when)[ \t]+)?(?P<cond>[^\n:;]*?(?:<=|>=|<|>|==)[^\n:;]*?)"
                   r"[ \t]*(?:->|→|=>|:)[ \t]*(?P<val>[^\n;]+?)[ \t]*(?=\n|$)")
_ELSE = re.compile(r"\n[ \t]*(?:[-*•][ \t]*)?(?:otherwise|else)[ \t]*(?:->|→|=>|:|,)?[ \t]*(?P<val>[^\n;]+?)[ \t]*(?=\n|$)",
                   re.I)


def element_type(prompt: str) -> str | None:
    """The element type of the prompt's elementwise map: "u32" for unsigned words and nothing signed or float, "i32"
    for signed integers and nothing unsigned or float, "f32" when nothing says otherwise, None when the prompt is
    out of this module's scope (colours, grids, reductions...)."""
    scope = scope_text(prompt)
    if _U32_WORDS.search(scope) is not None and _NOT_U32.search(scope) is None:  # not "`n` (u32)" of a float rule
        return "u32"
    if _I32_WORDS.search(prompt) is not None and _NOT_I32.search(scope) is None:
        return "i32"
    return None if _NOT_F32.search(re.sub(r"reduction\s*=\s*['\"]none['\"]", "", scope)) else "f32"


def formula_candidates(prompt: str) -> list[str]:
    """WGSL kernels transcribing the prompt's explicit elementwise formulas (most specific first); [] if none."""
    prompt = index_letter(prompt)
    ty = element_type(prompt)
    if ty is None:
        return []
    ints, signed = ty == "u32", ty == "i32"
    codes: list[str] = []
    try:
        bare_steps = not re.search(r"\b(?:if|otherwise|else|unless|when|whenever|inside|outside|piecewise|except)\b",
                                   prompt, re.I)
        forms = chained(then_bare(prompt, reassigned(_formulas(prompt, ints or signed))), constants(prompt),
                         bare_steps)
    except Reject:  # a shape `parse_prefix` let through that no kernel can use: no candidate, never a traceback
        return []
    for target, op, node, pos, steps in forms:
        try:
            code = _kernel(prompt, target, op, node, pos, "u32" if ints else "i32" if signed else "f32", steps)
        except Reject:
            continue
        if code and code not in codes:
            codes.append(code)
    return codes[:2]


def element_kernel(prompt: str, node: ast.expr, ints_ok: bool = False,
                   steps: list[tuple[str, ast.expr]] = ()) -> str | None:
    """A float kernel applying `node`, an expression in the placeholder element `v`, to the input the prompt names
    (its output and in-place update read from the words as for a bare rule); with `ints_ok`, a u32 or i32 kernel
    where the prompt speaks of such integers; None for prompts outside this module's scope (colours, grids,
    reductions, or integers without `ints_ok`) or when the words do not give a kernel. `steps` are `let`s before
    `node`, in the element too."""
    ty = element_type(prompt) if ints_ok else None if _NOT_F32.search(scope_text(prompt)) else "f32"
    if ty is None:
        return None
    try:
        return _kernel(prompt, None, "bare", node, 0, ty, steps, branch_words_ok=True)  # "then" joins the steps
    except Reject:
        return None


def update_kernel(prompt: str, target: str, op: str, node: ast.expr) -> str | None:
    """A float kernel updating buffer `target` in place by `node` (`op` "+=", "-=", "*=", "/="), `node` over the
    buffers and uniforms the prompt names; None when the words do not give a kernel."""
    if _NOT_F32.search(scope_text(prompt)) or op not in AUGOPS:
        return None
    try:
        return _kernel(prompt, target, op, node, 0, branch_words_ok=True)
    except Reject:
        return None


def _matched(placeholders: list[str], cands: list[str]) -> list[tuple[str, str]]:
    """Placeholders paired with the buffers: a one-letter placeholder with the one buffer whose name starts with that
    letter (`p` with `probs`, whatever the order: "`probs` ... `soft_labels` ...: -(y*ln(p) + ...)"), the rest in order."""
    pairs: dict[str, str] = {}
    for ph in placeholders:
        hits = [c for c in cands if len(ph) == 1 and c.lower().startswith(ph.lower()) and c not in pairs.values()]
        if len(hits) == 1 and sum(c.lower().startswith(ph.lower()) for c in cands) == 1:
            pairs[ph] = hits[0]
    rest = [c for c in cands if c not in pairs.values()]
    return [(ph, pairs[ph]) if ph in pairs else (ph, rest.pop(0)) for ph in placeholders]


def _renamed(node: ast.expr, alias: dict[str, str]) -> ast.expr:
    node = copy.deepcopy(node)
    for x in ast.walk(node):
        if isinstance(x, ast.Name) and x.id in alias:
            x.id = alias[x.id]
    return node


_PRE_CLAMP = re.compile(r"\b(?:first\s+)?clamp\s+(?:it|`?(?P<name>[A-Za-z_]\w*)`?)\s+(?:in)?to\s+\[\s*" + _NUM_OR_NAME +
                        r"\s*,\s*" + _NUM_OR_NAME + r"\s*\]\s*(?P<first>first\b)?(?:\s*,?\s*(?:and\s+)?call\s+(?:that|it|the\s+"
                        r"result)\s+`?(?P<called>[A-Za-z_]\w*)`?)?", re.I)  # "first clamp x into [0, 1], call that t"


def _pre_clamped(prompt: str, node: ast.expr, pos: int, free: list[str]) -> ast.expr:
    """`node` with its input clamped where the prompt says so before the formula: "take t from t_raw, clamp it into
    [0,1] first, then eased = t*t*(3 - 2*t)" (the one free name, or the name said)."""
    m = next((m for m in _PRE_CLAMP.finditer(prompt[:pos]) if m.group("first") or m.group(0).lower().startswith("first")),
             None)
    name = m and (m.group("called") or m.group("name") or (free[0] if len(free) == 1 else None))
    if not name or name not in free:
        return node
    lo, hi = (ast.parse(g if not re.fullmatch(r"-?\d+", g) else g + ".0", mode="eval").body for g in m.groups()[1:3])
    return Inline({name: ast.Call(ast.Name("clamp"), [ast.Name(name), lo, hi], [])}).visit(copy.deepcopy(node))


_PRE_MASK = re.compile(r"\bmask\s+(?:both|each|them|it|all|every\s+input)(?:\s+(?:of\s+them|inputs?))?\s+with\s+"
                       r"(0x[0-9A-Fa-f]+|\d+)\s*(?:first\b)?\s*,?\s*(?:and\s+)?then\b", re.I)


def _pre_masked(prompt: str, node: ast.expr, pos: int, names: list[str]) -> ast.expr:
    """An integer `node` whose inputs are masked first where the prompt says so before the formula: "mask both with
    0xFFFF, then packed[i] = (hi << 16) | lo" (each of `names`, the formula's inputs)."""
    m = next(iter(_PRE_MASK.finditer(prompt[:pos])), None)
    if m is None or not names:
        return node
    mask = ast.Constant(int(m.group(1), 0))
    return Inline({n: ast.BinOp(ast.Name(n), ast.BitAnd(), mask) for n in names}).visit(copy.deepcopy(node))


def _kernel(prompt: str, target: str | None, op: str, node: ast.expr, pos: int, ty: str = "f32",
            steps: list[tuple[str, ast.expr]] = (), branch_words_ok: bool = False) -> str | None:
    assigned = target is not None  # the prompt wrote `target = ...` (else the output comes from its words)
    local = {n for n, _ in steps}  # "h" of "h = clamp(...); d = mix(a, b, h)": a `let` of the kernel
    free = [n for e in [*(e for _, e in steps), node] for n in free_names(e) if n not in module_bases(e) and n not in local]
    free = list(dict.fromkeys(free))
    if ty == "f32" and not steps:
        node = _pre_clamped(prompt, node, pos, free)
    elif ty != "f32":
        node = _pre_masked(prompt, node, pos, [n for n in free if n != INDEX and n != target])
    alias, into = bound_names(prompt, free, target)  # "x comes from `wavelength_nm`, y goes to `model_counts`"
    if into:
        target = into
    alias.update(aliases(prompt, [n for n in free if n not in alias], target))  # "`old_price` ... (new - old) / old"
    if alias:
        node, steps = _renamed(node, alias), [(n, _renamed(e, alias)) for n, e in steps]
        free = list(dict.fromkeys(alias.get(n, n) for n in free))
    words = mentions(prompt)
    orders = re.sub(r"\b(?:and\s+)?then\s+(?=`)|\([^()]*\b(?:first|then)\b[^()]*\)", " ", prompt)  # "(bid first)"
    if op == "bare" and not branch_words_ok and any(n in PLACEHOLDERS or len(n) == 1 for n in free) and \
            _BRANCH.search(orders):
        return None
    arrow = op == "->"  # "x -> f(x)": the name after the arrow starts the map, it is no output
    bare, mapped, op = op == "bare", op in ("->", "bare"), "=" if op in ("->", "bare") else op  # "x -> f(x)": a map whose output may be unnamed
    indexed = {m.group(1) for m in ELEMENT_I.finditer(prompt)} | {m.group(2) for m in _SCALE.finditer(prompt)}
    # names the prompt writes as `a[i]` or scales as a whole ("multiply each sample of `pcm` by ...")
    stop = CLAUSE_END.search(prompt, pos)  # the formula's clause: a short name used only there is its own name
    outside = prompt[:pos] + prompt[stop.start():] if stop else prompt[:pos]
    outside = ARTICLE.sub("", outside)  # "write a compute shader": the article is no use of a name `a`
    once = {n for n in free if len(n) <= 2 and (len(re.findall(r"(?<![\w.])%s(?!\w)" % re.escape(n), prompt)) == 1
                                                or not re.search(r"(?<![\w.`])%s(?![\w`])" % re.escape(n), outside))}
    if target is not None and target not in free and re.search(r"(?<![\w.`])%s(?![\w`])" % re.escape(target),
                                                               prompt[pos + len(target):]) is None:
        alt = output_name(prompt, set(free) | {target})  # "f = 440 * ...; write them to `freqs`"
        if alt and (f"`{alt}`" in prompt or re.search(r"_|\d", alt)) and f"`{target}`" not in prompt:
            target = alt  # written like a name, not "to amplitude"; a backticked target stays
    rule_in_x = op == "=" and not mapped and not isinstance(node, ast.Name) and any(
        n in PLACEHOLDERS or n in once for n in free)  # "..., in place, i.e. x - L * floor(x / L)"
    if target is None and (bare or rule_in_x) and says_in_place(prompt):  # "in place (x & (x - 1))",
        # "wrap every x in `coords`, in place, i.e. x - L * floor(x / L)": the one buffer named
        named = in_place_buffers(prompt) or [w for w in dict.fromkeys(re.findall(r"`([A-Za-z_]\w*)`", prompt))
                                               if w not in free]  # "every coordinate in `coords`, in place"
        target, op = (named[0] if len(named) == 1 or named and in_place_buffers(prompt) else "data"), "bare-in-place"
    elif assigned and target in once and target in free and not is_named(prompt, target) and says_in_place(prompt):
        named = [w for w in in_place_buffers(prompt) if w not in free and f"`{w}`" in prompt]  # "on `temps`: T <- ..."
        if len(named) == 1:
            node, steps = _renamed(node, {target: named[0]}), [(n, _renamed(e, {target: named[0]})) for n, e in steps]
            free = [named[0] if n == target else n for n in free]
            target = named[0]
    written = [n for n, (acc, _) in declared_buffers(prompt).items() if acc == "read_write" and n not in free]
    if target is None and len(written) == 1 and not says_in_place(prompt):  # "- `lin_value`: array<f32>, written"
        target = written[0]
    if target is None and mapped and not arrow and output_name(prompt, set()) in free:  # "u + 1.5 into u": in place
        target = output_name(prompt, set())
    if target is None:
        target = output_name(prompt, set(free))
        if target is None and op in AUGOPS and says_in_place(prompt):  # an in-place update ("taper `frame_s` in
            # place ... each sample is multiplied by its g[k]"): the one buffer named, a backticked one first ("on the
            # audio buffer `pcm`")
            ticked = [n for n in dict.fromkeys(re.findall(r"`([A-Za-z_]\w*)`", prompt)) if n not in free]
            named = ticked if len(ticked) == 1 else [n for n in dict.fromkeys(in_place_buffers(prompt) + ticked)
                                                     if n not in free]
            target = named[0] if len(named) == 1 else None
        # no output named: only for a map's rule or an indexed formula, not for "sign(v) * (|v| - dz)" inside
        # a longer description (the formula may be one branch of it)
        if target is None and op == "=" and (mapped or INDEX in free or indexed & set(free) or _EVERY.search(prompt)):
            target = next(n for n in DEFAULT_OUTPUT_NAMES if n not in free)  # "compute a[i] - b[i]": none named
        if target is None and op == "=":
            return None
    own = op == "bare-in-place"  # the placeholder is the updated buffer's element, not a named input's
    op = "=" if own else op
    in_place = op != "=" or target in free or says_in_place(prompt)
    if in_place and target is None:
        return None
    if not legal(target) and not reserved(target) and not (target in BUILTINS and target in indexed):
        raise Reject("target name")  # "step[i] = ...": a builtin's name is a fine buffer name, declared `step_v`
    said_uniform = said_uniforms(prompt)
    typed_uniform = {n for n, t in declared_uniform(prompt) or [] if t}  # "fade_len is a u32 uniform": never a buffer
    if any(len(n) > 1 and n.lower() in (STOP - _NOUNS) | VERBS and n not in said_uniform for n in free):
        raise Reject("a word, not a name")  # "per-element", "kernel - compute": words read as a subtraction
    if not assigned and isinstance(node, ast.BinOp) and all(isinstance(x, ast.Name) for x in (node.left, node.right)) \
            and any(re.fullmatch(r"[a-z]{3,}", x.id) and not is_named(prompt, x.id) for x in (node.left, node.right)) \
            and not re.match(r"\w+\s*[-+*/]\s*\w+\s*(?:into|->|=>|→)\s*`", prompt[pos:]):  # "num / den into `ratio`"
        raise Reject("words")  # "given as arguments - part of a particle system", "in: x / out: y": prose, not maths
    declared = declared_buffers(prompt)
    lengths = [n for n in free if n != target and length_of(n).search(prompt)]  # "where N is the buffer's length"
    free = [n for n in free if n not in lengths]
    uniforms, buffers, placeholders = [], [], []
    for n in free:
        if n in (target, INDEX):  # `i` is the element's index ("element i is start + i * step")
            continue
        # said to be a uniform, or, with `i` free, any name the prompt does not write as `a[i]`
        scalar = n in typed_uniform or n in said_uniform and (len(n) == 1 or not buffer_cue(prompt, n)) or \
            INDEX in free and n not in indexed and not buffer_cue(prompt, n)  # "a comes from a uniform": not a buffer
        if not legal(n) and not reserved(n) and not (scalar and n in BUILTINS):  # a field may be `step` (`params.step`)
            raise Reject("name")
        if scalar:
            uniforms.append(n)
        elif (n in PLACEHOLDERS or n in once or re.search(r"\b(?:every|each|per)\s+(?:(?:element|value|entry|sample|"
                                                           r"item|number)\s+)?%s\b" % n, prompt)) and \
                n not in indexed and not buffer_cue(prompt, n) and not any(b and w == n for _, w, b in words) and \
                n not in declared:  # "Bind x (read-only f32)": a buffer
            placeholders.append(n)  # `x`, `v`... or a short name written only in the formula ("f = 440 * 2^((n - 69) / 12)")
        else:
            buffers.append(n)
    bind: dict[str, str] = {}
    if placeholders:  # the elements of the input buffers the prompt names but the formula does not, in order
        skip = set(free) | {target} | STOP
        cands = []
        for p, w, tick in words:
            if w in skip or w in cands or not legal(w) or w.lower() in STOP | TYPE_WORDS or w in FUNCS or w in MODULES or \
                    UNIFORM_WORDS.fullmatch(w) or not tick and re.fullmatch(r"[A-Z][a-z]+|[A-Z]{2,}\d*", w):
                continue  # not "from uniform buffer", not "in Chrome"
            if tick or IN_CUE.search(prompt[max(0, p - 16):p]) or re.match(r"\s+(?:buffer|array)\b", prompt[p + len(w):]):
                cands.append(w)
        cands = [c for c in cands if not OUT_CUE.search(prompt[max(0, first_pos(prompt, c) - 24):first_pos(prompt, c)])]
        ticked = [c for c in cands if f"`{c}`" in prompt]
        if len(cands) > len(placeholders) == len(ticked):  # "in my tiny MLP ... every value of `pre`": the named one
            cands = ticked
        called = [c for c in cands if re.search(r"\b(?:called|named)\s+`?$", prompt[:first_pos(prompt, c)])]
        if len(cands) > len(placeholders) == len(called):  # "an array of continuously compounded returns called logret"
            cands = called
        if len(cands) > len(placeholders):  # "for an audio buffer ... Input `dry`": a kind of buffer, not its name
            cands = [c for c in cands if f"`{c}`" in prompt or not re.search(
                r"\b(?:an?|the|one|each|every|this|that)\s+%s\s+(?:buffer|array)" % re.escape(c), prompt, re.I)]
        placeholders.sort(key=lambda n: first_pos(prompt, n))
        cands = [] if own else cands
        if cands and len(cands) != len(placeholders):
            raise Reject("element buffer")
        if cands:
            buffers += cands
            bind.update({ph: f"{c}[i]" for ph, c in _matched(placeholders, cands)})
        elif in_place and len(placeholders) == 1:
            bind[placeholders[0]] = f"{target}[i]"
        else:  # no buffer named anywhere: the placeholders are the inputs' names ("P = V^2 / R", "y = m*x + c")
            buffers += placeholders
    if not buffers and not in_place and not placeholders and INDEX not in free:
        raise Reject("no input")
    ticks = {b: prompt.find(f"`{b}`") for b in buffers}  # "... `prob` is ... and `label` holds ...": as named in backticks
    order = (lambda b: ticks[b]) if all(v >= 0 for v in ticks.values()) else (lambda b: first_pos(prompt, b))
    buffers = stated_order(prompt, sorted(dict.fromkeys(b for b in buffers if b != target), key=order))
    uniforms = uniform_order(prompt, sorted(dict.fromkeys(uniforms), key=lambda u: first_pos(prompt, u)))
    wn = {n: f"{n}_v" for n in [*buffers, *uniforms, target] if reserved(n) or n in BUILTINS and n not in uniforms}
    # "mean and std": `std` is reserved; a buffer `step` shadows a builtin (a field `params.step` does not)
    for b in buffers:
        bind[b] = f"{wn.get(b, b)}[i]"
    bind[target] = f"{wn.get(target, target)}[i]"
    fields = integer_fields(prompt) if ty == "f32" else {}  # "n (u32)" in a float formula: f32(params.n)
    for u in uniforms:
        bind[u] = f"f32({_PARAMS}.{wn.get(u, u)})" if u in fields else f"{_PARAMS}.{wn.get(u, u)}"
    bind[INDEX] = {"f32": f"f32({INDEX})", "i32": f"i32({INDEX})"}.get(ty, INDEX)
    bind[EDGE], bind[ZERO] = edge_rule(prompt) or "", {"f32": "0.0", "i32": "0"}.get(ty, "0u")  # "x[i - 1]" past the ends
    for n in lengths:
        bind[n] = {"f32": "f32({0})", "i32": "i32({0})"}.get(ty, "{0}").format(f"arrayLength(&{wn.get(target, target)})")
    lets = []
    for n, e in steps:
        name = n if legal(n) and n not in bind and n != target else f"{n}_v"
        lets.append(f"    let {name} = {emit(e, bind)};")
        bind[n] = name
    if ty != "f32":
        lets = [u32_literals(line, ty) for line in lets]
    expr = emit(node, bind)
    if expr.startswith("(") and expr.endswith(")") and balanced(expr[1:-1]):
        expr = expr[1:-1]
    buffers, uniforms, target = [wn.get(b, b) for b in buffers], [wn.get(u, u) for u in uniforms], wn.get(target, target)
    if op != "=":
        expr = f"{target}[i] {op[0]} {paren(*emit_p(node, bind), PREC[AUGOPS[op]] + 1)}"
    if ty != "f32":
        expr = u32_literals(expr, ty)
    types = {wn.get(u, u): fields[u] for u in fields if u in uniforms}
    return map_kernel(buffers, target, uniforms, ty, ty, [*lets, f"    {target}[i] = {expr};"], types)


def map_kernel(inputs: list[str], output: str, uniforms: list[str], elem: str, field: str, body: list[str],
               types: dict[str, str] | None = None) -> str:
    """The conventions' one-element-per-invocation kernel: a `Params` struct of `uniforms` (each `field`, or its
    type in `types`), the `inputs` read and the `output` written as `array<elem>` (bound in that order, then the
    uniform), the index guard on `output`, then `body` (indented lines)."""
    lines = []
    types = types or {}
    if uniforms:
        lines += ["struct Params {", *[f"    {u}: {types.get(u, field)}," for u in uniforms], "};", ""]
    for k, b in enumerate(inputs):
        lines.append(f"@group(0) @binding({k}) var<storage, read> {b}: array<{elem}>;")
    lines.append(f"@group(0) @binding({len(inputs)}) var<storage, read_write> {output}: array<{elem}>;")
    if uniforms:
        lines.append(f"@group(0) @binding({len(inputs) + 1}) var<uniform> {_PARAMS}: Params;")
    lines += ["", "@compute @workgroup_size(64)", "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {",
              "    let i = gid.x;", f"    if (i >= arrayLength(&{output})) {{ return; }}", *body, "}", ""]
    return "\n".join(lines)
