"""In-place family, second table: updates of `u32` buffers (increment, add a constant or a uniform,
add with a ceiling, decrement that stops at zero, bit masks, shifts, multiply, bitwise not) and of
`vec4<f32>` colour buffers (invert, grayscale, brightness, gain, opaque, premultiply, clamp to 0..1),
each reading and writing one `read_write` buffer. The f32 in-place updates are in `elementwise.py` and
`elementwise2.py`. Every row is a `MapOp` with WGSL, NumPy oracle and phrase fragments, and every
verb phrase says that the buffer is updated in place (a prompt without that cue must not teach an
in-place shader). This module does NOT phrase prompts or verify shaders.
"""
from __future__ import annotations

from ..core import ParamDef
from .color import C1, G_NP, GRAY, keep_alpha
from .elementwise import I

SMALL = "randint(0,1000000)"
LEVELS = "randint(0,255)"
FULL = "randint(0,4294967295)"
MASKS = ["0xFF", "0xF0F0F0F0", "255", "0xFFFF", "7", "0x80000000", "0x0F", "1023"]
SHIFTS = ["1", "2", "3", "4", "8", "16"]


def IU(name, expr, oracle, vp, el, fx, params=(), mode="none", fill=(SMALL,), **kw):
    """An in-place update of a u32 buffer (`elementwise.I` with u32 elements)."""
    return I(name, expr, oracle, vp, el, fx, params=params, mode=mode, fill=fill, elem="u", **kw)


def IC(name, expr, oracle, pre, vp, el=(), params=(), mode="none", fill=("uniform(0,1)",), **kw):
    """An in-place update of a vec4<f32> colour buffer (r, g, b, a), computed by the statements `pre`."""
    return I(name, expr, oracle, vp, el, (), params=params, mode=mode, fill=fill, elem="c", pre=tuple(pre),
             **kw)


U32 = [
    IU("u_increment", "{a} + 1u", "{O} = {A} + np.uint32(1)",
       ["increment {EACH} of {X} by one in place", "add 1 to {EACH} of the u32 counters {X}, in place",
        "bump every counter in {X} by 1 in place", "count up {X} by one, updating it in place"],
       ["{xi} + 1, written back in place"], ["{xi} + 1"]),
    IU("u_add_const", "{a} + {K}", "{O} = {A} + {K}",
       ["add {K} to {EACH} of the u32 values {X} in place", "increase {X} by {K} in place (unsigned integers)"],
       ["{xi} + {K}, updated in place"], ["{xi} + {K}"], params=[ParamDef("K", [], ["2", "3", "5", "10", "16", "100"], "u32")],
       mode="const"),
    IU("u_add_uniform", "{a} + {K}", "{O} = {A} + {K}",
       ["add {K} to {EACH} of the unsigned integers in {X}, in place", "increase every u32 of {X} by {K} in place"],
       ["{xi} plus {K}, in place"], ["{xi} + {K}"],
       params=[ParamDef("K", ["step", "amount", "delta", "inc", "offset"], [1, 3, 7, 42], "u32")], mode="uniform"),
    IU("u_add_cap", "min({a} + {K}, 255u)", "{O} = np.minimum({A} + {K}, 255)",
       ["add {K} to {EACH} of {X} in place, capping the result at 255",
        "raise the 0..255 levels stored as u32 in {X} by {K} in place, never above 255"],
       ["min({xi} + {K}, 255), in place"], ["min({xi} + {K}, 255)"],
       params=[ParamDef("K", ["amount", "boost", "delta", "gain_level"], [10, 25, 60, 100], "u32")], mode="uniform",
       fill=(LEVELS,)),
    IU("u_decrement_floor", "select({a} - 1u, 0u, {a} == 0u)", "{O} = np.where({A} == 0, 0, {A} - np.uint32(1))",
       ["decrement {EACH} of the u32 timers {X} by one in place, stopping at zero",
        "count {X} down by 1 in place without going below 0"],
       ["{xi} - 1, or 0 if it is already 0, in place"], ["max({xi} - 1, 0)"], fill=("randint(0,20)",)),
    IU("u_xor_mask", "{a} ^ {K}", "{O} = {A} ^ {K}", ["xor {EACH} of {X} with {K} in place",
       "flip the bits of {X} selected by {K}, in place"], ["{xi} xor {K}, in place"], ["{xi} ^ {K}"],
       params=[ParamDef("K", [], MASKS, "u32")], mode="const", fill=(FULL,)),
    IU("u_and_mask", "{a} & {K}", "{O} = {A} & {K}", ["mask {X} with {K} in place (bitwise and)",
       "keep only the bits of {X} set in {K}, updating {X} in place"], ["{xi} & {K}, in place"], ["{xi} & {K}"],
       params=[ParamDef("K", [], MASKS, "u32")], mode="const", fill=(FULL,)),
    IU("u_or_mask", "{a} | {K}", "{O} = {A} | {K}", ["set the bits of {K} in {EACH} of {X}, in place",
       "or {X} with {K} in place"], ["{xi} | {K}, in place"], ["{xi} | {K}"],
       params=[ParamDef("K", [], MASKS, "u32")], mode="const", fill=(FULL,)),
    IU("u_shl", "{a} << {K}", "{O} = {A} << {K}", ["shift {EACH} of {X} left by {K} bits in place",
       "shift {X} left by {K} in place"], ["{xi} << {K}, in place"], ["{xi} << {K}"],
       params=[ParamDef("K", [], SHIFTS, "u32")], mode="const", fill=(FULL,)),
    IU("u_shr", "{a} >> {K}", "{O} = {A} >> {K}", ["shift {EACH} of {X} right by {K} bits in place",
       "shift {X} right by {K}, overwriting it"], ["{xi} >> {K}, in place"], ["{xi} >> {K}"],
       params=[ParamDef("K", [], SHIFTS, "u32")], mode="const", fill=(FULL,)),
    IU("u_mul_const", "{a} * {K}", "{O} = {A} * {K}", ["multiply {EACH} of the u32 values {X} by {K} in place",
       "scale {X} by {K} in place as unsigned integers (wrapping)"], ["{xi} times {K}, in place"], ["{xi} * {K}"],
       params=[ParamDef("K", [], ["2", "3", "4", "10", "31"], "u32")], mode="const"),
    IU("u_not", "~{a}", "{O} = ~{A}", ["invert every bit of {X} in place", "apply a bitwise not to {EACH} of {X}, in place"],
       ["~{xi}, in place"], ["~{xi}"], fill=(FULL,)),
]

COLOUR = [
    IC("c_invert", "vec4<f32>(1.0 - c.rgb, c.a)", keep_alpha("1 - {A}[:, :3]"), C1,
       ["invert the colors of {X} in place, keeping alpha", "turn {X} into its negative in place (1 - rgb, same alpha)"],
       ["1 - rgb of {xi}, alpha kept, in place"]),
    IC("c_grayscale", "vec4<f32>(g, g, g, c.a)", "g = " + G_NP + "\n{O} = np.stack([g, g, g, {A}[:, 3]], axis=1)", GRAY,
       ["convert {X} to grayscale in place (luma 0.299, 0.587, 0.114), keeping alpha",
        "overwrite {EACH} of {X} with its luminance 0.299 r + 0.587 g + 0.114 b in place"],
       ["the gray of {xi}, written back in place"]),
    IC("c_brightness", "vec4<f32>(c.rgb + {K}, c.a)", keep_alpha("{A}[:, :3] + {K}"), C1,
       ["brighten {X} in place by adding {K} to r, g and b", "add {K} to the rgb of {EACH} of {X} in place, leaving alpha"],
       params=[ParamDef("K", ["brightness", "amount", "delta", "offset"], [0.1, 0.2, -0.1, 0.05])], mode="uniform"),
    IC("c_gain", "vec4<f32>(c.rgb * {K}, c.a)", keep_alpha("{A}[:, :3] * {K}"), C1,
       ["multiply the rgb of {X} by {K} in place, keeping alpha", "scale the colors of {X} by {K} in place"],
       params=[ParamDef("K", [], ["2", "0.5", "1.5", "0.8", "1.2"])], mode="const"),
    IC("c_opaque", "vec4<f32>(c.rgb, 1.0)", "{O} = np.concatenate([{A}[:, :3], np.ones_like({A}[:, 3:])], axis=1)", C1,
       ["set the alpha of {EACH} of {X} to 1 in place", "make {X} fully opaque in place"]),
    IC("c_premultiply", "vec4<f32>(c.rgb * c.a, c.a)", keep_alpha("{A}[:, :3] * {A}[:, 3:]"), C1,
       ["premultiply the colors of {X} by their alpha in place", "multiply r, g and b of {X} by alpha, in place"]),
    IC("c_clamp01", "clamp(c, vec4<f32>(0.0), vec4<f32>(1.0))", "{O} = np.clip({A}, 0, 1)", C1,
       ["clamp every channel of {X} to [0, 1] in place", "clip the colors of {X} into 0..1 in place"],
       fill=("uniform(-0.5,1.5)",)),
]

VARIANTS = U32 + COLOUR
