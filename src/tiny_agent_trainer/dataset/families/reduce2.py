"""More single-workgroup reductions and scans (same canonical tree/Hillis-Steele shapes as
`reduce.py`, N a module-scope `const` copied from the prompt): sum of squares, L1 norm, L2 norm,
max-abs, count of nonzero u32 values (u32 shared memory), and inclusive max/min scans.
This module does NOT do multi-workgroup (grid-wide) reductions or arg-max.
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, Slot, Variant, buffer_slot, emit, storage
from .reduce import SIZES, tree

SUFFIX = [" using a single workgroup and shared memory", " with one workgroup", " in one workgroup of {N} threads",
          " using workgroup memory and barriers", ""]


class Reduce2(Variant):
    family = category = "reduction"
    # load, combine, final (of tile[0]), elem type, fill, oracle, vp, np
    OPS = {
        "sum_squares": ("{x}[i] * {x}[i]", "tile[i] + tile[i + stride]", "tile[0]", "f32", "uniform(-1,1)",
                        "np.sum({x}.astype(np.float64) ** 2)",
                        ["compute the sum of squares of the {N} values in {X} into {O}[0]",
                         "square each of the {N} elements of {X} and add them up, writing the total to {O}[0]"],
                        ["the sum of the squares of the {N} elements of {X}, in {O}[0]"]),
        "l1_norm": ("abs({x}[i])", "tile[i] + tile[i + stride]", "tile[0]", "f32", "uniform(-1,1)",
                    "np.sum(np.abs({x}.astype(np.float64)))",
                    ["compute the L1 norm (sum of absolute values) of the {N} elements of {X} into {O}[0]",
                     "add up the absolute values of the {N} floats in {X}, storing the result in {O}[0]"],
                    ["the L1 norm of {X} ({N} values), in {O}[0]", "the sum of |x| over the {N} entries of {X}"]),
        "l2_norm": ("{x}[i] * {x}[i]", "tile[i] + tile[i + stride]", "sqrt(tile[0])", "f32", "uniform(-1,1)",
                    "np.sqrt(np.sum({x}.astype(np.float64) ** 2))",
                    ["compute the Euclidean (L2) norm of the {N}-element vector {X} into {O}[0]",
                     "compute the length sqrt(sum of squares) of the {N} values in {X}, writing it to {O}[0]"],
                    ["the L2 norm of the {N} elements of {X}, in {O}[0]"]),
        "max_abs": ("abs({x}[i])", "max(tile[i], tile[i + stride])", "tile[0]", "f32", "uniform(-100,100)",
                    "np.max(np.abs({x}))",
                    ["find the largest absolute value among the {N} elements of {X}, storing it in {O}[0]",
                     "compute the max-abs (infinity norm) of the {N} values in {X} into {O}[0]"],
                    ["the maximum of |x| over the {N} entries of {X}, in {O}[0]"]),
        "count_nonzero": ("select(0u, 1u, {x}[i] != 0u)", "tile[i] + tile[i + stride]", "tile[0]", "u32", "randint(0,3)",
                          "np.count_nonzero({x})",
                          ["count the nonzero values among the {N} u32 elements of {X}, writing the count to {O}[0]",
                           "count how many of the {N} unsigned integers in {X} are not zero into {O}[0]"],
                          ["the number of nonzero entries of {X} ({N} u32 values), in {O}[0]"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        self.vp = tuple(self.OPS[op][6])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        load, step, final, et, fill, oracle, vp, np_ = self.OPS[self.op]
        x = (nm.pick(rng, nm.U_IN if et == "u32" else nm.F_IN) if named else "x")
        o = nm.pick(rng, (nm.U_OUT + ["count", "nnz"]) if et == "u32" else nm.F_OUT + ["total", "norm"], avoid=[x]) \
            if named else "out"
        n = rng.choice(SIZES)
        body = ["let i = gid.x;", f"tile[i] = {load.format(x=x)};", "workgroupBarrier();"] + \
            tree([f"tile[i] = {step};"]) + ["if (i == 0u) {", f"    {o}[0] = {final};", "}"]
        typ = f"array<{et}>"
        code = emit([("read", x, typ), ("read_write", o, typ)], [], body, ("N",),
                    shared=[f"const N: u32 = {n}u;", "", f"var<workgroup> tile: array<{et}, N>;"])
        specs = (storage(0, "read", typ, n, fill), storage(1, "read_write", typ, 1, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the array", "the input buffer"]),
                 "O": Slot(o, o), "N": Slot(str(n), str(n))}
        sfx = rng.choice(SUFFIX)
        forms = {"vp": [f + sfx for f in vp], "np": list(np_)}
        return Instance(self.id, self.family, self.category, code, specs, (n,),
                        f"{o} = np.array([{oracle.format(x=x)}])", 1e-4, 1e-4, slots, forms, named, out_named=True)


class ScanMinMax(Variant):
    """Inclusive running max or min of N values in one workgroup (Hillis-Steele)."""
    family = category = "reduction"

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}_scan"
        word = "maximum" if op == "max" else "minimum"
        self.vp = (f"compute the inclusive running {word} of the {{N}} values in {{X}} into {{O}}",
                   f"run an inclusive {op}-scan over the {{N}} elements of {{X}}, writing {{O}}",
                   f"write the prefix {word} of {{X}} ({{N}} floats) to {{O}}: {{O}}[i] = {op}({{xr}}[0..i])")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.F_IN) if named else "x"
        o = nm.pick(rng, nm.F_OUT + ["prefix", "running", "scan"], avoid=[x]) if named else "out"
        n = rng.choice(SIZES)
        body = ["let i = gid.x;", f"tile[i] = {x}[i];", "workgroupBarrier();",
                "for (var offset = 1u; offset < N; offset = offset * 2u) {",
                "    var v = tile[i];", "    if (i >= offset) {", f"        v = {self.op}(v, tile[i - offset]);", "    }",
                "    workgroupBarrier();", "    tile[i] = v;", "    workgroupBarrier();", "}", f"{o}[i] = tile[i];"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("N",),
                    shared=[f"const N: u32 = {n}u;", "", "var<workgroup> tile: array<f32, N>;"])
        specs = (storage(0, "read", "array<f32>", n, "uniform(-100,100)"), storage(1, "read_write", "array<f32>", n, "zeros"))
        fn = "np.maximum" if self.op == "max" else "np.minimum"
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the array"]), "O": Slot(o, o), "N": Slot(str(n), str(n)),
                 "xr": Slot(x, x)}
        word = "maximum" if self.op == "max" else "minimum"
        forms = {"vp": list(self.vp), "np": [f"the running {word} of the {{N}} elements of {{X}}, in {{O}}",
                                             f"an inclusive {self.op}-scan of {{X}} (size {{N}}) into {{O}}"]}
        return Instance(self.id, self.family, self.category, code, specs, (n,), f"{o} = {fn}.accumulate({x})", 1e-4, 1e-4,
                        slots, forms, named, out_named=True)


VARIANTS = [Reduce2(op) for op in Reduce2.OPS] + [ScanMinMax("max"), ScanMinMax("min")]
for _v in VARIANTS:
    _v.weight = 2.0
