"""More chromatic operations on `array<vec4<f32>>` (r, g, b, a): gamma correction (uniform or prompt
constant), gamma decode, tint by three uniforms, alpha blend "over", clamp to [0, 1], posterize to N
levels, multiply/screen/difference/additive blends of two images; and `ToScalar`: one f32 per pixel
(a single channel, the luminance, the max channel) written to an `array<f32>`.
This module does NOT handle 2D neighbourhoods (see `grid.py`, `grid2.py`).
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import Instance, ParamDef, Slot, Variant, buffer_slot, emit, guard_1d, stable_choice, storage
from .color import C1, C2, K, keep_alpha

TRC = dict(rtol=1e-3, atol=1e-4)

VARIANTS2 = [
    K("gamma", "vec4<f32>(pow(c.rgb, vec3<f32>(1.0 / {K})), c.a)", keep_alpha("np.power({A}[:, :3], 1 / {K})"), C1,
      ["gamma-correct {X} with gamma {K} (rgb to the power 1/{K}, alpha kept)",
       "apply gamma correction pow(rgb, 1/{K}) to {EACH} of {X}", "encode {X} with a gamma of {K}"],
      ["{X} gamma-corrected with gamma {K}", "pow({X}.rgb, 1/{K}) with alpha unchanged"],
      params=[ParamDef("K", ["gamma", "gamma_val", "g", "inv_exp"], [2.2, 1.8, 2.4, 2.0])], mode="uniform", **TRC),
    K("gamma_const", "vec4<f32>(pow(c.rgb, vec3<f32>(1.0 / {K})), c.a)", keep_alpha("np.power({A}[:, :3], 1 / {K})"), C1,
      ["gamma-correct {X} with gamma {K}, keeping alpha", "raise the rgb of {EACH} of {X} to the power 1/{K}"],
      ["{X} with gamma {K} correction applied"], params=[ParamDef("K", [], ["2.2", "1.8", "2.4", "2", "2.6"])], mode="const",
      **TRC),
    K("gamma_decode", "vec4<f32>(pow(c.rgb, vec3<f32>({K})), c.a)", keep_alpha("np.power({A}[:, :3], {K})"), C1,
      ["linearize {X} by raising rgb to the power {K}, alpha unchanged", "decode the gamma of {X} with exponent {K}"],
      ["{X} converted to linear light with exponent {K}"], params=[ParamDef("K", [], ["2.2", "2", "2.4"])], mode="const", **TRC),
    K("tint", "vec4<f32>(c.r * {K}, c.g * {K2}, c.b * {K3}, c.a)",
      keep_alpha("{A}[:, :3] * np.array([{K}, {K2}, {K3}], np.float32)"), C1,
      ["tint {X} by multiplying red by {K}, green by {K2} and blue by {K3}",
       "scale the red, green and blue channels of {X} by {K}, {K2} and {K3}, keeping alpha"],
      ["{X} tinted with the factors {K}, {K2}, {K3}"],
      params=[ParamDef("K", ["r", "tint_r", "kr", "rs"], [1.0, 0.8, 1.2, 0.5]),
              ParamDef("K2", ["g", "tint_g", "kg", "gs"], [0.9, 1.0, 0.6, 1.1]),
              ParamDef("K3", ["b", "tint_b", "kb", "bs"], [0.7, 1.3, 1.0, 0.4])], mode="uniform"),
    K("over", "vec4<f32>(c.rgb * c.a + d.rgb * (1.0 - c.a), c.a + d.a * (1.0 - c.a))",
      "a_ = {A}[:, 3:]\n{O} = np.concatenate([{A}[:, :3] * a_ + {B}[:, :3] * (1 - a_), a_ + {B}[:, 3:] * (1 - a_)], axis=1)", C2,
      ["alpha-blend {X} over {Y}", "composite {X} on top of {Y} with the over operator (straight alpha)",
       "blend {X} over {Y}: rgb = fg.rgb * fg.a + bg.rgb * (1 - fg.a), alpha = fg.a + bg.a * (1 - fg.a)"],
      ["{X} composited over {Y}", "the alpha blend of {X} over {Y}"], nin=2),
    K("clamp01", "clamp(c, vec4<f32>(0.0), vec4<f32>(1.0))", "{O} = np.clip({A}, 0, 1)", C1,
      ["clamp every channel of {X} to [0, 1]", "saturate the colors of {X} into 0..1"],
      ["{X} with all channels clamped to [0, 1]"], fill=("uniform(-0.5,1.5)",)),
    K("posterize", "vec4<f32>(floor(c.rgb * {K}) / {K}, c.a)", keep_alpha("np.floor({A}[:, :3] * {K}) / {K}"), C1,
      ["posterize {X} to {K} levels per channel", "quantize the rgb of {X} to {K} levels with floor(c * {K}) / {K}"],
      ["{X} posterized to {K} levels"], params=[ParamDef("K", [], ["4", "8", "3", "16", "5"])], mode="const"),
    K("multiply", "vec4<f32>(c.rgb * d.rgb, c.a)", keep_alpha("{A}[:, :3] * {B}[:, :3]"), C2,
      ["multiply-blend {X} with {Y}, keeping the alpha of {X}", "modulate the rgb of {X} by {Y}"],
      ["the multiply blend of {X} and {Y}"], nin=2),
    K("screen", "vec4<f32>(1.0 - (1.0 - c.rgb) * (1.0 - d.rgb), c.a)", keep_alpha("1 - (1 - {A}[:, :3]) * (1 - {B}[:, :3])"), C2,
      ["screen-blend {X} and {Y}, alpha from {X}", "combine {X} and {Y} with a screen blend: 1 - (1 - a) * (1 - b) on rgb"],
      ["the screen blend of {X} and {Y}"], nin=2),
    K("difference", "vec4<f32>(abs(c.rgb - d.rgb), c.a)", keep_alpha("np.abs({A}[:, :3] - {B}[:, :3])"), C2,
      ["compute the difference blend |{X} - {Y}| on rgb, keeping the alpha of {X}"],
      ["the per-channel absolute difference of {X} and {Y}"], nin=2),
    K("add_clamped", "min(c + d, vec4<f32>(1.0))", "{O} = np.minimum({A} + {B}, 1)", C2,
      ["add the images {X} and {Y}, capping every channel at 1", "additively blend {X} and {Y}, clamped to 1"],
      ["{X} plus {Y}, saturated at 1"], nin=2),
]
for _v in VARIANTS2:
    _v.weight = 1.3

TS_OUT = ["out", "result", "channel", "values", "lum", "dst", "luma", "mask"]


class ToScalar(Variant):
    """One f32 per pixel of a vec4 colour image: a channel, the luminance or the max channel."""
    family = category = "chromatic"
    WHAT = {
        "red": ("c.r", "{x}[:, 0]", ["extract the red channel of {X} into the f32 array {O}", "copy the r component of {EACH} of {X} to {O}"]),
        "green": ("c.g", "{x}[:, 1]", ["extract the green channel of {X} into the f32 array {O}", "copy the g component of {EACH} of {X} to {O}"]),
        "blue": ("c.b", "{x}[:, 2]", ["extract the blue channel of {X} into the float array {O}", "write the b component of {EACH} of {X} to {O}"]),
        "alpha": ("c.a", "{x}[:, 3]", ["extract the alpha channel of {X} into {O} (one f32 per pixel)", "copy the opacity of {EACH} of {X} to {O}"]),
        "luma": ("dot(c.rgb, vec3<f32>(0.299, 0.587, 0.114))", "{x}[:, :3] @ np.array([0.299, 0.587, 0.114], np.float32)",
                 ["compute the luminance 0.299 r + 0.587 g + 0.114 b of {EACH} of {X} into the f32 array {O}",
                  "write the luma of {X} (weights 0.299, 0.587, 0.114) to {O}, one float per pixel"]),
        "max_channel": ("max(max(c.r, c.g), c.b)", "np.max({x}[:, :3], axis=1)",
                        ["write the largest of r, g and b of {EACH} of {X} to {O}", "compute the max rgb channel of {X} into {O}"]),
    }

    def __init__(self, what: str):
        self.what = what
        self.id = f"chromatic/to_{what}"
        self.vp = tuple(self.WHAT[what][2])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        expr, oracle, vp = self.WHAT[self.what]
        x = nm.pick(rng, nm.C_IN) if named else "src"
        o = nm.pick(rng, TS_OUT, avoid=[x]) if named else "out"
        code = emit([("read", x, "array<vec4<f32>>"), ("read_write", o, "array<f32>")], [],
                    ["let c = " + f"{x}[i];", f"{o}[i] = {expr};"], (rng.choice((64, 64, 128, 256)),), header=guard_1d(o))
        n = stable_choice((256, 500, 1000, 1024), code)
        specs = (storage(0, "read", "array<vec4<f32>>", n, "uniform(0,1)"), storage(1, "read_write", "array<f32>", n, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, ["the image", "the input colors", "the pixels"]), "O": Slot(o, o),
                 "EACH": Slot(*(2 * [rng.choice(["each pixel", "every pixel", "each color"])]))}
        np_ = {"red": "the red channel", "green": "the green channel", "blue": "the blue channel", "alpha": "the alpha channel",
               "luma": "the luminance (0.299, 0.587, 0.114)", "max_channel": "the maximum of r, g, b"}[self.what]
        forms = {"vp": list(vp), "np": [np_ + " of {X} as an f32 array in {O}", np_ + " of every pixel of {X}, written to {O}"]}
        return Instance(self.id, self.family, self.category, code, specs, (n,), f"{o} = {oracle.format(x=x)}", 1e-4, 1e-5,
                        slots, forms, named, out_named=True)


VARIANTS = VARIANTS2 + [ToScalar(w) for w in ToScalar.WHAT]
for _v in VARIANTS[-len(ToScalar.WHAT):]:
    _v.weight = 1.0
