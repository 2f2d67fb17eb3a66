"""The words around a formula that name its parts, for `formula.py` (nineteenth session: split out of it): which
uniform fields are declared integers (`integer_fields`), the prompt as the scope checks read it (`scope_text`: type
notes of integer fields, negated phrases, "snap to a grid", "one float per pixel", "running mean"... left out),
another index letter written as `i` (`index_letter`), whether a plain word is used as a name (`is_named`), short
names standing for backticked buffers (`aliases`: one word of `old_price`, `gain` of `gains`), names bound in words
(`bound_names`: "x comes from `a`", "y goes to `b`", "Store y in `post`", "N is the uniform `frame_len`", "frame_len
(u32, call it N)"), a name said to be the buffer's length (`length_of`) and the buffers an in-place prompt names
(`in_place_buffers`).
It does NOT parse formulas (`expr.py`) nor write kernels (`formula.py`); it reads words only.
"""
from __future__ import annotations

import re

from .declared import declared_uniform
from .expr import INDEX
from .prompt_words import CLAUSE_END, STOP, buffer_cue, legal, uniform_names

# words after "in" / "of" that are no buffers: types ("keep everything in float") and prose ("in order", "in place")
TYPE_WORDS = {"float", "floats", "double", "half", "int", "integer", "uint", "number", "numbers", "order", "place",
               "range", "radians", "degrees", "general", "practice", "parallel", "advance", "case", "turn", "time",
               "my", "our", "your", "their", "its"}


PLACEHOLDERS = set("x v t e u z s y val elem el value sample item entry".split())


def integer_fields(prompt: str) -> dict[str, str]:
    """The uniform fields the prompt declares as `u32` or `i32` ("n (u32, periods per year)"): a float formula may
    use them (converted), so their type words do not make it an integer formula."""
    return {n: t for n, t in declared_uniform(prompt) or [] if t in ("u32", "i32")}


def scope_text(prompt: str) -> str:
    """The prompt as the scope checks read it: without the type notes of declared integer fields and, when nothing
    speaks of a grid, without a lone "height" ("initial height" of a projectile is not an image's)."""
    for name in integer_fields(prompt):
        prompt = re.sub(r"(`?\b%s\b`?\s*(?:\(\s*|:\s*|\s+as\s+|(?:\([^()]*\)\s*)?(?:is|being)\s+(?:an?\s+)?))[ui]32\b"
                        % re.escape(name), r"\1", prompt)  # "n (u32)", "t (the step count) is a u32 uniform"
    if not re.search(r"\b(?:width|rows?|cols?|columns?|grid|2d|image|images|pixels?)\b", prompt, re.I):
        prompt = re.sub(r"\bheights?\b", "h", prompt, flags=re.I)
    if "width" in uniform_names(prompt) and not re.search(r"\b(?:heights?|rows?|cols?|columns?|grid|2d|image|images|"
                                                          r"pixels?)\b", prompt, re.I):
        prompt = re.sub(r"\bwidth\b", "w", prompt)  # a Gaussian's `width` field is no image's width
    prompt = re.sub(r"\b(?:running|moving|exponential(?:ly)?(?:\s+weighted)?)\s+(?:mean|average)s?\b", "ema", prompt,
                    flags=re.I)  # a batchnorm's running mean is one element's state, not a reduction
    prompt = re.sub(r"\b(?:no|without|not\s+a)\s+reduction\b|\b(?:step|frame|iteration|tick)\s+count\b", "", prompt,
                    flags=re.I)  # "No reduction, one loss value per element", "t (the step count)"
    prompt = re.sub(r"\b(?:don'?t|do\s+not|never)\b[^.;]*|\b(?:one|a|single)\s+(?:float|f32|value)\s+per\s+pixel\b|"
                    r"\bnot\s+(?:rgba?|colou?rs?)\b", "", prompt, flags=re.I)  # "don't quantize to 8 bits", "not RGB"
    if not re.search(r"\b(?:width|heights?|rows?|cols?|columns?|grid|2d|pixels?|neighbo\w*|stencil|kernel|x\s*,\s*y)\b",
                     prompt, re.I):
        prompt = re.sub(r"\bimages?\b", "picture", prompt, flags=re.I)  # "image gradient components" per element
    if re.search(r"\bsnap\w*\b|\bquanti[sz]\w*", prompt, re.I) and not re.search(
            r"\b(?:width|heights?|rows?|cols?|columns?|2d|image|images|pixels?)\b", prompt, re.I):
        prompt = re.sub(r"\bgrid\b", "lattice", prompt, flags=re.I)  # "snap positions to a grid" is a map
    return prompt


def index_letter(prompt: str) -> str:
    """The prompt with another index letter written as `i` where it indexes ("windowed[n] = frame[n] * ... n / (N - 1)"
    in the sentence of that assignment)."""
    m = re.search(r"\b[A-Za-z_]\w*\[([a-hj-z])\]\s*=(?!=)", prompt)
    if m is None or re.search(r"\[i\]", prompt):
        return prompt
    letter = m.group(1)
    start = max(prompt.rfind(". ", 0, m.start()), prompt.rfind("\n", 0, m.start())) + 1
    end = CLAUSE_END.search(prompt, m.end())
    end = end.start() if end else len(prompt)
    span = re.sub(r"(?<![\w.'`])%s(?![\w'`])" % letter, "i", prompt[start:end])
    return prompt[:start] + span + prompt[end:]


def is_named(prompt: str, name: str) -> bool:
    """Whether the prompt treats the plain word `name` as a name: backticked, indexed (`x[i]`), called a buffer,
    array, input, output or uniform, listed with others or given a value."""
    n = re.escape(name)
    return (buffer_cue(prompt, name) or name in uniform_names(prompt) or re.search(
        r"`%s`|(?<![\w.])%s\s*\[|(?<![\w.])%s\s*(?:=|:|\(|->|is\b|are\b|being\b|holds?\b|contains?\b)|"
        r"\b(?:into|to|in|from|of|and|or|with|then)\s+(?:the\s+)?%s\b|,\s*%s\b|\b%s\s*,"
        % (n, n, n, n, n, n), prompt) is not None)


def aliases(prompt: str, free: list[str], target: str | None) -> dict[str, str]:
    """Short names of the formula that stand for longer names of the prompt (backticked or with an underscore), one
    word of them: `new` and `old` of "from `old_price` to `new_price`: (new - old) / old", `close` of "open_px and
    close_px ... (close - open) / open"; only where exactly one such name has that word and the short name itself is
    not one of the prompt's names."""
    ticked = [w for w in dict.fromkeys(re.findall(r"`([A-Za-z_]\w*)`|(?<![\w.`])([A-Za-z]+_[A-Za-z]\w*)(?![\w(`])", prompt))
              for w in w if w and w not in free and w != target]  # backticked, or written like a name: `open_px`
    out: dict[str, str] = {}
    said = uniform_names(prompt)
    for n in free:
        if n == INDEX and not re.search(r"\[\s*i\s*[\]+-]", prompt):  # "`i_samples` and `q_samples` ... atan2(q, i)":
            hits = [w for w in ticked if w.lower().startswith("i_")]  # an `i` that indexes nothing is a buffer's name
            if len(hits) == 1 and any(len(m) == 1 and m != n for m in free):
                out[n] = hits[0]
            continue
        if len(n) < 2 or n in PLACEHOLDERS or n == INDEX or f"`{n}`" in prompt or buffer_cue(prompt, n) or n in said:
            continue
        hits = [w for w in ticked if (n.lower() in w.lower().split("_")[:2] or w.lower() in (n.lower() + "s", n.lower() + "es"))
                and w not in out.values()]  # one word of `old_price`; `gain` of `gains`
        if len(hits) == 1:
            out[n] = hits[0]
    return out


ARTICLE = re.compile(r"(?<![\w.`])[Aa]\s+(?!(?:and|or|is|are|from|to|into|in|of|with|as|by|then|comes?|goes|holds?|"
                      r"times|plus|minus|over|under|and|if|else|otherwise)\b)(?=[A-Za-z]{2,})")


# "x comes from `wavelength_nm`", "a from `sdf_sphere`", "y goes to `model_counts`", "d into `sdf_union`"
_FROM = re.compile(r"(?<![\w.`])([A-Za-z_]\w*)\s+(?:(?:comes?|is\s+read|is\s+taken|are\s+read)\s+)?from\s+"
                   r"(?:the\s+)?(?:buffer\s+)?`([A-Za-z_]\w*)`")


_CALL_IT = re.compile(r"`?([A-Za-z_]\w*)`?\s*\([^()]*?\bcall(?:ed)?\s+it\s+`?([A-Za-z_]\w*)`?\s*\)")  # "frame_len (u32, call it N)"


_IS_NAMED = re.compile(r"(?<![\w.`])([A-Za-z_]\w*)\s+(?:is|=|being|denotes)\s+(?:the\s+)?(?:uniform|buffer|field|input|"
                       r"array)\s+`([A-Za-z_]\w*)`")  # "where N is the uniform `frame_len`"


_STORED = re.compile(r"\b(?:store|write|put|save)s?\s+([A-Za-z_]\w*)\s+(?:in|into|to)\s+(?:the\s+)?(?:buffer\s+)?`([A-Za-z_]\w*)`",
                     re.I)  # "Store y in `post`"


_INTO = re.compile(r"(?<![\w.`])([A-Za-z_]\w*)\s+(?:(?:goes|is\s+written|is\s+stored|gets\s+written|lands)\s+)?"
                   r"(?:in)?to\s+(?:the\s+)?(?:buffer\s+)?`([A-Za-z_]\w*)`")


def bound_names(prompt: str, free: list[str], target: str | None) -> tuple[dict[str, str], str | None]:
    """The formula's names the prompt binds to buffers in words ("x comes from `wavelength_nm`, y goes to
    `model_counts`"): {input name: buffer} and the buffer the target goes to (or None)."""
    ins = {m.group(2): m.group(1) for m in _CALL_IT.finditer(prompt) if m.group(2) in free}
    ins.update({m.group(1): m.group(2) for m in [*_FROM.finditer(prompt), *_IS_NAMED.finditer(prompt)]
                if m.group(1) in free and m.group(1) != m.group(2) and (len(m.group(1)) == 1 or m.group(1).lower() not in STOP)})
    out = next((m.group(2) for m in [*_INTO.finditer(prompt), *_STORED.finditer(prompt)]
                if target and m.group(1) == target != m.group(2)), None)
    return ins, out


def length_of(name: str) -> re.Pattern:
    """"N is the length of the buffer", "n = number of elements", "where L is arrayLength": `name` is the length."""
    return re.compile(r"(?<![\w.`])`?%s`?\s+(?:is|=|being|denotes|means)\s+(?:the\s+)?(?:(?:buffer|array|input|clip|"
                      r"signal)(?:'s)?\s+|total\s+)?(?:length|size|number\s+of\s+(?:elements|samples|entries|values|items)|"
                      r"element\s+count|arrayLength)\b" % re.escape(name))


def in_place_buffers(prompt: str) -> list[str]:
    """The buffers an in-place prompt names ("`temps` buffer", "array vals", "in place on `clip`")."""
    return [w for w in re.findall(r"`?([A-Za-z_]\w*)`?\s+(?:buffer|array)\b|\b(?:buffer|array)\s+`?([A-Za-z_]\w*)|"
                                  r"\b[Ii]n[- ]place\s+on\s+`?([A-Za-z_]\w*)", prompt)
            for w in w if w and w.lower() not in STOP | TYPE_WORDS and legal(w)]


_EDGE_ZERO = re.compile(r"\b(?:outside|beyond|past|off|before|after)\b[^.;]{0,40}?\b(?:as|are|is|count\w*\s+as|=|read\s+as|"
                        r"taken\s+as)\s+(?:0(?:\.0)?|zero)\b|\bzero[- ]?pad\w*|\b(?:missing|out[- ]of[- ](?:range|bounds))\s+"
                        r"(?:\w+\s+){0,2}?(?:are|is|as|count\w*\s+as)\s+(?:0(?:\.0)?|zero)\b", re.I)
_EDGE_CLAMP = re.compile(r"\bclamp\w*\s+(?:the\s+)?(?:index|indices|reads?|neighbou?rs?|to\s+the\s+(?:edge|ends?|"
                         r"array|buffer|signal))|\b(?:replicate|repeat)\w*\s+(?:the\s+)?(?:edge|end|first|last|border)|"
                         r"\bnearest\s+(?:valid|edge|end)\b|\bedge\s+(?:value|sample|element)s?\s+(?:are\s+)?"
                         r"(?:repeated|replicated|reused)", re.I)
_EDGE_WRAP = re.compile(r"\bwrap\w*\s+around|\bperiodic\w*|\bcircular\w*|\bcyclic\w*|\btoroidal", re.I)


def edge_rule(prompt: str) -> str | None:
    """How a neighbour past either end of the buffer reads, as the prompt says it: "zero" ("treating samples outside
    the signal as 0", "zero-padded"), "clamp" ("clamp the index", "repeat the edge sample"), "wrap" ("wraps
    around", "periodic"); None when it says none or more than one."""
    said = [rule for rule, words in (("zero", _EDGE_ZERO), ("clamp", _EDGE_CLAMP), ("wrap", _EDGE_WRAP))
            if words.search(prompt)]
    return said[0] if len(said) == 1 else None
