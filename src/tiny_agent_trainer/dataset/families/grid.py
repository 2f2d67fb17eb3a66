"""2D family (row-major matrices/images, `gid.x` = column, `gid.y` = row, sizes from uniforms):
transpose, matrix multiply, row-vector broadcast add, horizontal/vertical flip, 3x3 box blur and
3x3 convolution with clamped edges, row sums; plus the 1D 3-tap stencil (family `stencil`).
This module does NOT do tiled/shared-memory matmul (one canonical, simple form per construct).
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, Slot, Variant, buffer_slot, emit, guard_2d, stable_choice, storage, uniform_spec

SIZES = [(16, 16), (32, 16), (37, 23), (64, 32), (50, 40), (24, 48)]
WG2 = [(8, 8), (8, 8), (16, 16)]
IMG_GEN = ["the input matrix", "the matrix", "the input grid"]
MAT_FORMS = ["{n}", "{n}", "the matrix {n}", "`{n}`", "matrix {n}"]
IMG_FORMS = ["{n}", "{n}", "the image {n}", "`{n}`", "image {n}"]


def size_slots(wname: str, hname: str) -> dict[str, Slot]:
    """The W and H slots of a grid whose width and height are uniform fields."""
    return {"W": Slot(wname, wname, uniform=True), "H": Slot(hname, hname, uniform=True)}


class Grid(Variant):
    """One 2D op; `kind` picks the body. Sizes come from the uniform (width, height) pair."""
    family = category = "2d"

    PHR = {
        "transpose": (["transpose {X} ({W} columns, {H} rows) into {O}", "write the transpose of {X} to {O}; {X} has {W} columns and {H} rows",
                       "swap rows and columns of {X} (size {W} x {H}) into {O}"],
                      ["the transpose of the {W} x {H} matrix {X}, written to {O}", "{X} transposed ({W} wide, {H} tall) in {O}"]),
        "add_row": (["add the row vector {V} to every row of {X} ({W} columns, {H} rows) into {O}",
                     "broadcast-add {V} (length {W}) to each row of {X}, a {W} x {H} matrix, giving {O}"],
                    ["{X} plus the row vector {V} broadcast over its rows ({W} wide, {H} tall), in {O}"]),
        "flip_h": (["flip {X} horizontally ({W} wide, {H} tall) into {O}", "mirror {X} left to right into {O}; size {W} x {H}"],
                   ["the horizontal mirror image of {X} ({W} x {H}) in {O}"]),
        "flip_v": (["flip {X} vertically ({W} wide, {H} tall) into {O}", "mirror {X} upside down into {O}; size {W} x {H}"],
                   ["the vertically flipped {X} ({W} x {H}) in {O}"]),
        "box_blur": (["apply a 3x3 box blur to {X} ({W} x {H}) with clamped edges, writing {O}",
                      "blur {X} with a 3x3 mean filter, clamping coordinates at the borders; width {W}, height {H}; output {O}"],
                     ["the 3x3 box blur of {X} (size {W} x {H}, edges clamped) in {O}"]),
        "conv3x3": (["convolve {X} ({W} x {H}) with the 3x3 kernel {V} (row-major), clamping at the edges, into {O}",
                     "apply the 3x3 filter weights {V} to {X} of size {W} by {H} with clamped borders, output {O}"],
                    ["the 3x3 convolution of {X} ({W} x {H}) with weights {V}, edges clamped, in {O}"]),
    }

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"2d/{kind}"
        self.vp = tuple(self.PHR[kind][0])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        k = self.kind
        x = nm.pick(rng, nm.M_IN) if named else ("a" if k in ("transpose", "add_row") else "src")
        o = nm.pick(rng, nm.F_OUT, avoid=[x]) if named else "out"
        v = None
        if k == "add_row":
            v = nm.pick(rng, ["row", "bias", "v", "vec", "r"], avoid=[x, o]) if named else "bias"
            v = "row_vec" if v == "row" else v
        if k == "conv3x3":
            v = nm.pick(rng, ["weights", "kernel", "w", "k", "taps"], avoid=[x, o]) if named else "weights"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={x, o, v or ""})
        width, height = rng.choice(SIZES)
        W, H = f"params.{wname}", f"params.{hname}"
        at = f"row * {W} + col"
        if k == "transpose":
            body = [f"{o}[col * {H} + row] = {x}[{at}];"]
            oracle = f"{o} = {x}.reshape({hname}, {wname}).T.reshape(-1)"
        elif k == "add_row":
            body = [f"{o}[{at}] = {x}[{at}] + {v}[col];"]
            oracle = f"{o} = ({x}.reshape({hname}, {wname}) + {v}[None, :]).reshape(-1)"
        elif k == "flip_h":
            body = [f"{o}[{at}] = {x}[row * {W} + ({W} - 1u - col)];"]
            oracle = f"{o} = {x}.reshape({hname}, {wname})[:, ::-1].reshape(-1)"
        elif k == "flip_v":
            body = [f"{o}[{at}] = {x}[({H} - 1u - row) * {W} + col];"]
            oracle = f"{o} = {x}.reshape({hname}, {wname})[::-1, :].reshape(-1)"
        else:
            acc = "sum" if k == "box_blur" else "acc"
            tap = f"{x}[u32(sy) * {W} + u32(sx)]"
            tap = tap if k == "box_blur" else f"{v}[u32((dy + 1) * 3 + (dx + 1))] * {tap}"
            body = [f"var {acc} = 0.0;",
                    "for (var dy = -1; dy <= 1; dy = dy + 1) {",
                    "    for (var dx = -1; dx <= 1; dx = dx + 1) {",
                    f"        let sx = clamp(i32(col) + dx, 0, i32({W}) - 1);",
                    f"        let sy = clamp(i32(row) + dy, 0, i32({H}) - 1);",
                    f"        {acc} = {acc} + {tap};",
                    "    }",
                    "}",
                    f"{o}[{at}] = {acc} / 9.0;" if k == "box_blur" else f"{o}[{at}] = {acc};"]
            pad = f"p_ = np.pad({x}.reshape({hname}, {wname}).astype(np.float64), 1, mode='edge')\n"
            if k == "box_blur":
                oracle = pad + (f"{o} = (sum(p_[dy:dy + {hname}, dx:dx + {wname}] for dy in range(3) for dx in range(3)) / 9)"
                                ".reshape(-1)")
            else:
                oracle = pad + (f"{o} = sum({v}[dy * 3 + dx] * p_[dy:dy + {hname}, dx:dx + {wname}] for dy in range(3) "
                                "for dx in range(3)).reshape(-1)")
        bufs_decl = [("read", x, "array<f32>")] + ([("read", v, "array<f32>")] if v else []) + [("read_write", o, "array<f32>")]
        code = emit(bufs_decl, [(wname, "u32"), (hname, "u32")], body, rng.choice(WG2), header=guard_2d(wname, hname))
        n = width * height
        specs = [storage(0, "read", "array<f32>", n, "uniform(-1,1)" if k != "box_blur" else "uniform(0,1)")]
        if v:
            specs.append(storage(1, "read", "array<f32>", width if k == "add_row" else 9, "uniform(-1,1)"))
        specs.append(storage(len(specs), "read_write", "array<f32>", n, "zeros"))
        specs.append(uniform_spec(len(specs), ["u32", "u32"], [width, height]))
        slots = {"X": buffer_slot(rng, x, named, IMG_GEN if k in ("transpose", "add_row") else ["the input image", "the image"],
                                 forms=MAT_FORMS if k in ("transpose", "add_row") else IMG_FORMS),
                 "O": Slot(o, o), **size_slots(wname, hname)}
        if v:
            slots["V"] = Slot(v, v)
        vp, np_ = self.PHR[k]
        return Instance(self.id, self.family, self.category, code, tuple(specs), (width, height), oracle, 1e-4, 1e-5,
                        slots, {"vp": list(vp), "np": list(np_)}, named, out_named=True)


class Matmul(Variant):
    """out (M x N) = a (M x K) * b (K x N), one thread per output cell."""
    id = "2d/matmul"
    family = category = "2d"
    NAMES = [("m", "k", "n"), ("M", "K", "N"), ("rows", "inner", "cols")]
    vp = ("multiply the {M} x {K} matrix {X} by the {K} x {N} matrix {Y} into {O}",
          "compute the matrix product {O} = {X} * {Y} where {X} is {M} x {K} and {Y} is {K} x {N}",
          "perform a matrix multiplication of {X} ({M} by {K}) and {Y} ({K} by {N}), result {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        a, b = nm.pick(rng, nm.M_PAIRS) if named else ("a", "b")
        o = nm.pick(rng, nm.F_OUT, avoid=[a, b]) if named else "out"
        mn, kn, nn = rng.choice([t for t in self.NAMES if not set(t) & {a, b, o}])
        M, K, N = rng.choice([(16, 16, 16), (8, 32, 8), (20, 12, 24), (32, 8, 16), (13, 17, 11)])
        body = ["var acc = 0.0;",
                f"for (var j = 0u; j < params.{kn}; j = j + 1u) {{",
                f"    acc = acc + {a}[row * params.{kn} + j] * {b}[j * params.{nn} + col];",
                "}",
                f"{o}[row * params.{nn} + col] = acc;"]
        header = ["let col = gid.x;", "let row = gid.y;", f"if (col >= params.{nn} || row >= params.{mn}) {{ return; }}"]
        code = emit([("read", a, "array<f32>"), ("read", b, "array<f32>"), ("read_write", o, "array<f32>")],
                    [(mn, "u32"), (kn, "u32"), (nn, "u32")], body, rng.choice(WG2), header=header)
        specs = (storage(0, "read", "array<f32>", M * K, "uniform(-1,1)"), storage(1, "read", "array<f32>", K * N, "uniform(-1,1)"),
                 storage(2, "read_write", "array<f32>", M * N, "zeros"), uniform_spec(3, ["u32"] * 3, [M, K, N]))
        oracle = f"{o} = ({a}.reshape({mn}, {kn}).astype(np.float64) @ {b}.reshape({kn}, {nn})).reshape(-1)"
        slots = {"X": Slot(a, a), "Y": Slot(b, b), "O": Slot(o, o), "M": Slot(mn, mn, uniform=True),
                 "K": Slot(kn, kn, uniform=True), "N": Slot(nn, nn, uniform=True)}
        forms = {"vp": list(self.vp), "np": ["the product of the {M} x {K} matrix {X} and the {K} x {N} matrix {Y}, in {O}",
                                             "{O} = {X} {Y}, a ({M} x {K}) times ({K} x {N}) matrix product"]}
        return Instance(self.id, self.family, self.category, code, specs, (N, M), oracle, 1e-4, 1e-4, slots, forms, named,
                        out_named=True)


class RowSums(Variant):
    """out[row] = sum of row `row` of a width x height matrix; one thread per row."""
    id = "2d/row_sums"
    family = category = "2d"
    vp = ("sum each row of {X} ({W} columns, {H} rows) into {O}",
          "compute the row sums of {X}, which is {W} wide and {H} tall, writing one value per row to {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.M_IN) if named else "a"
        o = nm.pick(rng, ["sums", "row_sums", "out", "totals", "result"], avoid=[x]) if named else "out"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={x, o})
        width, height = rng.choice(SIZES)
        body = ["var acc = 0.0;",
                f"for (var c = 0u; c < params.{wname}; c = c + 1u) {{",
                f"    acc = acc + {x}[row * params.{wname} + c];",
                "}",
                f"{o}[row] = acc;"]
        header = ["let row = gid.x;", f"if (row >= params.{hname}) {{ return; }}"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [(wname, "u32"), (hname, "u32")], body,
                    (rng.choice((64, 64, 128)),), header=header)
        specs = (storage(0, "read", "array<f32>", width * height, "uniform(-1,1)"), storage(1, "read_write", "array<f32>", height, "zeros"),
                 uniform_spec(2, ["u32", "u32"], [width, height]))
        oracle = f"{o} = {x}.reshape({hname}, {wname}).astype(np.float64).sum(axis=1)"
        slots = {"X": buffer_slot(rng, x, named, IMG_GEN, forms=MAT_FORMS), "O": Slot(o, o), **size_slots(wname, hname)}
        forms = {"vp": list(self.vp), "np": ["the sum of every row of {X} ({W} x {H}) in {O}"]}
        return Instance(self.id, self.family, self.category, code, specs, (height,), oracle, 1e-4, 1e-4, slots, forms, named,
                        out_named=True)


class Conv1D(Variant):
    """3-tap 1D stencil with weights from the prompt and clamped edges."""
    id = "stencil/conv1d"
    family = category = "stencil"
    WEIGHTS = [("0.25", "0.5", "0.25"), ("1", "-2", "1"), ("-1", "0", "1"), ("0.2", "0.6", "0.2"), ("1", "1", "1"),
               ("0.5", "0", "0.5")]
    vp = ("convolve {X} with the 3-tap kernel [{W0}, {W1}, {W2}], clamping indices at the ends, into {O}",
          "apply the 1D filter ({W0}, {W1}, {W2}) to {X} with edge clamping, writing {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.F_IN) if named else "x"
        o = nm.pick(rng, nm.F_OUT, avoid=[x]) if named else "out"
        w = rng.choice(self.WEIGHTS)
        lit = [nm.f32_lit(t) for t in w]
        body = [f"let n = arrayLength(&{o});", f"if (i >= n) {{ return; }}",
                f"let l = {x}[max(i, 1u) - 1u];", f"let r = {x}[min(i + 1u, n - 1u)];",
                f"{o}[i] = {lit[0]} * l + {lit[1]} * {x}[i] + {lit[2]} * r;"]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [], body, (rng.choice((64, 64, 128, 256)),),
                    header=["let i = gid.x;"])
        n = stable_choice((256, 500, 1000, 1024), code)
        specs = (storage(0, "read", "array<f32>", n, "uniform(-1,1)"), storage(1, "read_write", "array<f32>", n, "zeros"))
        oracle = (f"p_ = np.pad({x}.astype(np.float64), 1, mode='edge')\n"
                  f"{o} = {w[0]} * p_[:-2] + {w[1]} * p_[1:-1] + {w[2]} * p_[2:]")
        slots = {"X": buffer_slot(rng, x, named, ["the input", "the signal", "the array"]), "O": Slot(o, o),
                 "xr": Slot(x, x), "W0": Slot(w[0], w[0]), "W1": Slot(w[1], w[1]), "W2": Slot(w[2], w[2])}
        forms = {"vp": list(self.vp), "np": ["the 3-tap convolution of {X} with [{W0}, {W1}, {W2}] (edges clamped) in {O}",
                                             "{O}[i] = {W0} * {xr}[i-1] + {W1} * {xr}[i] + {W2} * {xr}[i+1] with clamped ends"]}
        return Instance(self.id, self.family, self.category, code, specs, (n,), oracle, 1e-4, 1e-5, slots, forms, named,
                        out_named=True)


VARIANTS = [Grid(k) for k in Grid.PHR] + [Matmul(), RowSums(), Conv1D()]
for _v in VARIANTS:  # longer code with more structure: more examples per variant
    _v.weight = 2.0
