"""Names and numbers shared by the synthetic task families: pools of buffer and parameter names,
WGSL literals copied from prompt numbers, and small English helpers (verb inflection, articles).

Every name here is used verbatim in BOTH the prompt and the WGSL code, so pools contain only
identifiers that are legal in WGSL (no reserved words such as `filter`, `target`, `type`; no
builtin function names such as `step`, `min`, `select`) and never `i`, `gid`, `params`, `main`,
`tile`, `row`, `col`. `tests/test_dataset_families.py` compiles every pool entry.
This module does NOT build shaders or prompts (see `core.py`, `phrasing.py`).
"""
from __future__ import annotations

import random
import re

# ------------------------------------------------------------------ buffer names
F_IN = ["x", "a", "input", "src", "values", "data", "v", "inp", "signal", "samples", "xs", "in_data",
        "source", "arr", "vals", "numbers", "u", "activations", "logits", "field"]
F_PAIRS = [("a", "b"), ("x", "y"), ("lhs", "rhs"), ("u", "v"), ("p", "q"), ("first", "second"),
           ("left", "right"), ("src0", "src1"), ("in_a", "in_b"), ("xs", "ys"), ("m", "n"), ("s", "t")]
F_OUT = ["out", "output", "result", "dst", "res", "out_data", "dest", "z", "outputs", "ret"]
C_IN = ["pixels", "img", "image", "colors", "src", "rgba", "frame", "texels", "col_in", "photo"]
C_PAIRS = [("a", "b"), ("img_a", "img_b"), ("front", "back"), ("src", "overlay"), ("base", "layer"),
           ("fg", "bg"), ("first", "second")]
C_OUT = ["out", "result", "dst", "out_img", "output", "out_pixels", "blended"]
U_IN = ["x", "values", "bits", "words", "keys", "data", "flags", "ids", "codes", "nums"]
U_PAIRS = [("a", "b"), ("x", "y"), ("lhs", "rhs"), ("keys", "masks"), ("words", "mask_words")]
U_OUT = ["out", "result", "dst", "output", "res"]
M_IN = ["a", "m", "mat", "matrix", "src", "input", "grid", "img"]
M_PAIRS = [("a", "b"), ("lhs", "rhs"), ("x", "w"), ("m1", "m2")]

# ------------------------------------------------------------------ parameter (uniform field) names
P_SCALE = ["k", "scale", "factor", "gain", "s", "mult", "c", "multiplier"]
P_BIAS = ["bias", "offset", "b", "shift", "delta", "c"]
P_THRESH = ["threshold", "t", "thresh", "cutoff", "limit", "level"]
P_RANGE = [("lo", "hi"), ("min_val", "max_val"), ("lower", "upper"), ("low", "high"), ("vmin", "vmax"),
           ("floor_val", "ceil_val")]
P_T = ["t", "alpha", "w", "weight", "amount", "blend", "mix_t"]
P_ALPHA = ["alpha", "slope", "negative_slope", "leak", "a"]
P_POW = ["p", "exponent", "e", "power", "gamma"]
P_EDGE = ["edge", "threshold", "t", "e"]
P_SHIFT = ["k", "shift", "n", "amount", "bits"]
P_MASK = ["mask", "m", "key", "pattern"]
P_SIZE2 = [("width", "height"), ("w", "h"), ("ncols", "nrows"), ("nx", "ny")]

RESERVED = {"i", "gid", "params", "main", "tile", "row", "col", "Params", "filter", "target", "type", "set"}


def pick(rng: random.Random, pool, avoid=()) -> str:
    """A random entry of `pool` not in `avoid` (names must never clash inside one task)."""
    cands = [p for p in pool if p not in avoid and (not isinstance(p, tuple) or not set(p) & set(avoid))]
    return rng.choice(cands)


# ------------------------------------------------------------------ numbers
def f32_lit(text: str) -> str:
    """WGSL float literal for a number written in a prompt: the prompt's digits, copied.

    `3` -> `3.0`, `0.25` -> `0.25`, `1e-3` -> `1e-3`, `-2` -> `-2.0`.
    """
    t = text.strip()
    if re.fullmatch(r"-?\d+", t):
        return t + ".0"
    if t.startswith("."):
        return "0" + t
    return t


def u32_lit(text: str) -> str:
    """WGSL u32 literal for a prompt number (`255` -> `255u`, `0xFF` -> `0xFFu`)."""
    return text.strip() + "u"


def num_text(rng: random.Random, pool) -> tuple[str, float]:
    """A number from `pool` (floats or strings) as prompt text plus its value."""
    v = rng.choice(pool)
    if isinstance(v, str):
        return v, float(int(v, 0)) if v.lower().startswith("0x") else float(v)
    if float(v).is_integer() and abs(v) < 1e6:
        txt = str(int(v))
    else:
        txt = repr(float(v))
    return txt, float(txt)


def uniform_value(rng: random.Random, pool) -> float:
    return float(rng.choice(pool))


# ------------------------------------------------------------------ English
_IRREG_3 = {"do": "does", "go": "goes", "be": "is", "have": "has"}
_IRREG_ING = {"be": "being", "set": "setting", "clip": "clipping", "swap": "swapping", "flip": "flipping",
              "map": "mapping", "zero": "zeroing", "shift": "shifting", "get": "getting", "put": "putting",
              "cut": "cutting", "run": "running", "sum": "summing", "blur": "blurring", "scan": "scanning"}


VERBS: set[str] = set()  # heads of all verb phrases (filled by the generator), inflected after and/then


def _coord(vp: str, fn) -> str:
    return re.sub(r"\b(and|then|and then) ([a-z]+)\b",
                  lambda m: f"{m.group(1)} {fn(m.group(2))}" if m.group(2) in VERBS else m.group(0), vp)


def third_person(vp: str) -> str:
    """'apply relu to x' -> 'applies relu to x'."""
    vp = _coord(vp, lambda w: _third(w))
    return _third(vp)


def gerund(vp: str) -> str:
    """'compute the sum' -> 'computing the sum'."""
    vp = _coord(vp, lambda w: _gerund(w))
    return _gerund(vp)


def _third(vp: str) -> str:
    head, _, rest = vp.partition(" ")
    if head in _IRREG_3:
        w = _IRREG_3[head]
    elif re.search(r"[^aeiou]y$", head):
        w = head[:-1] + "ies"
    elif re.search(r"(s|sh|ch|x|z)$", head):
        w = head + "es"
    else:
        w = head + "s"
    return f"{w} {rest}".strip()


def _gerund(vp: str) -> str:
    head, _, rest = vp.partition(" ")
    if head in _IRREG_ING:
        w = _IRREG_ING[head]
    elif head.endswith("ie"):
        w = head[:-2] + "ying"
    elif head.endswith("e") and not head.endswith("ee"):
        w = head[:-1] + "ing"
    else:
        w = head + "ing"
    return f"{w} {rest}".strip()


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def join_and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
