"""Chromatic family: per-pixel ops on `array<vec4<f32>>` colours in (r, g, b, a) order -- grayscale
(luminance 0.299/0.587/0.114), invert, complement, mixing two images, filter, brightness, contrast,
saturation, swizzles, alpha premultiply, black/white threshold, sepia, opaque.
Oracles see colour buffers as (count, 4) arrays. This module does NOT handle 2D neighbourhoods
(blur etc. live in `grid.py`).
"""
from __future__ import annotations

from .. import naming as nm
from ..core import MapOp, ParamDef

C1 = ("let c = {A}[i];",)
C2 = ("let c = {A}[i];", "let d = {B}[i];")
GRAY = ("let c = {A}[i];", "let g = dot(c.rgb, vec3<f32>(0.299, 0.587, 0.114));")
G_NP = "({A}[:, 0] * 0.299 + {A}[:, 1] * 0.587 + {A}[:, 2] * 0.114)"
KEEP_A = "np.concatenate([{rgb}, {A}[:, 3:]], axis=1)"
FILL = ("uniform(0,1)",)


def K(name, expr, oracle, pre, vp, np_, nin=1, params=(), mode="none", fill=FILL, **kw):
    return MapOp(id=f"chromatic/{name}", family="chromatic", category="chromatic", nin=nin, expr=expr, oracle=oracle,
                 pre=tuple(pre), params=tuple(params), mode=mode, elem="c", fill=fill * 2, vp=tuple(vp),
                 np_=tuple(np_), **kw)


def keep_alpha(rgb: str) -> str:
    return "{O} = " + KEEP_A.replace("{rgb}", rgb)


VARIANTS = [
    K("grayscale", "vec4<f32>(g, g, g, c.a)", "g = " + G_NP + "\n{O} = np.stack([g, g, g, {A}[:, 3]], axis=1)", GRAY,
      ["convert {X} to grayscale using the luminance weights 0.299, 0.587, 0.114",
       "turn {EACH} of {X} gray with luma = 0.299 r + 0.587 g + 0.114 b, keeping alpha",
       "desaturate {X} to its luminance (0.299, 0.587, 0.114)"],
      ["the grayscale version of {X} (luminance 0.299 r + 0.587 g + 0.114 b)", "the luma of {X} broadcast to rgb, alpha kept"]),
    K("invert", "vec4<f32>(1.0 - c.rgb, c.a)", keep_alpha("1 - {A}[:, :3]"), C1,
      ["invert the colors of {X}, keeping alpha", "invert the rgb channels of {X}", "make a negative of {X} (1 - rgb, same alpha)"],
      ["the inverted colors of {X} with alpha unchanged", "the color negative of {X}"]),
    K("complement", "vec4<f32>(c.r, 1.0 - c.g, 1.0 - c.b, c.a)",
      "{O} = np.stack([{A}[:, 0], 1 - {A}[:, 1], 1 - {A}[:, 2], {A}[:, 3]], axis=1)", C1,
      ["compute the complement of {X}: keep red, replace green and blue by 1 minus themselves, keep alpha",
       "complement {X} as (r, 1 - g, 1 - b, a)"], ["the chromatic complement (r, 1-g, 1-b, a) of {X}"]),
    K("mix_average", "(c + d) * 0.5", "{O} = ({A} + {B}) * 0.5", C2,
      ["average the two images {X} and {Y} channel by channel", "blend {X} and {Y} 50/50", "mix {X} and {Y} equally"],
      ["the average of {X} and {Y}", "an even mix of {X} and {Y}"], nin=2),
    K("mix_lerp", "mix(c, d, {K})", "{O} = {A} * (1 - {K}) + {B} * {K}", C2,
      ["mix the colors {X} and {Y} with weight {K}", "blend {X} toward {Y} by {K}", "crossfade from {X} to {Y} by {K}"],
      ["the mix of {X} and {Y} at {K}", "{X} blended with {Y} by {K}"], nin=2,
      params=[ParamDef("K", nm.P_T, [0.25, 0.5, 0.75, 0.3])], mode="uniform"),
    K("filter", "max(c - d, vec4<f32>(0.0))", "{O} = np.maximum({A} - {B}, 0)", C2,
      ["filter {X} by {Y}: subtract {Y} from {X} per channel and clamp at zero",
       "subtract the colors of {Y} from {X}, never going below 0"], ["max({X} - {Y}, 0) per channel",
       "{X} filtered by {Y} (per-channel difference clamped at zero)"], nin=2),
    K("brightness", "vec4<f32>(c.rgb + {K}, c.a)", keep_alpha("{A}[:, :3] + {K}"), C1,
      ["brighten {X} by adding {K} to r, g and b", "add {K} to the rgb of {EACH} of {X}, leaving alpha"],
      ["{X} with brightness raised by {K}"], params=[ParamDef("K", ["brightness", "amount", "delta", "b", "offset"],
                                                          [0.1, 0.2, -0.1, 0.05])], mode="uniform"),
    K("gain", "vec4<f32>(c.rgb * {K}, c.a)", keep_alpha("{A}[:, :3] * {K}"), C1,
      ["multiply the rgb channels of {X} by {K}, keeping alpha", "scale the color of {EACH} of {X} by {K}"],
      ["{X} with rgb scaled by {K}"], params=[ParamDef("K", [], ["2", "0.5", "1.5", "0.8", "1.2"])], mode="const"),
    K("contrast", "vec4<f32>((c.rgb - 0.5) * {K} + 0.5, c.a)", keep_alpha("({A}[:, :3] - 0.5) * {K} + 0.5"), C1,
      ["adjust the contrast of {X} by {K} around mid-gray 0.5", "scale the distance of each channel of {X} from 0.5 by {K}"],
      ["{X} with contrast {K} around 0.5"], params=[ParamDef("K", ["contrast", "k", "factor", "amount"], [1.5, 0.5, 2.0, 1.2])],
      mode="uniform"),
    K("saturation", "vec4<f32>(mix(vec3<f32>(g), c.rgb, {K}), c.a)",
      "g = " + G_NP + "[:, None]\n" + keep_alpha("g + ({A}[:, :3] - g) * {K}"), GRAY,
      ["change the saturation of {X} by {K}, mixing each pixel with its luminance (0.299, 0.587, 0.114)",
       "saturate {X} with factor {K} relative to the gray 0.299 r + 0.587 g + 0.114 b"],
      ["{X} with saturation {K} (mix of luma 0.299/0.587/0.114 and color)"],
      params=[ParamDef("K", ["saturation", "s", "amount", "sat"], [0.0, 0.5, 1.5, 2.0])], mode="uniform"),
    K("swizzle_bgra", "c.bgra", "{O} = {A}[:, [2, 1, 0, 3]]", C1,
      ["convert {X} from rgba to bgra", "swap the red and blue channels of {X}", "reorder the channels of {X} as b, g, r, a"],
      ["{X} in bgra channel order", "{X} with red and blue swapped"]),
    K("swizzle_grba", "c.grba", "{O} = {A}[:, [1, 0, 2, 3]]", C1,
      ["swap the red and green channels of {X}", "exchange r and g in {EACH} of {X}"], ["{X} with red and green swapped"]),
    K("swizzle_argb", "c.argb", "{O} = {A}[:, [3, 0, 1, 2]]", C1,
      ["move the alpha channel of {X} to the front (rgba to argb)", "reorder {X} from rgba to argb"], ["{X} in argb order"]),
    K("premultiply", "vec4<f32>(c.rgb * c.a, c.a)", keep_alpha("{A}[:, :3] * {A}[:, 3:]"), C1,
      ["premultiply {X} by its alpha", "multiply the rgb of {EACH} of {X} by its alpha channel"],
      ["{X} with premultiplied alpha", "the alpha-premultiplied colors of {X}"]),
    K("threshold_bw", "select(vec4<f32>(0.0, 0.0, 0.0, c.a), vec4<f32>(1.0, 1.0, 1.0, c.a), g > {K})",
      "g = " + G_NP + "\nw = np.where(g > {K}, 1, 0).astype(np.float32)\n{O} = np.stack([w, w, w, {A}[:, 3]], axis=1)", GRAY,
      ["make {X} black and white: white where the luminance 0.299 r + 0.587 g + 0.114 b exceeds {K}, black elsewhere, alpha kept",
       "threshold {X} to black/white at luma {K} (weights 0.299, 0.587, 0.114)"],
      ["a black-and-white version of {X} thresholded at luminance {K}"],
      params=[ParamDef("K", nm.P_THRESH, [0.5, 0.4, 0.6])], mode="uniform"),
    K("sepia", "vec4<f32>(min(s, vec3<f32>(1.0)), c.a)",
      "s = np.stack([{A}[:, :3] @ np.array([0.393, 0.769, 0.189], np.float32), {A}[:, :3] @ np.array([0.349, 0.686, 0.168], "
      "np.float32), {A}[:, :3] @ np.array([0.272, 0.534, 0.131], np.float32)], axis=1)\n" + keep_alpha("np.minimum(s, 1)"),
      ("let c = {A}[i];", "let s = vec3<f32>(dot(c.rgb, vec3<f32>(0.393, 0.769, 0.189)), dot(c.rgb, vec3<f32>(0.349, 0.686, "
       "0.168)), dot(c.rgb, vec3<f32>(0.272, 0.534, 0.131)));"),
      ["apply a sepia tone to {X} (standard 0.393/0.769/0.189, 0.349/0.686/0.168, 0.272/0.534/0.131 matrix, clamped to 1)",
       "give {X} a sepia look with the classic sepia matrix, clamping at 1 and keeping alpha"],
      ["the sepia-toned {X}", "a sepia filter of {X}, channels capped at 1"]),
    K("opaque", "vec4<f32>(c.rgb, 1.0)", keep_alpha("{A}[:, :3]").replace("{A}[:, 3:]", "np.ones_like({A}[:, 3:])"), C1,
      ["make {EACH} of {X} fully opaque", "set the alpha of {X} to 1"], ["{X} with alpha forced to 1"]),
]
for _v in VARIANTS:
    _v.weight = 1.3
