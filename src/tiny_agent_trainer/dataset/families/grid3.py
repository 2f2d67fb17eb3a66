"""Third table of the 2D family (row-major f32 grids, `gid.x` = column, `gid.y` = row, sizes from
uniforms, 2D dispatch): same-size 3x3 / 5-point stencils (Sobel magnitude with clamped edges or a
zero border, Sobel-y, interior-only Laplacian, one explicit heat-equation step, grey-level
dilation / erosion / morphological gradient), forward x- and central y-differences, one leapfrog
step of the wave equation, 2x2 average / max pooling and nearest-neighbour 2x upsampling (the
uniform says which size it holds), a checkerboard fill with no input, the outer product of two
vectors, and in-place lower / upper triangle masks of a square matrix.
This module does NOT do tiled/shared-memory kernels, strided or padded pooling, or non-square
triangles (one canonical, simple form per construct); plain mirroring is `2d/flip_h` in `grid.py`.
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, Slot, Variant, buffer_slot, emit, guard_2d, storage, uniform_spec
from .grid import IMG_FORMS, IMG_GEN, MAT_FORMS, SIZES, WG2, size_slots
from .grid2 import PAD, clamped_neighbours, tap

HALF = [(w // 2, h // 2) for w, h in SIZES]  # pooled outputs / upsampling sources: inputs stay <= 64 x 48
GRID_FORMS = ["{n}", "{n}", "the grid {n}", "`{n}`", "the field {n}"]
GRID_GEN = ["the grid", "the input grid", "the field"]
PDE_IN = ["u", "field", "grid", "temp", "phi", "u_cur"]
PDE_OUT = ["u_next", "u_new", "next_field", "out", "dst", "result"]
K_NAMES = ["k", "alpha", "kappa", "r", "coef", "diffusivity"]
C2_NAMES = ["c2", "courant2", "cfl2", "coef", "k", "r2"]
CELL_NAMES = ["cell", "square", "cell_size", "tile_size", "period"]
OUT_DIMS = [("out_w", "out_h"), ("dst_w", "dst_h"), ("out_width", "out_height"), ("pw", "ph")]
IN_DIMS = nm.P_SIZE2 + [("in_w", "in_h"), ("src_w", "src_h")]


def _frags(frags, named: bool) -> list[str]:
    """Unnamed buffers are mentioned as "the image": drop fragments that index them (`{X}[y][x]`) if others remain."""
    keep = [f for f in frags if named or ("{X}[" not in f and "{Y}[" not in f)]
    return list(keep or frags)


def _border_oracle(expr: str, o: str, sh: dict, copy: bool) -> str:
    """`expr` (over the edge-padded `p_`) at interior cells; the 1-cell border 0 or copied from the input."""
    edge = ("r_[0], r_[-1], r_[:, 0], r_[:, -1] = p_[1, 1:-1], p_[-2, 1:-1], p_[1:-1, 1], p_[1:-1, -2]" if copy else
            "r_[0] = r_[-1] = r_[:, 0] = r_[:, -1] = 0")
    return PAD.format(**sh) + f"r_ = {expr}\n{edge}\n{o} = r_.reshape(-1)"


class Stencil(Variant):
    """A same-size op of one input grid (width x height): neighbourhood filters and differences."""
    family = category = "2d"
    PHR = {
        "sobel_mag": (["compute the Sobel gradient magnitude sqrt(gx^2 + gy^2) of {X} ({W} x {H}), clamping coordinates at the borders, into {O}",
                       "run a Sobel edge detector over {X}, {W} wide and {H} tall: apply the standard 3x3 x and y kernels with replicated edges and write sqrt(gx * gx + gy * gy) to {O}",
                       "apply both 3x3 Sobel kernels to {X} ({W} columns, {H} rows, edge pixels clamped) and store the length of the gradient in {O}",
                       "detect edges in {X} ({W} by {H}): each pixel of {O} is the Euclidean norm of the horizontal and vertical Sobel responses, with clamp-to-edge sampling",
                       "turn {X} ({W} x {H}) into an edge-strength map using the hypotenuse of Sobel-x and Sobel-y (borders clamped)"],
                      ["the Sobel gradient magnitude of {X} ({W} x {H}, clamped edges) in {O}",
                       "hypot(sobel_x, sobel_y) of {X} ({W} x {H}), replicated borders, in {O}",
                       "the edge strength |grad| of {X} from the 3x3 Sobel filters ({W} wide, {H} tall, clamp-to-edge), written to {O}"]),
        "sobel_mag_border": (["compute the Sobel gradient magnitude of {X} ({W} x {H}) at interior pixels only and write 0 to the one-pixel border of {O}",
                              "run a Sobel edge filter on {X}, {W} wide and {H} tall: for every pixel not on the image border {O} = sqrt(gx^2 + gy^2) from the 3x3 Sobel kernels, and the border pixels of {O} are 0",
                              "apply the 3x3 Sobel operators in x and y to the interior of {X} ({W} columns, {H} rows), storing the gradient magnitude in {O} and zeroing its outermost rows and columns",
                              "find edges in {X} ({W} by {H}) as the magnitude of the Sobel gradient, skipping the edge pixels (they are set to 0.0) since their 3x3 window would leave the image"],
                             ["the Sobel edge magnitude of {X} ({W} x {H}) with a zero one-pixel border, in {O}",
                              "sqrt(gx^2 + gy^2) of the 3x3 Sobel responses of {X} ({W} x {H}) for interior pixels, 0 on the border, in {O}"]),
        "sobel_y": (["apply the Sobel y operator to {X} ({W} x {H}) with clamped edges, writing the vertical gradient to {O}",
                     "compute the vertical Sobel gradient of {X}, size {W} by {H}: the row below weighted (1, 2, 1) minus the row above weighted (1, 2, 1), clamping at the borders, into {O}",
                     "filter {X} ({W} wide, {H} tall) with the Sobel kernel [[-1, -2, -1], [0, 0, 0], [1, 2, 1]] (first row = the row above), using replicated edges; output {O}",
                     "detect horizontal edges in {X} ({W} x {H}) with the 3x3 Sobel-y kernel, edge pixels clamped"],
                    ["the Sobel-y gradient of {X} ({W} x {H}, edges clamped) in {O}",
                     "the vertical derivative of {X} ({W} x {H}) estimated by the 3x3 Sobel kernel [[-1, -2, -1], [0, 0, 0], [1, 2, 1]] with clamp-to-edge, in {O}"]),
        "laplacian_border": (["apply the 5-point Laplacian to {X} ({W} x {H}): at interior cells {O} = left + right + up + down - 4 * center, and 0 on the boundary cells",
                              "compute the discrete Laplacian of {X}, {W} columns by {H} rows, at interior points only (the 4 neighbours minus 4 times the center), writing 0 on the edges of {O}",
                              "evaluate the five-point stencil (left + right + up + down - 4 * center) over the interior of {X} ({W} wide, {H} tall), with the boundary of {O} set to zero",
                              "take the 4-neighbour Laplacian of every non-boundary cell of {X} ({W} by {H}); boundary cells of the result are 0.0"],
                             ["the 5-point Laplacian of {X} ({W} x {H}) at interior cells, zero on the boundary, in {O}",
                              "the interior discrete Laplacian (sum of the 4 neighbours minus 4 times the cell) of {X} ({W} x {H}), 0 at the edges, in {O}"]),
        "heat_step": (["advance the 2D heat equation one explicit step on {X} ({W} x {H}) with coefficient {K}: interior cells get u + {K} * (left + right + up + down - 4 * u), boundary cells are copied unchanged, into {O}",
                       "do one forward-Euler diffusion step of {X} ({W} wide, {H} tall) with rate {K}, using the 5-point Laplacian at interior points and keeping the border values as they are; write {O}",
                       "step the temperature field {X} ({W} columns, {H} rows) forward in time: u_next = u + {K} * (sum of the four neighbours - 4 * u) at the interior, boundary cells copied through, result in {O}",
                       "diffuse {X} ({W} x {H}) for one FTCS time step with diffusion number {K} (interior only; edge cells keep their value)"],
                      ["one explicit heat-equation step of {X} ({W} x {H}) with diffusion coefficient {K} (interior u + {K} * 5-point Laplacian, boundary copied), in {O}",
                       "{X} ({W} x {H}) after one FTCS diffusion update with factor {K}, boundary cells unchanged, in {O}"]),
        "dilate3": (["dilate {X} ({W} x {H}) with a 3x3 square structuring element, clamping at the edges, into {O}",
                     "apply a 3x3 max filter to {X}, {W} wide and {H} tall, with replicated borders; output {O}",
                     "replace every pixel of {X} ({W} columns, {H} rows) by the maximum of its 3x3 neighbourhood (coordinates clamped to the image), writing {O}",
                     "compute the grayscale morphological dilation of {X} ({W} by {H}, 3x3 window, clamp-to-edge)"],
                    ["the 3x3 max-filtered {X} ({W} x {H}, clamped edges) in {O}",
                     "the grey-level dilation of {X} ({W} x {H}) by a 3x3 box, edges replicated, in {O}",
                     "{X} ({W} x {H}) passed through scipy.ndimage.maximum_filter with size=3 and mode='nearest', in {O}"]),
        "erode3": (["erode {X} ({W} x {H}) with a 3x3 square structuring element, clamping at the edges, into {O}",
                    "apply a 3x3 min filter to {X}, {W} wide and {H} tall, with replicated borders; output {O}",
                    "replace every pixel of {X} ({W} columns, {H} rows) by the minimum of its 3x3 neighbourhood (coordinates clamped to the image), writing {O}",
                    "compute the grayscale morphological erosion of {X} ({W} by {H}, 3x3 window, clamp-to-edge)"],
                   ["the 3x3 min-filtered {X} ({W} x {H}, clamped edges) in {O}",
                    "the grey-level erosion of {X} ({W} x {H}) by a 3x3 box, edges replicated, in {O}",
                    "{X} ({W} x {H}) passed through scipy.ndimage.minimum_filter with size=3 and mode='nearest', in {O}"]),
        "morph_grad": (["compute the morphological gradient of {X} ({W} x {H}): the max minus the min of each 3x3 neighbourhood, clamping at the edges, into {O}",
                        "subtract the 3x3 erosion from the 3x3 dilation of {X}, {W} wide and {H} tall, with replicated borders, writing {O}",
                        "write to {O} the local range (largest minus smallest value in the 3x3 window, clamped coordinates) of every pixel of {X} ({W} columns, {H} rows)",
                        "outline {X} ({W} by {H}) with a 3x3 morphological gradient (dilate minus erode, clamp-to-edge)"],
                       ["the 3x3 morphological gradient (max minus min of the neighbourhood) of {X} ({W} x {H}, clamped edges) in {O}",
                        "dilation minus erosion of {X} ({W} x {H}) with a 3x3 window and replicated borders, in {O}"]),
        "fdiff_x": (["take the forward difference of {X} ({W} x {H}) along x: {O}[y][x] = {X}[y][x+1] - {X}[y][x], and 0 in the last column",
                     "compute horizontal forward differences of each row of {X} ({W} columns, {H} rows), next pixel minus current pixel, writing 0 in the last column of {O}",
                     "apply np.diff along axis 1 to {X} ({W} wide, {H} tall) and store it in {O} with a zero last column so the shape stays the same",
                     "difference neighbouring columns of {X} ({W} by {H}): right neighbour minus the value itself, 0.0 where there is no right neighbour"],
                    ["the forward difference along x of {X} ({W} x {H}), right neighbour minus self with 0 in the last column, in {O}",
                     "np.diff of {X} ({W} x {H}) along the rows, padded with a final zero column, in {O}"]),
        "cdiff_y": (["compute the central difference of {X} ({W} x {H}) along y: {O}[y][x] = {X}[y+1][x] - {X}[y-1][x], with 0 in the first and last rows",
                     "take vertical central differences of {X}, {W} wide and {H} tall (row below minus row above, not halved), writing 0 on the top and bottom rows of {O}",
                     "difference the rows of {X} ({W} columns, {H} rows) two apart: each interior row of {O} is the next row minus the previous row, and the first and last rows are 0",
                     "estimate d/dy of {X} ({W} by {H}) with an unscaled central difference (down minus up), leaving the first and last rows 0.0"],
                    ["the central y-difference of {X} ({W} x {H}), row below minus row above, zero on the first and last rows, in {O}",
                     "the interior-row difference of {X} ({W} x {H}), {X}[y+1][x] - {X}[y-1][x], with 0 on the top and bottom rows, in {O}"]),
    }
    PDE = ("laplacian_border", "heat_step")

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"2d/{kind}"
        self.vp = tuple(self.PHR[kind][0])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        k = self.kind
        pde, diff = k in self.PDE, k in ("fdiff_x", "cdiff_y")
        if named:
            x = nm.pick(rng, PDE_IN if pde else nm.M_IN)
            o = nm.pick(rng, PDE_OUT if pde else nm.F_OUT, avoid=[x])
        else:
            x, o = ("u" if pde else "a" if diff else "src"), "out"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={x, o})
        kname = nm.pick(rng, K_NAMES, avoid={x, o, wname, hname}) if k == "heat_step" else None
        width, height = rng.choice(SIZES)
        W, H = f"params.{wname}", f"params.{hname}"
        at = f"row * {W} + col"
        p = lambda yy, xx: f"{x}[{yy} * {W} + {xx}]"  # noqa: E731
        sh = dict(x=x, h=hname, w=wname)
        t = tap(sh)
        border = k in ("sobel_mag_border", "laplacian_border", "heat_step")
        if border:
            edge = f"{x}[{at}]" if k == "heat_step" else "0.0"
            body = [f"if (col == 0u || row == 0u || col == {W} - 1u || row == {H} - 1u) {{",
                    f"    {o}[{at}] = {edge};", "    return;", "}",
                    "let xl = col - 1u;", "let xr = col + 1u;", "let yu = row - 1u;", "let yd = row + 1u;"]
        else:
            body = clamped_neighbours(W, H)
        gx = f"{t(0, 2)} + 2 * {t(1, 2)} + {t(2, 2)} - {t(0, 0)} - 2 * {t(1, 0)} - {t(2, 0)}"
        gy = f"{t(2, 0)} + 2 * {t(2, 1)} + {t(2, 2)} - {t(0, 0)} - 2 * {t(0, 1)} - {t(0, 2)}"
        lap = f"{t(0, 1)} + {t(2, 1)} + {t(1, 0)} + {t(1, 2)} - 4 * {t(1, 1)}"
        if k in ("sobel_mag", "sobel_mag_border", "sobel_y"):
            gy_line = (f"let gy = {p('yd', 'xl')} + 2.0 * {p('yd', 'col')} + {p('yd', 'xr')}"
                       f" - {p('yu', 'xl')} - 2.0 * {p('yu', 'col')} - {p('yu', 'xr')};")
            if k == "sobel_y":
                body += [gy_line, f"{o}[{at}] = gy;"]
                oracle = PAD.format(**sh) + f"{o} = ({gy}).reshape(-1)"
            else:
                body += [f"let gx = {p('yu', 'xr')} + 2.0 * {p('row', 'xr')} + {p('yd', 'xr')}"
                         f" - {p('yu', 'xl')} - 2.0 * {p('row', 'xl')} - {p('yd', 'xl')};",
                         gy_line, f"{o}[{at}] = sqrt(gx * gx + gy * gy);"]
                mag = f"np.sqrt(({gx}) ** 2 + ({gy}) ** 2)"
                oracle = (_border_oracle(mag, o, sh, False) if border else
                          PAD.format(**sh) + f"{o} = {mag}.reshape(-1)")
        elif k in ("laplacian_border", "heat_step"):
            body.append(f"let lap = {p('yu', 'col')} + {p('yd', 'col')} + {p('row', 'xl')} + {p('row', 'xr')}"
                        f" - 4.0 * {x}[{at}];")
            if k == "heat_step":
                body.append(f"{o}[{at}] = {x}[{at}] + params.{kname} * lap;")
                oracle = _border_oracle(f"{t(1, 1)} + {kname} * ({lap})", o, sh, True)
            else:
                body.append(f"{o}[{at}] = lap;")
                oracle = _border_oracle(f"({lap})", o, sh, False)
        elif k in ("dilate3", "erode3", "morph_grad"):
            init = ([f"var hi = {x}[{at}];"] if k != "erode3" else []) + ([f"var lo = {x}[{at}];"] if k != "dilate3" else [])
            upd = (["        hi = max(hi, s);"] if k != "erode3" else []) + (["        lo = min(lo, s);"] if k != "dilate3" else [])
            body = init + ["for (var dy = -1; dy <= 1; dy = dy + 1) {",
                           "    for (var dx = -1; dx <= 1; dx = dx + 1) {",
                           f"        let sx = clamp(i32(col) + dx, 0, i32({W}) - 1);",
                           f"        let sy = clamp(i32(row) + dy, 0, i32({H}) - 1);",
                           f"        let s = {x}[u32(sy) * {W} + u32(sx)];"] + upd + ["    }", "}"]
            body.append(f"{o}[{at}] = " + {"dilate3": "hi;", "erode3": "lo;", "morph_grad": "hi - lo;"}[k])
            res = {"dilate3": "st_.max(axis=0)", "erode3": "st_.min(axis=0)",
                   "morph_grad": "st_.max(axis=0) - st_.min(axis=0)"}[k]
            oracle = PAD.format(**sh) + (f"st_ = np.stack([p_[dy:dy + {hname}, dx:dx + {wname}] for dy in range(3) "
                                         f"for dx in range(3)])\n{o} = ({res}).reshape(-1)")
        elif k == "fdiff_x":
            body = [f"if (col == {W} - 1u) {{", f"    {o}[{at}] = 0.0;", "    return;", "}",
                    f"{o}[{at}] = {x}[{at} + 1u] - {x}[{at}];"]
            oracle = (f"d_ = np.zeros(({hname}, {wname}))\n"
                      f"d_[:, :-1] = np.diff({x}.reshape({hname}, {wname}).astype(np.float64), axis=1)\n{o} = d_.reshape(-1)")
        else:  # cdiff_y
            body = [f"if (row == 0u || row == {H} - 1u) {{", f"    {o}[{at}] = 0.0;", "    return;", "}",
                    f"{o}[{at}] = {p('(row + 1u)', 'col')} - {p('(row - 1u)', 'col')};"]
            oracle = (f"a_ = {x}.reshape({hname}, {wname}).astype(np.float64)\n"
                      f"d_ = np.zeros_like(a_)\nd_[1:-1] = a_[2:] - a_[:-2]\n{o} = d_.reshape(-1)")
        fields = [(wname, "u32"), (hname, "u32")] + ([(kname, "f32")] if kname else [])
        values = [width, height] + ([rng.choice([0.1, 0.2, 0.25, 0.05, 0.15])] if kname else [])
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], fields, body, rng.choice(WG2),
                    header=guard_2d(wname, hname))
        n = width * height
        specs = (storage(0, "read", "array<f32>", n, "uniform(-1,1)" if diff else "uniform(0,1)"),
                 storage(1, "read_write", "array<f32>", n, "zeros"),
                 uniform_spec(2, [t_ for _, t_ in fields], values))
        gen, forms = (GRID_GEN, GRID_FORMS) if pde else (IMG_GEN, MAT_FORMS) if diff else (["the input image", "the image"], IMG_FORMS)
        slots = {"X": buffer_slot(rng, x, named, gen, forms=forms), "O": Slot(o, o),
                 **size_slots(wname, hname)}
        if kname:
            slots["K"] = Slot(kname, kname, uniform=True)
        vp, np_ = self.PHR[k]
        return Instance(self.id, self.family, self.category, code, specs, (width, height), oracle, 1e-4, 1e-5,
                        slots, {"vp": _frags(vp, named), "np": _frags(np_, named)}, named, out_named=True)


class Wave(Variant):
    """One leapfrog step of the 2D wave equation from the current and previous fields; boundary cells 0."""
    id = "2d/wave_step"
    family = category = "2d"
    PAIRS = [("u", "u_prev"), ("cur", "prev"), ("u_curr", "u_old"), ("wave", "wave_prev"), ("now", "before")]
    vp = ("advance the 2D wave equation one leapfrog step from {X} ({W} x {H}) and the previous state {Y} with coefficient {C}: at interior cells {O} = 2 * {X} - {Y} + {C} * (sum of the 4 neighbours of {X} - 4 * {X}), and 0 on the boundary",
          "compute the next time level of a wave simulation, {X} being the current field ({W} wide, {H} tall) and {Y} the previous one: interior {O} = 2 * {X} - {Y} + {C} * (5-point Laplacian of {X}); boundary cells of {O} are set to 0",
          "step the wave equation forward once: given {X} (now) and {Y} (one step ago), both {W} x {H}, write 2 * {X} - {Y} + {C} * (left + right + up + down - 4 * {X}) for interior points and 0 on the edges (fixed zero boundary) to {O}",
          "update a 2D membrane simulation: from the current heights {X} and the previous heights {Y} ({W} columns, {H} rows) compute the new heights with the explicit second-order scheme using {C} as the squared Courant number, zero on the border")
    np_ = ("one leapfrog step of the 2D wave equation from {X} (current) and {Y} (previous), {W} x {H}, with coefficient {C}: 2 * {X} - {Y} + {C} * (5-point Laplacian of {X}) inside, 0 on the boundary, in {O}",
           "the next state of the wave field {X} with previous state {Y} ({W} x {H}, coefficient {C}): 2 * {X} - {Y} + {C} * (4-neighbour sum - 4 * {X}) inside, 0 on the border, in {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        u, up = nm.pick(rng, self.PAIRS) if named else ("u", "u_prev")
        o = nm.pick(rng, PDE_OUT, avoid=[u, up]) if named else "u_next"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={u, up, o})
        cname = nm.pick(rng, C2_NAMES, avoid={u, up, o, wname, hname})
        width, height = rng.choice(SIZES)
        W, H = f"params.{wname}", f"params.{hname}"
        at = f"row * {W} + col"
        body = [f"if (col == 0u || row == 0u || col == {W} - 1u || row == {H} - 1u) {{",
                f"    {o}[{at}] = 0.0;", "    return;", "}",
                f"let lap = {u}[(row - 1u) * {W} + col] + {u}[(row + 1u) * {W} + col] + {u}[{at} - 1u] + {u}[{at} + 1u]"
                f" - 4.0 * {u}[{at}];",
                f"{o}[{at}] = 2.0 * {u}[{at}] - {up}[{at}] + params.{cname} * lap;"]
        fields = [(wname, "u32"), (hname, "u32"), (cname, "f32")]
        code = emit([("read", u, "array<f32>"), ("read", up, "array<f32>"), ("read_write", o, "array<f32>")], fields, body,
                    rng.choice(WG2), header=guard_2d(wname, hname))
        n = width * height
        specs = (storage(0, "read", "array<f32>", n, "uniform(-1,1)"), storage(1, "read", "array<f32>", n, "uniform(-1,1)"),
                 storage(2, "read_write", "array<f32>", n, "zeros"),
                 uniform_spec(3, ["u32", "u32", "f32"], [width, height, rng.choice([0.1, 0.25, 0.2, 0.05, 0.5])]))
        sh = dict(x=u, h=hname, w=wname)
        t = tap(sh)
        expr = f"2 * {t(1, 1)} - {up}.reshape({hname}, {wname}) + {cname} * ({t(0, 1)} + {t(2, 1)} + {t(1, 0)} + {t(1, 2)} - 4 * {t(1, 1)})"
        oracle = _border_oracle(expr, o, sh, False)
        slots = {"X": Slot(u, u), "Y": Slot(up, up), "O": Slot(o, o), **size_slots(wname, hname),
                 "C": Slot(cname, cname, uniform=True)}
        return Instance(self.id, self.family, self.category, code, specs, (width, height), oracle, 1e-4, 1e-5, slots,
                        {"vp": list(self.vp), "np": list(self.np_)}, named, out_named=True)


class Pool(Variant):
    """2x2 stride-2 average / max pooling and nearest 2x upsampling; `mode` says which size the uniform holds."""
    family = category = "2d"
    PHR = {
        ("avgpool2", "out"): (
            ["average-pool {X} with 2x2 windows and stride 2 into {O}, which is {W} wide and {H} tall (so {X} is twice as wide and twice as tall)",
             "apply nn.AvgPool2d(2) to {X}: the output {O} has {W} columns and {H} rows, and each value is the mean of a 2x2 block of the 2*{W} x 2*{H} input",
             "downscale {X} by a factor of 2 with 2x2 box averaging, writing {O} of size {W} x {H} (the input is 2 * {W} by 2 * {H})",
             "compute each cell (x, y) of the {W} x {H} output {O} as the average of the 2x2 block of {X} whose top-left corner is (2x, 2y); {X} has 2 * {W} columns",
             "mean-pool {X} over non-overlapping 2x2 tiles, one thread per output pixel, for an output of {W} x {H}"],
            ["the 2x2 average pooling (stride 2) of {X} into the {W} x {H} grid {O}, the input being twice as wide and tall",
             "{X} average-pooled 2x2 with stride 2 (like F.avg_pool2d(x, 2)), the output {O} being {W} x {H}"]),
        ("maxpool2", "out"): (
            ["max-pool {X} with 2x2 windows and stride 2 into {O}, whose size is {W} x {H} ({X} is 2 * {W} wide and 2 * {H} tall)",
             "apply nn.MaxPool2d(2) to {X}: each cell of the {W} x {H} output {O} is the maximum of a 2x2 block of the twice-as-large input",
             "downsample {X} by taking the max of every non-overlapping 2x2 block; the output {O} is {W} columns by {H} rows",
             "compute a 2x2 stride-2 max pooling of {X} for an output of {W} x {H} (input 2*{W} x 2*{H})"],
            ["the 2x2 max pooling (stride 2) of {X}, giving a {W} x {H} output in {O}",
             "F.max_pool2d with kernel 2 applied to {X} (output {W} x {H}, input twice that), in {O}"]),
        ("maxpool2", "in"): (
            ["max-pool {X} ({W} x {H}, both even) with 2x2 windows and stride 2 into {O} of size {W}/2 x {H}/2",
             "apply nn.MaxPool2d(kernel_size=2, stride=2) to {X} ({W} wide, {H} tall), writing the half-resolution result to {O}",
             "halve the resolution of {X}, which is {W} wide and {H} tall, keeping the maximum of each 2x2 block; write {O}",
             "take the largest value of every 2x2 tile of {X} ({W} columns, {H} rows), one output per tile"],
            ["the 2x2 max-pooled {X} ({W} x {H} in, half size out) in {O}",
             "the maximum of every 2x2 block of {X} ({W} x {H}), in {O} ({W}/2 x {H}/2)"]),
        ("upsample2", "in"): (
            ["upsample {X} ({W} x {H}) by 2 with nearest-neighbour sampling into {O}, which is 2 * {W} wide and 2 * {H} tall",
             "enlarge {X}, {W} columns by {H} rows, to twice its size so that every source pixel becomes a 2x2 block of {O}",
             "apply F.interpolate(scale_factor=2, mode='nearest') to {X} ({W} x {H}), one thread per output pixel, writing {O}",
             "scale {X} ({W} wide, {H} tall) up 2x in both directions by pixel replication: {O}[y][x] = {X}[y / 2][x / 2]",
             "do a nearest-neighbour 2x upscale of {X} ({W} x {H} source) over the whole 2*{W} x 2*{H} output"],
            ["the nearest-neighbour 2x upscale of {X} ({W} x {H}) in {O} (2*{W} x 2*{H})",
             "{X} ({W} x {H}) blown up by 2 with each pixel repeated as a 2x2 block (np.repeat along both axes), in {O}"]),
    }

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"2d/{kind}"
        self.modes = [m for (k, m) in self.PHR if k == kind]
        self.vp = tuple(v for (k, _), (vp, _) in self.PHR.items() if k == self.kind for v in vp)

    def draw(self, rng: random.Random, named: bool) -> Instance:
        k, mode = self.kind, rng.choice(self.modes)
        x = nm.pick(rng, nm.M_IN) if named else "src"
        o = nm.pick(rng, nm.F_OUT, avoid=[x]) if named else "out"
        wname, hname = nm.pick(rng, OUT_DIMS if mode == "out" else IN_DIMS, avoid={x, o})
        W, H = f"params.{wname}", f"params.{hname}"
        if k == "upsample2":
            width, height = rng.choice(HALF)
            header = ["let col = gid.x;", "let row = gid.y;", f"let ow = {W} * 2u;",
                      f"if (col >= ow || row >= {H} * 2u) {{ return; }}"]
            body = [f"{o}[row * ow + col] = {x}[(row / 2u) * {W} + col / 2u];"]
            oracle = f"{o} = np.repeat(np.repeat({x}.reshape({hname}, {wname}), 2, axis=0), 2, axis=1).reshape(-1)"
            n_in, n_out, threads = width * height, 4 * width * height, (2 * width, 2 * height)
        else:
            if mode == "out":
                width, height = rng.choice(HALF)
                header, iw, ow = guard_2d(wname, hname), "iw", W
                pre = [f"let iw = {W} * 2u;"]
                n_in, n_out, threads = 4 * width * height, width * height, (width, height)
                shape = f"int({hname}), 2, int({wname}), 2"
            else:
                width, height = rng.choice([s for s in SIZES if s[0] % 2 == 0 and s[1] % 2 == 0])
                header = ["let col = gid.x;", "let row = gid.y;", f"if (col >= {W} / 2u || row >= {H} / 2u) {{ return; }}"]
                iw, ow, pre = W, f"({W} / 2u)", []
                n_in, n_out, threads = width * height, width * height // 4, (width // 2, height // 2)
                shape = f"int({hname}) // 2, 2, int({wname}) // 2, 2"
            a, b = f"{x}[sy * {iw} + sx]", f"{x}[sy * {iw} + sx + 1u]"
            c, d = f"{x}[(sy + 1u) * {iw} + sx]", f"{x}[(sy + 1u) * {iw} + sx + 1u]"
            body = pre + ["let sx = col * 2u;", "let sy = row * 2u;"]
            if k == "avgpool2":
                body += [f"let s = {a} + {b} + {c} + {d};", f"{o}[row * {ow} + col] = s * 0.25;"]
                red = "mean"
            else:
                body += [f"{o}[row * {ow} + col] = max(max({a}, {b}), max({c}, {d}));"]
                red = "max"
            oracle = f"{o} = {x}.reshape({shape}).astype(np.float64).{red}(axis=(1, 3)).reshape(-1)"
        code = emit([("read", x, "array<f32>"), ("read_write", o, "array<f32>")], [(wname, "u32"), (hname, "u32")], body,
                    rng.choice(WG2), header=header)
        specs = (storage(0, "read", "array<f32>", n_in, "uniform(0,1)" if k == "avgpool2" else "uniform(-1,1)"),
                 storage(1, "read_write", "array<f32>", n_out, "zeros"), uniform_spec(2, ["u32", "u32"], [width, height]))
        slots = {"X": buffer_slot(rng, x, named, ["the input image", "the image", "the feature map"], forms=IMG_FORMS),
                 "O": Slot(o, o), **size_slots(wname, hname)}
        vp, np_ = self.PHR[(k, mode)]
        return Instance(self.id, self.family, self.category, code, specs, threads, oracle, 1e-4, 1e-5, slots,
                        {"vp": _frags(vp, named), "np": _frags(np_, named)}, named, out_named=True)


class Checker(Variant):
    """Checkerboard fill (no input): 1.0 where (x / cell + y / cell) has the drawn parity, else 0.0."""
    id = "2d/checker"
    family = category = "2d"
    VP = ["fill {O} ({W} x {H}) with a checkerboard of {C} x {C} squares: 1.0 where (x / {C} + y / {C}) is %P (integer division), else 0.0",
          "write a checkerboard pattern into {O}, {W} wide and {H} tall, with square size {C}: pixels where x / {C} + y / {C} is %P get 1.0, the others 0.0 (so the top-left square is %T)",
          "generate a checker texture in {O} ({W} columns, {H} rows) with {C}-pixel squares, 1.0 on %P squares ((x / {C} + y / {C}) % 2 == %M) and 0.0 on the rest",
          "draw a two-tone checkerboard into {O} of size {W} x {H}, squares {C} pixels wide, starting with a %T square at the top-left corner (x is the column, y the row)",
          "set each pixel (x, y) of {O} ({W} x {H}) to 1.0 if floor(x / {C}) + floor(y / {C}) is %P and to 0.0 otherwise; no input buffer"]
    NP = ["a {W} x {H} checkerboard with {C} x {C} squares, 1.0 where (x / {C} + y / {C}) is %P and 0.0 elsewhere, in {O}",
          "the checker pattern over a {W} x {H} grid with cell size {C}: (x / {C} + y / {C}) % 2 == %M ? 1.0 : 0.0, in {O}"]
    vp = tuple(VP)

    def draw(self, rng: random.Random, named: bool) -> Instance:
        odd = rng.random() < 0.5
        o = nm.pick(rng, ["out", "pattern", "checker", "board", "tex", "dst", "img"]) if named else "out"
        wname, hname = nm.pick(rng, nm.P_SIZE2, avoid={o})
        cname = nm.pick(rng, CELL_NAMES, avoid={o, wname, hname})
        width, height = rng.choice(SIZES)
        cell = rng.choice([2, 3, 4, 5, 8])
        body = [f"let parity = (col / params.{cname} + row / params.{cname}) % 2u;",
                f"{o}[row * params.{wname} + col] = select(0.0, 1.0, parity == {'1u' if odd else '0u'});"]
        fields = [(wname, "u32"), (hname, "u32"), (cname, "u32")]
        code = emit([("read_write", o, "array<f32>")], fields, body, rng.choice(WG2), header=guard_2d(wname, hname))
        specs = (storage(0, "read_write", "array<f32>", width * height, "zeros"),
                 uniform_spec(1, ["u32"] * 3, [width, height, cell]))
        oracle = (f"yy_, xx_ = np.mgrid[0:int({hname}), 0:int({wname})]\n"
                  f"{o} = (((xx_ // int({cname}) + yy_ // int({cname})) % 2) == {int(odd)}).astype(np.float32).reshape(-1)")
        slots = {"O": Slot(o, o), **size_slots(wname, hname),
                 "C": Slot(cname, cname, uniform=True)}
        sub = {"%P": "odd" if odd else "even", "%T": "0.0" if odd else "1.0", "%M": "1" if odd else "0"}

        def fill(frags):
            out = []
            for f in frags:
                for a, b in sub.items():
                    f = f.replace(a, b)
                out.append(f)
            return out
        return Instance(self.id, self.family, self.category, code, specs, (width, height), oracle, 1e-4, 1e-5, slots,
                        {"vp": fill(self.VP), "np": fill(self.NP)}, named, out_named=True)


class Outer(Variant):
    """out[r][c] = a[r] * b[c], a rows x cols grid, one thread per cell."""
    id = "2d/outer"
    family = category = "2d"
    DIMS = [("rows", "cols"), ("m", "n"), ("n_rows", "n_cols"), ("len_a", "len_b"), ("nr", "nc")]
    PAIRS = [("a", "b"), ("u", "v"), ("x", "y"), ("col_vec", "row_vec"), ("left", "right"), ("p", "q")]
    vp = ("compute the outer product of {X} (length {R}) and {Y} (length {C}) into the {R} x {C} matrix {O}, with {O}[r][c] = {X}[r] * {Y}[c]",
          "do np.outer({X}, {Y}) where {X} has {R} entries and {Y} has {C}, storing the {R} x {C} result row-major in {O}",
          "multiply every element of {X} ({R} values) by every element of {Y} ({C} values), writing the products to {O} as a grid of {R} rows and {C} columns",
          "take the outer product (torch.outer / torch.ger) of the vectors {X} and {Y}; {O} is {R} x {C} with {O}[r][c] = {X}[r] * {Y}[c]",
          "form the rank-1 matrix {X} {Y}^T ({R} rows, {C} columns, row-major) in {O}")
    np_ = ("the outer product of {X} ({R} entries) and {Y} ({C} entries) as a {R} x {C} row-major matrix in {O}",
           "np.outer({X}, {Y}) for lengths {R} and {C}, in {O}",
           "the {R} x {C} table of products {X}[r] * {Y}[c], written to {O}")

    def draw(self, rng: random.Random, named: bool) -> Instance:
        a, b = nm.pick(rng, self.PAIRS) if named else ("a", "b")
        o = nm.pick(rng, nm.F_OUT, avoid=[a, b]) if named else "out"
        rn, cn = nm.pick(rng, self.DIMS, avoid={a, b, o})
        rows, cols = rng.choice([(16, 16), (32, 16), (37, 23), (8, 40), (50, 12), (24, 48)])
        header = ["let col = gid.x;", "let row = gid.y;", f"if (col >= params.{cn} || row >= params.{rn}) {{ return; }}"]
        body = [f"{o}[row * params.{cn} + col] = {a}[row] * {b}[col];"]
        code = emit([("read", a, "array<f32>"), ("read", b, "array<f32>"), ("read_write", o, "array<f32>")],
                    [(rn, "u32"), (cn, "u32")], body, rng.choice(WG2), header=header)
        specs = (storage(0, "read", "array<f32>", rows, "uniform(-1,1)"), storage(1, "read", "array<f32>", cols, "uniform(-1,1)"),
                 storage(2, "read_write", "array<f32>", rows * cols, "zeros"), uniform_spec(3, ["u32", "u32"], [rows, cols]))
        oracle = f"{o} = np.outer({a}.astype(np.float64), {b}).reshape(-1)"
        slots = {"X": Slot(a, a), "Y": Slot(b, b), "O": Slot(o, o), "R": Slot(rn, rn, uniform=True),
                 "C": Slot(cn, cn, uniform=True)}
        return Instance(self.id, self.family, self.category, code, specs, (cols, rows), oracle, 1e-4, 1e-5, slots,
                        {"vp": list(self.vp), "np": list(self.np_)}, named, out_named=True)


class Tri(Variant):
    """In-place lower (`tril`) / upper (`triu`) triangle mask of an n x n matrix, diagonal kept."""
    family = category = "2d"
    PHR = {
        "tril": (["zero out every entry above the main diagonal of {X} ({N} x {N}, row-major), in place",
                  "make {X} lower triangular in place: {X} is {N} x {N}; set the entries with column > row to 0 and keep the diagonal",
                  "apply torch.tril_ to {X}, a square matrix with {N} rows and {N} columns, updating it in place",
                  "keep only the lower triangle (diagonal included) of {X} ({N} by {N}), clearing the strict upper triangle in place",
                  "mask {X} ({N} x {N}) in place so that {X}[r][c] = 0 wherever c > r, like a causal attention mask"],
                 ["{X} ({N} x {N}) with everything above the diagonal zeroed, in place",
                  "the lower-triangular part of {X} ({N} x {N}, diagonal kept), written back in place",
                  "np.tril of {X} ({N} x {N}) computed in place"]),
        "triu": (["zero out every entry below the main diagonal of {X} ({N} x {N}, row-major), in place",
                  "make {X} upper triangular in place: {X} is {N} x {N}; set the entries with column < row to 0 and keep the diagonal",
                  "apply torch.triu_ to {X}, a square matrix with {N} rows and {N} columns, updating it in place",
                  "keep only the upper triangle (diagonal included) of {X} ({N} by {N}), clearing the strict lower triangle in place",
                  "mask {X} ({N} x {N}) in place so that {X}[r][c] = 0 wherever c < r"],
                 ["{X} ({N} x {N}) with everything below the diagonal zeroed, in place",
                  "the upper-triangular part of {X} ({N} x {N}, diagonal kept), written back in place",
                  "np.triu of {X} ({N} x {N}) computed in place"]),
    }
    N_NAMES = ["n", "size", "dim", "side", "mat_n"]

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"2d/{kind}"
        self.vp = tuple(self.PHR[kind][0])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        lower = self.kind == "tril"
        x = nm.pick(rng, nm.M_IN) if named else "m"
        nn = nm.pick(rng, self.N_NAMES, avoid={x})
        size = rng.choice([16, 24, 32, 37, 50])
        header = ["let col = gid.x;", "let row = gid.y;", f"if (col >= params.{nn} || row >= params.{nn}) {{ return; }}"]
        body = [f"if (col {'>' if lower else '<'} row) {{", f"    {x}[row * params.{nn} + col] = 0.0;", "}"]
        code = emit([("read_write", x, "array<f32>")], [(nn, "u32")], body, rng.choice(WG2), header=header)
        specs = (storage(0, "read_write", "array<f32>", size * size, "uniform(-1,1)"), uniform_spec(1, ["u32"], [size]))
        oracle = f"{x} = np.{self.kind}({x}.reshape({nn}, {nn})).reshape(-1)"
        xs = buffer_slot(rng, x, named, ["the matrix", "the square matrix", "the input matrix"], forms=["{n}", "{n}", "`{n}`"])
        slots = {"X": xs, "O": Slot(x, x), "N": Slot(nn, nn, uniform=True)}
        vp, np_ = self.PHR[self.kind]
        return Instance(self.id, self.family, self.category, code, specs, (size, size), oracle, 1e-4, 1e-5, slots,
                        {"vp": _frags(vp, named), "np": _frags(np_, named)}, named, out_named=False, inplace=True)


VARIANTS = ([Stencil(k) for k in Stencil.PHR] + [Wave()] + [Pool(k) for k in ("avgpool2", "maxpool2", "upsample2")]
            + [Checker(), Outer(), Tri("tril"), Tri("triu")])
for _v in VARIANTS:  # the weight of grid/grid2: 2d requests are varied and the family is weak
    _v.weight = 2.0
