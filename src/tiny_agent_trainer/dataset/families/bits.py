"""Integer family on u32: bitwise ops with another array or a mask (prompt constant or uniform),
shifts, popcount (`countOneBits`), parity, `reverseBits`, is-even, modulo, wrapping add, and the
atomic ones: counting elements above a threshold into an `atomic<u32>` counter, histograms.
This module does NOT cover signed (i32) arithmetic beyond what the conventions need.
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import EACH, Instance, MapOp, ParamDef, Slot, Variant, buffer_slot, emit, param_slot, stable_choice, storage, \
    uniform_spec

FULL = "randint(0,4294967295)"
MASKS = ["0xFF", "0xF0F0F0F0", "255", "0xFFFF", "7", "0x80000000", "0x0F", "1023"]
SHIFTS = ["1", "2", "3", "4", "8", "16", "5"]


def Z(name, expr, oracle, vp, np_, el=(), fx=(), nin=1, params=(), mode="none", fill=(FULL,), **kw):
    return MapOp(id=f"integer/{name}", family="integer", category="integer", nin=nin, expr=expr, oracle=oracle,
                 params=tuple(params), mode=mode, elem="u", fill=fill * 2, vp=tuple(vp), np_=tuple(np_), el=tuple(el),
                 fx=tuple(fx), **kw)


MAPS = [
    Z("xor", "{a} ^ {b}", "{O} = {A} ^ {B}", ["xor {X} with {Y} element-wise", "compute the bitwise xor of {X} and {Y}"],
      ["the bitwise XOR of {X} and {Y}", "{X} xor {Y}"], ["{xi} xor {yi}"], ["{xi} ^ {yi}"], nin=2),
    Z("and", "{a} & {b}", "{O} = {A} & {B}", ["compute the bitwise and of {X} and {Y}", "combine {X} and {Y} with a bitwise and"],
      ["the bitwise AND of {X} and {Y}"], ["{xi} and {yi} (bitwise)"], ["{xi} & {yi}"], nin=2),
    Z("or", "{a} | {b}", "{O} = {A} | {B}", ["compute the bitwise or of {X} and {Y}", "combine {X} and {Y} with a bitwise or"],
      ["the bitwise OR of {X} and {Y}"], ["{xi} or {yi} (bitwise)"], ["{xi} | {yi}"], nin=2),
    Z("xor_mask", "{a} ^ {K}", "{O} = {A} ^ {K}", ["xor {EACH} of {X} with the mask {K}", "flip the bits of {X} selected by {K}"],
      ["{X} xor {K}"], ["{xi} xor {K}"], ["{xi} ^ {K}"], params=[ParamDef("K", [], MASKS, "u32")], mode="const"),
    Z("and_mask", "{a} & {K}", "{O} = {A} & {K}", ["mask {X} with {K} (bitwise and)", "keep only the bits of {X} set in {K}"],
      ["{X} and {K} (bitwise)", "{X} masked by {K}"], ["{xi} & {K}"], ["{xi} & {K}"],
      params=[ParamDef("K", [], MASKS, "u32")], mode="const"),
    Z("or_mask", "{a} | {K}", "{O} = {A} | {K}", ["set the bits of {K} in {EACH} of {X} (bitwise or)", "combine {X} with {K} using bitwise or"],
      ["{X} or {K} (bitwise)"], ["{xi} | {K}"], ["{xi} | {K}"], params=[ParamDef("K", [], MASKS, "u32")], mode="const"),
    Z("xor_uniform", "{a} ^ {K}", "{O} = {A} ^ {K}", ["xor {EACH} of {X} with {K}", "xor {X} with the key {K}"],
      ["{X} xor {K}"], ["{xi} xor {K}"], ["{xi} ^ {K}"], params=[ParamDef("K", nm.P_MASK, [255, 65535, 12345, 2863311530], "u32")],
      mode="uniform"),
    Z("shl", "{a} << {K}", "{O} = {A} << {K}", ["shift {EACH} of {X} left by {K} bits", "shift {X} left by {K}"],
      ["{X} shifted left by {K}", "{X} << {K}"], ["{xi} shifted left {K} bits"], ["{xi} << {K}"],
      params=[ParamDef("K", [], SHIFTS, "u32")], mode="const"),
    Z("shr", "{a} >> {K}", "{O} = {A} >> {K}", ["shift {EACH} of {X} right by {K} bits", "shift {X} right by {K}"],
      ["{X} shifted right by {K}", "{X} >> {K}"], ["{xi} shifted right {K} bits"], ["{xi} >> {K}"],
      params=[ParamDef("K", [], SHIFTS, "u32")], mode="const"),
    Z("shr_uniform", "{a} >> {K}", "{O} = {A} >> {K}", ["shift {EACH} of {X} right by {K} bits", "shift {X} right by {K}"],
      ["{X} shifted right by {K} bits"], ["{xi} >> {K}"], ["{xi} >> {K}"],
      params=[ParamDef("K", nm.P_SHIFT, [1, 3, 4, 8, 12], "u32")], mode="uniform"),
    Z("popcount", "countOneBits({a})", "{O} = np.bitwise_count({A})", ["count the set bits of {EACH} of {X}",
      "compute the population count of {X}"], ["the number of 1 bits in {EACH} of {X}", "the popcount of {X}"],
      ["the number of set bits in {xi}"], ["popcount({xi})", "countOneBits({xi})"]),
    Z("parity", "countOneBits({a}) & 1u", "{O} = np.bitwise_count({A}) & 1", ["compute the bit parity of {EACH} of {X}",
      "find whether {EACH} of {X} has an odd number of set bits (1) or even (0)"], ["the parity of {X}"],
      ["1 if {xi} has an odd number of 1 bits, else 0"], ["popcount({xi}) & 1"]),
    Z("reverse_bits", "reverseBits({a})", "{O} = np.array([int(format(int(v), '032b')[::-1], 2) for v in {A}], np.uint32)",
      ["reverse the bit order of {EACH} of {X}", "mirror the 32 bits of {EACH} in {X}"], ["the bit-reversed {X}"],
      ["{xi} with its 32 bits reversed"], ["reverseBits({xi})"]),
    Z("is_even", "select(0u, 1u, ({a} & 1u) == 0u)", "{O} = np.where({A} % 2 == 0, 1, 0)",
      ["flag the even numbers in {X} with 1 and the odd ones with 0", "test whether {EACH} of {X} is even"],
      ["1 for even and 0 for odd entries of {X}"], ["1 if {xi} is even, otherwise 0"], ["{xi} % 2 == 0 ? 1 : 0"],
      fill=("randint(0,100000)",)),
    Z("mod", "{a} % {K}", "{O} = {A} % {K}", ["reduce {EACH} of {X} modulo {K}", "take {X} mod {K}"],
      ["{X} modulo {K}", "the remainder of {X} divided by {K}"], ["{xi} mod {K}"], ["{xi} % {K}"],
      params=[ParamDef("K", [], ["3", "7", "10", "16", "256"], "u32")], mode="const"),
    Z("add_wrap", "{a} + {b}", "{O} = {A} + {B}", ["add the u32 arrays {X} and {Y} (wrapping on overflow)",
      "add the unsigned integers {X} and {Y} element-wise"], ["the wrapping u32 sum of {X} and {Y}"],
      ["{xi} + {yi} modulo 2^32"], ["{xi} + {yi}"], nin=2),
]


class CountAbove(Variant):
    """Count elements above a threshold into `count[0]` with `atomicAdd`."""
    family = category = "integer"
    vp = ("count how many elements of {X} are greater than {K}", "count the values of {X} above {K}")

    def __init__(self, mode: str):
        self.mode = mode
        self.id = "integer/count_above" + ("" if mode == "uniform" else "_const")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.F_IN) if named else "x"
        c = nm.pick(rng, ["count", "counter", "total", "n_above", "result"], avoid=[x]) if named else "count"
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the array", "the input values"]),
                 "O": Slot(c, c), "EACH": Slot("each element", "each element")}
        if self.mode == "uniform":
            t = nm.pick(rng, nm.P_THRESH, avoid={x, c})
            val = rng.choice([0.0, 0.5, -0.25, 0.75])
            ref, oref = f"params.{t}", t
            slots["K"] = param_slot(rng, t, True)
            fields, values = [(t, "f32")], [val]
        else:
            txt = rng.choice(["0", "0.5", "0.25", "-0.5", "0.9"])
            ref, oref = nm.f32_lit(txt), f"np.float32({txt})"
            slots["K"] = param_slot(rng, "", False, txt)
            fields, values = [], []
        body = [f"if ({x}[i] > {ref}) {{", f"    atomicAdd(&{c}[0], 1u);", "}"]
        wg = (rng.choice((64, 64, 128, 256)),)
        code = emit([("read", x, "array<f32>"), ("read_write", c, "array<atomic<u32>>")], fields, body, wg,
                    header=["let i = gid.x;", f"if (i >= arrayLength(&{x})) {{ return; }}"])
        n = stable_choice((256, 1000, 1024, 4096), code)
        bufs = [storage(0, "read", "array<f32>", n, "uniform(-1,1)"), storage(1, "read_write", "array<atomic<u32>>", 1, "zeros")]
        if fields:
            bufs.append(uniform_spec(2, ["f32"], values))
        forms = {"vp": [f + " into {O}[0] using an atomic counter" for f in self.vp] +
                 ["count the entries of {X} that exceed {K} atomically, storing the count in {O}[0]",
                  "use atomicAdd to count elements of {X} larger than {K} in {O}"],
                 "np": ["the number of elements of {X} greater than {K}, accumulated atomically in {O}[0]",
                        "an atomic count of {X} > {K} in {O}"]}
        return Instance(self.id, self.family, self.category, code, tuple(bufs), (n,),
                        f"{c}[0] = np.count_nonzero({x} > {oref})", 1e-4, 1e-5, slots, forms, named, out_named=True)


class Histogram(Variant):
    """Histogram with atomics: small integers counted per value, or bytes counted into N bins."""
    family = category = "integer"
    vp = ("build a histogram of {X}", "count the occurrences of each value of {X}")

    def __init__(self, binned: bool):
        self.binned = binned
        self.id = "integer/histogram_bins" if binned else "integer/histogram"

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.U_IN) if named else "x"
        h = nm.pick(rng, ["hist", "histogram", "bins", "counts", "freq"], avoid=[x]) if named else "hist"
        nb = rng.choice([4, 8, 16, 32, 64, 256] if self.binned else [4, 8, 10, 16, 32, 64])
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the input values", "the data"]),
                 "O": Slot(h, h), "N": Slot(str(nb), str(nb))}
        if self.binned:
            index = f"{x}[i] * {nb}u / 256u"
            fill = "randint(0,255)"
            oracle = f"{h} += np.bincount({x}.astype(np.int64) * {nb} // 256, minlength={nb}).astype(np.uint32)"
            forms = {"vp": ["build a {N}-bin histogram of the byte values (0 to 255) in {X}, into {O}",
                            "count the values of {X}, which lie in 0..255, into {N} equal bins of {O} with atomics",
                            "histogram {X} (values 0-255) into {N} bins stored in {O}"],
                     "np": ["a {N}-bin histogram of the bytes in {X}, in {O}",
                            "the counts of {X} (0..255) in {N} equal-width bins, atomically added into {O}"]}
        else:
            index = f"{x}[i]"
            fill = f"randint(0,{nb - 1})"
            oracle = f"{h} += np.bincount({x}.astype(np.int64), minlength={nb}).astype(np.uint32)"
            forms = {"vp": ["count how often each value 0..{N}-1 occurs in {X}, into {O}",
                            "build a histogram of {X} with {N} bins, one per value, in {O} using atomicAdd",
                            "tally the values of {X} (all below {N}) into {O}"],
                     "np": ["a histogram of {X} with {N} bins in {O}", "the count of every value below {N} in {X}, in {O}"]}
        code = emit([("read", x, "array<u32>"), ("read_write", h, "array<atomic<u32>>")], [],
                    [f"atomicAdd(&{h}[{index}], 1u);"], (rng.choice((64, 64, 128, 256)),),
                    header=["let i = gid.x;", f"if (i >= arrayLength(&{x})) {{ return; }}"])
        n = stable_choice((500, 1000, 1024, 4096), code)
        bufs = (storage(0, "read", "array<u32>", n, fill), storage(1, "read_write", "array<atomic<u32>>", nb, "zeros"))
        slots["EACH"] = Slot(*(2 * [rng.choice(EACH)]))
        return Instance(self.id, self.family, self.category, code, bufs, (n,), oracle, 1e-4, 1e-5, slots, forms, named,
                        out_named=True)


VARIANTS = MAPS + [CountAbove("uniform"), CountAbove("const"), Histogram(False), Histogram(True)]
for _v in VARIANTS[-4:]:  # atomics
    _v.weight = 1.5
