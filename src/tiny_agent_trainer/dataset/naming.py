"""Names and numbers shared by the synthetic task families: pools of buffer and parameter names,
WGSL literals copied from prompt numbers, and small English helpers (verb inflection, articles).

Every name here is used verbatim in BOTH the prompt and the WGSL code, so pools contain only
identifiers that are legal in WGSL (no reserved words such as `filter`, `target`, `type`; no
builtin function names such as `step`, `min`, `select`) and never `i`, `gid`, `params`, `main`,
`tile`, `row`, `col`. `tests/test_dataset_families.py` compiles every pool entry.

Open vocabulary (generator 2.3): a model trained only on these small pools learns to pick a pool
name instead of copying the prompt's (`heights` became `x`), so `pick` draws about `OPEN_P` of names
outside the pools: a pool entry decorated with a domain noun (`out` -> `out_heights`, `lo` ->
`lo_temp`; a tuple shares one decoration, so pairs keep their meaning), or a bare noun for a single
name. `num_text` likewise draws about `OPEN_P` of prompt numbers fresh within the pool's range, with
one to three decimals, so the digits must be copied, not recalled.
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

OPEN_P = 0.5  # share of names and prompt numbers drawn outside the pools (see the module docstring)
NOUNS = ("heights weights temps prices scores ages speeds velocity accel mass energy density pressure depth "
         "sensor readings signal_in audio wave volume rainfall humidity altitude distance_m elevation "
         "brightness luma intensity opacity loudness gain_db noise residual error_term loss grad momentum "
         "logit prob probs embed hidden state cell memo cache stock price_usd returns balance revenue cost "
         "budget salary votes clicks visits counts_raw tally ticks frames_ts particles pos_x pos_y "
         "vel_x vel_y force torque charge flux heat temp_c temp_k celsius kelvin voltage current_a "
         "wind rain snow cloud terrain slope_deg normal_z albedo roughness specular diffuse glow "
         "shadow light lux spectrum freq phase amp pitch tone bass treble tempo beat "
         "pixel_data texels2 canvas sprite tile_ids mask_bits flag_bits id_list keys2 hashes seeds "
         "rows_in cols_in cells voxels grid_in field_in mesh verts nodes edges2 links weights_l1 "
         "bias_l1 kernel_w taps2 coeffs poly alpha_ch beta_ch gamma_ch delta_t dt rate ratio "
         "threshold_hi limit_lo knob dial slider level_db fader mix_amt").split()
_DECOR = ("_{n}", "{n}_", "_v{d}", "{d}", "_{n}{d}", "_buf", "_data", "_vals", "_arr", "_in", "_f")
# WGSL builtin functions and types: never usable as a bare name (a variable would shadow the builtin)
BUILTINS = frozenset(
    "abs acos acosh all any arrayLength asin asinh atan atan2 atanh ceil clamp cos cosh countLeadingZeros "
    "countOneBits countTrailingZeros cross degrees determinant distance dot exp exp2 extractBits faceForward "
    "firstLeadingBit firstTrailingBit floor fma fract frexp insertBits inverseSqrt ldexp length log log2 max "
    "min mix modf normalize pow quantizeToF16 radians reflect refract reverseBits round saturate select sign "
    "sin sinh smoothstep sqrt step tan tanh transpose trunc bitcast f32 f16 i32 u32 bool vec2 vec3 vec4 mat2x2 "
    "mat3x3 mat4x4 array atomic ptr sampler workgroupBarrier storageBarrier".split())


def legal_name(name: str) -> bool:
    """A WGSL identifier usable for a buffer or uniform field: not a keyword, reserved word or builtin."""
    from ..wgsl.lexer import KEYWORDS, RESERVED as WGSL_RESERVED

    return (re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) is not None and "__" not in name and len(name) <= 24
            and name not in KEYWORDS and name not in WGSL_RESERVED and name not in BUILTINS and name not in RESERVED)


def open_name(rng: random.Random, entry, avoid=()):
    """`entry` (a pool name or a tuple of names) decorated outside the pool, or a bare noun for a single
    name; None when no legal, unclashing variant came up in a few tries."""
    for _ in range(8):
        n, d = rng.choice(NOUNS), rng.randint(1, 9)
        if isinstance(entry, tuple):
            dec = rng.choice(_DECOR).format(n=n, d=d)
            cand = tuple((dec + e) if dec.endswith("_") else (e + dec) for e in entry)
            ok = len(set(cand)) == len(cand) and all(legal_name(c) and c not in avoid for c in cand)
        else:
            form = rng.random()
            if form < 0.35:
                cand = n
            else:
                cand = n + "_" + entry if form < 0.5 else entry + rng.choice(_DECOR).format(n=n, d=d)
            ok = legal_name(cand) and cand not in avoid
        if ok:
            return cand
    return None


def pick(rng: random.Random, pool, avoid=(), open_p: float = OPEN_P):
    """A random entry of `pool` not in `avoid` (names must never clash inside one task); with
    probability `open_p` an open-vocabulary variant of it (`open_name`)."""
    cands = [p for p in pool if p not in avoid and (not isinstance(p, tuple) or not set(p) & set(avoid))]
    choice = rng.choice(cands)
    if open_p and rng.random() < open_p:
        flat = set(avoid) | {x for p in pool for x in (p if isinstance(p, tuple) else (p,))}
        fresh = open_name(rng, choice, avoid=flat)
        if fresh is not None:
            return fresh
    return choice


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


def fresh_number(rng: random.Random, pool) -> float | None:
    """A number drawn within the range of a numeric `pool` (integers stay integers, the sign is kept,
    floats get one to three decimals), or None for pools of strings or of a single value."""
    nums = [v for v in pool if not isinstance(v, str)]
    if len(nums) < 2 or len(nums) != len(pool):
        return None
    lo, hi = min(nums), max(nums)
    if lo == hi:
        return None
    if all(float(v).is_integer() for v in nums):
        return float(rng.randint(int(lo), int(hi)))
    v = round(rng.uniform(lo, hi), rng.choice((1, 2, 2, 3)))
    if v == 0 or (lo > 0 and v <= 0) or (hi < 0 and v >= 0):
        return None
    return v


def num_text(rng: random.Random, pool, open_p: float = OPEN_P) -> tuple[str, float]:
    """A number from `pool` (floats or strings) as prompt text plus its value; with probability
    `open_p` a fresh number in the pool's range (`fresh_number`)."""
    v = rng.choice(pool)
    if open_p and rng.random() < open_p:
        f = fresh_number(rng, pool)
        v = v if f is None else f
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
