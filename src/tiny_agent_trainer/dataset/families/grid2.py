"""More 2D operations on row-major f32 matrices/images (`gid.x` = column, `gid.y` = row, sizes from
uniforms): element-wise add of two matrices, scale by a uniform, column-vector broadcast add,
horizontal/vertical 3-tap blur with clamped edges, Sobel-x and Laplacian 3x3 filters with clamped
edges, 2x downsampling by averaging, 90-degree rotation, crop of a sub-rectangle; plus one thread per
row/column kernels: matrix-vector product and column sums.
This module does NOT do tiled/shared-memory kernels (one canonical, simple form per construct).
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, Slot, Variant, buffer_slot, emit, guard_2d, storage, uniform_spec
from .grid import IMG_FORMS, IMG_GEN, MAT_FORMS, SIZES, WG2

EVEN = [s for s in SIZES if s[0] % 2 == 0 and s[1] % 2 == 0]
PAD = "p_ = np.pad({x}.reshape({h}, {w}).astype(np.float64), 1, mode='edge')\n"
TAP = "p_[{dy}:{dy} + {h}, {dx}:{dx} + {w}]"


def tap(sh: dict):
    """`t(dy, dx)`: the NumPy slice of the edge-padded `p_` (see PAD) shifted by (dy, dx), for 3x3 stencil oracles."""
    return lambda dy, dx: TAP.format(dy=dy, dx=dx, **sh)


def clamped_neighbours(W: str, H: str) -> list[str]:
    """WGSL lets for the left/right/up/down neighbour coordinates of (col, row), clamped at the borders."""
    return ["let xl = max(col, 1u) - 1u;", f"let xr = min(col + 1u, {W} - 1u);",
            "let yu = max(row, 1u) - 1u;", f"let yd = min(row + 1u, {H} - 1u);"]


class Grid2(Variant):
    family = category = "2d"
    PHR = {
        "add2d": (["add the {W} x {H} matrices {X} and {Y} element-wise into {O}",
                   "sum the two matrices {X} and {Y} ({W} columns, {H} rows), writing {O}"],
                  ["the sum of the {W} x {H} matrices {X} and {Y}, in {O}"]),
        "scale2d": (["scale the {W} x {H} matrix {X} by {K} into {O}", "multiply every cell of {X} ({W} wide, {H} tall) by {K}, giving {O}"],
                    ["{X} ({W} x {H}) times {K}, in {O}"]),
        "add_col": (["add the column vector {V} to every column of {X} ({W} x {H}, so {V} has {H} entries) into {O}",
                     "broadcast-add {V} over the rows of {X}: {O}[r][c] = {X}[r][c] + {V}[r]; {X} is {W} wide and {H} tall"],
                    ["{X} ({W} x {H}) plus the column vector {V} broadcast across columns, in {O}"]),
        "hblur": (["blur each row of {X} ({W} x {H}) with a 3-tap box filter, clamping at the left and right edges, into {O}",
                   "apply a horizontal 1D blur (average of left, center, right) to {X}, {W} wide and {H} tall, edges clamped; output {O}"],
                  ["the horizontal 3-tap average of {X} ({W} x {H}, clamped edges) in {O}"]),
        "vblur": (["blur each column of {X} ({W} x {H}) with a vertical 3-tap average, clamping at the top and bottom, into {O}",
                   "apply a vertical 1D box blur (up, center, down) to {X} of size {W} x {H}, edges clamped, writing {O}"],
                  ["the vertical 3-tap average of {X} ({W} x {H}, clamped edges) in {O}"]),
        "sobel_x": (["apply the Sobel x operator to the image {X} ({W} x {H}) with clamped edges, writing the gradient to {O}",
                     "compute the horizontal Sobel gradient of {X}, size {W} by {H}, clamping coordinates at the borders, into {O}"],
                    ["the Sobel-x gradient of {X} ({W} x {H}, edges clamped) in {O}"]),
        "laplacian": (["apply a 3x3 Laplacian (4-neighbour) filter to {X} ({W} x {H}) with clamped edges into {O}",
                       "compute up + down + left + right - 4 * center for every pixel of {X} ({W} x {H}), clamping at the borders; output {O}"],
                      ["the 4-neighbour Laplacian of {X} ({W} x {H}, clamped edges) in {O}"]),
        "downsample": (["downsample {X} ({W} x {H}) by 2 in each direction, averaging each 2x2 block, into {O}",
                        "halve the resolution of {X}, which is {W} wide and {H} tall, by 2x2 averaging; write {O}"],
                       ["the 2x2 average-pooled {X} ({W} x {H} in, half size out) in {O}"]),
        "rot90": (["rotate the {W} x {H} matrix {X} 90 degrees clockwise into {O}",
                   "write {X} ({W} columns, {H} rows) rotated a quarter turn clockwise to {O}"],
                  ["{X} ({W} x {H}) rotated 90 degrees clockwise, in {O}"]),
    }

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"2d/{kind}"
        self.vp = tuple(self.PHR[kind][0])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        k = self.kind
        img = k in ("hblur", "vblur", "sobel_x", "laplacian", "downsample")
        if k == "add2d":
            x, y = nm.pick(rng, nm.M_PAIRS) if named else ("a", "b")
        else:
            x, y = (nm.pick(rng, nm.M_IN) if named else ("src" if img else "a")), None
        o = nm.pick(rng, nm.F_OUT, avoid=[x, y]) if named else "out"
        v = None
        if k == "add_col":
            v = nm.pick(rng, ["col_vec", "bias", "v", "vec", "offsets"], avoid=[x, o]) if named else "bias"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={x, o, y or "", v or ""})
        kname = nm.pick(rng, ["k", "factor", "gain", "s", "mult", "multiplier", "alpha"], avoid={x, o, wname, hname}) \
            if k == "scale2d" else None
        width, height = rng.choice(EVEN if k == "downsample" else SIZES)
        W, H = f"params.{wname}", f"params.{hname}"
        at = f"row * {W} + col"
        header = guard_2d(wname, hname)
        threads = (width, height)
        sh = dict(x=x, h=hname, w=wname)
        if k == "add2d":
            body = [f"{o}[{at}] = {x}[{at}] + {y}[{at}];"]
            oracle = f"{o} = {x} + {y}"
        elif k == "scale2d":
            body = [f"{o}[{at}] = {x}[{at}] * params.{kname};"]
            oracle = f"{o} = {x} * {kname}"
        elif k == "add_col":
            body = [f"{o}[{at}] = {x}[{at}] + {v}[row];"]
            oracle = f"{o} = ({x}.reshape({hname}, {wname}) + {v}[:, None]).reshape(-1)"
        elif k in ("hblur", "vblur"):
            if k == "hblur":
                body = [f"let l = {x}[row * {W} + max(col, 1u) - 1u];", f"let r = {x}[row * {W} + min(col + 1u, {W} - 1u)];"]
                oracle = (f"p_ = np.pad({x}.reshape({hname}, {wname}).astype(np.float64), ((0, 0), (1, 1)), mode='edge')\n"
                          f"{o} = ((p_[:, :-2] + p_[:, 1:-1] + p_[:, 2:]) / 3).reshape(-1)")
            else:
                body = [f"let u = {x}[(max(row, 1u) - 1u) * {W} + col];", f"let d = {x}[min(row + 1u, {H} - 1u) * {W} + col];"]
                oracle = (f"p_ = np.pad({x}.reshape({hname}, {wname}).astype(np.float64), ((1, 1), (0, 0)), mode='edge')\n"
                          f"{o} = ((p_[:-2] + p_[1:-1] + p_[2:]) / 3).reshape(-1)")
            nb = ("l", "r") if k == "hblur" else ("u", "d")
            body.append(f"{o}[{at}] = ({nb[0]} + {x}[{at}] + {nb[1]}) / 3.0;")
        elif k in ("sobel_x", "laplacian"):
            body = clamped_neighbours(W, H)
            if k == "sobel_x":
                body += [f"let right = {x}[yu * {W} + xr] + 2.0 * {x}[row * {W} + xr] + {x}[yd * {W} + xr];",
                         f"let left = {x}[yu * {W} + xl] + 2.0 * {x}[row * {W} + xl] + {x}[yd * {W} + xl];",
                         f"{o}[{at}] = right - left;"]
                t = tap(sh)
                oracle = PAD.format(**sh) + f"{o} = ({t(0, 2)} + 2 * {t(1, 2)} + {t(2, 2)} - {t(0, 0)} - 2 * {t(1, 0)} - {t(2, 0)}).reshape(-1)"
            else:
                body += [f"let s = {x}[yu * {W} + col] + {x}[yd * {W} + col] + {x}[row * {W} + xl] + {x}[row * {W} + xr];",
                         f"{o}[{at}] = s - 4.0 * {x}[{at}];"]
                t = tap(sh)
                oracle = PAD.format(**sh) + f"{o} = ({t(0, 1)} + {t(2, 1)} + {t(1, 0)} + {t(1, 2)} - 4 * {t(1, 1)}).reshape(-1)"
        elif k == "downsample":
            header = ["let col = gid.x;", "let row = gid.y;", f"if (col >= {W} / 2u || row >= {H} / 2u) {{ return; }}"]
            body = ["let sx = col * 2u;", "let sy = row * 2u;",
                    f"let s = {x}[sy * {W} + sx] + {x}[sy * {W} + sx + 1u] + {x}[(sy + 1u) * {W} + sx] + {x}[(sy + 1u) * {W} + sx + 1u];",
                    f"{o}[row * ({W} / 2u) + col] = s * 0.25;"]
            oracle = (f"{o} = {x}.reshape(int({hname}) // 2, 2, int({wname}) // 2, 2).astype(np.float64).mean(axis=(1, 3))"
                      ".reshape(-1)")
            threads = (width // 2, height // 2)
        else:  # rot90 clockwise: out is H wide, W tall; out[c][H-1-r] = in[r][c]
            body = [f"{o}[col * {H} + ({H} - 1u - row)] = {x}[{at}];"]
            oracle = f"{o} = np.rot90({x}.reshape({hname}, {wname}), -1).reshape(-1)"
        bufs = [("read", x, "array<f32>")] + ([("read", y, "array<f32>")] if y else []) + \
            ([("read", v, "array<f32>")] if v else []) + [("read_write", o, "array<f32>")]
        fields = [(wname, "u32"), (hname, "u32")] + ([(kname, "f32")] if kname else [])
        values = [width, height] + ([rng.choice([2.0, 0.5, -1.0, 3.0, 0.25])] if kname else [])
        code = emit(bufs, fields, body, rng.choice(WG2), header=header)
        n = width * height
        specs = [storage(0, "read", "array<f32>", n, "uniform(0,1)" if img else "uniform(-1,1)")]
        if y:
            specs.append(storage(1, "read", "array<f32>", n, "uniform(-1,1)"))
        if v:
            specs.append(storage(1, "read", "array<f32>", height, "uniform(-1,1)"))
        out_n = n // 4 if k == "downsample" else n
        specs.append(storage(len(specs), "read_write", "array<f32>", out_n, "zeros"))
        specs.append(uniform_spec(len(specs), [t for _, t in fields], values))
        slots = {"X": buffer_slot(rng, x, named, IMG_GEN if not img else ["the input image", "the image"],
                                 forms=["{n}"] if y else (IMG_FORMS if img else MAT_FORMS)),
                 "O": Slot(o, o), "W": Slot(wname, wname, uniform=True), "H": Slot(hname, hname, uniform=True)}
        if y:
            slots["Y"] = Slot(y, y)
        if v:
            slots["V"] = Slot(v, v)
        if kname:
            slots["K"] = Slot(kname, kname, uniform=True)
        vp, np_ = self.PHR[k]
        return Instance(self.id, self.family, self.category, code, tuple(specs), threads, oracle, 1e-4, 1e-5,
                        slots, {"vp": list(vp), "np": list(np_)}, named, out_named=True)


class PerLine(Variant):
    """One thread per row or column: matrix-vector product (per row), column sums (per column)."""
    family = category = "2d"

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"2d/{kind}"
        self.vp = (("multiply the matrix {X} ({W} columns, {H} rows) by the vector {V} of length {W}, writing {H} values to {O}",
                    "compute the matrix-vector product {O} = {X} * {V} where {X} has {W} columns and {H} rows (row-major)",
                    "do a matvec: dot each row of {X} (width {W}, {H} rows) with {V}, into {O}")
                   if kind == "matvec" else
                   ("sum each column of {X} ({W} columns, {H} rows) into {O}",
                    "compute the column sums of {X}, which is {W} wide and {H} tall, one value per column in {O}"))

    def draw(self, rng: random.Random, named: bool) -> Instance:
        mv = self.kind == "matvec"
        x = nm.pick(rng, nm.M_IN) if named else "a"
        v = (nm.pick(rng, ["v", "vec", "xs", "weights", "vector"], avoid=[x]) if named else "v") if mv else None
        o = nm.pick(rng, (["y", "out", "result", "dst"] if mv else ["sums", "col_sums", "out", "totals"]),
                    avoid=[x, v]) if named else "out"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={x, o, v or ""})
        width, height = rng.choice(SIZES)
        W, H = f"params.{wname}", f"params.{hname}"
        if mv:
            body = ["var acc = 0.0;", f"for (var c = 0u; c < {W}; c = c + 1u) {{",
                    f"    acc = acc + {x}[row * {W} + c] * {v}[c];", "}", f"{o}[row] = acc;"]
            header = ["let row = gid.x;", f"if (row >= {H}) {{ return; }}"]
            oracle = f"{o} = {x}.reshape({hname}, {wname}).astype(np.float64) @ {v}"
            n_out, threads = height, (height,)
        else:
            body = ["var acc = 0.0;", f"for (var r = 0u; r < {H}; r = r + 1u) {{",
                    f"    acc = acc + {x}[r * {W} + col];", "}", f"{o}[col] = acc;"]
            header = ["let col = gid.x;", f"if (col >= {W}) {{ return; }}"]
            oracle = f"{o} = {x}.reshape({hname}, {wname}).astype(np.float64).sum(axis=0)"
            n_out, threads = width, (width,)
        bufs = [("read", x, "array<f32>")] + ([("read", v, "array<f32>")] if v else []) + [("read_write", o, "array<f32>")]
        code = emit(bufs, [(wname, "u32"), (hname, "u32")], body, (rng.choice((64, 64, 128)),), header=header)
        specs = [storage(0, "read", "array<f32>", width * height, "uniform(-1,1)")]
        if v:
            specs.append(storage(1, "read", "array<f32>", width, "uniform(-1,1)"))
        specs += [storage(len(specs), "read_write", "array<f32>", n_out, "zeros"),
                  uniform_spec(len(specs) + 1, ["u32", "u32"], [width, height])]
        slots = {"X": buffer_slot(rng, x, named, IMG_GEN, forms=MAT_FORMS), "O": Slot(o, o),
                 "W": Slot(wname, wname, uniform=True), "H": Slot(hname, hname, uniform=True)}
        if v:
            slots["V"] = Slot(v, v)
        np_ = (["the product of {X} ({W} columns, {H} rows) with the vector {V}, in {O}"] if mv else
               ["the sum of every column of {X} ({W} x {H}) in {O}"])
        return Instance(self.id, self.family, self.category, code, tuple(specs), threads, oracle, 1e-4, 1e-4, slots,
                        {"vp": list(self.vp), "np": np_}, named, out_named=True)


class Crop(Variant):
    """Copy a sub-rectangle of a row-major matrix: out (cw x ch) = src[y0.., x0..]."""
    id = "2d/crop"
    family = category = "2d"
    OFFS = [("x0", "y0"), ("ox", "oy"), ("off_x", "off_y"), ("left", "top")]
    DIMS = [("out_w", "out_h"), ("cw", "ch"), ("crop_w", "crop_h")]
    vp = ("take from {X} ({W} columns per row) the block starting at column {X0}, row {Y0}, {CW} wide and {CH} tall, and write it to {O}",
          "crop {X} ({W} columns per row): take the region at ({X0}, {Y0}) of size {CW} by {CH} and write it to {O}",
          "extract the sub-rectangle of {X} (row width {W}) at x = {X0}, y = {Y0}, {CW} wide and {CH} tall, into {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        x = nm.pick(rng, nm.M_IN) if named else "src"
        o = nm.pick(rng, nm.F_OUT + ["crop", "tile_out"], avoid=[x]) if named else "out"
        wname = rng.choice(["w", "src_w", "stride", "pitch"])
        x0, y0 = rng.choice(self.OFFS)
        cw, ch = rng.choice(self.DIMS)
        width, height = rng.choice(SIZES)
        cwv, chv = rng.randint(4, width // 2), rng.randint(4, height // 2)
        x0v, y0v = rng.randint(0, width - cwv), rng.randint(0, height - chv)
        header = ["let col = gid.x;", "let row = gid.y;", f"if (col >= params.{cw} || row >= params.{ch}) {{ return; }}"]
        body = [f"{o}[row * params.{cw} + col] = {x}[(row + params.{y0}) * params.{wname} + col + params.{x0}];"]
        fields = [(wname, "u32"), (x0, "u32"), (y0, "u32"), (cw, "u32"), (ch, "u32")]
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], fields, body, rng.choice(WG2), header=header)
        specs = (storage(0, "read", "array<f32>", width * height, "uniform(-1,1)"),
                 storage(1, "read_write", "array<f32>", cwv * chv, "zeros"),
                 uniform_spec(2, ["u32"] * 5, [width, x0v, y0v, cwv, chv]))
        oracle = (f"{o} = {x}.reshape(-1, int({wname}))[int({y0}):int({y0}) + int({ch}), int({x0}):int({x0}) + int({cw})]"
                  ".reshape(-1)")
        slots = {"X": buffer_slot(rng, x, named, IMG_GEN, forms=MAT_FORMS), "O": Slot(o, o)}
        for key, name in (("W", wname), ("X0", x0), ("Y0", y0), ("CW", cw), ("CH", ch)):
            slots[key] = Slot(name, name, uniform=True)
        return Instance(self.id, self.family, self.category, code, specs, (cwv, chv), oracle, 1e-4, 1e-5, slots,
                        {"vp": list(self.vp), "np": ["the crop of {X} (width {W}) at ({X0}, {Y0}) of size {CW} x {CH}, in {O}"]},
                        named, out_named=True)


VARIANTS = [Grid2(k) for k in Grid2.PHR] + [PerLine("matvec"), PerLine("col_sums"), Crop()]
for _v in VARIANTS:
    _v.weight = 2.0
