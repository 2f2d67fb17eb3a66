"""Reading a prompt's names and their roles: which identifiers it writes like names, which are outputs
(after "into", "->", "write ... to") and which inputs, which it calls uniforms, and whether it says
"in place" or mentions a parameter at all.

- `prompt_buffers(prompt)` / `prompt_interface(prompt)`: the input and output buffer names it writes
  like names (backticked, indexed as `total[0]`, snake_case, or listed like a signature "a, b -> out"),
  and how many of each; `fits_interface(code, want)` checks a shader against that count.
- `uniform_names(prompt)`: names listed next to a uniform word ("lo and hi are uniforms").
- `mentions_parameters(prompt)`: whether it may name a scalar parameter; `says_in_place(prompt)` ("in place",
  "inplace=True", "overwrite", "the same buffer"...); `min_inputs(prompt)`: inputs counted outright ("AND two arrays",
  "inputs mag then sgn").
- helpers shared with the formula transcriber (`formula.py`): `STOP` words, the output / input cue
  patterns, `mentions`, `buffer_cue`, `first_pos`, `legal`, `reserved`, `output_name`.

Used by `formula.py` (binding a formula's names) and `interface.py` (the pool filters). This module does
NOT parse formulas, build shaders or validate anything; it reads prompt text (and, in `fits_interface`,
a shader's declared bindings).
"""
from __future__ import annotations

import re

from ..dataset.naming import BUILTINS
from ..wgsl.names import interface

PARAMS = "params"  # the conventions' uniform struct variable

UNIFORM_WORDS = re.compile(r"\b(uniforms?|params?|parameters?|constants?|scalars?|knobs?|struct|arguments?|"
                           r"configurable)\b", re.I)
OUT_CUE = re.compile(r"(?:->|=>|\binto|\bto|\boutput(?:\s+(?:buffer|array))?(?:\s+(?:is|will\s+be|should\s+be))?|\bout|"
                      r"\b(?:stor|sav|plac)(?:e[sd]?|ing)(?:\s+\w+){0,3}\s+in|"
                      r"\bput(?:s|ting)?(?:\s+\w+){0,3}\s+in|\bresults?\s+in|"
                      r"\b(?:writes?|writing)(?:\s+\w+)?\s+(?:to|in)|\bwrit(?:es?|ing)|\bfill(?:s|ing)?(?=\s+(?!(?:an?|the)\b)))"  # "write `y`"; then type words may stand before
                      # the name ("-> u32 `y`")
                      r"(?:\s+(?:the|a|an|new|separate|[uif]32|f16|float|uint|int|array(?:<\w+>)?|buffer|called|named))*\s*[:`]?\s*$",
                      re.I)
IN_CUE = re.compile(r"(?:\bin|\bfrom|\bover|\bof|\binput(?:\s+(?:buffer|array))?(?:\s+is)?|\bcalled|\bnamed|\breads?)\s*[:`]?\s*$",
                    re.I)
_WORD = re.compile(r"`?([A-Za-z_]\w*)`?")
CLAUSE_END = re.compile(r"[.;!](?:\s|$)|\n")  # where a formula's or a chain's clause ends
STOP = set("a an the this that these it its each every all one them their and or of in on to into for with by from as "
            "is are be then where which when else if elementwise element elements value values array arrays buffer "
            "buffers result results output input kernel shader wgsl through via per across whole same like over "
            "using use so such that than both either".split())


def mentions(prompt: str) -> list[tuple[int, str, bool]]:
    """(position, identifier, backticked) of every identifier-like word of the prompt."""
    return [(m.start(), m.group(1), m.group(0).startswith("`")) for m in _WORD.finditer(prompt)
            if not (m.start() > 0 and prompt[m.start() - 1] == ".")]


def buffer_cue(prompt: str, name: str) -> bool:
    """The prompt calls `name` a buffer: "in x", "buffer x", "input x", "x is read-only", "x buffer"..."""
    n = re.escape(name)
    return re.search(r"\b(?:in|from|buffers?|arrays?|input|output|over)\s+(?:buffer\s+|array\s+)?(?:called\s+|named\s+)?"
                     r"`?%s\b|(?<![\w.])%s`?\s+(?:is\s+|are\s+)?(?:an?\s+)?(?:read[- ]only|read[- ]write|buffers?|"
                     r"arrays?|input|output)\b" % (n, n), prompt, re.I) is not None


_LIST_SKIP = {"with", "struct", "of", "f32", "both", "are", "is", "being", "a", "an", "as", "the", "two", "three",
              "scalar", "fields", "field", "holding", "called", "named", "all", "float", "floats", "passed", "in",
              "given", "come", "comes", "from", "provided", "via", "through", "set", "by", "stored", "its", "their", "supplied",
              "read", "taken", "sent", "live", "lives", "order", "layout", "exactly", "u32", "i32", "values", "this",
              "holds", "hold", "has", "have", "contains", "contain", "carries", "block", "single", "only", "one", "sole"}


_COURTESY = {"please", "pls", "plz", "thanks", "thx", "thank", "cheers"}
# after a listed name the list goes on or ends ("a, b and c", "lo, hi (f32)", "w, h as u32")
_LIST_GOES_ON = re.compile(r"`?\s*(?:[,;.:()!?/]|$|(?:and|or|as|then|in|are)\b)")
# not names before a uniform word: verbs ("add a uniform flux") and modifiers ("a runtime scalar", "a positive
# i32 uniform", "a single uniform value")
_NOT_LISTED = set("adds multiplies divides subtracts scales use uses using applies takes pass passes raises clamp "
                  "clamps clip clips set sets express expresses computes stores writes mix mixes blend blends lerp "
                  "lerps shift shifts times plus minus over runtime single positive negative small large fixed global "
                  "shared nonzero non separate extra user tunable float integer signed unsigned".split())
# words that introduce a list after a uniform word ("struct with a, b", "params are w, h")
# a type note after a name, "(f32)" or "(f32, used for negative inputs)", dropped before lists are read
_TYPE_NOTE = re.compile(r"\s*\((?:[uif]32|float|u?int|scalar)\b[^()]*\)", re.I)
_HOLDS = re.compile(r"\b(?:uniforms?|params|struct)\s+(?:holds?|has|contains?|carries)\s+((?:`?[A-Za-z_]\w*`?"
                    r"(?:\s*,\s*|\s+(?:then|and)\s+|,\s+(?:then|and)\s+)){1,5}`?[A-Za-z_]\w*`?)", re.I)
_LIST_INTRO = {"with", "holding", "called", "named", "fields", "field", "order", "layout", "are", "is", "holds", "hold",
               "has", "have", "contains", "contain", "carries"}


_LIVE_IN = re.compile(r"(?<![\w.`])((?:`?[A-Za-z_]\w*`?\s*,\s*)*`?[A-Za-z_]\w*`?,?\s+and\s+`?[A-Za-z_]\w*`?)\s+"
                      r"(?:live|are|sit|come|are\s+stored|are\s+passed|are\s+given)\s+(?:in|from|via|as)\s+"
                      r"(?:an?\s+|the\s+)?(?:\w+\s+)?(?:uniforms?|params?)\b")


def uniform_names(prompt: str) -> set[str]:
    """Names the prompt calls uniforms: the list next to a uniform word ("amplitude and rate are uniforms",
    "params struct with amp, freq, phase", "uniforms: lo, hi") or "x is a ... uniform"."""
    prompt = _TYPE_NOTE.sub("", prompt)  # "center (f32), temperature (f32)": the notes break the list
    prompt = re.sub(r"(?<=[A-Za-z])'s\b", "'", prompt)  # "there's a uniform": no name `s`
    words = [(m.group(1), m.start(), m.end()) for m in re.finditer(r"`?([A-Za-z_]\w*)`?", prompt)]
    out: set[str] = set()
    for m in _HOLDS.finditer(prompt):  # "the uniform holds `origin` then `spacing`"
        out.update(n for n in re.findall(r"[A-Za-z_]\w*", m.group(1)) if n.lower() not in ("then", "and", "or")
                   and n.lower() not in _LIST_SKIP and n.lower() not in STOP and legal(n))
    for m in _LISTED_PARAMS.finditer(prompt):  # "whose weights w0, w1, w2 are parameters"
        listed = re.findall(r"[A-Za-z_]\w*", m.group(1))
        listed = [n for n in listed if n.lower() != "and"]
        if all(legal(n) and n.lower() not in STOP | VERBS | _LIST_SKIP for n in listed):
            out.update(listed)
    for k, (w, start, end) in enumerate(words):
        if not UNIFORM_WORDS.fullmatch(w):
            continue
        for step in (1, -1):
            j, last, items, sep, joined = k + step, (end if step == 1 else start), 0, False, False
            skipped: list[str] = []
            listed: list[str] = []
            paren = False  # "width x height (parameters)"
            introduced = step == -1  # forwards, words between the uniform word and the names introduce them
            # ("struct with a, b", "params holding lo, hi"), not "passed as a uniform in a browser app"
            while 0 <= j < len(words):
                w2, s2, e2 = words[j]
                gap = prompt[last:s2] if step == 1 else prompt[e2:last]
                if not re.fullmatch(r"[\s,:`(]*|\)\s*:\s*", gap) or len(gap) > 4:  # "params (u32): a, b"
                    break
                paren = paren or "(" in gap
                # forwards "with a, b, c"; backwards "a, b and c are ...": a comma joins only after "and"
                sep = sep or "," in gap and (step == 1 or joined)
                low = w2.lower()
                if low in ("and", "or"):
                    if step == -1 and not listed:  # "the quotient of volume and the parameter mult"
                        break
                    sep = joined = True
                elif UNIFORM_WORDS.fullmatch(w2):
                    break
                elif low in _LIST_SKIP and not items:
                    skipped.append(low)
                    introduced = introduced or low in _LIST_INTRO or ":" in gap
                elif items == 0 or sep:
                    if low in STOP or low in _COURTESY or not (legal(w2) or reserved(w2)) or \
                            items == 0 and j != k + step and not (introduced or ":" in gap):
                        break
                    if step == -1 and items == 0 and "," in gap and j == k - 1:  # "in_block and out_block, uniform
                        break                                                 # struct with one field gain_db"
                    if step == 1 and (items == 0 and "," in gap and j == k + 1 or  # "in knob, placing ..."
                                      items > 0 and not _LIST_GOES_ON.match(prompt, e2)):  # "loss, placing the"
                        break
                    listed.append(w2)
                    items, sep = items + 1, False
                else:
                    break
                last = e2 if step == 1 else s2
                j += step
            if step == -1:  # backwards, not a verb or modifier ("add a uniform flux", "a runtime scalar")
                listed = [x for x in listed if x.lower() not in _NOT_LISTED and x.lower() not in VERBS]
            # backwards, not a preposition's object ("down by the parameter", "in units of the uniform wind") nor a
            # noun modifying a plural ("the predicted scale parameters"); "configurable" only introduces
            if step == 1 or w.lower() != "configurable" and not {"by", "of"} & set(skipped) and (
                    skipped or paren or len(listed) > 1 or not w.lower().endswith("s")):
                out.update(listed)
    out.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)`?\s+is\s+an?\s+(?:[uif]32|float|u?int)\b[^.;]*?\b(?:field|member)s?\s+"
                          r"of\s+(?:the\s+)?(?:uniform|param)", prompt))  # "lr is an f32, the only field of the uniform"
    for m in _LIVE_IN.finditer(prompt):  # "origin and step live in a uniform"
        out.update(n for n in re.findall(r"[A-Za-z_]\w*", m.group(1)) if n.lower() not in STOP)
    for clause in re.split(r"[,;.!?()]", prompt):
        out.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)`?\s+(?:is|being)\s+(?:an?\s+|the\s+)?(?:(?:only|single|sole|one)\s+)?"
                              r"(?:\w+\s+)?(?:uniform|param|argument)",
                              clause))  # "lr is an f32 uniform", "here a is a argument", "gain is the only uniform"
        out.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)`?\s+is\s+\w+\s+(?:in\s+)?as\s+(?:an?\s+)?(?:\w+\s+)?"
                              r"(?:uniform|param|argument)", clause))  # "c is passed (psased) as a uniform"
        out.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)`?\s*:\s*(?:an?\s+)?(?:[uif]32\s+)?(?:uniform|param)",
                              clause))  # "a: uniform f32"
        out.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)`?\s+(?:comes?|is\s+read|is\s+taken|is\s+loaded)\s+(?:in\s+)?from\s+"
                              r"(?:an?\s+|the\s+)?(?:uniform|param)", clause))  # "w comes from a uniform buffer"
        out.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)`?\s+(?:is|lives|sits)\s+(?:the\s+)?(?:(?:single|only|one|first|"
                              r"second|third|[uif]32|float|scalar|field|value)\s+){0,3}in\s+(?:the\s+)?(?:\w+\s+)?"
                              r"(?:uniform|params?)\b", clause))  # "`lam` is the single f32 in the params uniform"
    return out


_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3}


def stated_order(prompt: str, names: list[str]) -> list[str]:
    """`names` in the order the prompt states outright ("First input p = ..., second y = ...", "`bid` first",
    "masses first, then speeds" is left to the caller), else as given."""
    rank: dict[str, int] = {}
    for n in names:
        e = re.escape(n)
        m = re.search(r"\b(first|1st|second|2nd|third|3rd|fourth|4th)\s+(?:(?:input|buffer|array|operand|argument|one)\s+)?"
                      r"(?:is\s+|=\s*|:\s*)?(?:the\s+)?`?%s`?(?!\w)|(?<![\w.])`?%s`?\s+(?:(?:buffer|array)\s+)?(?:comes?\s+)?"
                      r"(first|1st|second|2nd|third|3rd)\b" % (e, e), prompt, re.I)
        if m:
            rank[n] = _ORDINALS[(m.group(1) or m.group(2)).lower()]
    if len(rank) < 2 and not (len(rank) == 1 and len(names) == 2):
        return _listed_order(prompt, names)
    return sorted(names, key=lambda n: (rank.get(n, 1 if rank and min(rank.values()) == 0 else 0), names.index(n)))


_LIST = re.compile(r"(?<![\w.`])`?([A-Za-z_]\w*)`?((?:\s*,\s*`?[A-Za-z_]\w*`?)*),?\s+and\s+`?([A-Za-z_]\w*)`?\s+are\s+"
                   r"(?:(?:both|all|the|two|three|four|float|f32|u32|i32|input|read-only|equal-length|same-length)\s+)*"
                   r"(?:buffers|arrays|inputs|tensors)\b", re.I)


def _listed_order(prompt: str, names: list[str]) -> list[str]:
    """`names` in the order of a sentence that lists them all as the buffers ("num and den are float buffers",
    "a, b and c are the inputs"), even when a formula mentions them earlier in another order; else as given."""
    for m in _LIST.finditer(prompt):
        listed = [m.group(1), *re.findall(r"[A-Za-z_]\w*", m.group(2)), m.group(3)]
        if len(names) >= 2 and set(names) <= set(listed):
            return sorted(names, key=listed.index)
    return names


_LISTED_PARAMS = re.compile(r"((?:`?[A-Za-z_]\w*`?\s*(?:,\s*(?:and\s+)?|\s+and\s+))+`?[A-Za-z_]\w*`?)\s+(?:are|:)\s+"
                            r"(?:(?:the|both|all|f32|u32|i32|float|scalar)\s+)*(?:parameters|params|uniforms|constants)\b",
                            re.I)


def uniform_order(prompt: str, names: list[str]) -> list[str]:
    """Uniform field `names` in the order of the last clause that speaks of the uniform (or an order) and names them
    all ("Uniform struct fields, in order: center (f32), temperature (f32)"), even when the prose mentions them
    earlier in another order; else as given."""
    if len(names) < 2:
        return names
    for m in _LISTED_PARAMS.finditer(prompt):  # "where decay and goal are parameters": the list's order
        listed = re.findall(r"[A-Za-z_]\w*", m.group(1).replace("`", ""))
        if set(names) <= set(listed):
            return sorted(names, key=listed.index)
    for clause in reversed(re.split(r"[.;!?](?:\s|$)", prompt)):
        if not (UNIFORM_WORDS.search(clause) or re.search(r"\border\b", clause, re.I)):
            continue
        pos = {n: first_pos(clause.replace("`", ""), n) for n in names}
        if all(p < len(clause) for p in pos.values()):
            return sorted(names, key=pos.get)
    return names


def first_pos(prompt: str, name: str) -> int:
    m = re.search(r"(?<![\w.])%s(?!\w)" % re.escape(name), prompt)
    return m.start() if m else len(prompt)


def reserved(name: str) -> bool:
    """A word WGSL reserves but does not use (`std`, `target`, `filter`...): a fine name in a prompt, declared
    as `std_v` in the shader."""
    from ..wgsl.lexer import KEYWORDS, RESERVED

    return name in RESERVED and name not in KEYWORDS


def legal(name: str) -> bool:
    from ..wgsl.lexer import KEYWORDS, RESERVED

    return (re.fullmatch(r"[A-Za-z_]\w*", name) is not None and name not in KEYWORDS and name not in RESERVED
            and name not in BUILTINS and name not in ("i", "gid", "main", PARAMS, "Params") and not name.startswith("__"))


# Words an output cue ("to", "into") may stand before that are verbs, not names: "Generate WGSL to compute ..."
VERBS = set("compute calculate apply produce get make write store give return evaluate find generate map turn convert "
            "do perform run be take add multiply divide subtract scale square raise called named".split())


def output_name(prompt: str, taken: set[str]) -> str | None:
    """The name after the prompt's last output cue ("... from x -> y"), a backticked one before plain words ("put the
    quotient in `quot`; no need to guard" is `quot`), or None."""
    best = ticked = None
    for pos, name, tick in mentions(prompt):
        if name in taken or name.lower() in STOP or name.lower() in VERBS or not legal(name) or \
                not tick and (re.match(r"\s*\(", prompt[pos + len(name):]) or  # "write ln(1 + v)": a call, not a name
                              _ALGORITHM.fullmatch(name)):  # "saturated to the int16 range": a format
            continue
        if OUT_CUE.search(prompt[max(0, pos - 24):pos]):
            best = name
            ticked = name if tick else ticked
    return ticked or best


# names of algorithms and formats written in prose, not buffers: "one xorshift32 step", "to rgb565", "as int16"
_ALGORITHM = re.compile(r"(?:xorshift|xoshiro|xoroshiro|splitmix|pcg|crc|sha|md|murmur|fnv|adler|utf|ucs|rgba?|bgra?|argb|"
                        r"u?int|float|fp|bf|log|exp|atan|ieee|base|q)\d+[a-z]?(?:_\d+)?", re.I)
_NAME_LIKE = re.compile(r"`([A-Za-z_]\w*)`|(?<![\w.])([A-Za-z_]\w*)(?=\[)|(?<![\w.`])([A-Za-z]\w*_\w*|[A-Za-z]+\d\w*)"
                        r"(?![\w(`]|\.\w)")  # not `np.sqrt`; a name may end a sentence


def says_in_place(prompt: str) -> bool:
    """Whether the prompt asks for an in-place update ("in place", "in-place", "inplace=True", "in situ", "write it
    back into that same buffer", "y is overwritten")."""
    return _IN_PLACE.search(prompt) is not None


_IN_PLACE = re.compile(r"\bin[- ]?place\b|\bin\s+situ\b|\bsame\s+(?:buffer|array)\b|\boverwrit\w*|"
                       r"\bback\s+(?:in)?to\s+(?:the\s+|that\s+|its\s+)?(?:same|original|input|source)\b", re.I)
_COUNT_WORDS = {"two": 2, "2": 2, "three": 3, "3": 3, "four": 4, "4": 4, "pair of": 2}
# "two 128-element f32 vectors", "AND two arrays", "a pair of frames": that many inputs
_COUNTED = re.compile(r"\b(two|three|four|[234]|pair\s+of)\s+(?:[\w-]+\s+){0,3}?(?:arrays|vectors|buffers|inputs|tensors|"
                      r"images|frames|lists|signals|streams|sequences|operands|columns)\b", re.I)
_INPUTS_LIST = re.compile(r"\binputs\s*(?:are\s+|:\s*)?`?[A-Za-z_]\w*`?(?:\s*,\s*|\s+then\s+|,?\s+and\s+|,\s*then\s+)"
                          r"(?!(?:outputs?|out|results?)\b)`?[A-Za-z_]\w*`?", re.I)


def min_inputs(prompt: str) -> int:
    """How many input buffers the prompt counts outright ("two arrays", "inputs mag then sgn"); 0 when it does not.
    Not "split into two arrays" (outputs)."""
    n = 0
    for m in _COUNTED.finditer(prompt):
        if not re.search(r"(?:into|to|outputs?|write|produce|split|return)\W+(?:\w+\W+)?$", prompt[:m.start()], re.I):
            n = max(n, _COUNT_WORDS.get(re.sub(r"\s+", " ", m.group(1).lower()), 0))
    if _INPUTS_LIST.search(prompt):
        n = max(n, 2)
    return n


def prompt_interface(prompt: str) -> tuple[int, int] | None:
    """(inputs, outputs): how many storage buffers the prompt names, by the identifiers it writes like names
    (in backticks, indexed as `total[0]`, snake_case), told apart by the words around their first mention
    ("into", "->", "write ... to", "store ... in", "result in", `=` after make an output; "in place" makes
    every named buffer an output). Uniform-looking names are left out. None when fewer than two names
    (one for an in-place update) are found: too little to go on."""
    named = prompt_buffers(prompt)
    return None if named is None else (len(named[0]), len(named[1]))


_SIGNATURE = re.compile(r"(?<![\w.`])[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*(?:,?\s+and\s+|\s*,\s*)[A-Za-z_]\w*"
                        r"\s*(?:->|=>|→)\s*[A-Za-z_]\w*(?![\w(])")


# "apply / applied / applying F to x": x is what F reads, although "to" usually names an output
_APPLIED_TO = re.compile(r"\bappl(?:y|ies|ied|ying)\b(?:(?![;:|]|\.(?!\d)|\bto\b).)*\bto\s+(?:the\s+|each\s+|every\s+|all\s+)?"
                         r"(?:\w+\s+){0,2}?(?:array|buffer|input|elements?|values?|entries|of)?\s*`?$", re.I)


def prompt_buffers(prompt: str, min_names: int = 2) -> tuple[list[str], list[str]] | None:
    """The (input, output) buffer names behind `prompt_interface`, each in order of first mention; None
    unless at least `min_names` names and an output are found."""
    from .declared import declared_uniform  # (declared.py reads this module's words)

    uniforms = uniform_names(prompt) | {n for n, _ in declared_uniform(prompt) or []}  # "Two uniforms: `a` and `b`"
    names: list[tuple[int, str]] = []
    found = [(m.start(), next(g for g in m.groups() if g)) for m in _NAME_LIKE.finditer(prompt)]
    listed: set[str] = set()  # "a, b -> out": plain short names (even the letter "a") listed like a signature
    for sig in _SIGNATURE.finditer(prompt):
        for w in re.finditer(r"[A-Za-z_]\w*", sig.group(0)):
            if w.group(0).lower() != "and":
                found.append((sig.start() + w.start(), w.group(0)))
                listed.add(w.group(0))
    for pos, name in sorted(found):
        stop = STOP - {n for n in listed if len(n) == 1}
        if name in uniforms or name in (n for _, n in names) or not legal(name) or name.lower() in stop \
                or re.fullmatch(r"(?:[iu]32|f(?:16|32)|vec\d\w*|mat\d\w*|(?:u?int|float|half)[234]|workgroup_size|\w*_t|L[12])",
                                name, re.I) or prompt[pos] != "`" and (_ALGORITHM.fullmatch(name) or
                                                       re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", name)):  # "MobileNetV3"
            continue
        names.append((pos, name))
    names = [(p, n) for p, n in names if not ((m := re.fullmatch(r"(\w+)_(?:left|right|up|down|north|south|east|west|"
                                                                  r"above|below)", n)) and
                                              re.search(r"(?<![\w.])%s(?![\w(])" % re.escape(m.group(1)), prompt))]
    # "u_left + u_right + u_up + u_down - 4*u": a stencil's neighbours of `u`, not buffers of their own
    if says_in_place(prompt):
        return ([], [names[0][1]]) if len(names) == 1 else None
    ins: list[str] = []
    outs: list[str] = []
    for pos, name in names:
        after = prompt[pos:pos + len(name) + 40].lstrip("`")[len(name):].lstrip("`")
        before = prompt[max(0, pos - 32):pos].rstrip("`")
        cue = OUT_CUE.search(before)
        if cue and re.fullmatch(r"\bto\b.*", cue.group(0).strip(), re.I | re.S) and (
                _APPLIED_TO.search(prompt[max(0, pos - 80):pos].rstrip("`"))  # "apply the sigmoid to x, saving it to y"
                or re.match(r"\[\s*[A-Za-z_]", after)):  # "set each value of out to w[i] & 1023": read
            cue = None
        if cue or re.match(r"(?:\[[^\]]*\])?\s*(?:[-+*/]?=(?![=>])|out\b|\(out(?:put)?\))", after):
            outs.append(name)
        else:
            ins.append(name)
    return (ins, outs) if len(names) >= min_names and outs else None


_PARAM_CUE = re.compile(r"\buniforms?\b|\bparam|\bargument|\bknob|\bsetting|\bconfigurable|\bpassed\b|\bgiven\b|"
                        r"\bcomes? (?:in|from)\b|\bstruct\b|\bvariable\b|\bsupplied\b|\bprovided\b|\bsize[sd]?\b|"
                        r"\bwidth\b|\bheight\b|\brows?\b|\bcols?\b|\bn\b|\b[a-z]\w*\s*=\s*[-\d.]", re.I)
_SHORT_WORDS = set("a i an of to in on by is it be as at or if no so up we me my do go us am vs".split())


def mentions_parameters(prompt: str) -> bool:
    """Whether the prompt may name a scalar parameter (the conventions' uniform): a parameter word ("uniform",
    "given", "passed", sizes, `k = 2`) or an identifier that is not one of its buffers (backticked, snake_case,
    with a digit, or a one-or-two-letter name like `p` or `tr`). False for plain requests ("make the picture
    black and white"), whose shaders take no uniform."""
    if _PARAM_CUE.search(prompt):
        return True
    named = prompt_buffers(prompt, min_names=1) or ([], [])
    buffers = set(named[0]) | set(named[1])
    for m in re.finditer(r"`([A-Za-z_]\w*)`|(?<![\w.])([A-Za-z_]\w*)(?![\w(])", prompt):
        w = m.group(1) or m.group(2)
        if w not in buffers and (m.group(1) or "_" in w or len(w) <= 2 and w.islower() and w not in _SHORT_WORDS
                                 or re.search(r"\d", w) and not re.fullmatch(r"[uif]\d+|\d*d", w)):
            return True
    return False


def fits_interface(code: str, want: tuple[int, int]) -> bool:
    """`code` does not contradict `prompt_interface`'s (inputs, outputs): the same number of read_write
    buffers, and at least as many read buffers as the prompt names inputs (so not in place when it names
    one; more are allowed: a name the prompt does not write like a name is not counted)."""
    acc = [a.rstrip(">") for _, a, _, _ in interface(code)[0]]
    reads, writes = sum(a.endswith(",read") for a in acc), sum(a.endswith(",read_write") for a in acc)
    return writes == want[1] and reads >= want[0]
