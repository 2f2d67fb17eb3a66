"""Third chromatic table (generator 2.8) on `array<vec4<f32>>` colours (r, g, b, a): the sRGB transfer
curves (linear -> sRGB and back, piecewise, alpha kept), Reinhard tone mapping (plain, and after an
exposure of exp2(ev) from a uniform), Porter-Duff "over" for premultiplied and for straight alpha,
chroma keying against pure green, a duotone map of the luma between two rgb constants, per-channel
mean/std normalization (ML preprocessing, constants in the prompt), an in-place unpremultiply
(`inplace/c_unpremultiply`), and `PerPixel`: one scalar per pixel (chroma to f32, RGBA8 packing to u32).
Rgb triples written in the prompt are `TripleOp` constants. This module does NOT handle 2D
neighbourhoods or colour-space conversions beyond sRGB (no HSV/YUV), and it does NOT phrase prompts.
"""
from __future__ import annotations

import random
import re

from .. import naming as nm
from ..core import Instance, MapOp, ParamDef, Slot, Variant, buffer_slot, emit, guard_1d, stable_choice, storage
from .color import C1, C2, FILL, G_NP, GRAY, K, keep_alpha
from .inplace import IC

TRC = dict(rtol=1e-3, atol=1e-4)
RGB = "{A}[:, :3]"
TO_SRGB = ("vec4<f32>(select(1.055 * pow(c.rgb, vec3<f32>(1.0 / 2.4)) - 0.055, 12.92 * c.rgb, "
           "c.rgb <= vec3<f32>(0.0031308)), c.a)")
TO_LINEAR = "vec4<f32>(select(pow((c.rgb + 0.055) / 1.055, vec3<f32>(2.4)), c.rgb / 12.92, c.rgb <= vec3<f32>(0.04045)), c.a)"
OVER_STRAIGHT = ("let c = {A}[i];", "let d = {B}[i];", "let oa = c.a + d.a * (1.0 - c.a);",
                 "let rgb = (c.rgb * c.a + d.rgb * d.a * (1.0 - c.a)) / oa;")
OVER_STRAIGHT_NP = ("ca_ = {A}[:, 3:]\noa_ = ca_ + {B}[:, 3:] * (1 - ca_)\n"
                    "rgb_ = ({A}[:, :3] * ca_ + {B}[:, :3] * {B}[:, 3:] * (1 - ca_)) / np.where(oa_ > 0, oa_, 1)\n"
                    "{O} = np.where(oa_ > 0, np.concatenate([rgb_, oa_], axis=1), 0)")


class TripleOp(MapOp):
    """A colour op whose prompt constants are rgb triples such as `0.485, 0.456, 0.406` (WGSL `vec3<f32>(...)`)."""

    def draw(self, rng: random.Random, named: bool) -> Instance:
        inst = super().draw(rng, named)
        inst.oracle = re.sub(r"np\.float32\(([^()]*,[^()]*)\)", r"np.array([\1], np.float32)", inst.oracle)
        return inst


def KT(name, expr, oracle, pre, vp, np_, params, **kw):
    return TripleOp(id=f"chromatic/{name}", family="chromatic", category="chromatic", nin=1, expr=expr, oracle=oracle,
                    pre=tuple(pre), params=tuple(params), mode="const", elem="c", fill=FILL * 2, vp=tuple(vp),
                    np_=tuple(np_), **kw)


PALETTES = [("0.1, 0.0, 0.3", "1.0, 0.9, 0.6"), ("0.0, 0.1, 0.2", "0.9, 0.8, 0.4"), ("0.2, 0.0, 0.1", "1.0, 0.7, 0.8"),
            ("0.05, 0.15, 0.3", "0.95, 1.0, 0.85")]
MEAN_STD = [("0.485, 0.456, 0.406", "0.229, 0.224, 0.225"), ("0.5, 0.5, 0.5", "0.5, 0.5, 0.5"),
            ("0.48145466, 0.4578275, 0.40821073", "0.26862954, 0.26130258, 0.27577711"), ("0.4, 0.45, 0.5", "0.25, 0.2, 0.3")]

VARIANTS3 = [
    K("linear_to_srgb", TO_SRGB, keep_alpha(f"np.where({RGB} <= 0.0031308, 12.92 * {RGB}, 1.055 * np.power({RGB}, 1 / 2.4) - 0.055)"),
      C1, ["encode {X} from linear to sRGB with the piecewise curve: 12.92 * c for c <= 0.0031308, else "
           "1.055 * c^(1/2.4) - 0.055, on r, g, b only (alpha kept)",
           "apply the sRGB OETF to {EACH} of {X} (linear segment 12.92 c below 0.0031308, 1.055 c^(1/2.4) - 0.055 above), "
           "leaving alpha alone",
           "convert {X} from linear light to sRGB gamma space using the exact piecewise sRGB formula, keeping alpha",
           "gamma-encode the rgb of {X} for display (sRGB: c <= 0.0031308 ? 12.92 c : 1.055 pow(c, 1/2.4) - 0.055)"],
      ["{X} converted from linear to sRGB (piecewise curve with threshold 0.0031308, alpha unchanged)",
       "the sRGB encoding of {X}: 12.92 c below 0.0031308, otherwise 1.055 c^(1/2.4) - 0.055",
       "linearToSrgb({X}) on the color channels, alpha kept"], **TRC),
    K("srgb_to_linear", TO_LINEAR,
      keep_alpha(f"np.where({RGB} <= 0.04045, {RGB} / 12.92, np.power(({RGB} + 0.055) / 1.055, 2.4))"),
      C1, ["decode {X} from sRGB to linear light: c / 12.92 for c <= 0.04045, else ((c + 0.055) / 1.055)^2.4, alpha kept",
           "linearize {X} with the sRGB EOTF (piecewise, threshold 0.04045) on r, g and b, leaving alpha",
           "convert {EACH} of {X} from sRGB to linear before lighting math, using the exact piecewise curve",
           "remove the sRGB gamma of {X}: c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4), alpha untouched"],
      ["{X} in linear light (sRGB decode: c / 12.92 below 0.04045, ((c + 0.055) / 1.055)^2.4 above)",
       "srgbToLinear({X}) per rgb channel with alpha kept", "the linearized colors of {X} (piecewise sRGB transfer)"], **TRC),
    K("reinhard", "vec4<f32>(c.rgb / (1.0 + c.rgb), c.a)", keep_alpha(f"{RGB} / (1 + {RGB})"), C1,
      ["tone-map {X} (HDR colors) with Reinhard: rgb / (1 + rgb), alpha kept",
       "apply the simple Reinhard operator c / (1 + c) to the rgb of {EACH} of {X}",
       "compress the HDR values of {X} into [0, 1) with Reinhard tone mapping, leaving alpha",
       "map {X} from high dynamic range to LDR with x / (1 + x) per color channel"],
      ["the Reinhard tone-mapped {X} (rgb / (1 + rgb), same alpha)", "{X} after Reinhard tone mapping",
       "c / (1 + c) applied to the color channels of {X}"], fill=("uniform(0,8)",)),
    K("exposure_reinhard", "vec4<f32>(e / (1.0 + e), c.a)", "e_ = {A}[:, :3] * np.exp2({K})\n" + keep_alpha("e_ / (1 + e_)"),
      ("let c = {A}[i];", "let e = c.rgb * exp2({K});"),
      ["expose {X} by {K} stops (rgb * exp2({K})) and then tone-map with Reinhard c / (1 + c), keeping alpha",
       "apply an exposure of {K} EV to {X} followed by Reinhard tone mapping",
       "scale the rgb of {EACH} of {X} by 2^{K}, then compress it with x / (1 + x); alpha stays"],
      ["{X} exposed by 2^{K} and Reinhard tone-mapped", "Reinhard(rgb * exp2({K})) of {X} with alpha unchanged"],
      params=[ParamDef("K", ["ev", "exposure", "stops", "exposure_ev", "ev_bias"], [-1.0, 0.0, 0.5, 1.0, 2.0])],
      mode="uniform", fill=("uniform(0,4)",), **TRC),
    K("over_premul", "c + d * (1.0 - c.a)", "{O} = {A} + {B} * (1 - {A}[:, 3:])", C2,
      ["composite {X} over {Y}, both premultiplied: out = fg + bg * (1 - fg.a) on all four channels",
       "blend {X} over {Y} with premultiplied alpha (Porter-Duff over)",
       "alpha-composite {X} on top of {Y}, both premultiplied: src + dst * (1 - src.a)",
       "do a premultiplied source-over of {X} onto {Y}"],
      ["{X} over {Y} with premultiplied alpha: {X} + {Y} * (1 - {X}.a)", "the Porter-Duff over of the premultiplied {X} and {Y}",
       "the premultiplied-alpha composite of {X} onto {Y}"], nin=2),
    K("over_straight", "select(vec4<f32>(0.0), vec4<f32>(rgb, oa), oa > 0.0)", OVER_STRAIGHT_NP, OVER_STRAIGHT,
      ["composite {X} over {Y} with straight (non-premultiplied) alpha: out_a = sa + da * (1 - sa), "
       "rgb = (src * sa + dst * da * (1 - sa)) / out_a, and all zeros where out_a is 0",
       "alpha-blend {X} (unpremultiplied) over {Y} with the full Porter-Duff over formula, dividing by the "
       "resulting alpha (0 when it is 0)",
       "do a straight-alpha source-over of {X} onto {Y}, normalizing the color by the output alpha"],
      ["{X} over {Y} in straight alpha (out_a = sa + da (1 - sa), rgb divided by out_a, 0 if out_a is 0)",
       "the non-premultiplied over composite of {X} and {Y}"], nin=2, **TRC),
    K("chroma_key", "select(c, vec4<f32>(c.rgb, 0.0), distance(c.rgb, vec3<f32>(0.0, 1.0, 0.0)) < {K})",
      "k_ = np.linalg.norm({A}[:, :3] - np.array([0, 1, 0], np.float32), axis=1) < {K}\n{O} = {A}.copy()\n{O}[k_, 3] = 0", C1,
      ["green-screen key {X}: set alpha to 0 where the rgb is closer than {K} to pure green (0, 1, 0), copy other pixels",
       "chroma-key out the green background of {X} (Euclidean rgb distance to (0, 1, 0) below {K} -> transparent)",
       "make the pixels of {X} whose color lies within distance {K} of pure green fully transparent, keeping their rgb",
       "remove the green screen from {X}: alpha = 0 when length(rgb - (0, 1, 0)) < {K}"],
      ["{X} with near-green pixels (distance to (0, 1, 0) under {K}) made transparent",
       "the chroma-keyed {X}, green within {K} keyed to alpha 0"], params=[ParamDef("K", [], [0.25, 0.3, 0.4, 0.5, 0.6])],
      mode="const"),
    KT("duotone", "vec4<f32>(mix(vec3<f32>({K}), vec3<f32>({K2}), g), c.a)",
       "g = " + G_NP + "[:, None]\n" + keep_alpha("{K} + ({K2} - {K}) * g"), GRAY,
       ["apply a duotone to {X}: map the luma 0.299 r + 0.587 g + 0.114 b of each pixel from the shadow color ({K}) "
        "to the highlight color ({K2}), keeping alpha",
        "recolor {X} as a duotone between ({K}) and ({K2}), blending by luminance (0.299, 0.587, 0.114)",
        "gradient-map {EACH} of {X}: mix(({K}), ({K2}), luma) with Rec. 601 luma weights, alpha unchanged"],
       ["a duotone of {X} running from ({K}) in the shadows to ({K2}) in the highlights, by 0.299/0.587/0.114 luma",
        "mix(({K}), ({K2}), luma({X})) per pixel, alpha kept"],
       [ParamDef("K,K2", [], PALETTES)]),
    KT("normalize_mean_std", "vec4<f32>((c.rgb - vec3<f32>({K})) / vec3<f32>({K2}), c.a)",
       keep_alpha("({A}[:, :3] - {K}) / {K2}"), C1,
       ["normalize {X} per channel for a neural net: (rgb - mean) / std with mean ({K}) and std ({K2}), alpha copied",
        "standardize the rgb of {EACH} of {X}: subtract the channel means ({K}) and divide by the stds ({K2})",
        "apply torchvision-style Normalize(mean=({K}), std=({K2})) to the pixels of {X}, leaving alpha",
        "preprocess {X} for the model: r, g, b minus ({K}), divided by ({K2})"],
       ["{X} normalized with mean ({K}) and std ({K2}) per channel", "(rgb - ({K})) / ({K2}) for every pixel of {X}, same alpha"],
       [ParamDef("K,K2", [], MEAN_STD)]),
]
for _v in VARIANTS3:
    _v.weight = 1.2

UNPREMUL = IC("c_unpremultiply", "select(c, vec4<f32>(c.rgb / c.a, c.a), c.a > 0.0)",
              "a_ = {A}[:, 3:]\n{O} = np.where(a_ > 0, np.concatenate([{A}[:, :3] / np.where(a_ > 0, a_, 1), a_], axis=1), {A})",
              C1, ["unpremultiply {X} in place: divide r, g and b by alpha where alpha > 0, leave other pixels as they are",
                   "convert {X} from premultiplied back to straight alpha in place (rgb / a, skipping a == 0)",
                   "reverse the alpha premultiplication of {X} in place, leaving fully transparent pixels untouched"],
              ["{xi}.rgb / {xi}.a when alpha is positive, written back in place"], fill=("uniform(0.05,1)",))


class PerPixel(Variant):
    """One scalar per colour pixel: the chroma max(r, g, b) - min(r, g, b) to f32, or RGBA8 unorm packing to u32."""
    family = category = "chromatic"
    KINDS = {
        "chroma": ("array<f32>", ["chroma", "out", "sat", "colorfulness", "c_range"],
                   "max(max(c.r, c.g), c.b) - min(min(c.r, c.g), c.b)", "{o} = np.max({x}[:, :3], axis=1) - np.min({x}[:, :3], axis=1)",
                   ["compute the chroma max(r, g, b) - min(r, g, b) of {EACH} of {X} into the f32 array {O}",
                    "write how colorful {EACH} of {X} is, as the largest minus the smallest rgb channel, to {O}",
                    "measure the HSV-style chroma (max channel minus min channel) of {X}, one float each in {O}"],
                   ["the chroma (max(r, g, b) - min(r, g, b)) of {X} as one f32 per pixel in {O}",
                    "the rgb range, largest minus smallest channel, of every pixel of {X}, written to {O}"]),
        "pack_unorm": ("array<u32>", ["packed", "out", "rgba8", "colors_u32", "words"],
                       "q.x | (q.y << 8u) | (q.z << 16u) | (q.w << 24u)",
                       "q_ = np.floor(np.clip({x}, 0, 1) * np.float32(255) + np.float32(0.5)).astype(np.uint32)\n"
                       "{o} = q_[:, 0] | (q_[:, 1] << np.uint32(8)) | (q_[:, 2] << np.uint32(16)) | (q_[:, 3] << np.uint32(24))",
                       ["pack {X} into RGBA8 u32 words in {O}: each channel clamped to [0, 1], scaled by 255 "
                        "and rounded as floor(c * 255 + 0.5), r in the low byte",
                       "quantize {EACH} of {X} to 8 bits per channel and pack r | g << 8 | b << 16 | a << 24 into {O}, "
                        "like pack4x8unorm (floor(clamp(c, 0, 1) * 255 + 0.5))",
                        "convert the float rgba colors of {X} to packed 32-bit RGBA8 in {O} (unorm: clamp, times 255, round half up)"],
                       ["the RGBA8 packing of {X} in {O}: floor(clamp(c, 0, 1) * 255 + 0.5) per channel, red in bits 0-7",
                        "{X} as pack4x8unorm-style u32 words (round half up), in {O}"]),
    }
    PRE = {"chroma": [], "pack_unorm": ["let q = vec4<u32>(floor(clamp(c, vec4<f32>(0.0), vec4<f32>(1.0)) * 255.0 + 0.5));"]}

    def __init__(self, kind: str):
        self.kind = kind
        self.id = f"chromatic/{kind}"
        self.vp = tuple(self.KINDS[kind][4])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        typ, pool, expr, oracle, vp, np_ = self.KINDS[self.kind]
        x = nm.pick(rng, nm.C_IN) if named else "src"
        o = nm.pick(rng, pool, avoid=[x]) if named else "out"
        body = [f"let c = {x}[i];"] + self.PRE[self.kind] + [f"{o}[i] = {expr};"]
        code = emit([("read", x, "array<vec4<f32>>"), ("read_write", o, typ)], [], body, (rng.choice((64, 64, 128, 256)),),
                    header=guard_1d(o))
        n = stable_choice((256, 500, 1000, 1024), code)
        specs = (storage(0, "read", "array<vec4<f32>>", n, "uniform(0,1)" if self.kind == "chroma" else "uniform(-0.1,1.1)"),
                 storage(1, "read_write", typ, n, "zeros"))
        slots = {"X": buffer_slot(rng, x, named, ["the image", "the input colors", "the pixels"]), "O": Slot(o, o),
                 "EACH": Slot(*(2 * [rng.choice(["each pixel", "every pixel", "each color"])]))}
        return Instance(self.id, self.family, self.category, code, specs, (n,), oracle.format(x=x, o=o), 1e-4, 1e-5,
                        slots, {"vp": list(vp), "np": list(np_)}, named, out_named=True)


VARIANTS = VARIANTS3 + [UNPREMUL, PerPixel("chroma"), PerPixel("pack_unorm")]
