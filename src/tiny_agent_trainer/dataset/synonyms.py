"""Meaning-preserving word and phrase substitutions for synthetic prompts ("element-wise" ->
"pointwise", "array" -> "buffer", "Compute" -> "Work out", "grayscale" -> "greyscale"...), so that
a model trained on generated prompts meets the many ways people name the same thing.

`substitute(text, names, rng, p)` replaces each matching phrase with probability `p` by one of its
alternatives. Rules are matched on the original text in one pass (a replacement is never rewritten
again), a match that touches a protected name (a buffer, field or constant of the shader) is left
alone, an alternative that would mention such a name is never chosen, and no rule adds or removes a
number, so names stay copyable and their order of first mention is unchanged.
This module does NOT decide when to substitute (see `augment.py`) and never edits code.
"""
from __future__ import annotations

import random
import re

# (pattern, alternatives). Patterns are case-insensitive; the case of a match's first letter is kept.
_RULES: list[tuple[str, list[str]]] = [
    (r"element[- ]?wise", ["element-wise", "elementwise", "pointwise", "per element", "component-wise", "entrywise",
                           "per-element"]),
    (r"element by element", ["element by element", "entry by entry", "per element", "one element at a time",
                             "pointwise", "index by index"]),
    (r"(?:each|every) (?:element|entry|value|item)", ["each element", "every element", "each entry", "every entry",
                                                        "each value", "every value", "each item", "every item"]),
    (r"elements", ["elements", "entries", "values", "items"]),
    (r"arrays", ["arrays", "buffers", "vectors"]),
    (r"array(?![<\w])", ["array", "buffer", "vector", "list"]),
    (r"(?<!uniform )(?<!storage )buffers", ["buffers", "arrays", "storage buffers"]),
    (r"(?<!uniform )(?<!storage )buffer(?![\w-])", ["buffer", "array", "storage buffer"]),
    (r"(?:compute shader|compute kernel|wgsl kernel|shader|kernel)(?![\w-])",
     ["shader", "kernel", "compute shader", "compute kernel", "WGSL shader", "WGSL kernel"]),
    (r"(?:write|make|create|generate|build)(?= (?:a|an|me a) )", ["write", "make", "create", "generate", "build",
                                                                   "produce"]),
    (r"(?:compute|calculate)(?! shader| kernel| pass| capability)(?=[ :] ?\w)", ["compute", "calculate", "work out",
                                                                                 "find", "evaluate", "get"]),
    (r"(?:computes|calculates)", ["computes", "calculates", "evaluates", "works out", "finds"]),
    (r"(?:computing|calculating)", ["computing", "calculating", "evaluating", "working out"]),
    (r"the result", ["the result", "the output", "the answer", "the results"]),
    (r"(?:storing|saving|putting)(?= (?:it|the result) in )", ["storing", "putting", "saving", "placing"]),
    (r"writing (?:into|to)", ["writing into", "writing to", "storing into", "putting it in", "saving to"]),
    (r"in[- ]place", ["in place", "in-place", "in place, overwriting it", "in place (no separate output)",
                      "directly in place"]),
    (r"multiplied by", ["multiplied by", "scaled by", "times"]),
    (r"divided by", ["divided by", "over"]),
    (r"the sum of", ["the sum of", "the total of"]),
    (r"absolute value", ["absolute value", "magnitude", "abs value"]),
    (r"unsigned integers", ["unsigned integers", "unsigned ints", "uints", "u32 values"]),
    (r"unsigned integer", ["unsigned integer", "unsigned int", "uint", "u32"]),
    (r"signed integers", ["signed integers", "signed ints", "i32 values"]),
    (r"(?<!un)signed integer", ["signed integer", "signed int", "i32"]),
    (r"(?<!un)(?<!signed )integers", ["integers", "ints", "whole numbers"]),
    (r"floats", ["floats", "f32 values", "floating-point values", "float values"]),
    (r"images(?![\w-])", ["images", "pictures", "frames", "textures", "bitmaps"]),
    (r"image(?![\w-])", ["image", "picture", "frame", "texture", "bitmap"]),
    (r"pixels", ["pixels", "texels"]),
    (r"pixel(?![\w-])", ["pixel", "texel"]),
    (r"colou?rs", ["colors", "colours"]),
    (r"colou?r(?![\w-])", ["color", "colour"]),
    (r"gr[ae]yscale", ["grayscale", "greyscale", "black and white", "monochrome", "gray", "grey"]),
    (r"gr[ae]y(?![\w-])", ["gray", "grey"]),
    (r"matrix(?![\w-])", ["matrix", "grid"]),
    (r"number of", ["number of", "count of"]),
    (r"i need(?= a | an )", ["I need", "I want", "I'd like", "I require"]),
    (r"on the gpu", ["on the GPU", "on the graphics card", "with WebGPU", "in a compute pass"]),
    (r"(?<!uniform )parameters", ["parameters", "params", "arguments"]),
    (r"uniform parameters", ["uniform parameters", "uniforms", "uniform params", "uniform values"]),
    (r"uniform parameter", ["uniform parameter", "uniform", "uniform param", "uniform value", "uniform scalar"]),
    (r"(?<!uniform )parameter(?![\w-])", ["parameter", "param", "argument"]),
    (r"maximum", ["maximum", "max"]),
    (r"minimum", ["minimum", "min"]),
    (r"to the power of", ["to the power of", "to the power", "to the exponent"]),
    (r"the input(?![\w-])", ["the input", "the source"]),
    (r"output buffer", ["output buffer", "destination buffer", "result buffer", "output array", "output"]),
    (r"input buffer", ["input buffer", "source buffer", "input array", "input"]),
    (r"set to zero", ["set to zero", "zeroed", "replaced by zero"]),
    (r"(?:every|each) index", ["every index", "each index", "each position", "every position", "each i"]),
    (r"the smaller of", ["the smaller of", "the lesser of", "the min of"]),
    (r"the larger of", ["the larger of", "the greater of", "the bigger of", "the max of"]),
    (r"add up", ["add up", "sum up", "total"]),
]
_COMPILED = [(re.compile(r"(?<![\w`\[])" + pat + r"(?![\w`])", re.I), alts) for pat, alts in _RULES]
_WORD = re.compile(r"[A-Za-z_]\w*")
_DIGIT = re.compile(r"\d")


def _case(src: str, alt: str) -> str:
    """`alt` with the first letter's case of `src` (all-caps words such as "WGSL" keep their case)."""
    if src[:1].isupper() and alt[:1].islower():
        return alt[:1].upper() + alt[1:]
    if src[:1].islower() and alt[:1].isupper() and not alt.split(" ")[0].isupper() and alt[:2] != "I'" and alt != "I":
        return alt[:1].lower() + alt[1:]
    return alt


def substitute(text: str, names: set[str], rng: random.Random, p: float = 0.5) -> str:
    """`text` with each rule match replaced, with probability `p`, by another way to say it."""
    low_names = {n.lower() for n in names}
    spans: list[tuple[int, int, list[str]]] = []
    taken = [False] * (len(text) + 1)
    for pat, alts in _COMPILED:
        for m in pat.finditer(text):
            a, b = m.span()
            if any(taken[a:b]):
                continue
            if any(w.lower() in low_names for w in _WORD.findall(m.group(0))):
                continue
            spans.append((a, b, alts))
            for k in range(a, b):
                taken[k] = True
    out, last = [], 0
    for a, b, alts in sorted(spans):
        src = text[a:b]
        out.append(text[last:a])
        ok = [t for t in alts if not any(w.lower() in low_names for w in _WORD.findall(t)) and not _DIGIT.search(t)]
        if ok and rng.random() < p:
            out.append(_case(src, rng.choice(ok)))
        else:
            out.append(src)
        last = b
    out.append(text[last:])
    return "".join(out)
