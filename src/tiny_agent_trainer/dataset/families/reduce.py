"""Reduction family: single-workgroup reductions and scans over a fixed small size N (64/128/256)
written in the prompt, with `var<workgroup>` memory and `workgroupBarrier()`: sum, min, max, mean,
dot product, inclusive and exclusive prefix sums. N is a module-scope `const N: u32` used for the
workgroup size, the shared array and the loop bounds (copied from the prompt, never computed).
This module does NOT do multi-workgroup (grid-wide) reductions.
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, Slot, Variant, buffer_slot, emit, storage

SIZES = (64, 128, 256)


def tree(combine: list[str], lid: str = "i", size: str = "N") -> list[str]:
    """The halving-stride loop; `combine` statements use `{l}` for the local index."""
    inner = ["        " + s.format(l=lid) for s in combine]
    return [f"for (var stride = {size} / 2u; stride > 0u; stride = stride / 2u) {{", f"    if ({lid} < stride) {{",
            *inner, "    }", "    workgroupBarrier();", "}"]


class Reduce(Variant):
    family = category = "reduction"
    OPS = {
        "sum": ("tile[i] + tile[i + stride]", "np.sum({x}.astype(np.float64))", "uniform(0,1)",
                ["sum the {N} values of {X} into {O}[0]", "add up all {N} elements of {X}, writing the total to {O}[0]",
                 "compute the sum of the {N} floats in {X}"], ["the sum of the {N} elements of {X}, in {O}[0]", "the total of {X} ({N} values)"]),
        "min": ("min(tile[i], tile[i + stride])", "np.min({x})", "uniform(-100,100)",
                ["find the minimum of the {N} values in {X}, storing it in {O}[0]", "compute the smallest of the {N} elements of {X}"],
                ["the minimum of the {N} elements of {X}, in {O}[0]", "the smallest value among the {N} entries of {X}"]),
        "max": ("max(tile[i], tile[i + stride])", "np.max({x})", "uniform(-100,100)",
                ["find the maximum of the {N} values in {X}, storing it in {O}[0]", "compute the largest of the {N} elements of {X}"],
                ["the maximum of the {N} elements of {X}, in {O}[0]", "the largest value among the {N} entries of {X}"]),
        "mean": ("tile[i] + tile[i + stride]", "np.mean({x}.astype(np.float64))", "uniform(-1,1)",
                 ["compute the mean of the {N} values of {X} into {O}[0]", "average the {N} elements of {X}, writing the mean to {O}[0]"],
                 ["the average of the {N} numbers in {X}, in {O}[0]", "the arithmetic mean of {X} ({N} elements)"]),
        "dot": ("tile[i] + tile[i + stride]", "np.dot({x}.astype(np.float64), {y})", "uniform(-1,1)",
                ["compute the dot product of {X} and {Y} ({N} elements each) into {O}[0]",
                 "multiply {X} and {Y} element-wise and sum the {N} products into {O}[0]"],
                ["the dot product of the {N}-element vectors {X} and {Y}, in {O}[0]"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        self.vp = tuple(self.OPS[op][3])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        step, oracle, fill, vp, np_ = self.OPS[self.op]
        two = self.op == "dot"
        if two:
            x, y = nm.pick(rng, nm.F_PAIRS) if named else ("a", "b")
        else:
            x, y = (nm.pick(rng, nm.F_IN) if named else "x"), None
        o = nm.pick(rng, nm.F_OUT + ["total", "acc_out"], avoid=[x, y]) if named else "out"
        n = rng.choice(SIZES)
        load = f"tile[i] = {x}[i] * {y}[i];" if two else f"tile[i] = {x}[i];"
        final = f"{o}[0] = tile[0] / f32(N);" if self.op == "mean" else f"{o}[0] = tile[0];"
        body = ["let i = gid.x;", load, "workgroupBarrier();"] + tree([f"tile[i] = {step};"]) + \
            ["if (i == 0u) {", f"    {final}", "}"]
        bufs = [("read", x, "array<f32>")] + ([("read", y, "array<f32>")] if two else []) + [("read_write", o, "array<f32>")]
        code = emit(bufs, [], body, ("N",), shared=[f"const N: u32 = {n}u;", "", "var<workgroup> tile: array<f32, N>;"])
        specs = [storage(0, "read", "array<f32>", n, fill)]
        if two:
            specs.append(storage(1, "read", "array<f32>", n, fill))
        specs.append(storage(len(specs), "read_write", "array<f32>", 1, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the array", "the input buffer"] if not two else ["the first vector"],
                                 forms=["{n}"] if two else None),
                 "O": Slot(o, o), "N": Slot(str(n), str(n))}
        if two:
            slots["Y"] = buffer_slot(rng, y, named, ["the second vector"], forms=["{n}"])
        sfx = rng.choice([" using a single workgroup and shared memory", " with one workgroup", " in one workgroup of {N} threads",
                          " using workgroup memory and barriers", ""])
        forms = {"vp": [f + sfx for f in vp], "np": list(np_)}
        return Instance(self.id, self.family, self.category, code, tuple(specs), (n,),
                        f"{o} = np.array([{oracle.format(x=x, y=y)}])", 1e-4, 1e-4, slots, forms, named, out_named=True)


class Scan(Variant):
    """Inclusive/exclusive prefix sum of N values in one workgroup (Hillis-Steele)."""
    family = category = "reduction"

    def __init__(self, exclusive: bool):
        self.exclusive = exclusive
        self.id = "reduction/exclusive_scan" if exclusive else "reduction/inclusive_scan"
        kind = "exclusive" if exclusive else "inclusive"
        self.vp = (f"compute the {kind} prefix sum of the {{N}} values in {{X}} into {{O}}",
                   f"run an {kind} scan (running sum) over the {{N}} elements of {{X}}, writing {{O}}",
                   f"write the {kind} cumulative sum of {{X}} ({{N}} floats) to {{O}}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.F_IN) if named else "x"
        o = nm.pick(rng, nm.F_OUT + ["prefix", "scan", "cumsum"], avoid=[x]) if named else "out"
        n = rng.choice(SIZES)
        store = ["if (i == 0u) {", f"    {o}[i] = 0.0;", "} else {", f"    {o}[i] = tile[i - 1u];", "}"] if self.exclusive \
            else [f"{o}[i] = tile[i];"]
        body = ["let i = gid.x;", f"tile[i] = {x}[i];", "workgroupBarrier();",
                "for (var offset = 1u; offset < N; offset = offset * 2u) {",
                "    var v = tile[i];", "    if (i >= offset) {", "        v = v + tile[i - offset];", "    }",
                "    workgroupBarrier();", "    tile[i] = v;", "    workgroupBarrier();", "}"] + store
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("N",),
                    shared=[f"const N: u32 = {n}u;", "", "var<workgroup> tile: array<f32, N>;"])
        specs = (storage(0, "read", "array<f32>", n, "uniform(0,1)"), storage(1, "read_write", "array<f32>", n, "zeros"))
        cs = f"np.cumsum({x}.astype(np.float64))"
        oracle = f"{o} = np.concatenate([[0.0], {cs}[:-1]])" if self.exclusive else f"{o} = {cs}"
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the array"]), "O": Slot(o, o), "N": Slot(str(n), str(n))}
        kind = "exclusive" if self.exclusive else "inclusive"
        forms = {"vp": list(self.vp), "np": [f"the {kind} prefix sums of the {{N}} elements of {{X}}, in {{O}}",
                                             f"an {kind} scan of {{X}} (size {{N}}) into {{O}}"]}
        return Instance(self.id, self.family, self.category, code, specs, (n,), oracle, 1e-4, 1e-4, slots, forms, named,
                        out_named=True)


VARIANTS = [Reduce(op) for op in Reduce.OPS] + [Scan(False), Scan(True)]
for _v in VARIANTS:  # longer code with more structure: more examples per variant
    _v.weight = 2.0
