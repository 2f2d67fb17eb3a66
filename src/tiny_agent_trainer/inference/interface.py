"""The interface check of the reranked pool: what the prompt's words say about a shader's buffers and
uniform (the kernel conventions: inputs `read`, outputs `read_write`, an in-place buffer is an output only,
at most one uniform of the parameters the prompt mentions), applied to the pool members as filters.

- `output_rewrite(prompt, code)`: the model's in-place answer rewritten to write a separate output
  (`wgsl.names.separate_output`) when the prompt does not ask for an in-place update: into the one output
  it names, or, when it names none and has no word of updating in place, into a new buffer `out`.
- `fitting(prompt, codes)`: the indices of the members that no rule rejects. Each rule is skipped
  where it would reject every member:
  1. the number of outputs the prompt names (`prompt_words.prompt_interface`), and at least as many inputs
     as it names (`hit[i] = 1.0 where scores[i] > cutoffs[i]` reads two buffers);
  2. "in place": members that read a buffer they write (`wgsl.names.reads_an_output`);
  3. no word of updating in place (`may_update_in_place`): members that do not read what they write;
  4. no parameter mentioned (`prompt_words.mentions_parameters`): members without a uniform;
  5. k names the prompt calls uniforms ("lo and hi are uniforms"): members whose uniform struct has at
     least k fields (not `clamp(x, p.lo, p.lo)` from a struct that forgot `hi`);
  6. a one-element result (a buffer the prompt writes only as `total[0]`): members that store to an
     element 0 (`out[0] = ...`, `atomicAdd(&out[0], ...)`), not to every element, and to no other element of it;
  7. no word of integers (`speaks_of_integers`: "u32", "unsigned", "bits", "count", "histogram", `^`,
     `<<`, "odd"...): members without integer storage arrays, since the conventions make elements `f32`
     unless the description speaks of integers, counts, bits or indices (the caller adds each integer
     member retyped to `f32`, `fixes.as_float`, so the model's "larger of a[i] and b[i]" in `u32` survives
     as its `f32` twin);
  8. a parameter word ("parameter", "params", "uniform"; `says_uniform`): members with a uniform. (Rule 4
     reads "no parameter" from a wider net of words, `prompt_words.mentions_parameters`; this one needs the word.);
  9. "atomic" (not "without atomics"; `says_atomic`): members that declare an atomic array (`array<atomic<..>>`,
     in storage or workgroup memory);
 10. one result per element ("for each body compute energy", "per pixel", "elementwise", "one ... per ...";
     `says_elementwise`) and no word of a reduction, a scan, a count or a single value: members that do not
     store to an element 0 (not the reduction that sums 0.5 * m * v^2 over every body into `energy[0]`);
 11. colours ("rgb", "rgba", "colour(s)", "chromatic", "r, g, b"; `says_colour`) and no word of integers, or
     `vec4<f32>` / "float4" / "xyz ... w" in the words (particles, normals):
     members that declare an `array<vec4<f32>>` (the conventions' colour type; not a float kernel that
     reads the formula "c / (1 + c)" as one channel).
 12. a uniform the prompt declares outright ("uniform fields: step (u32), ring_size (u32)"; `declared.py`): members
     whose uniform struct has every declared field, with the declared type where the prompt writes one;
 13. buffers whose access the prompt writes next to their names ("gain_db (f32, read) -> gain_amp (f32, write)",
     "`src` is read-only"; `declared.declared_buffers`): members that declare each with that access (and type).
 14. inputs counted outright ("AND two arrays", "inputs mag then sgn"; `prompt_words.min_inputs`): members with that
     many storage buffers, plus one for the output unless the update is in place (nineteenth session);
 15. words that name one operator (`word_operators`): "AND" / "XOR" / "shift ... left" need `&` / `^` / `<<`; the
     maximum (minimum) of a reduction needs `max(` (`min(`), "the largest value" no `abs(`, an argmin / argmax the
     comparison the right way round; a mean without words of maxima has no `max(`; a sum without words of means does
     not divide by the count; a reduced "sum of their squares" squares something (`v * v`, `pow(`, `dot(`; twentieth
     session); a byte swap ("byte-swap", "endianness") shifts by 24 bits;
 16. border cells written apart ("boundary cells are copied unchanged", "pixels on the border get 0") and no word
     of clamping or wrapping: members that test for the border (`== 0u`, `== w - 1u`...), not a clamped stencil;
     "wrap around" / "toroidal" on a grid: members that use `%`; a flip "left to right" ("upside down") on a grid:
     members that reflect the column (row) index (`w - 1u - x`);
 17. a piecewise rule in words ("... when |d| < 1, otherwise ..."): members that branch (`select`, `if`, `step`,
     `min`/`max`/`clamp`...); "saturate" / "clamp" / "clip" (not "no clamping"): members with `clamp`/`min`/`max`.

This module does NOT score, validate or decode (see `api.py`, `rerank.py`); it reads prompts and
shader text only.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..wgsl.names import interface, reads_an_output, separate_output, stores_to_element_0, uses_uniform
from .border import BORDER_TEST, border_value
from .declared import declared_buffers, declared_uniform, has_buffers, matches
from .prompt_words import (fits_interface, mentions_parameters, min_inputs, prompt_buffers, prompt_interface,
                           says_in_place, uniform_names)

DEFAULT_OUTPUTS = ("out", "result", "dst")  # a new output's name when the prompt names none (first one unused)

# Words of updating a buffer in place, beyond "in place" itself: a prompt with none of them asks for a
# separate output (an in-place answer reads the buffer it writes).
_UPDATE_CUE = re.compile(
    r"\bin[- ]?place\b|\bin situ\b|\bmodif|\bupdat|\bmutat|\bdirectly\b|\bitself\b|\bback (?:in)?to\b|"
    r"\baccumulat|\bbump|\bexisting\b|\bsame (?:buffer|array)\b|[-+*/%|&^]=|<<=|>>=|\+\+|--|"
    r"\b(?:without|no|not)\s+(?:a\s+|an\s+|any\s+)?(?:second|extra|separate|another|other|new)\s+(?:output\s+)?(?:buffer|array)|"
    r"\b(?:written|writ\w*|wrti\w*|stored|saved|placed|kept|stores?|saves?|puts?)\s+(?:it\s+|them\s+|the\s+\w+\s+)?(?:back|over)\b|"
    r"\bover\s+(?:the\s+|its\s+)?(?:originals?|old\s+values?|inputs?|existing)\b|\bback\s+in\b|\bonto\b|\breus\w*|"
    r"\brunning\s+totals?\b|\bincrements?\b|,\s*out\s*=\s*[A-Za-z_]\w*\s*\)|\boverw\w*|\bas\s+both\b|"
    r"\bboth\s+(?:the\s+)?input\s+and\s+(?:the\s+)?output\b|"
    r"\b(?:without|no)\s+(?:allocating\s+|using\s+|creating\s+)?(?:an?\s+)?(?:separate\s+|extra\s+|new\s+)?output\b",
    re.I)
# An assignment whose target is read on its right-hand side: "x[i] = -x[i]", "arr = arr * 2.75", "y[i] is y[i] plus
# x[i]", "y + src -> y" (an update in place written as a formula).
_ASSIGNED = re.compile(r"(?<![\w.])`?([A-Za-z_]\w*)`?\s*(\[[^\]]*\])?\s*(?:=(?!=)|:=|\bbecomes\b|<-|\bis\b)\s*([^.;\n]*)")
_ARROW_INTO = re.compile(r"([^.;\n]*?)\s*(?:->|=>)\s*`?([A-Za-z_]\w*)`?")


def assigns_itself(prompt: str) -> bool:
    """Whether the prompt writes an update of a buffer by a formula that reads it ("x[i] = -x[i]",
    "arr = arr * 2.75", "y + src -> y"); for "is", only an indexed target ("y[i] is y[i] plus x[i]")."""
    for m in _ASSIGNED.finditer(prompt):
        name, index, rhs = m.groups()
        if (index or not m.group(0)[len(name):].lstrip("` ").startswith("is")) and \
                re.search(r"(?<![\w.])%s(?!\w)" % re.escape(name), rhs):
            return True
    return any(re.search(r"(?<![\w.])%s(?!\w)" % re.escape(m.group(2)), m.group(1)) for m in _ARROW_INTO.finditer(prompt))


# Words and symbols by which a description speaks of integers, counts, bits or indices (the conventions'
# exceptions to `f32` elements); "for every index" does not count, "an index buffer" and "indices" do.
_INTEGER_CUE = re.compile(
    r"\b(?:[ui](?:8|16|32|64)|uints?|ints?|integers?|integral|whole numbers?|unsigned|signed|counts?|counting|"
    r"counters?|tall(?:y|ies|ying|ied)|occurrences?|\w*bits?|bitwise|bitmasks?|bitfields?|indices|indexes|"
    r"index\s+(?:buffer|array|list|map)s?|ids?|labels?|histograms?|bins?|buckets?|atomic\w*|xor\w*|"
    r"(?-i:AND|OR|NOT|NAND|NOR)|popcount|parity|odd|even|packed|pack|unpack|hash\w*|words?|bytes?|nibbles?|"
    r"mod|modulo|shift\w*|rotat\w*|rot[lr]|flags?|booleans?|bools?|binary|hex\w*|0x[0-9a-f]+|ascii|chars?|"
    r"characters?|increment\w*|decrement\w*|keys?|seeds?|rng|pcg|lcg|random|cipher\w*|keystream|"
    r"(?:leading|trailing)\s+(?:zero|one)s?|\d+u|mask\w*\s+(?:by|with)|saturating|underflow|overflow|u?int(?:8|16|32|64)|"
    r"clz|ctz|count(?:leading|trailing|one)\w*|first(?:leading|trailing)bit|reversebits)\b|"
    r"\+\+|--|[\^&|~]|<<|>>", re.I)


def speaks_of_integers(prompt: str) -> bool:
    """Whether the prompt has a word or symbol of integers, counts, bits or indices (`_INTEGER_CUE`); without
    one the conventions make every element `f32`."""
    return _INTEGER_CUE.search(prompt) is not None


_UNIFORM_SAID = re.compile(r"\b(?:parameters?|params|uniforms?)\b", re.I)


def says_uniform(prompt: str) -> bool:
    """Whether the prompt calls something a parameter or uniform (in the training data, every such prompt's
    shader has a uniform)."""
    return _UNIFORM_SAID.search(_NOT_A_UNIFORM.sub(" ", prompt)) is not None


_NOT_A_UNIFORM = re.compile(r"\b(?:dynamic\s+)?uniform[- ]buffer\s+(?:offsets?|alignment)|\b(?:dynamic\s+)?uniform[- ]buffer"
                            r"(?=\s+offset)|\buniform-buffer\s+offset\s+alignment", re.I)  # "(uniform-buffer offset alignment)"


_ATOMIC_SAID = re.compile(r"\batomic", re.I)
_ATOMIC_DENIED = re.compile(r"\b(?:without|no|not|avoid\w*|never)\s+(?:\w+\s+)?atomic", re.I)


def says_atomic(prompt: str) -> bool:
    """Whether the prompt asks for atomics ("with an atomic max", "atomicAdd"), not "without atomics"."""
    return _ATOMIC_SAID.search(prompt) is not None and _ATOMIC_DENIED.search(prompt) is None


# One result per element ("for each body compute ...", "per pixel", "elementwise", "one energy per body")...
_EACH_CUE = re.compile(r"\b(?:for|to|on|of|in)\s+(?:each|every)\s+(?!of\b)\w+|\bper[- ](?!cent)\w+|"
                       r"\belement[- ]?wise\b|\beach\s+element\b|\bone\s+\w+\s+(?:per|for each)\b", re.I)
# ... and no word of a reduction, scan, count or single result.
_REDUCE_CUE = re.compile(
    r"\[0u?\]|\b(?:sums?|summ\w*|totals?|reduc\w*|mean|average|avg|min(?:imum)?|max(?:imum)?|largest|smallest|"
    r"biggest|argmax|argmin|norm|dot|counts?|count\w*|prefix|scan|cumulative|running|inclusive|exclusive|single|"
    r"workgroup|shared|histogram|bins?|tally|variance|std|deviation|product|all of|over all|"
    r"across|whole|entire|any|atomic\w*|how many|number of)\b", re.I)


def says_elementwise(prompt: str) -> bool:
    """Whether the prompt asks for one result per element ("for each body", "per pixel", "elementwise") and
    has no word of a reduction, scan, count or single value (in the 2.1 data, no such prompt's shader stores
    to an element 0: 0 of 39,260 pairs)."""
    return _EACH_CUE.search(prompt) is not None and _REDUCE_CUE.search(prompt) is None


_COLOUR_CUE = re.compile(r"\b(?:rgba?|colou?rs?|chromatic)\b|\br,\s*g,?\s*(?:and\s+|or\s+)?b\b", re.I)


def says_colour(prompt: str) -> bool:
    """Whether the prompt speaks of colours ("rgba", "colours", "each of r, g, b") and not of integers (packed
    bytes): then its shader reads or writes `array<vec4<f32>>` (true of all 17,511 such pairs of the 2.1 data)."""
    return _COLOUR_CUE.search(prompt) is not None and not speaks_of_integers(prompt)


def integer_storage(code: str) -> bool:
    """Whether `code` declares a storage array of integers (`array<u32>`, `array<vec2<i32>>`, atomics)."""
    return any(re.search(r"array<(?:atomic<|vec[234]<)?[ui]32", t) for _, space, _, t in interface(code)[0]
               if space.startswith("<storage"))


_ELEMENT_0 = re.compile(r"`?([A-Za-z_]\w*)`?\[0u?\]")


_BIT_WORDS = [  # (words of the prompt, the operator the shader must use)
    (re.compile(r"\bAND\b|\bbitwise[- ]and\b|\band\s+mask\b"), re.compile(r"[^&]&[^&]")),  # "AND", not "and"
    (re.compile(r"\bXOR\b|\bxor\b|\bexclusive[- ]or\b"), re.compile(r"\^")),
    (re.compile(r"\bleft[- ]shift|\bshift\w*\s+(?:\w+\s+){0,4}?left\b|<<", re.I), re.compile(r"<<")),
    (re.compile(r"\bright[- ]shift|\bshift\w*\s+(?:\w+\s+){0,4}?right\b|>>", re.I), re.compile(r">>")),
]
_MAX_WORDS = re.compile(r"\b(?:max(?:imum)?|largest|biggest|highest|peak)\b", re.I)
_MIN_WORDS = re.compile(r"\b(?:min(?:imum)?|smallest|lowest|fastest|cheapest)\b", re.I)
_SUM_WORDS = re.compile(r"\b(?:sum|add\s+up|adds\s+up|total)\b", re.I)
_MEAN_WORDS = re.compile(r"\b(?:mean|average|averag\w+|avg\w*|normali[sz]\w*|divid\w*|rms|variance|std)\b", re.I)
_OTHER_OPS = re.compile(r"\b(?:clamp\w*|clip\w*|relu\w*|saturat\w*|limit\w*|bound\w*|argmax|argmin|index|indices|"
                        r"scan|prefix|histogram|count\w*|sort\w*)\b", re.I)


def word_operators(prompt: str) -> list[Callable[[str], bool]]:
    """Rules 15-17 of the module docstring, from words that name one operation: "AND"/"XOR"/"shift left" (the shader
    uses `&`, `^`, `<<`), the maximum or minimum of a reduction (`max(` / `min(`; "the largest value" no `abs(`; an
    argmin or argmax compares the values the way round the words say), a mean or an average pooling without words of
    maxima (no `max(`), a sum without words of means (no division by the count), a sum of squares (a square, `pow(` or
    `dot(`), a flip along one axis, border cells
    written apart, wrap-around, a piecewise rule, a clamp."""
    rules: list[Callable[[str], bool]] = []
    for words, op in _BIT_WORDS:
        if words.search(prompt):
            rules.append(lambda c, op=op: op.search(re.sub(r"(?<=[(,])\s*&|&&", " ", c)) is not None)  # not `(&x`
    other = _OTHER_OPS.search(prompt) is not None
    mx, mn = _MAX_WORDS.search(prompt) is not None, _MIN_WORDS.search(prompt) is not None
    sm, mean = _SUM_WORDS.search(prompt) is not None, _MEAN_WORDS.search(prompt) is not None
    reduce = one_element_results(prompt) or re.search(r"\b(?:reduc\w*|workgroup|single\s+(?:number|value))\b", prompt, re.I)
    if reduce and not other and not sm and not mean and mx != mn:
        rules.append(lambda c: re.search(r"\bmax\(" if mx else r"\bmin\(", c) is not None)
    if reduce and mx and not mn and not re.search(r"\babs\w*|\bmagnitude|\bloud\w*|\bpeak|\bamplitude|\|", prompt, re.I):
        rules.append(lambda c: "abs(" not in c)  # "the largest value": not the largest magnitude
    index = re.search(r"\bindex\b|\bindices\b|\barg(?:min|max)\b|\bwhich\b|\bbin\b|\bposition\b", prompt, re.I)
    if index and reduce and mx != mn:  # argmin / argmax: the values compared the way round the words say
        wrong, right = (r"\]\s*<\s*[A-Za-z_]", r"\]\s*>\s*[A-Za-z_]") if mx else (r"\]\s*>\s*[A-Za-z_]", r"\]\s*<\s*[A-Za-z_]")
        rules.append(lambda c: not (re.search(wrong, c) and not re.search(right, c)))
    if mean and not mx and not mn and not other:
        rules.append(lambda c: re.search(r"\b(?:max|min)\(", c) is None)
    if reduce and sm and not mean and not mx and not mn and not other:
        rules.append(lambda c: re.search(r"/\s*f32\(\s*(?:n|N|arrayLength|len|count)\b", c) is None)
    if re.search(r"\bbyte[- ]?swap\w*|\bbswap\b|\bendian", prompt, re.I):  # a byte swap moves a byte by 24 bits
        rules.append(lambda c: re.search(r"(?:<<|>>)\s*\(?\s*24u?\b|\bbitcast|\bpack4x8|\bunpack4x8", c) is not None)
    if reduce and sm and re.search(r"\bsum\s+of\s+(?:the\s+|their\s+|its\s+)?squares?\b|\bsquared\b", prompt, re.I):
        rules.append(lambda c: _SQUARE.search(c) is not None)  # "the sum of their squares": a square is summed
    if re.search(r"\b(?:flip\w*|mirror\w*)\b", prompt, re.I) and _grid_words(prompt):
        horizontal = re.search(r"\bhorizontal\w*|\bleft\W*(?:to\W*|<->\W*)?right\b|\bvertical\s+axis\b", prompt, re.I)
        vertical = re.search(r"\bupside\s+down\b|\bvertically\b|\bhorizontal\s+axis\b|\btop\s+(?:row\s+)?"
                             r"(?:to|ends\s+up\s+at|becomes)\b", prompt, re.I)
        if bool(horizontal) != bool(vertical):  # "mirror left to right": the column index is reflected
            axis = r"(?:x|col|c|gid\.x|ix|px)" if horizontal else r"(?:y|row|r|gid\.y|iy|py)"
            rules.append(lambda c, a=axis: re.search(r"-\s*1u?\s*-\s*%s\b|-\s*%s\s*-\s*1u?\b" % (a, a), c) is not None)
    if border_value(prompt) is not None:
        rules.append(lambda c: BORDER_TEST.search(c) is not None)  # "boundary cells are copied unchanged"
    if re.search(r"\bwrap\w*\s+around|\btor(?:us|oidal)\b|\bperiodic\b", prompt, re.I) and _grid_words(prompt):
        rules.append(lambda c: "%" in c)  # "neighbours wrap around the edges"
    if re.search(r"\b(?:when|if|for|where|inside|below|above)\b", prompt, re.I) and \
            re.search(r"\b(?:otherwise|else)\b", prompt, re.I):
        rules.append(lambda c: _BRANCHES.search(c) is not None)  # a piecewise rule: "0.5*d*d when |d| < 1, otherwise"
    if re.search(r"(?<!\bno\s)(?<!\bnot\s)(?<!\bwithout\s)(?<!n't\s)(?<!\bnever\s)\b(?:saturat\w*|clamp\w*|clip\w*)", prompt,
                 re.I):  # not "don't clamp"
        rules.append(lambda c: re.search(r"\b(?:clamp|min|max|saturate|smoothstep)\(", c) is not None)
    return rules


_SQUARE = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*(?:\[[^\]]*\])?)\s*\*\s*\1(?![\w\[])|\bpow\(|\bdot\(")
_BRANCHES = re.compile(r"\b(?:select|step|min|max|clamp|sign|abs|smoothstep)\(|\bif\s*\((?![^)]*arrayLength)|\?")


def _grid_words(prompt: str) -> bool:
    return re.search(r"\b(?:grid|width|height|rows?|cols?|columns?|2d|image|pixels?|cells?)\b", prompt, re.I) is not None


def one_element_results(prompt: str) -> set[str]:
    """Outputs the prompt only ever writes indexed by 0 (`-> max_val[0]`, not also `offsets[i]`, not an input
    like `x[0]`): single results."""
    buffers = prompt_buffers(prompt, min_names=1)
    names = {m.group(1) for m in _ELEMENT_0.finditer(prompt)} & set(buffers[1] if buffers else ())
    return {n for n in names if not re.search(r"(?<!\w)`?%s`?\[(?!0u?\])" % re.escape(n), prompt)}


def may_update_in_place(prompt: str) -> bool:
    """Whether the prompt has any word of an in-place update ("in place", "modify", "overwrite", "+=",
    "without a second buffer"...); False means it asks for a separate output."""
    return _UPDATE_CUE.search(prompt) is not None or assigns_itself(prompt)


def output_rewrite(prompt: str, code: str) -> tuple[str | None, bool]:
    """(`code` rewritten to write a separate output, whether the output's name comes from the prompt), or
    (None, False) when the prompt asks for in place, names several outputs, or `code` is not a plain
    in-place map (`separate_output`'s conditions)."""
    if says_in_place(prompt):
        return None, False
    wanted = prompt_buffers(prompt, min_names=1)
    if wanted is not None:
        return (separate_output(code, wanted[1][0]), True) if len(wanted[1]) == 1 else (None, False)
    if may_update_in_place(prompt):
        return None, False
    for name in DEFAULT_OUTPUTS:
        var = separate_output(code, name)
        if var is not None:
            return var, False
    return None, False


def fitting(prompt: str, codes: Sequence[str]) -> list[int]:
    """Indices of the members of `codes` that the prompt's interface does not contradict (rules above)."""
    keep = list(range(len(codes)))
    rules: list[Callable[[str], bool]] = []
    want = prompt_interface(prompt)
    if want is not None:
        rules.append(lambda c: fits_interface(c, want))
    wanted = min_inputs(prompt)
    if wanted:  # "two arrays": as many storage buffers read, plus an output unless updated in place
        least = wanted + (0 if says_in_place(prompt) else 1)
        rules.append(lambda c: sum(1 for b in interface(c)[0] if "storage" in b[1]) >= least)
    if says_in_place(prompt):
        rules.append(reads_an_output)
    elif not may_update_in_place(prompt):
        rules.append(lambda c: not reads_an_output(c))
    if not mentions_parameters(prompt):
        rules.append(lambda c: not uses_uniform(c))
    elif says_uniform(prompt):
        rules.append(uses_uniform)
    fields = declared_uniform(prompt)
    named = uniform_names(_NOT_A_UNIFORM.sub(" ", prompt)) if not fields else {n for n, _ in fields}
    # not "the coefficients" of a listed uniform, nor "dynamic" of "align dynamic uniform buffer offsets"
    if named:
        rules.append(lambda c: len(interface(c)[1]) >= len(named))
    singles = one_element_results(prompt)
    if singles:
        rules.append(stores_to_element_0)  # and to no other element of those buffers ("peak[t] = acc" of every thread)
        rules.append(lambda c: not any(re.search(r"(?<![\w.])%s\s*\[\s*(?!0u?\s*\])[^\]]+\]\s*=(?!=)" % re.escape(n), c)
                                       for n in singles))
    if not speaks_of_integers(prompt):
        rules.append(lambda c: not integer_storage(c))
    if says_atomic(prompt):
        rules.append(lambda c: re.search(r"array\s*<\s*atomic\s*<", c) is not None)
    if says_elementwise(prompt):
        rules.append(lambda c: not stores_to_element_0(c))
    if says_colour(prompt) or re.search(r"\bvec4\s*<\s*f32|\bvec4f\b|\bfloat4\b|\.?xyz\b[^.;]*\bw\b", prompt):
        rules.append(lambda c: re.search(r"array\s*<\s*vec4\s*<\s*f32\s*>\s*>", c) is not None)
    rules += word_operators(prompt)
    if fields:
        rules.append(lambda c: matches(c, fields))
    buffers = declared_buffers(prompt)
    if buffers:
        rules.append(lambda c: has_buffers(c, buffers))
    for ok in rules:
        keep = [i for i in keep if ok(codes[i])] or keep
    return keep
