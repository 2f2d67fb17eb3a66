"""Third integer table (generator 2.8) plus index gathers: u32 random-number steps (xorshift32, the
Numerical Recipes LCG, the PCG hash, Wang's hash), ceil-division, rounding to a multiple, the Collatz
step, RGBA8 and RGB565 packing, a wrapping in-place counter, and signed i32 ops (absolute difference,
16-bit saturating add, cube); `Gather`: f32 kernels that read the source at a computed index
(decimation with a uniform stride and phase, np.roll by a uniform shift, tiling a short array,
reversal). Integer ops are `integer/...` (the counter `inplace/u_wrap_inc`), gathers `parametric/...`.
This module does NOT contain atomics, float maths or 2D indexing (see `bits.py`, `elementwise.py`,
`grid.py`), and it does NOT phrase prompts or verify shaders.
"""
from __future__ import annotations

import dataclasses
import random

from .. import naming as nm
from ..core import COUNTS_1D, EACH, Instance, MapOp, ParamDef, Slot, Variant, buffer_slot, emit, param_slot, \
    stable_choice, storage, uniform_spec
from .bits import FULL, Z
from .bits2 import S

SMALL = "randint(0,1000000)"

XORSHIFT = ("var v = {A}[i];", "v ^= v << 13u;", "v ^= v >> 17u;", "v ^= v << 5u;")
PCG = ("let s = {A}[i] * 747796405u + 2891336453u;", "let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;")
WANG = ("var v = {A}[i];", "v = (v ^ 61u) ^ (v >> 16u);", "v = v * 9u;", "v = v ^ (v >> 4u);", "v = v * 0x27d4eb2du;",
        "v = v ^ (v >> 15u);")
U = "np.uint32"

MAPS3 = [
    Z("xorshift32", "v", f"v_ = {{A}}.copy()\nv_ ^= v_ << {U}(13)\nv_ ^= v_ >> {U}(17)\nv_ ^= v_ << {U}(5)\n{{O}} = v_",
      ["advance {EACH} of the xorshift32 states {X} by one step: x ^= x << 13, x ^= x >> 17, x ^= x << 5",
       "apply one xorshift32 round (shifts 13, 17, 5) to {EACH} of {X}",
       "run Marsaglia's xorshift32 PRNG once on every seed in {X}",
       "scramble {X} with xorshift32: x ^= x << 13; x ^= x >> 17; x ^= x << 5",
       "step the per-thread xorshift random generators stored in {X}"],
      ["the next xorshift32 state of {EACH} of {X}", "{X} after one xorshift32 step (<< 13, >> 17, << 5)",
       "xorshift32({X}), i.e. x ^= x << 13; x ^= x >> 17; x ^= x << 5", "the next random u32 of each xorshift state in {X}"],
      ["{xi} after x ^= x << 13, x ^= x >> 17, x ^= x << 5"], ["xorshift32({xi})"], pre=XORSHIFT),
    Z("lcg", "{a} * 1664525u + 1013904223u", f"{{O}} = {{A}} * {U}(1664525) + {U}(1013904223)",
      ["advance the LCG states {X} one step with x * 1664525 + 1013904223 (wrapping u32)",
       "compute the next linear congruential random number of {EACH} of {X} (a = 1664525, c = 1013904223, mod 2^32)",
       "step the Numerical Recipes LCG on every seed in {X}", "multiply {X} by 1664525 and add 1013904223, wrapping mod 2^32"],
      ["the next LCG state 1664525 * x + 1013904223 (mod 2^32) of {EACH} of {X}",
       "{X} * 1664525 + 1013904223 with u32 wraparound", "one Numerical Recipes LCG step of {X}"],
      ["{xi} * 1664525 + 1013904223 modulo 2^32"], ["{xi} * 1664525u + 1013904223u", "(1664525 * {xi} + 1013904223) % 2^32"]),
    Z("pcg_hash", "(w >> 22u) ^ w",
      f"s_ = {{A}} * {U}(747796405) + {U}(2891336453)\nw_ = ((s_ >> ((s_ >> {U}(28)) + {U}(4))) ^ s_) * {U}(277803737)\n"
      f"{{O}} = (w_ >> {U}(22)) ^ w_",
      ["hash {EACH} of {X} with the PCG hash: state = x * 747796405 + 2891336453, "
       "word = ((state >> ((state >> 28) + 4)) ^ state) * 277803737, result = (word >> 22) ^ word",
       "compute pcg_hash of {X} (the RXS-M-XS output of one PCG step, constants 747796405, 2891336453, 277803737)",
       "turn the indices in {X} into random-looking u32s with the PCG hash (LCG step, random xorshift, multiply by "
       "277803737, xorshift 22)"],
      ["the PCG hash of {X}: s = x * 747796405 + 2891336453; w = ((s >> ((s >> 28) + 4)) ^ s) * 277803737; (w >> 22) ^ w",
       "pcg_hash({X}) (Jarzynski and Olano's PCG hash, u32 wrapping)"], pre=PCG),
    Z("wang_hash", "v", f"v_ = ({{A}} ^ {U}(61)) ^ ({{A}} >> {U}(16))\nv_ = v_ * {U}(9)\nv_ = v_ ^ (v_ >> {U}(4))\n"
      f"v_ = v_ * {U}(0x27d4eb2d)\n{{O}} = v_ ^ (v_ >> {U}(15))",
      ["hash {EACH} of {X} with Thomas Wang's integer hash: x = (x ^ 61) ^ (x >> 16); x *= 9; x ^= x >> 4; "
       "x *= 0x27d4eb2d; x ^= x >> 15",
       "apply wang_hash to {X} (xor 61 and x >> 16, times 9, xor x >> 4, times 0x27d4eb2d, xor x >> 15)",
       "scramble the seeds {X} with the Wang hash, all arithmetic wrapping u32"],
      ["the Wang hash of {EACH} of {X} (steps: (x ^ 61) ^ (x >> 16), *9, ^= x >> 4, *0x27d4eb2d, ^= x >> 15)",
       "wang_hash({X}) as u32"], pre=WANG),
    Z("ceil_div", "({a} + {K} - 1u) / {K}", "{O} = ({A} + {K} - np.uint32(1)) // {K}",
      ["compute how many {K}-wide workgroups are needed to cover x threads, for every thread count x in {X}",
       "divide {X} by {K}, rounding up", "compute ceil({X} / {K}) with integer math: (x + {K} - 1) / {K}",
       "count how many blocks of {K} are needed to hold x items, for every count x in {X}"],
      ["{X} divided by {K}, rounded up", "the number of {K}-sized tiles needed for x items, for each count x in {X}", "ceil({X} / {K}) in u32",
       "(x + {K} - 1) / {K} for {EACH} x of {X}"], ["{xi} over {K}, rounded up"], ["({xi} + {K} - 1) / {K}", "ceil({xi} / {K})"],
      params=[ParamDef("K", [], [8, 16, 32, 64, 128, 256, 3, 10], "u32")], mode="const", fill=(SMALL,)),
    Z("round_multiple", "({a} + {K} / 2u) / {K} * {K}", "{O} = ({A} + {K} // 2) // {K} * {K}",
      ["round {EACH} of {X} to the nearest multiple of {K}, halves rounding up",
       "snap the u32 values of {X} to the closest multiple of {K} (ties go up)",
       "quantize {X} to a grid of step {K}, rounding to nearest", "round {X} to multiples of {K}: (x + {K} / 2) / {K} * {K}"],
      ["{X} rounded to the nearest multiple of {K}", "{X} snapped to the {K} grid (round half up)",
       "the nearest multiple of {K} to {EACH} of {X}"], ["{xi} rounded to a multiple of {K}"],
      ["({xi} + {K} / 2) / {K} * {K}"], params=[ParamDef("K", [], [4, 5, 8, 10, 16, 32, 100], "u32")], mode="const",
      fill=(SMALL,)),
    Z("collatz", "select(3u * {a} + 1u, {a} / 2u, ({a} & 1u) == 0u)", "{O} = np.where({A} % 2 == 0, {A} // 2, 3 * {A} + 1)",
      ["apply one Collatz step to {EACH} of {X}: halve even numbers, map odd n to 3n + 1",
       "compute the next term of the Collatz (3n + 1) sequence for {EACH} of {X}",
       "replace {EACH} of {X} by x / 2 if it is even, else 3x + 1", "run one iteration of the hailstone map on {X}"],
      ["the Collatz successor of {EACH} of {X}", "x / 2 for even and 3x + 1 for odd values of {X}",
       "the next hailstone number after {EACH} of {X}"], ["{xi} / 2 if {xi} is even, else 3 * {xi} + 1"],
      ["{xi} % 2 == 0 ? {xi} / 2 : 3 * {xi} + 1"], fill=(SMALL,)),
]

I32 = [
    S("absdiff", "abs({a} - {b})", "{O} = np.abs({A} - {B})",
      ["compute the absolute difference |{X} - {Y}| of the signed i32 arrays", "take abs({X} - {Y}) element-wise, as i32",
       "measure how far apart the signed integers of {X} and {Y} are"],
      ["the absolute difference of {X} and {Y} (i32)", "|{X} - {Y}| over signed ints"],
      ["the distance between the signed values {xi} and {yi}"], ["abs({xi} - {yi})", "|{xi} - {yi}|"], nin=2),
    S("sat_add16", "clamp({a} + {b}, -32768, 32767)", "{O} = np.clip({A} + {B}, -32768, 32767)",
      ["add the i32 arrays {X} and {Y} with 16-bit saturation, clamping the sum to [-32768, 32767]",
       "mix the signed 16-bit audio samples {X} and {Y} (stored as i32), saturating at -32768 and 32767",
       "do a saturating int16 add of {X} and {Y} (signed i32 storage)"],
      ["the sum of {X} and {Y} (i32) clamped to the int16 range [-32768, 32767]", "{X} + {Y} saturated to 16 bits, signed"],
      ["{xi} + {yi} clamped to [-32768, 32767]"], ["clamp({xi} + {yi}, -32768, 32767)"], nin=2,
      fill=("randint(-30000,30000)",)),
    S("cube", "{a} * {a} * {a}", "{O} = {A} * {A} * {A}",
      ["cube {EACH} of the signed integers in {X}", "raise {X} (i32) to the third power",
       "compute x * x * x for {EACH} of {X}, as signed i32"],
      ["the cubes of {X} (i32)", "{X} cubed, signed integers"], ["{xi} cubed (signed int)"], ["{xi} * {xi} * {xi}", "{xi}^3"],
      fill=("randint(-1000,1000)",)),
]


class WrapOp(MapOp):
    """A u32 op with a prompt-constant modulus `K`: the inputs are drawn below K (counters that wrap)."""

    def draw(self, rng: random.Random, named: bool) -> Instance:
        inst = super().draw(rng, named)
        m = int(inst.slots["K"].later, 0)
        inst.buffers = tuple(b if b.access == "uniform" else dataclasses.replace(b, fill=f"randint(0,{m - 1})")
                             for b in inst.buffers)
        return inst


WRAP = WrapOp(
    id="inplace/u_wrap_inc", family="inplace", category="inplace", nin=1, expr="({a} + 1u) % {K}",
    oracle="{O} = ({A} + np.uint32(1)) % {K}", params=(ParamDef("K", [], [10, 16, 24, 60, 100, 360, 1000], "u32"),),
    mode="const", elem="u", inplace=True,
    vp=("increment the u32 counters in {X} by one in place, wrapping back to 0 when a counter reaches {K}",
        "advance the frame counters in {X} by one in place, modulo {K}",
        "bump {X} by 1 in place and wrap around at {K} (x = (x + 1) % {K})",
        "step the ring-buffer indices {X} forward by one in place, wrapping to 0 at {K}"),
    el=("({xi} + 1) mod {K}, in place",), fx=("({xi} + 1) % {K}",))


class Gather(Variant):
    """f32 gathers: one thread per output element reads the source at a computed index."""
    family = category = "parametric"
    KINDS = {
        # index expression, params (key, names, values), source length from (n_out, values), oracle, vp, np
        "decimate": ("i * {K}", [("K", ["factor", "stride", "hop", "decim", "every_n"])], [(2,), (3,), (4,), (8,)],
                     lambda n, v: n * v[0], "{o} = {x}[np.arange({o}.size) * int({K})]",
                     ["decimate {X} by {K}, keeping every {K}-th sample", "downsample {X} by the factor {K} "
                      "(no filtering): {O}[i] = {X}[i * {K}]", "take every {K}-th element of {X}",
                      "pick samples 0, {K}, 2*{K}, ... of {X}"],
                     ["every {K}-th element of {X}", "{X}[::{K}]", "{X} decimated by {K}", "the strided view {X}[i * {K}]"]),
        "decimate_phase": ("i * {K} + {K2}", [("K,K2", [("factor", "phase"), ("stride", "offset"), ("hop", "start"),
                                                        ("step_n", "first")])],
                           [(2, 1), (3, 2), (4, 1), (4, 3), (8, 5)], lambda n, v: n * v[0],
                           "{o} = {x}[np.arange({o}.size) * int({K}) + int({K2})]",
                           ["decimate {X} by {K} starting at sample {K2}: {O}[i] = {X}[i * {K} + {K2}]",
                            "take every {K}-th element of {X}, beginning at index {K2}",
                            "downsample {X} with stride {K} and phase {K2}", "extract the polyphase component {X}[{K} * i + {K2}]"],
                           ["{X}[i * {K} + {K2}] for every i",
                            "every {K}-th sample of {X} with offset {K2}", "the strided slice of {X} with step {K} from {K2}"]),
        "roll": ("(i + {K}) % n", [("K", ["shift", "offset", "k", "amount", "rot"])], [(1,), (3,), (5,), (17,), (100,)],
                 lambda n, v: n, "{o} = np.roll({x}, -int({K}))",
                 ["rotate {X} left by {K} positions (circular shift: {O}[i] = {X}[(i + {K}) mod the length of {X}])",
                  "circularly shift {X} by {K} so that element {K} comes first", "do np.roll({X}, -{K})",
                  "cyclically rotate the array {X} left by {K} slots, wrapping around at its length"],
                 ["{X} rotated left by {K} (wrapping)", "np.roll({X}, -{K})", "the circular shift of {X} by {K} positions",
                  "{X}[(i + {K}) % len] for every i"]),
        "tile_repeat": ("i % {K}", [("K", ["n", "period", "src_len", "pattern_len", "n_src"])], [(4,), (7,), (16,), (64,), (100,)],
                        lambda n, v: v[0], "{o} = {x}[np.arange({o}.size) % int({K})]",
                        ["fill {O} by repeating the first {K} values of {X} over and over ({O}[i] = {X}[i % {K}])",
                         "tile the pattern {X}, whose length is {K}, across all of {O}", "repeat {X}, which holds {K} values, to fill {O}",
                         "loop the pattern {X} ({K} samples long) into {O}"],
                        ["{X} (length {K}) tiled periodically", "{X} (period {K}) repeated to the length of {O}",
                         "the periodic extension {X}[i % {K}]"]),
        "reverse": ("n - 1u - i", [], [()], lambda n, v: n, "{o} = {x}[::-1]",
                    ["reverse the order of the elements of {X}", "flip {X} end to end", "write {X} backwards",
                     "reverse {X} so the last element comes first"],
                    ["{X} reversed", "{X}[::-1]", "the elements of {X} in reverse order", "a mirrored copy of {X}"]),
    }

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"parametric/{kind}"
        self.vp = tuple(self.KINDS[kind][5])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        index, pdefs, values, src_len, oracle, vp, np_ = self.KINDS[self.kind]
        x = nm.pick(rng, nm.F_IN) if named else "src"
        o = nm.pick(rng, nm.F_OUT, avoid=[x]) if named else "out"
        used = {x, o}
        vals = rng.choice(values)
        slots: dict[str, Slot] = {}
        fields, sub, osub = [], {}, {"x": x, "o": o}
        for key, names in pdefs:
            keys = key.split(",")
            chosen = nm.pick(rng, names, avoid=used | nm.RESERVED)
            chosen = chosen if isinstance(chosen, tuple) else (chosen,)
            for k, name in zip(keys, chosen):
                used.add(name)
                fields.append((name, "u32"))
                sub[k], osub[k] = f"params.{name}", name
                slots[k] = param_slot(rng, name, True)
        pre = [f"let n = arrayLength(&{x});"] if "n" in index.split() else []
        body = pre + [f"{o}[i] = {x}[{index.format(**sub)}];"]
        wg = (rng.choice((64, 64, 128, 256)),)
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], fields, body, wg,
                    header=["let i = gid.x;", f"if (i >= arrayLength(&{o})) {{ return; }}"])
        n = stable_choice(COUNTS_1D, code)
        specs = [storage(0, "read", "array<f32>", src_len(n, vals), "uniform(-1,1)"), storage(1, "read_write", "array<f32>", n, "zeros")]
        if fields:
            specs.append(uniform_spec(2, ["u32"] * len(fields), list(vals)))
        slots["X"] = buffer_slot(rng, x, named, ["the input", "the source array", "the signal", "the input samples"])
        slots["O"] = buffer_slot(rng, o, True, [], out=True)
        slots["EACH"] = Slot(*(2 * [rng.choice(EACH)]))
        forms = {"vp": list(vp), "np": list(np_)}
        return Instance(self.id, self.family, self.category, code, tuple(specs), (n,), oracle.format(**osub), 1e-4, 1e-5,
                        slots, forms, named, out_named=named)


class Pack(Variant):
    """Pack colour channels stored as u32 into one u32 per pixel: RGBA8 from 4 values, RGB565 from 3 arrays."""
    family = category = "integer"
    VP = {"pack_rgba8": ["pack the 8-bit channels in {X} (four u32 values r, g, b, a per pixel) into one u32 per pixel "
                         "as r | g << 8 | b << 16 | a << 24",
                         "convert the unpacked RGBA bytes of {X}, 4 consecutive u32 per pixel, into packed RGBA8 words",
                         "pack {X} (r, g, b, a in 0..255, one channel per u32) into 32-bit colors, red in the low byte"],
          "pack565": ["pack the 5-bit red {R}, 6-bit green {G} and 5-bit blue {B} into RGB565 values (r << 11) | (g << 5) | b",
                      "build 16-bit RGB565 colors from {R}, {G} and {B} as (r << 11) | (g << 5) | b, stored in u32",
                      "combine {R} (red, 0..31), {G} (green, 0..63) and {B} (blue, 0..31) into packed 565 pixels"]}
    NP = {"pack_rgba8": ["the packed RGBA8 words of {X}: r | (g << 8) | (b << 16) | (a << 24) per group of four",
                         "one u32 per pixel holding the four byte channels of {X}, r in bits 0-7 and a in bits 24-31"],
          "pack565": ["the RGB565 packing (r << 11) | (g << 5) | b of {R}, {G} and {B}",
                      "16-bit 565 colors built from {R}, {G}, {B}"]}

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"integer/{kind}"
        self.vp = tuple(self.VP[kind])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        o = nm.pick(rng, ["packed", "out", "colors_u32", "words", "result", "pix"]) if named else "out"
        wg = (rng.choice((64, 64, 128, 256)),)
        header = ["let i = gid.x;", f"if (i >= arrayLength(&{o})) {{ return; }}"]
        slots: dict[str, Slot] = {"O": buffer_slot(rng, o, True, [], out=True)}
        if self.kind == "pack_rgba8":
            x = nm.pick(rng, ["channels", "rgba", "bytes_in", "comps", "src"], avoid=[o]) if named else "src"
            body = [f"let r = {x}[4u * i];", f"let g = {x}[4u * i + 1u];", f"let b = {x}[4u * i + 2u];",
                    f"let a = {x}[4u * i + 3u];", f"{o}[i] = r | (g << 8u) | (b << 16u) | (a << 24u);"]
            code = emit([("read", x, "array<u32>"), ("read_write", o, "array<u32>")], [], body, wg, header=header)
            n = stable_choice(COUNTS_1D, code)
            specs = (storage(0, "read", "array<u32>", 4 * n, "randint(0,255)"), storage(1, "read_write", "array<u32>", n, "zeros"))
            oracle = (f"c_ = {x}.reshape(-1, 4)\n{o} = c_[:, 0] | (c_[:, 1] << np.uint32(8)) | (c_[:, 2] << np.uint32(16)) "
                      f"| (c_[:, 3] << np.uint32(24))")
            slots["X"] = buffer_slot(rng, x, named, ["the channel values", "the input bytes", "the unpacked colors"])
        else:
            r, g, b = nm.pick(rng, [("r", "g", "b"), ("red", "green", "blue"), ("r5", "g6", "b5"), ("rs", "gs", "bs")],
                              avoid=[o]) if named else ("r", "g", "b")
            body = [f"{o}[i] = ({r}[i] << 11u) | ({g}[i] << 5u) | {b}[i];"]
            bufs = [("read", r, "array<u32>"), ("read", g, "array<u32>"), ("read", b, "array<u32>"),
                    ("read_write", o, "array<u32>")]
            code = emit(bufs, [], body, wg, header=header)
            n = stable_choice(COUNTS_1D, code)
            specs = (storage(0, "read", "array<u32>", n, "randint(0,31)"), storage(1, "read", "array<u32>", n, "randint(0,63)"),
                     storage(2, "read", "array<u32>", n, "randint(0,31)"), storage(3, "read_write", "array<u32>", n, "zeros"))
            oracle = f"{o} = ({r} << np.uint32(11)) | ({g} << np.uint32(5)) | {b}"
            for key, name, gen in (("R", r, "the red values"), ("G", g, "the green values"), ("B", b, "the blue values")):
                slots[key] = buffer_slot(rng, name, named, [gen])
        forms = {"vp": list(self.VP[self.kind]), "np": list(self.NP[self.kind])}
        return Instance(self.id, self.family, self.category, code, specs, (n,), oracle, 1e-4, 1e-5, slots, forms, named,
                        out_named=True)


VARIANTS = MAPS3 + I32 + [WRAP] + [Gather(k) for k in Gather.KINDS] + [Pack("pack_rgba8"), Pack("pack565")]
