"""Third table of the reduction family (same canonical tree shape as `reduce.py`/`reduce2.py`: a
module-scope `const N: u32` copied from the prompt, `var<workgroup>` memory, a halving-stride loop
with `workgroupBarrier()`), for operations with more structure:

- arg-reductions (argmax/argmin) over (value, index) pairs in two workgroup arrays, ties to the
  lowest index (numpy's rule); min+max in one pass; mean with variance or standard deviation
  (two passes over shared memory); softmax, log-softmax and logsumexp (max-shifted, stable);
  mean-abs, RMS, harmonic and geometric means;
- strided folds: N larger than the workgroup (`const WG`), each thread first folds the samples
  i, i + WG, ... (frame energy, peak meter, RMS, sum), then tree-reduces;
- block sums: many workgroups, workgroup k sums its own WG values into `out[k]` (first pass of a
  two-pass reduction; the local index is `gid.x % WG` because the entry point only takes `gid`);
- atomics: counting values below a threshold or inside a range, and a float histogram of [0, 1)
  into B equal bins, like `integer/count_above` and `integer/histogram`.

This module does NOT do grid-wide single-pass reductions (no atomics on floats, no decoupled
look-back), subgroup operations, or counting above a threshold (that is `integer/count_above`).
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, Slot, Variant, buffer_slot, emit, param_slot, stable_choice, storage, uniform_spec
from .reduce import SIZES, tree
from .reduce2 import SUFFIX

# identifiers of the reference code that no drawn buffer/parameter name may take
LOCALS = ["acc", "j", "lid", "stride", "mean", "dev", "max_v", "ev", "bucket", "tile_idx", "tile_min", "tile_max"]
GEN_IN = ["the input", "the array", "the input buffer"]


SUM = ["tile[{l}] = tile[{l}] + tile[{l} + stride];"]
MAX = ["tile[{l}] = max(tile[{l}], tile[{l} + stride]);"]


def _names(rng, named, in_pool, out_pool, gen_out="out", gen_in="x"):
    x = nm.pick(rng, in_pool, avoid=LOCALS) if named else gen_in
    o = nm.pick(rng, out_pool, avoid=[x] + LOCALS) if named else gen_out
    return x, o


def _shared(n: int, *arrays: tuple[str, str]) -> list[str]:
    return [f"const N: u32 = {n}u;", ""] + [f"var<workgroup> {a}: array<{t}, N>;" for a, t in arrays]


class ArgReduce(Variant):
    """Index of the largest (smallest) of N values: a tree over (value, index) pairs."""
    family = category = "reduction"

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        big = op == "argmax"
        w, sup, fn = ("largest", "maximum", "max") if big else ("smallest", "minimum", "min")
        self.cmp = ">" if big else "<"
        self.vp = (f"find the index of the {w} of the {{N}} values in {{X}}, writing it to {{O}}[0]",
                   f"compute arg{fn} over the {{N}} elements of {{X}} (like torch.arg{fn}), storing the u32 index in {{O}}[0]",
                   f"return the position of the {sup} value among the {{N}} floats of {{X}} in {{O}}[0]",
                   f"reduce {{X}} ({{N}} values) to the index of its {sup}, keeping (value, index) pairs in shared memory,"
                   f" and write that index to {{O}}[0]",
                   f"locate the {w} entry of {{X}} ({{N}} floats) and store where it is (ties: lowest index) in {{O}}[0]")
        if big:
            self.vp += ("get the predicted class, i.e. the index of the highest of the {N} logits in {X}, into {O}[0]",)
        else:
            self.vp += ("find the nearest candidate: the index of the smallest of the {N} distances in {X}, into {O}[0]",)
        self.np_ = (f"the arg{fn} of the {{N}} elements of {{X}}, as a u32 index in {{O}}[0]",
                    f"the index of the {sup} of {{X}} ({{N}} floats), in {{O}}[0]",
                    f"np.arg{fn}({{xr}}) over {{N}} values, written to {{O}}[0] as u32",
                    f"the position of the {w} of the {{N}} values of {{X}}, lowest index on ties")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        ins = nm.F_IN + (["scores", "probs"] if self.op == "argmax" else ["dists", "costs", "errors"])
        x, o = _names(rng, named, ins, nm.U_OUT + ["idx", "best_idx", "pos", f"{self.op}_out"])
        n = rng.choice(SIZES)
        c = self.cmp
        body = ["let i = gid.x;", f"tile[i] = {x}[i];", "tile_idx[i] = i;", "workgroupBarrier();"] + tree(
            ["let j = {l} + stride;",
             f"if (tile[j] {c} tile[{{l}}] || (tile[j] == tile[{{l}}] && tile_idx[j] < tile_idx[{{l}}])) {{{{",
             "    tile[{l}] = tile[j];", "    tile_idx[{l}] = tile_idx[j];", "}}"]) + \
            ["if (i == 0u) {", f"    {o}[0] = tile_idx[0];", "}"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<u32>")], [], body, ("N",),
                    shared=_shared(n, ("tile", "f32"), ("tile_idx", "u32")))
        specs = (storage(0, "read", "array<f32>", n, "uniform(-100,100)"), storage(1, "read_write", "array<u32>", 1, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, GEN_IN + ["the logits", "the scores"] if self.op == "argmax" else GEN_IN),
                 "O": Slot(o, o), "N": Slot(str(n), str(n)), "xr": Slot(x, x)}
        sfx = rng.choice(SUFFIX)
        forms = {"vp": [f + sfx for f in self.vp], "np": list(self.np_)}
        return Instance(self.id, self.family, self.category, code, specs, (n,),
                        f"{o} = np.array([np.arg{self.op[3:]}({x})])", 1e-4, 1e-5, slots, forms, named, out_named=True)


class TwoStat(Variant):
    """Two results in out[0], out[1]: (min, max) in one pass, or (mean, variance | std) in two passes."""
    family = category = "reduction"
    PHRASES = {
        "minmax": (["compute both the minimum and the maximum of the {N} values in {X}: min in {O}[0], max in {O}[1]",
                    "find the depth range of the {N} depth samples in {X}, writing the nearest (min) to {O}[0] and the "
                    "farthest (max) to {O}[1]",
                    "get the bounds of {X} ({N} floats) in one pass with two shared tiles, {O}[0] = min and {O}[1] = max",
                    "reduce the {N} elements of {X} to their range, storing the smallest in {O}[0] and the largest in {O}[1]"],
                   ["the minimum and maximum of the {N} elements of {X}, in {O}[0] and {O}[1]",
                    "[min({xr}), max({xr})] over {N} values, written to {O}",
                    "the value range (min, max) of {X}, {N} floats"]),
        "mean_var": (["compute the mean and the population variance of the {N} values in {X}: mean in {O}[0], variance in {O}[1]",
                      "compute the mean of {X} ({N} floats) into {O}[0], then the average squared deviation from it into {O}[1]",
                      "estimate the first two moments of the {N} samples of {X}: {O}[0] = mean, {O}[1] = sum((x - mean)^2) / {N}",
                      "compute np.mean and np.var (ddof=0) of the {N} entries of {X}, writing them to {O}[0] and {O}[1]"],
                     ["the mean and variance (divided by {N}) of {X}, in {O}[0] and {O}[1]",
                      "mean({xr}) and var({xr}) over {N} values, as {O}[0] and {O}[1]",
                      "the batch statistics (mean, biased variance) of the {N} elements of {X}"]),
        "mean_std": (["compute the mean and the standard deviation of the {N} values in {X}: mean in {O}[0], std in {O}[1]",
                      "compute the average of {X} ({N} floats) into {O}[0] and the population standard deviation into {O}[1]",
                      "compute mu and sigma of the {N} samples in {X}, sigma = sqrt(sum((x - mu)^2) / {N}), into {O}[0] and {O}[1]"],
                     ["the mean and standard deviation (population, ddof=0) of {X}, in {O}[0] and {O}[1]",
                      "np.mean({xr}) and np.std({xr}) over its {N} entries, in {O}[0] and {O}[1]",
                      "mu and sigma of the {N} values of {X}"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        self.vp = tuple(self.PHRASES[op][0])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        mm = self.op == "minmax"
        ins = nm.F_IN + (["depths", "zvals"] if mm else ["batch", "feats"])
        x, o = _names(rng, named, ins, nm.F_OUT + (["bounds", "range_out", "minmax"] if mm else ["stats", "moments"]))
        n = rng.choice(SIZES)
        if mm:
            body = ["let i = gid.x;", f"tile_min[i] = {x}[i];", f"tile_max[i] = {x}[i];", "workgroupBarrier();"] + tree(
                ["tile_min[{l}] = min(tile_min[{l}], tile_min[{l} + stride]);",
                 "tile_max[{l}] = max(tile_max[{l}], tile_max[{l} + stride]);"]) + \
                ["if (i == 0u) {", f"    {o}[0] = tile_min[0];", f"    {o}[1] = tile_max[0];", "}"]
            shared = _shared(n, ("tile_min", "f32"), ("tile_max", "f32"))
            fill, oracle = "uniform(-100,100)", f"{o} = np.array([np.min({x}), np.max({x})])"
        else:
            second = "sqrt(tile[0] / f32(N))" if self.op == "mean_std" else "tile[0] / f32(N)"
            body = ["let i = gid.x;", f"tile[i] = {x}[i];", "workgroupBarrier();"] + tree(SUM) + \
                ["let mean = tile[0] / f32(N);", "workgroupBarrier();", f"let dev = {x}[i] - mean;", "tile[i] = dev * dev;",
                 "workgroupBarrier();"] + tree(SUM) + \
                ["if (i == 0u) {", f"    {o}[0] = mean;", f"    {o}[1] = {second};", "}"]
            shared = _shared(n, ("tile", "f32"))
            fn = "std" if self.op == "mean_std" else "var"
            fill = rng.choice(["uniform(-1,1)", "uniform(0,4)"])
            oracle = f"{o} = np.array([np.mean({x}.astype(np.float64)), np.{fn}({x}.astype(np.float64))])"
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("N",), shared=shared)
        specs = (storage(0, "read", "array<f32>", n, fill), storage(1, "read_write", "array<f32>", 2, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, GEN_IN), "O": Slot(o, o), "N": Slot(str(n), str(n)), "xr": Slot(x, x)}
        vp, np_ = self.PHRASES[self.op]
        sfx = rng.choice(SUFFIX)
        return Instance(self.id, self.family, self.category, code, specs, (n,), oracle, 1e-4, 1e-4, slots,
                        {"vp": [f + sfx for f in vp], "np": list(np_)}, named, out_named=True)


class Strided(Variant):
    """N > workgroup size: each thread folds N / WG strided samples, then a tree over WG partials."""
    family = category = "reduction"
    # fold (of acc and {x}[j]), tree step, final (of tile[0]), fill, oracle, vp, np
    OPS = {
        "sum_strided": ("acc + {x}[j]", SUM, "tile[0]", "uniform(-1,1)", "np.sum({x}.astype(np.float64))",
                        ["sum the {N} values of {X} into {O}[0] with {WG} threads, each thread first adding up every {WG}-th element",
                         "add up all {N} elements of {X} using one workgroup of {WG} threads (a strided loop, then a tree), "
                         "writing the total to {O}[0]"],
                        ["the sum of the {N} elements of {X}, reduced by {WG} threads with strided loads, in {O}[0]"]),
        "sum_squares_strided": ("acc + {x}[j] * {x}[j]", SUM, "tile[0]", "uniform(-1,1)", "np.sum({x}.astype(np.float64) ** 2)",
                                ["compute the energy of an audio frame of {N} samples in {X} (the sum of squared samples) "
                                 "into {O}[0], with {WG} threads that each accumulate samples i, i + {WG}, ... first",
                                 "compute the frame energy sum(x^2) of the {N} samples in {X} for voice activity detection, "
                                 "using one workgroup of {WG} threads, into {O}[0]",
                                 "square and sum the {N} values of {X} with a {WG}-thread workgroup (strided partial sums, "
                                 "then a shared-memory tree), writing {O}[0]"],
                                ["the energy (sum of squares) of the {N}-sample frame {X}, in {O}[0], using {WG} threads",
                                 "the short-time energy of {X} ({N} samples) computed by {WG} threads"]),
        "max_abs_strided": ("max(acc, abs({x}[j]))", MAX, "tile[0]", "uniform(-1,1)", "np.max(np.abs({x}))",
                            ["compute the peak level of the {N} audio samples in {X}, the largest |sample|, into {O}[0] "
                             "with {WG} threads, each scanning every {WG}-th sample first",
                             "build a peak meter: find max(abs(x)) over the {N} samples of {X} with one workgroup of "
                             "{WG} threads, writing {O}[0]",
                             "find the largest absolute value among the {N} elements of {X} using {WG} threads "
                             "(strided loop, then a max tree), storing it in {O}[0]"],
                            ["the peak absolute amplitude of the {N}-sample buffer {X}, in {O}[0], using {WG} threads",
                             "the max of |x| over the {N} samples of {X}, reduced by {WG} threads"]),
        "rms_strided": ("acc + {x}[j] * {x}[j]", SUM, "sqrt(tile[0] / f32(N))", "uniform(-1,1)",
                        "np.sqrt(np.mean({x}.astype(np.float64) ** 2))",
                        ["compute the RMS level sqrt(sum(x^2) / {N}) of the {N} audio samples in {X} into {O}[0] with "
                         "{WG} threads, each summing every {WG}-th sample first",
                         "measure the root-mean-square loudness of a {N}-sample frame {X} using one workgroup of {WG} "
                         "threads, writing it to {O}[0]"],
                        ["the RMS of the {N} samples of {X}, in {O}[0], computed by {WG} threads with strided loads",
                         "the root mean square of the {N}-sample frame {X}, using a {WG}-thread workgroup"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        self.vp = tuple(self.OPS[op][5])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        fold, step, final, fill, oracle, vp, np_ = self.OPS[self.op]
        audio = self.op != "sum_strided"
        ins = nm.F_IN + (["pcm", "frame", "audio", "samples"] if audio else [])
        x, o = _names(rng, named, ins, nm.F_OUT + (["energy", "peak", "level", "rms"] if audio else ["total"]))
        wg = rng.choice((64, 128, 256))
        n = wg * rng.choice((2, 4, 8))
        body = ["let i = gid.x;", "var acc = 0.0;", "for (var j = i; j < N; j = j + WG) {",
                f"    acc = {fold.format(x=x)};", "}", "tile[i] = acc;", "workgroupBarrier();"] + \
            tree(step, size="WG") + ["if (i == 0u) {", f"    {o}[0] = {final};", "}"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("WG",),
                    shared=[f"const N: u32 = {n}u;", f"const WG: u32 = {wg}u;", "", "var<workgroup> tile: array<f32, WG>;"])
        specs = (storage(0, "read", "array<f32>", n, fill), storage(1, "read_write", "array<f32>", 1, "zeros"))
        gen = ["the input", "the samples", "the frame"] if audio else GEN_IN
        slots = {"X": buffer_slot(rng, x, named, gen), "O": Slot(o, o), "N": Slot(str(n), str(n)),
                 "WG": Slot(str(wg), str(wg))}
        return Instance(self.id, self.family, self.category, code, specs, (wg,),
                        f"{o} = np.array([{oracle.format(x=x)}])", 1e-4, 1e-4, slots, {"vp": list(vp), "np": list(np_)},
                        named, out_named=True)


class BlockSums(Variant):
    """First pass of a two-pass reduction: workgroup k sums values[k*WG .. k*WG + WG - 1] into out[k]."""
    family = category = "reduction"
    id = "reduction/block_sums"
    vp = ("sum each block of {WG} consecutive values of {X} into {O}, one workgroup per block ({O}[k] = sum of "
          "{xr}[k*{WG} .. k*{WG} + {WG} - 1])",
          "compute per-workgroup partial sums of the {N} elements of {X}: workgroup k reduces its {WG} values in shared "
          "memory and writes {O}[k]",
          "run the first pass of a two-pass sum over {X} ({N} floats): {NB} workgroups of {WG} threads, each storing its "
          "block total in {O}",
          "reduce {X} in tiles of {WG} elements, writing the {NB} tile sums to {O}")
    np_ = ("the {NB} partial sums of {X}, one per block of {WG} elements, in {O}",
           "per-block totals of the {N} values of {X} (block size {WG}), in {O}",
           "{xr}.reshape({NB}, {WG}).sum(axis=1), written to {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x, o = _names(rng, named, nm.F_IN, ["block_sums", "partials", "partial_sums", "sums"] + nm.F_OUT)
        wg = rng.choice((64, 128, 256))
        nb = rng.choice((4, 8, 16))
        n = wg * nb
        body = ["let i = gid.x;", "let lid = i % WG;", f"tile[lid] = select(0.0, {x}[i], i < arrayLength(&{x}));",
                "workgroupBarrier();"] + tree(SUM, lid="lid", size="WG") + \
            ["if (lid == 0u) {", f"    {o}[i / WG] = tile[0];", "}"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("WG",),
                    shared=[f"const WG: u32 = {wg}u;", "", "var<workgroup> tile: array<f32, WG>;"])
        specs = (storage(0, "read", "array<f32>", n, "uniform(-1,1)"), storage(1, "read_write", "array<f32>", nb, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, GEN_IN), "O": Slot(o, o), "N": Slot(str(n), str(n)),
                 "WG": Slot(str(wg), str(wg)), "NB": Slot(str(nb), str(nb)), "xr": Slot(x, x)}
        return Instance(self.id, self.family, self.category, code, specs, (n,),
                        f"{o} = {x}.astype(np.float64).reshape({nb}, {wg}).sum(axis=1)", 1e-4, 1e-4, slots,
                        {"vp": list(self.vp), "np": list(self.np_)}, named, out_named=True)


class Softmax(Variant):
    """Max-shifted softmax / log-softmax of N logits, or their logsumexp, in one workgroup."""
    family = category = "reduction"
    PHRASES = {
        "softmax": (["apply a numerically stable softmax to the {N} logits in {X}, writing the probabilities to {O}",
                     "compute softmax(dim=0) of {X} ({N} values) into {O}: subtract the max, exponentiate, divide by the sum",
                     "turn the {N} scores in {X} into probabilities that sum to 1, {O}[i] = exp(x[i] - max) / sum(exp(x - max))",
                     "normalize the {N} logits of {X} with a softmax (max and sum reduced in shared memory) into {O}"],
                    ["the softmax of the {N} logits in {X}, in {O}", "torch.softmax({xr}, dim=0) over {N} values, in {O}",
                     "the class probabilities exp(x - max(x)) / sum(exp(x - max(x))) for the {N} entries of {X}"]),
        "log_softmax": (["compute the log-softmax of the {N} logits in {X} into {O}, {O}[i] = x[i] - max - log(sum(exp(x - max)))",
                         "apply log_softmax (dim=0) to {X} ({N} values), stably, writing the log-probabilities to {O}",
                         "compute the log-probabilities for a cross-entropy loss from the {N} logits in {X}, into {O}"],
                        ["the log-softmax of the {N} logits in {X}, in {O}",
                         "F.log_softmax({xr}, dim=0) for {N} values, in {O}",
                         "the log-probabilities x - logsumexp(x) of the {N} entries of {X}"]),
        "logsumexp": (["compute the logsumexp of the {N} values in {X} stably (max + log(sum(exp(x - max)))) into {O}[0]",
                       "compute log(sum(exp({xr}))) over {N} elements without overflow, storing it in {O}[0]",
                       "reduce the {N} logits in {X} to their log-partition function (torch.logsumexp), writing {O}[0]",
                       "find the smooth maximum log(sum_i exp(x_i)) of the {N} entries of {X}, into {O}[0]"],
                      ["the logsumexp of the {N} elements of {X}, in {O}[0]",
                       "torch.logsumexp({xr}, dim=0) over {N} values, in {O}[0]",
                       "the log of the sum of the exponentials of the {N} values of {X}, computed stably"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        self.vp = tuple(self.PHRASES[op][0])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x, o = _names(rng, named, nm.F_IN + ["scores", "logits"], nm.F_OUT + {
            "softmax": ["probs", "p", "weights"], "log_softmax": ["log_probs", "logp"], "logsumexp": ["lse", "log_z"]}[self.op])
        n = rng.choice(SIZES)
        body = ["let i = gid.x;", f"tile[i] = {x}[i];", "workgroupBarrier();"] + tree(MAX) + \
            ["let max_v = tile[0];", "workgroupBarrier();", f"let ev = exp({x}[i] - max_v);", "tile[i] = ev;",
             "workgroupBarrier();"] + tree(SUM)
        body += {"softmax": [f"{o}[i] = ev / tile[0];"],
                 "log_softmax": [f"{o}[i] = {x}[i] - max_v - log(tile[0]);"],
                 "logsumexp": ["if (i == 0u) {", f"    {o}[0] = max_v + log(tile[0]);", "}"]}[self.op]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("N",),
                    shared=_shared(n, ("tile", "f32")))
        count = 1 if self.op == "logsumexp" else n
        specs = (storage(0, "read", "array<f32>", n, rng.choice(["uniform(-10,10)", "uniform(-4,4)"])),
                 storage(1, "read_write", "array<f32>", count, "zeros"))
        lse = f"(np.max({x}) + np.log(np.sum(np.exp({x}.astype(np.float64) - np.max({x})))))"
        oracle = {"softmax": f"_e = np.exp({x}.astype(np.float64) - np.max({x}))\n{o} = _e / np.sum(_e)",
                  "log_softmax": f"{o} = {x}.astype(np.float64) - {lse}",
                  "logsumexp": f"{o} = np.array([{lse}])"}[self.op]
        slots = {"X": buffer_slot(rng, x, named, GEN_IN + ["the logits"]), "O": Slot(o, o), "N": Slot(str(n), str(n)),
                 "xr": Slot(x, x)}
        vp, np_ = self.PHRASES[self.op]
        sfx = rng.choice(SUFFIX)
        return Instance(self.id, self.family, self.category, code, specs, (n,), oracle, 1e-3, 1e-4, slots,
                        {"vp": [f + sfx for f in vp], "np": list(np_)}, named, out_named=True)


class Means(Variant):
    """One-pass means of a transformed value: mean |x|, RMS, harmonic and geometric means."""
    family = category = "reduction"
    # load (of {x}[i]), final (of tile[0]), fill, oracle, vp, np
    OPS = {
        "mean_abs": ("abs({x}[i])", "tile[0] / f32(N)", "uniform(-1,1)", "np.mean(np.abs({x}.astype(np.float64)))",
                     ["compute the mean absolute value of the {N} elements of {X} into {O}[0]",
                      "average |x| over the {N} values in {X} (an L1 loss), writing it to {O}[0]",
                      "compute sum(abs(x)) / {N} for the {N} floats of {X}, storing it in {O}[0]"],
                     ["the mean of the absolute values of the {N} elements of {X}, in {O}[0]",
                      "np.mean(np.abs({xr})) over {N} values, in {O}[0]"]),
        "rms": ("{x}[i] * {x}[i]", "sqrt(tile[0] / f32(N))", "uniform(-1,1)", "np.sqrt(np.mean({x}.astype(np.float64) ** 2))",
                ["compute the root mean square of the {N} values in {X} into {O}[0]",
                 "compute the RMS level sqrt(mean(x^2)) of the {N} samples in {X}, writing it to {O}[0]",
                 "square the {N} elements of {X}, then average them and take the square root, storing the result in {O}[0]"],
                ["the RMS of the {N} elements of {X}, in {O}[0]", "sqrt(sum(x^2) / {N}) over the entries of {X}"]),
        "harmonic_mean": ("1.0 / {x}[i]", "f32(N) / tile[0]", "uniform(0.5,4)", "{n} / np.sum(1.0 / {x}.astype(np.float64))",
                          ["compute the harmonic mean of the {N} positive values in {X} into {O}[0]",
                           "compute {N} / sum(1 / x) over the elements of {X}, writing it to {O}[0]",
                           "average the {N} rates in {X} harmonically (N divided by the sum of reciprocals), into {O}[0]"],
                          ["the harmonic mean of the {N} positive numbers in {X}, in {O}[0]",
                           "{N} over the sum of the reciprocals of {X}"]),
        "geometric_mean": ("log({x}[i])", "exp(tile[0] / f32(N))", "uniform(0.5,4)",
                           "np.exp(np.mean(np.log({x}.astype(np.float64))))",
                           ["compute the geometric mean of the {N} positive values in {X} into {O}[0]",
                            "compute exp(mean(log(x))) over the {N} elements of {X}, writing it to {O}[0]",
                            "average the logs of the {N} positive entries of {X} and exponentiate, storing the result in {O}[0]"],
                           ["the geometric mean of the {N} positive numbers in {X}, in {O}[0]",
                            "the {N}-th root of the product of the values of {X}, via logs"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        self.vp = tuple(self.OPS[op][4])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        load, final, fill, oracle, vp, np_ = self.OPS[self.op]
        x, o = _names(rng, named, nm.F_IN, nm.F_OUT + ["mean_out", "avg"])
        n = rng.choice(SIZES)
        body = ["let i = gid.x;", f"tile[i] = {load.format(x=x)};", "workgroupBarrier();"] + tree(SUM) + \
            ["if (i == 0u) {", f"    {o}[0] = {final};", "}"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, ("N",),
                    shared=_shared(n, ("tile", "f32")))
        specs = (storage(0, "read", "array<f32>", n, fill), storage(1, "read_write", "array<f32>", 1, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, GEN_IN), "O": Slot(o, o), "N": Slot(str(n), str(n)), "xr": Slot(x, x)}
        sfx = rng.choice(SUFFIX)
        return Instance(self.id, self.family, self.category, code, specs, (n,),
                        f"{o} = np.array([{oracle.format(x=x, n=n)}])", 1e-4, 1e-4, slots,
                        {"vp": [f + sfx for f in vp], "np": list(np_)}, named, out_named=True)


class CountCmp(Variant):
    """Atomic count of the values below a threshold, or strictly inside (lo, hi); uniform or prompt constants."""
    family = category = "reduction"

    def __init__(self, op: str):
        self.op = op
        self.id = f"reduction/{op}"
        if op == "count_lt":
            self.vp = ("count how many of the values in {X} are less than {K}, into {O}[0] with atomicAdd",
                       "count the elements of {X} below {K} using an atomic counter {O}[0]",
                       "use atomicAdd to tally the samples of {X} that fall under the threshold {K}, storing the count in {O}[0]")
            self.np_ = ("the number of elements of {X} smaller than {K}, counted atomically in {O}[0]",
                        "np.count_nonzero({xr} < {K}), accumulated with atomics in {O}[0]")
        else:
            self.vp = ("count the elements of {X} strictly between {K} and {K2} into {O}[0] with atomicAdd",
                       "use atomics to count how many values of {X} satisfy {K} < x < {K2}, storing the count in {O}[0]",
                       "count the in-range samples of {X} (greater than {K} and less than {K2}) using an atomic counter {O}[0]")
            self.np_ = ("the number of entries of {X} in the open interval ({K}, {K2}), counted atomically in {O}[0]",
                        "np.count_nonzero(({xr} > {K}) & ({xr} < {K2})), accumulated with atomics in {O}[0]")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x, c = _names(rng, named, nm.F_IN, ["count", "counter", "total", "n_below" if self.op == "count_lt" else "n_in_range",
                                            "result"], gen_out="count")
        uni = rng.random() < 0.5
        if self.op == "count_lt":
            keys, pools, vals = ["K"], [nm.P_THRESH], rng.choice([(0.0,), (0.5,), (-0.25,), (0.75,)])
        else:
            keys, pools, vals = ["K", "K2"], None, rng.choice([(-0.5, 0.5), (0.0, 0.25), (-0.75, 0.1), (0.2, 0.9)])
        slots = {"X": buffer_slot(rng, x, named, GEN_IN + ["the input values"]), "O": Slot(c, c), "xr": Slot(x, x)}
        refs, orefs, fields = [], [], []
        if uni:
            names = [nm.pick(rng, nm.P_THRESH, avoid={x, c})] if pools else \
                list(nm.pick(rng, nm.P_RANGE, avoid={x, c} | nm.RESERVED))
            for key, pn in zip(keys, names):
                refs.append(f"params.{pn}")
                orefs.append(pn)
                fields.append((pn, "f32"))
                slots[key] = param_slot(rng, pn, True)
        else:
            for key, v in zip(keys, vals):
                txt = str(v).rstrip("0").rstrip(".") if v else "0"
                refs.append(nm.f32_lit(txt))
                orefs.append(f"np.float32({txt})")
                slots[key] = param_slot(rng, "", False, txt)
        cond = f"{x}[i] < {refs[0]}" if self.op == "count_lt" else f"{x}[i] > {refs[0]} && {x}[i] < {refs[1]}"
        ocond = f"{x} < {orefs[0]}" if self.op == "count_lt" else f"({x} > {orefs[0]}) & ({x} < {orefs[1]})"
        code = emit([("read", x, "array<f32>"), ("read_write", c, "array<atomic<u32>>")], fields,
                    [f"if ({cond}) {{", f"    atomicAdd(&{c}[0], 1u);", "}"], (rng.choice((64, 64, 128, 256)),),
                    header=["let i = gid.x;", f"if (i >= arrayLength(&{x})) {{ return; }}"])
        n = stable_choice((256, 1000, 1024, 4096), code)
        bufs = [storage(0, "read", "array<f32>", n, "uniform(-1,1)"), storage(1, "read_write", "array<atomic<u32>>", 1, "zeros")]
        if fields:
            bufs.append(uniform_spec(2, ["f32"] * len(fields), list(vals)))
        return Instance(self.id, self.family, self.category, code, tuple(bufs), (n,),
                        f"{c}[0] = np.count_nonzero({ocond})", 1e-4, 1e-5, slots,
                        {"vp": list(self.vp), "np": list(self.np_)}, named, out_named=True)


class HistFloat(Variant):
    """Histogram of floats in [0, 1) into B equal bins with atomics; bin = min(u32(v * B), B - 1)."""
    family = category = "reduction"
    id = "reduction/hist_float"
    vp = ("build a {B}-bin histogram of the values in {X}, which lie in [0, 1), into {O} with atomicAdd",
          "count the floats of {X} (all in [0, 1)) into {B} equal-width bins of {O}, bin = min(u32(v * {B}), {B} - 1)",
          "accumulate a histogram of the normalized values of {X} into {B} buckets stored in {O}, using atomic counters",
          "bucket the [0, 1) samples of {X} into {B} uniform bins and count each bin atomically in {O}")
    np_ = ("a {B}-bin histogram of the [0, 1) values in {X}, in {O}",
           "np.histogram({xr}, bins={B}, range=(0, 1)) counts, atomically added into {O}",
           "the counts of {X} in {B} equal bins over [0, 1), accumulated with atomicAdd in {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x, h = _names(rng, named, nm.F_IN + ["luma", "probs"], ["hist", "histogram", "bins", "counts", "freq"], gen_out="hist")
        b = rng.choice((4, 8, 16, 32, 64))
        body = [f"let bucket = min(u32({x}[i] * f32(BINS)), BINS - 1u);", f"atomicAdd(&{h}[bucket], 1u);"]
        code = emit([("read", x, "array<f32>"), ("read_write", h, "array<atomic<u32>>")], [], body,
                    (rng.choice((64, 64, 128, 256)),), shared=[f"const BINS: u32 = {b}u;"],
                    header=["let i = gid.x;", f"if (i >= arrayLength(&{x})) {{ return; }}"])
        n = stable_choice((500, 1000, 1024, 4096), code)
        bufs = (storage(0, "read", "array<f32>", n, "uniform(0,1)"), storage(1, "read_write", "array<atomic<u32>>", b, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, GEN_IN + ["the data"]), "O": Slot(h, h), "B": Slot(str(b), str(b)),
                 "xr": Slot(x, x)}
        oracle = (f"{h} += np.bincount(np.minimum(({x} * np.float32({b})).astype(np.int64), {b - 1}), "
                  f"minlength={b}).astype(np.uint32)")
        return Instance(self.id, self.family, self.category, code, bufs, (n,), oracle, 1e-4, 1e-5, slots,
                        {"vp": list(self.vp), "np": list(self.np_)}, named, out_named=True)


VARIANTS = ([ArgReduce("argmax"), ArgReduce("argmin")] + [TwoStat(op) for op in TwoStat.PHRASES] +
            [Strided(op) for op in Strided.OPS] + [BlockSums()] + [Softmax(op) for op in Softmax.PHRASES] +
            [Means(op) for op in Means.OPS])
for _v in VARIANTS:  # longer code with more structure: more examples per variant
    _v.weight = 2.0
VARIANTS += [CountCmp("count_lt"), CountCmp("count_in_range"), HistFloat()]
for _v in VARIANTS[-3:]:  # atomics
    _v.weight = 1.5
