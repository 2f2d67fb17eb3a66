"""Arithmetic in words: "subtract 32 and then multiply by 5/9", "scale by 2.5, then subtract 1", "multiply every
value by 0.995 and then add 0.001" become an elementwise formula over the element (`v * 0.995 + 0.001`), written as
a kernel by `formula.py`, as one more candidate for the reranked pool.

A chain is two or more steps in a row, joined by commas, "and", "then" or semicolons: multiply / scale / divide by
N, add / subtract N (or "plus" / "minus" N), square, square root, absolute value, negate. N is a number (a fraction
like 5/9 too) or a name the prompt calls a uniform. The chain counts only when nothing before it in its sentence
names another operation (so "take the mean, then multiply by 2" is left alone) and nothing after it in its sentence
does ("..., then apply the sigmoid"), except a bound ("then clamp to [0, 1]").
A linear remap in words ("map each value from [in_min, in_max] onto [out_min, out_max]") and a wrap into a half-open
range ("wrap every angle into [-π, π)") are two more such formulas, and a clamp that is the whole request ("clamp each
value of raw_depth into [near_plane, far_plane]") a third (in integers too).
Twentieth session: a gate ("any sample whose magnitude is below 0.02 becomes 0.0", "zero every element whose magnitude
is below 1e-3"), a pick between buffers ("take the value from a wherever mask is positive and from b everywhere else",
"copy `s` into `g` wherever ..., and write 0.0 everywhere else"), bit words and alignment over u32 ("flip bit 3",
"round up to the next multiple of 256"), and adding a square onto an accumulator in place.
This module does NOT read formulas in symbols (`formula.py`), bounds ("then clamp to [0, 1]": `steps.py` twins any
candidate with those), colours, or integer arithmetic chains (`formula.py` refuses those prompts), and never decides:
the reviewer does.
"""
from __future__ import annotations

import ast
import re

from .declared import said_uniforms
from .expr import Constants, normalise
from .formula import element_kernel, update_kernel
from .override import condition
from .prompt_words import CLAUSE_END, STOP, says_in_place

_NUM = r"(-?\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)?|-?\.\d+|`?[A-Za-z_]\w*`?)"
_OBJ = (r"(?:\s+(?:it|them|that|this|the\s+result|(?:each|every|all|the)(?:\s+\w+)?(?:\s+(?:buffer|array|values?|"
        r"elements?|entries|samples?))?|`?[A-Za-z_]\w*`?))?")
_STEPS = [
    (re.compile(r"(?:multipl(?:y|ies|ied)|scales?d?)" + _OBJ + r"\s+by\s+" + _NUM, re.I), ast.Mult),
    (re.compile(r"divided?s?" + _OBJ + r"\s+by\s+" + _NUM, re.I), ast.Div),
    (re.compile(r"(?:add(?:s|ed)?|plus)\s+" + _NUM + r"(?:\s+to" + _OBJ + r")?", re.I), ast.Add),
    (re.compile(r"(?:subtract(?:s|ed)?|minus)\s+" + _NUM + r"(?:\s+from" + _OBJ + r")?", re.I), ast.Sub),
    (re.compile(r"(?:square)" + _OBJ + r"(?=\s*(?:[,;.]|and\b|then\b|$))", re.I), "square"),
    (re.compile(r"take\s+(?:the\s+)?square\s+root(?:\s+of" + _OBJ + r")?", re.I), "sqrt"),
    (re.compile(r"take\s+(?:the\s+)?absolute\s+value(?:\s+of" + _OBJ + r")?", re.I), "abs"),
    (re.compile(r"negate" + _OBJ, re.I), "neg"),
]
_JOIN = re.compile(r"\s*(?:,\s*|;\s*)?(?:and\s+)?(?:then\s+)?", re.I)
# words naming an operation of their own: a chain after one of them is a later step of something else
_OTHER_OP = re.compile(r"\b(?:sum|mean|average|max(?:imum)?|min(?:imum)?|clamp|clip|sqrt|square|log\w*|exp\w*|sin|cos|"
                       r"tan\w*|sigmoid|relu|pow(?:er)?|reciprocal|abs\w*|floor|ceil\w*|round|sort|count|histogram|"
                       r"blend|lerp|mix|dot|norm\w*|softmax|convolv\w*|blur|transpose|reduce|scan|prefix)\b", re.I)
_BOUND_WORDS = re.compile(r"\b(?:clamp|clip)\b", re.I)  # a bound after the chain: `steps.py` twins the candidate
_PLACEHOLDER = "v"


def _operand(text: str, uniforms: set[str]) -> ast.expr | None:
    text = text.strip().strip("`")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?|-?\.\d+)\s*/\s*(\d+(?:\.\d+)?)", text)
    if m:
        return ast.BinOp(ast.Constant(float(m.group(1))), ast.Div(), ast.Constant(float(m.group(2))))
    if re.fullmatch(r"-?\d+(?:\.\d+)?|-?\.\d+", text):
        return ast.Constant(float(text))
    return ast.Name(text) if text in uniforms else None


def _step(text: str, uniforms: set[str]) -> tuple[int, object] | None:
    """(characters read, a function of the running expression) for the step at the start of `text`."""
    for pattern, op in _STEPS:
        m = pattern.match(text)
        if not m:
            continue
        if op in ("square", "sqrt", "abs", "neg"):
            fn = {"square": lambda e: ast.BinOp(e, ast.Pow(), ast.Constant(2)),
                  "sqrt": lambda e: ast.Call(ast.Name("sqrt"), [e], []),
                  "abs": lambda e: ast.Call(ast.Name("abs"), [e], []),
                  "neg": lambda e: ast.UnaryOp(ast.USub(), e)}[op]
            return m.end(), fn
        arg = _operand(m.group(1), uniforms)
        if arg is None:
            return None
        return m.end(), (lambda e, op=op, arg=arg: ast.BinOp(e, op(), arg))
    return None


def word_chain(prompt: str) -> ast.expr | None:
    """The expression (in the placeholder element `v`) of the prompt's chain of arithmetic steps, or None."""
    uniforms = said_uniforms(prompt)
    starts = [m.start() for pattern, _ in _STEPS for m in pattern.finditer(prompt)]
    for start in sorted(set(starts)):
        if start > 0 and prompt[start - 1].isalnum():
            continue
        sentence_start = max(prompt.rfind(". ", 0, start), prompt.rfind("; ", 0, start), prompt.rfind("\n", 0, start),
                             prompt.rfind(": ", 0, start))  # "Normalise readings: subtract ..." names the chain
        if _OTHER_OP.search(prompt[sentence_start + 1:start]):
            return None  # the chain follows another operation: not ours to write
        expr: ast.expr = ast.Name(_PLACEHOLDER)
        pos, steps = start, 0
        while True:
            got = _step(prompt[pos:], uniforms)
            if got is None:
                break
            n, fn = got
            expr, pos, steps = fn(expr), pos + n, steps + 1
            j = _JOIN.match(prompt, pos)
            if j is None or j.end() == pos or _step(prompt[j.end():], uniforms) is None:
                break
            pos = j.end()
        if steps >= 2:
            end = CLAUSE_END.search(prompt, pos)
            tail = prompt[pos:end.start()] if end else prompt[pos:]
            other = [m for m in _OTHER_OP.finditer(tail) if not _BOUND_WORDS.fullmatch(m.group(0))]
            if other or any(p.search(tail) for p, _ in _STEPS):
                return None  # more work follows the chain ("then apply the sigmoid")
            return expr
    return None


_END = r"\s*(-?\d+(?:\.\d+)?|-?\.\d+|[A-Za-z_]\w*)\s*"
# "linearly map each value from [in_min, in_max] onto [out_min, out_max]", "rescale from [0, 255] to [-1, 1]"
_REMAP = re.compile(r"\b(?:(?:re)?map|(?:re)?scale|convert|transform|normali[sz]e)\w*\b[^.;]*?\bfrom\s+(?:the\s+)?(?:range\s+)?"
                    r"\[" + _END + "," + _END + r"\]\s+(?:on)?to\s+(?:the\s+)?(?:range\s+)?\[" + _END + "," + _END + r"\]",
                    re.I)


def word_remap(prompt: str) -> ast.expr | None:
    """The linear map (in the placeholder `v`) of "map ... from [a, b] onto [c, d]": c + (v - a) * (d - c) / (b - a),
    each end a number or a name the prompt calls a uniform; None otherwise."""
    m = _REMAP.search(prompt)
    if m is None:
        return None
    said = said_uniforms(prompt)
    ends = [_operand(g, said) for g in m.groups()]
    if any(e is None for e in ends):
        return None
    a, b, c, d = ends
    v = ast.Name(_PLACEHOLDER)
    return ast.BinOp(c, ast.Add(), ast.BinOp(ast.BinOp(v, ast.Sub(), a), ast.Mult(),
                                             ast.BinOp(ast.BinOp(d, ast.Sub(), c), ast.Div(), ast.BinOp(b, ast.Sub(), a))))


_WRAP = re.compile(r"\b(?:wrap|fold|bring|map|put|reduce)\w*\b[^.;]{0,60}?\b(?:back\s+)?(?:in)?to\s+(?:the\s+(?:half-open\s+)?"
                   r"(?:range|interval)\s+)?\[\s*([^,\[\]]{1,12}?)\s*,\s*([^,\[\]]{1,12}?)\s*\)", re.I)


def word_wrap(prompt: str) -> ast.expr | None:
    """"wrap every angle into [-π, π)" (a half-open range): v - (b - a) * floor((v - a) / (b - a)), the ends numbers,
    multiples of pi or names the prompt calls uniforms; None otherwise."""
    m = _WRAP.search(prompt)
    if m is None:
        return None
    said = said_uniforms(prompt)
    ends = []
    for text in m.groups():
        try:
            node = Constants().visit(ast.parse(normalise(text.replace("π", "pi")), mode="eval").body)
        except SyntaxError:
            return None
        if any(isinstance(n, ast.Name) and n.id not in said for n in ast.walk(node)):
            return None
        ends.append(node)
    a, b = (_folded(e) for e in ends)
    v, span = ast.Name(_PLACEHOLDER), _folded(ast.BinOp(b, ast.Sub(), a))
    shifted = v if isinstance(a, ast.Constant) and a.value == 0 else ast.BinOp(v, ast.Add(), ast.Constant(-a.value)) \
        if isinstance(a, ast.Constant) and a.value < 0 else ast.BinOp(v, ast.Sub(), a)
    return ast.BinOp(v, ast.Sub(), ast.BinOp(span, ast.Mult(), ast.Call(ast.Name("floor"), [
        ast.BinOp(shifted, ast.Div(), span)], [])))


def _folded(node: ast.expr) -> ast.expr:
    """`node` as one number when it holds no names (`2 * pi - 0` -> 6.283...), else as it is."""
    if any(isinstance(n, ast.Name) for n in ast.walk(node)):
        return node
    expr = ast.fix_missing_locations(ast.Expression(node))
    return ast.Constant(float(eval(compile(expr, "<wrap>", "eval"), {"__builtins__": {}})))


_CLAMP = re.compile(r"\b(?:clamp|clip)\w*\s+(?:each|every|all)?[^.;\[]{0,60}?\b(?:in)?to\s+(?:the\s+range\s+)?\[\s*"
                    r"([^,\[\]]{1,20}?)\s*,\s*([^,\[\]]{1,20}?)\s*\]", re.I)


def word_clamp(prompt: str) -> ast.expr | None:
    """"Clamp each value of raw_depth into [near_plane, far_plane]" as the whole request: clamp(v, lo, hi), the ends
    numbers or names the prompt calls uniforms; None when the prompt names any other operation."""
    m = _CLAMP.search(prompt)
    if m is None or not re.search(r"(?:^|[.;!?:]\s*)$", prompt[:m.start()]) or \
            re.search(r"\b(?:then|before|after|first)\b", re.split(r"[.;!?](?:\s|$)", prompt[m.start():])[0], re.I) or \
            _OTHER_OP.search(prompt[:m.start()] + " " + prompt[m.end():]) or \
            any(p.search(prompt[:m.start()] + " " + prompt[m.end():]) for p, _ in _STEPS):
        return None
    said = said_uniforms(prompt)
    ends = [_operand(g, said) for g in m.groups()]
    if any(e is None for e in ends):
        return None
    return ast.Call(ast.Name("clamp"), [ast.Name(_PLACEHOLDER), *ends], [])


_ELEMENT = r"(?:samples?|elements?|values?|entry|entries|items?|numbers?|words?|pixels?|cells?)"
_GATE = re.compile(r"\b(?:any|every|each|all)\s+" + _ELEMENT + r"\s+(?:whose|where|with|that\s+(?:is|are))\s+"
                   r"(?P<cond>(?:(?![.;,](?:\s|$))[^;])+?)\s+(?:becomes?|is\s+set\s+to|are\s+set\s+to|goes\s+to|turns?\s+into|gets?|"
                   r"is\s+replaced\s+(?:by|with)|->|→)\s+(?P<val>-?\d+(?:\.\d+)?)\b", re.I)


_ZERO_GATE = re.compile(r"\b(?:zero|clear|null)(?:\s+out)?\s+(?:any|every|each|all)\s+" + _ELEMENT + r"\s+(?:whose|where|with|"
                        r"that\s+(?:is|are))\s+(?P<cond>(?:(?![.;,](?:\s|$))[^;])+?)(?=\s+(?:and|but)\b|[.;,](?:\s|$)|$)", re.I)


def word_gate(prompt: str) -> ast.expr | None:
    """"Any sample whose magnitude is below 0.02 becomes 0.0, everything else stays as it was", "zero every element
    whose magnitude is below 1e-3": the value where the condition holds, the element elsewhere; None without such a
    sentence."""
    m = _GATE.search(prompt)
    zero = _ZERO_GATE.search(prompt) if m is None else None
    if m is None and zero is None:
        return None
    value = ast.parse(m.group("val") if m else "0.0", mode="eval").body
    m = m or zero
    cond = m.group("cond").strip()
    if re.match(r"(?:its\s+|the\s+)?(?:magnitude|absolute\s+value)\b", cond, re.I):
        cond = re.sub(r"^(?:its\s+|the\s+)?(magnitude|absolute\s+value)(?:\s+of\s+it)?", rf"\1 of {_PLACEHOLDER}", cond,
                      flags=re.I)
    elif re.match(r"(?:is|are)\b|[<>=]", cond):
        cond = f"{_PLACEHOLDER} {cond}"
    else:
        cond = f"{_PLACEHOLDER} is {cond}"  # "that are below 0.5"
    test = condition(re.sub(r"^(\w+)\s+are\b", r"\1 is", cond))
    if test is None or {n.id for n in ast.walk(test) if isinstance(n, ast.Name)} - {_PLACEHOLDER, "abs"}:
        return None
    return ast.IfExp(test, value, ast.Name(_PLACEHOLDER))


_BIT = re.compile(r"\b(?P<verb>flip|toggle|invert|set|clear|reset|unset)s?\s+(?:the\s+)?bit\s+(?:#\s*)?(?P<n>\d{1,2})\b", re.I)
_ALIGN = re.compile(r"\bround\w*\b[^.;]{0,60}?\b(?:(?P<dir>up|down)\s+)?to\s+(?:the\s+|an?\s+)?(?:next\s+|(?P<near>nearest\s+)|previous\s+)?"
                    r"multiple\s+of\s+(?P<n>\d+)\b|\balign\w*\b[^.;]{0,40}?\b(?:up\s+)?to\s+(?P<n2>\d+)(?:\s*-?\s*bytes?)?\b",
                    re.I)


def word_bits(prompt: str) -> ast.expr | None:
    """Integer work said in words, as a formula over the element: "flip bit 3" (`v ^ 8`), "set bit 5", "clear bit 0",
    "round up to the next multiple of 256" (`(v + 255) / 256 * 256`), "round down to a multiple of 64", "round to the
    nearest multiple of 25" (`(v + 12) / 25 * 25`: halves up); None when the
    prompt says none of these, or more than one."""
    found = []
    for m in _BIT.finditer(prompt):
        mask = 1 << int(m.group("n"))
        if mask >= 1 << 32:
            return None
        verb = m.group("verb").lower()
        op = ast.BitXor() if verb in ("flip", "toggle", "invert") else ast.BitOr() if verb == "set" else ast.BitAnd()
        found.append(ast.BinOp(ast.Name(_PLACEHOLDER), op, ast.Constant(mask if verb not in ("clear", "reset", "unset")
                                                                         else 0xFFFFFFFF ^ mask)))
    for m in _ALIGN.finditer(prompt):
        n = int(m.group("n") or m.group("n2"))
        if n < 2 or m.group("n") and not m.group("dir") and not m.group("near"):
            return None  # "round to a multiple of 8": which way is not said
        v = ast.Name(_PLACEHOLDER)
        way = (m.group("dir") or ("nearest" if m.group("near") else "up")).lower()
        up = ast.BinOp(v, ast.Add(), ast.Constant({"up": n - 1, "nearest": n // 2}[way])) if way != "down" else v
        found.append(ast.BinOp(ast.BinOp(up, ast.Div(), ast.Constant(n)), ast.Mult(), ast.Constant(n)))
    return found[0] if len(found) == 1 else None


_SOURCE = r"`?(?P<%s>[A-Za-z_]\w*)`?"
_PICK = re.compile(r"\b(?:take|use|pick|choose|copy)\s+(?:the\s+)?(?:values?|elements?|entries|entry|samples?)?\s*from\s+"
                   + _SOURCE % "yes" + r"\s+(?:wherever|where|when(?:ever)?|if)\s+(?P<cond>(?:(?![.;](?:\s|$))[^,])+?)"
                   r"\s*,?\s*(?:and|but|otherwise|else)?\s*(?:take\s+(?:it\s+|them\s+)?|use\s+)?from\s+" + _SOURCE % "no" +
                   r"\s+(?:everywhere\s+else|elsewhere|otherwise|in\s+every\s+other\s+\w+)", re.I)


_COPY_WHERE = re.compile(r"\bcopy\s+(?:the\s+)?" + _SOURCE % "yes" + r"\s+(?:in)?to\s+`?[A-Za-z_]\w*`?\s+(?:wherever|where|"
                         r"when(?:ever)?|if)\s+(?P<cond>(?:(?![.;](?:\s|$))[^,])+?)\s*,?\s*(?:and\s+)?(?:write|use|put|store|"
                         r"output)\s+(?P<val>-?\d+(?:\.\d+)?)\s+(?:everywhere\s+else|elsewhere|otherwise)", re.I)


def word_pick(prompt: str) -> ast.expr | None:
    """"Take the value from a wherever mask is positive and from b everywhere else": `a if mask > 0 else b`; "copy
    `signal` into `gated` wherever the matching `gate_env` value is greater than 0.0, and write 0.0 everywhere else":
    `signal if gate_env > 0.0 else 0.0`; over the buffers it names; None without such a sentence or when its condition
    is no comparison."""
    m = _PICK.search(prompt) or _COPY_WHERE.search(prompt)
    if m is None:
        return None
    cond = re.sub(r"^(?:the\s+)?(?:matching|corresponding|same-index)\s+", "", m.group("cond").strip(), flags=re.I)
    cond = re.sub(r"^(`?[A-Za-z_]\w*`?)\s+(?:value|entry|element|sample)\b", r"\1", cond)
    test = condition(cond)
    if test is None:
        return None
    other = ast.Name(m.group("no")) if "no" in m.groupdict() else ast.parse(m.group("val"), mode="eval").body
    return ast.IfExp(test, ast.Name(m.group("yes")), other)


_NAME = r"`?([A-Za-z_]\w*)`?(?:\[i\])?"
_ACCUMULATE = re.compile(r"\badd\s+(?:(?:the\s+)?(?P<sq>square|absolute\s+value|magnitude)\s+of\s+)?(?:(?:each|every)\s+"
                         r"(?:sample|element|value|entry)\s+of\s+)?(?:the\s+)?(?:(?:current|input|new)\s+)?(?:\w+\s+)?" +
                         _NAME + r"(?P<sq2>\s+squared)?\s+(?:on)?to\s+(?:the\s+)?(?:(?:running\s+)?(?:accumulator|sum|total)\s+)?" +
                         _NAME, re.I)


def word_accumulate(prompt: str) -> tuple[str, ast.expr] | None:
    """"Add the square of each sample of `frame` onto the accumulator `acc`", "add samples[i] squared onto
    power_acc[i]" of an in-place update: (the updated buffer, what is added); None otherwise."""
    m = _ACCUMULATE.search(prompt)
    if m is None or not says_in_place(prompt):
        return None
    source, target = m.group(2), m.group(4)
    if source == target or source.lower() in STOP or target.lower() in STOP:
        return None
    v = ast.Name(source)
    if m.group("sq2") or (m.group("sq") or "").lower() == "square":
        v = ast.BinOp(ast.Name(source), ast.Mult(), ast.Name(source))
    elif m.group("sq"):
        v = ast.Call(ast.Name("abs"), [v], [])
    return target, v


def word_candidates(prompt: str) -> list[str]:
    """The kernels of the prompt's arithmetic chain, linear remap, wrap, clamp, gate and pick between two buffers
    (`formula.element_kernel`), and of its bit and alignment words (in integers), or []."""
    codes = []
    nodes = [(word_chain(prompt), False), (word_remap(prompt), False), (word_wrap(prompt), False),
             (word_clamp(prompt), True), (word_gate(prompt), False), (word_bits(prompt), True),
             (word_pick(prompt), False)]
    for node, ints in nodes:
        code = element_kernel(prompt, node, ints_ok=ints) if node is not None else None
        if code and code not in codes:
            codes.append(code)
    added = word_accumulate(prompt)
    code = update_kernel(prompt, added[0], "+=", added[1]) if added else None
    return codes + ([code] if code and code not in codes else [])
