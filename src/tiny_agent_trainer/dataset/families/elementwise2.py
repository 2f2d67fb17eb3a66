"""More element-wise f32 operations (second table, same families as `elementwise.py`): extra
activations and maths (hard-tanh, clamp to [0, 1], smoothstep, mish, selu, cosh/sinh, asin/acos on
valid inputs...), binary ops (step, select, float remainder, weighted sums with prompt constants or
uniform weights), three-input ops (`Ternary`: fma, select by a condition array, mix, clamp between
two arrays), polynomials and other prompt-constant ops, and in-place updates (EMA, normalise by a
divisor, bias). Every row is a `MapOp` (or `Ternary`) with WGSL, NumPy oracle and phrase fragments.
This module does NOT contain colour, integer, 2D or reduction ops (sibling modules).
"""
from __future__ import annotations

import random

from .. import naming as nm
from ..core import EACH, COUNTS_1D, Instance, ParamDef, Slot, Variant, buffer_slot, emit, guard_1d, stable_choice, \
    storage
from .elementwise import TR, B, C, I, P, U

UNARY2 = [
    U("hardtanh", "clamp({a}, -1.0, 1.0)", "{O} = np.clip({A}, -1, 1)", ["hard tanh", "hardtanh", "HardTanh"],
      ["clamp({xi}, -1, 1)", "min(max({xi}, -1), 1)"], fill="uniform(-3,3)",
      vp=["clip {X} to the range [-1, 1]", "clamp {EACH} of {X} between -1 and 1"], el=["{xi} clamped to -1..1"]),
    U("clamp01", "clamp({a}, 0.0, 1.0)", "{O} = np.clip({A}, 0, 1)", ["saturate", "clamp01", "unit clamp"],
      ["clamp({xi}, 0, 1)", "saturate({xi})", "min(max({xi}, 0), 1)"], fill="uniform(-2,2)",
      vp=["clamp {X} to [0, 1]", "clamp {EACH} of {X} into the unit interval", "saturate {X} (clamp to 0..1)",
          "clip {X} so every value lies between 0 and 1"], np_=["{X} clamped to [0, 1]", "{X} saturated to 0..1"]),
    U("smoothstep", "smoothstep(0.0, 1.0, {a})", "t_ = np.clip({A}, 0, 1)\n{O} = t_ * t_ * (3 - 2 * t_)",
      ["smoothstep", "smoothstep from 0 to 1", "Hermite smoothstep"], ["smoothstep(0, 1, {xi})", "t*t*(3 - 2t) with t = clamp({xi}, 0, 1)"],
      fill="uniform(-0.5,1.5)", vp=["smooth {X} with smoothstep(0, 1, x)", "apply a 0-to-1 smoothstep to {EACH} of {X}"]),
    U("mish", "{a} * tanh(log(1.0 + exp({a})))", "{O} = {A} * np.tanh(np.log(1 + np.exp({A})))", ["mish", "Mish", "mish activation"],
      ["{xi} * tanh(softplus({xi}))", "{xi} * tanh(ln(1 + exp({xi})))"], **TR),
    U("cosh", "cosh({a})", "{O} = np.cosh({A})", ["hyperbolic cosine", "cosh"], ["cosh({xi})"], fill="uniform(-3,3)", **TR),
    U("sinh", "sinh({a})", "{O} = np.sinh({A})", ["hyperbolic sine", "sinh"], ["sinh({xi})"], fill="uniform(-3,3)", **TR),
    U("asin", "asin({a})", "{O} = np.arcsin({A})", ["arcsine", "asin", "inverse sine"], ["asin({xi})", "arcsin({xi})"],
      fill="uniform(-0.99,0.99)", vp=["compute the arcsine of {EACH} of {X} (inputs are in [-1, 1])"], **TR),
    U("acos", "acos({a})", "{O} = np.arccos({A})", ["arccosine", "acos", "inverse cosine"], ["acos({xi})", "arccos({xi})"],
      fill="uniform(-0.99,0.99)", vp=["compute the arccosine of {EACH} of {X} (values lie in -1..1)"], **TR),
    U("tan", "tan({a})", "{O} = np.tan({A})", ["tangent", "tan"], ["tan({xi})"], fill="uniform(-1.2,1.2)", **TR),
    U("relu6", "clamp({a}, 0.0, 6.0)", "{O} = np.clip({A}, 0, 6)", ["ReLU6", "relu6", "clipped ReLU"],
      ["min(max({xi}, 0), 6)", "clamp({xi}, 0, 6)"], fill="uniform(-3,9)", vp=["clamp {X} to [0, 6] like ReLU6"]),
    U("hardswish", "{a} * clamp({a} + 3.0, 0.0, 6.0) / 6.0", "{O} = {A} * np.clip({A} + 3, 0, 6) / 6",
      ["hard swish", "hardswish", "h-swish"], ["{xi} * clamp({xi} + 3, 0, 6) / 6", "{xi} * relu6({xi} + 3) / 6"], fill="uniform(-5,5)"),
    U("gaussian", "exp(-{a} * {a})", "{O} = np.exp(-{A} * {A})", ["gaussian", "Gaussian bump", "exp(-x^2)"],
      ["exp(-{xi} * {xi})", "e^(-{xi}^2)", "exp(-{xi}²)"], vp=["map {X} through a gaussian exp(-x*x)"], **TR),
    U("log1p", "log(1.0 + {a})", "{O} = np.log1p({A})", ["log1p", "log of one plus x"], ["log(1 + {xi})", "ln(1 + {xi})"],
      fill="uniform(0,10)", **TR),
    U("heaviside", "step(0.0, {a})", "{O} = np.where({A} >= 0, 1, 0)", ["Heaviside step", "unit step", "heaviside"],
      ["step(0, {xi})", "{xi} >= 0 ? 1 : 0"], vp=["write 1 where {X} is non-negative and 0 where it is negative"],
      el=["1 if {xi} >= 0, else 0"]),
    U("selu", "select(1.6732632 * (exp({a}) - 1.0), {a}, {a} > 0.0) * 1.050701",
      "{O} = np.where({A} > 0, {A}, 1.6732632 * (np.exp({A}) - 1)) * 1.050701", ["SELU", "selu", "scaled ELU"],
      ["1.050701 * ({xi} > 0 ? {xi} : 1.6732632 * (exp({xi}) - 1))"], **TR),
    U("degrees", "degrees({a})", "{O} = np.degrees({A})", ["radians-to-degrees conversion", "degrees"], ["degrees({xi})",
      "{xi} * 180 / pi"], vp=["convert {X} from radians to degrees", "turn the angles in {X} (radians) into degrees"], **TR),
    U("radians", "radians({a})", "{O} = np.radians({A})", ["degrees-to-radians conversion", "radians"], ["radians({xi})",
      "{xi} * pi / 180"], fill="uniform(-360,360)", vp=["convert {X} from degrees to radians",
                                                     "turn the angles in {X} (degrees) into radians"], **TR),
    U("exp_neg", "exp(-{a})", "{O} = np.exp(-{A})", ["exponential decay", "exp(-x)"], ["exp(-{xi})", "e^(-{xi})"],
      vp=["compute e to the minus {EACH} of {X}"], **TR),
]

W_CONST = ["0.5", "0.25", "2", "3", "0.75", "1.5", "-1", "0.125", "2.75", "0.3", "0.7", "-0.5"]

BINARY2 = [
    B("step", "step({a}, {b})", "{O} = np.where({B} >= {A}, 1, 0)",
      ["compute step({X}, {Y}) element-wise", "write 1 where {Y} is at least {X} and 0 elsewhere",
       "apply step with edges {X} to the values {Y}"], ["step({X}, {Y})", "a 0/1 mask of {Y} >= {X}"],
      ["1 if {yi} >= {xi}, else 0"], ["step({xi}, {yi})", "{yi} >= {xi} ? 1 : 0"]),
    B("select_pos", "select({b}, {a}, {a} > 0.0)", "{O} = np.where({A} > 0, {A}, {B})",
      ["take {X} where it is positive and {Y} everywhere else", "choose {X} when {X} > 0, otherwise {Y}"],
      ["{X} where positive, else {Y}"], ["{xi} if {xi} > 0, otherwise {yi}"], ["{xi} > 0 ? {xi} : {yi}",
                                                                                  "select({yi}, {xi}, {xi} > 0)"]),
    B("fmod", "{a} % {b}", "{O} = np.fmod({A}, {B})",
      ["compute the floating-point remainder of {X} divided by {Y}", "take {X} modulo {Y} element-wise (fmod)"],
      ["{X} mod {Y}", "the remainder of {X} / {Y}", "fmod({X}, {Y})"], ["the remainder of {xi} divided by {yi}"],
      ["{xi} % {yi}", "fmod({xi}, {yi})"], fill=("uniform(-10,10)", "uniform(0.5,4)")),
    B("less", "select(0.0, 1.0, {a} < {b})", "{O} = np.where({A} < {B}, 1, 0)",
      ["write 1 where {X} is less than {Y} and 0 otherwise", "compare {X} < {Y} element-wise into 0/1"],
      ["a 0/1 mask of {X} < {Y}"], ["1 if {xi} < {yi} else 0"], ["{xi} < {yi} ? 1 : 0"]),
    B("max_abs", "max(abs({a}), abs({b}))", "{O} = np.maximum(np.abs({A}), np.abs({B}))",
      ["keep the larger magnitude of {X} and {Y} at each index"], ["the element-wise max of |{X}| and |{Y}|"],
      ["the larger of |{xi}| and |{yi}|"], ["max(abs({xi}), abs({yi}))", "max(|{xi}|, |{yi}|)"]),
    B("wsum_const", "{K} * {a} + {K2} * {b}", "{O} = {K} * {A} + {K2} * {B}",
      ["compute {K} * {X} + {K2} * {Y}", "take the weighted sum of {X} and {Y} with weights {K} and {K2}",
       "blend {X} and {Y} as {K} times {X} plus {K2} times {Y}"], ["{K} times {X} plus {K2} times {Y}", "{K}*{X} + {K2}*{Y}"],
      ["{K} times {xi} plus {K2} times {yi}"], ["{K} * {xi} + {K2} * {yi}", "{K}*{xi} + {K2}*{yi}"],
      params=(ParamDef("K", [], W_CONST), ParamDef("K2", [], W_CONST)), mode="const"),
]

PARAMETRIC2 = [
    P("swish_beta", "{a} / (1.0 + exp(-{K} * {a}))", "{O} = {A} / (1 + np.exp(-{K} * {A}))",
      [ParamDef("K", ["beta", "b", "k", "sharpness"], [1.0, 1.5, 0.5, 2.0])],
      ["apply swish with parameter {K} to {X}", "compute x * sigmoid({K} * x) for {EACH} of {X}"],
      ["the swish of {X} with beta {K}"], ["{xi} times sigmoid({K} * {xi})"], ["{xi} / (1 + exp(-{K} * {xi}))",
                                                                               "{xi} * sigmoid({K} * {xi})"], **TR),
    P("smoothstep", "smoothstep({K}, {K2}, {a})", "t_ = np.clip(({A} - {K}) / ({K2} - {K}), 0, 1)\n{O} = t_ * t_ * (3 - 2 * t_)",
      [ParamDef("K,K2", [("edge0", "edge1"), ("lo", "hi"), ("e0", "e1"), ("low", "high")],
                [(-0.5, 0.5), (0.0, 1.0), (-1.0, 0.25), (0.1, 0.6)])],
      ["apply smoothstep between {K} and {K2} to {X}", "smoothly map {X} from [{K}, {K2}] to [0, 1] with smoothstep"],
      ["smoothstep({K}, {K2}, {X})"], ["smoothstep of {xi} between {K} and {K2}"], ["smoothstep({K}, {K2}, {xi})"], **TR),
    P("absdiff", "abs({a} - {K})", "{O} = np.abs({A} - {K})", [ParamDef("K", ["c", "center", "origin", "target_val", "mu"],
                                                                       [0.5, -0.25, 1.0, 0.0])],
      ["compute the distance of {EACH} of {X} from {K}", "take |x - {K}| for {EACH} of {X}"], ["|{X} - {K}|"],
      ["the absolute difference of {xi} and {K}"], ["abs({xi} - {K})", "|{xi} - {K}|"]),
    P("wsum", "{K} * {a} + {K2} * {b}", "{O} = {K} * {A} + {K2} * {B}",
      [ParamDef("K", ["alpha", "wa", "w_a", "c0"], [0.5, 0.25, 2.0, -1.0]),
       ParamDef("K2", ["beta", "wb", "w_b", "c1"], [0.5, 0.75, 1.5, 3.0])],
      ["compute {K} * {X} + {K2} * {Y}", "mix {X} and {Y} with weights {K} and {K2}"], ["{K} times {X} plus {K2} times {Y}"],
      ["{K} * {xi} + {K2} * {yi}"], ["{K} * {xi} + {K2} * {yi}"], nin=2, fill=("uniform(-1,1)", "uniform(-1,1)")),
]

POLY = ["2", "3", "-1", "0.5", "1.5", "-2", "0.25", "4", "-0.75", "1"]
CONST_POS = ["1", "2", "3", "0.5", "10", "0.25", "100", "1.5", "7", "42", "0.125", "2.75", "12", "0.01"]
CONST_RANGE2 = [("0", "1"), ("-1", "1"), ("0.25", "0.75"), ("-2", "2"), ("0.1", "0.9")]

CONSTANT2 = [
    C("absdiff", "abs({a} - {K})", "{O} = np.abs({A} - {K})", [ParamDef("K", [], CONST_POS + ["-1", "-2.5"])],
      ["compute the absolute difference between {EACH} of {X} and {K}", "take |x - {K}| of {X}"],
      ["the distance of {X} from {K}", "|{X} - {K}|"], ["the absolute value of {xi} minus {K}"], ["abs({xi} - {K})", "|{xi} - {K}|"]),
    C("poly2", "{K} * {a} * {a} + {K2} * {a} + {K3}", "{O} = {K} * {A} * {A} + {K2} * {A} + {K3}",
      [ParamDef("K", [], POLY), ParamDef("K2", [], POLY), ParamDef("K3", [], POLY)],
      ["evaluate the quadratic {K}x^2 + {K2}x + {K3} at {EACH} of {X}", "apply the polynomial {K}*x*x + {K2}*x + {K3} to {X}"],
      ["the quadratic {K}x² + {K2}x + {K3} of {X}"], ["{K} times {xi} squared plus {K2} times {xi} plus {K3}"],
      ["{K} * {xi} * {xi} + {K2} * {xi} + {K3}", "{K}*{xi}^2 + {K2}*{xi} + {K3}"], fill=("uniform(-3,3)",)),
    C("cubic", "{a} * {a} * {a} + {K} * {a} + {K2}", "{O} = {A} ** 3 + {K} * {A} + {K2}",
      [ParamDef("K", [], POLY), ParamDef("K2", [], POLY)],
      ["evaluate x^3 + {K}x + {K2} for {EACH} of {X}", "apply the cubic x*x*x + {K}*x + {K2} to {X}"],
      ["the cubic x³ + {K}x + {K2} of {X}"], ["{xi} cubed plus {K} times {xi} plus {K2}"],
      ["{xi} * {xi} * {xi} + {K} * {xi} + {K2}", "{xi}^3 + {K}*{xi} + {K2}"], fill=("uniform(-2,2)",)),
    C("mod", "{a} % {K}", "{O} = np.fmod({A}, {K})", [ParamDef("K", [], ["2", "3", "1", "0.5", "2.5", "10", "6.28"])],
      ["compute {EACH} of {X} modulo {K}", "take the float remainder of {X} divided by {K}"], ["{X} mod {K}", "fmod({X}, {K})"],
      ["the remainder of {xi} divided by {K}"], ["{xi} % {K}", "fmod({xi}, {K})"]),
    C("smoothstep", "smoothstep({K}, {K2}, {a})", "t_ = np.clip(({A} - {K}) / ({K2} - {K}), 0, 1)\n{O} = t_ * t_ * (3 - 2 * t_)",
      [ParamDef("K,K2", [], CONST_RANGE2)], ["apply smoothstep({K}, {K2}, x) to {X}", "smoothstep {X} between {K} and {K2}"],
      ["smoothstep({K}, {K2}, {X})"], ["smoothstep of {xi} from {K} to {K2}"], ["smoothstep({K}, {K2}, {xi})"],
      fill=("uniform(-3,3)",), **TR),
    C("step", "step({K}, {a})", "{O} = np.where({A} >= {K}, 1, 0)", [ParamDef("K", [], ["0", "0.5", "1", "-1", "0.25", "2"])],
      ["write 1 where {X} is at least {K} and 0 elsewhere", "apply step({K}, x) to {X}"], ["step({K}, {X})"],
      ["1 if {xi} >= {K}, else 0"], ["step({K}, {xi})", "{xi} >= {K} ? 1 : 0"], fill=("uniform(-3,3)",)),
    C("leaky_relu", "select({K} * {a}, {a}, {a} > 0.0)", "{O} = np.where({A} > 0, {A}, {K} * {A})",
      [ParamDef("K", [], ["0.01", "0.1", "0.2", "0.02", "0.3", "0.05"])],
      ["apply leaky ReLU with slope {K} to {X}", "leaky-relu {X} with negative slope {K}"],
      ["the leaky ReLU of {X} (slope {K})"], ["{xi} if positive, else {K} times {xi}"], ["{xi} > 0 ? {xi} : {K} * {xi}"]),
    C("sigmoid_temp", "1.0 / (1.0 + exp(-{a} / {K}))", "{O} = 1 / (1 + np.exp(-{A} / {K}))",
      [ParamDef("K", [], ["2", "0.5", "4", "1.5", "10"])], ["apply a sigmoid with temperature {K} to {X}",
                                                             "squash {X} with sigmoid(x / {K})"],
      ["sigmoid({X} / {K})"], ["the sigmoid of {xi} divided by {K}"], ["1 / (1 + exp(-{xi} / {K}))"], **TR),
]

A_EMA = ["alpha", "decay", "momentum", "rate", "smoothing"]

INPLACE2 = [
    I("ema", "{K} * {a} + (1.0 - {K}) * {o}", "{O} = {K} * {A} + (1 - {K}) * {O}",
      ["update the exponential moving average {O} with the new samples {X} using factor {K}",
       "blend {X} into the running average {O} in place: {O} = {K} * {X} + (1 - {K}) * {O}",
       "apply an EMA step with weight {K}, reading {X} and updating {O} in place"],
      ["{K} times {xi} plus (1 - {K}) times {oi}"], ["{K} * {xi} + (1 - {K}) * {oi}"],
      params=[ParamDef("K", A_EMA, [0.1, 0.9, 0.01, 0.5, 0.25])], mode="uniform", accumulate=True, fill=("uniform(-1,1)",)),
    I("normalize_div", "{a} / {K}", "{O} = {A} / {K}", ["divide {X} in place by {K}", "normalize {X} in place by dividing by {K}",
                                                      "rescale {X} in place, dividing every value by {K}"],
      ["{xi} divided by {K}, in place"], ["{xi} / {K}"], params=[ParamDef("K", ["divisor", "denom", "norm", "total"],
                                                                         [2.0, 255.0, 10.0, 3.5, 100.0])], mode="uniform"),
    I("add_bias", "{a} + {K}", "{O} = {A} + {K}", ["add the bias {K} to {X} in place", "add {K} to {EACH} of {X} in place"],
      ["{xi} plus {K}, in place"], ["{xi} + {K}"], params=[ParamDef("K", nm.P_BIAS, [1.0, -0.5, 2.5, 0.1, -3.0])], mode="uniform"),
    I("abs", "abs({a})", "{O} = np.abs({A})", ["replace {X} by its absolute values in place", "take abs of {X} in place"],
      ["|{xi}|, written back"], ["abs({xi})"]),
    I("sigmoid", "1.0 / (1.0 + exp(-{a}))", "{O} = 1 / (1 + np.exp(-{A}))", ["apply a sigmoid to {X} in place",
                                                                           "overwrite {X} with its sigmoid"],
      ["the sigmoid of {xi}, stored back in place"], ["1 / (1 + exp(-{xi}))"], **TR),
    I("fma_const", "{a} * {K} + {K2}", "{O} = {A} * {K} + {K2}", ["multiply {X} by {K} and add {K2}, in place",
                                                                "update {X} in place to {K} * x + {K2}"],
      ["{xi} times {K} plus {K2}, in place"], ["{xi} * {K} + {K2}"],
      params=[ParamDef("K", [], ["2", "0.5", "-1", "1.5", "0.125"]), ParamDef("K2", [], ["1", "-1", "0.5", "3", "2.75"])],
      mode="const"),
]

TRIPLES = [("a", "b", "c"), ("x", "y", "z"), ("p", "q", "r"), ("in0", "in1", "in2"), ("u", "v", "w"), ("lhs", "rhs", "addend")]


class Ternary(Variant):
    """`out[i] = f(a[i], b[i], c[i])`: three f32 inputs (fma, select by a condition, mix, clamp)."""
    family = category = "binary"
    OPS = {
        "fma": ("fma({a}, {b}, {c})", "{O} = {A} * {B} + {C}", ("uniform(-1,1)",) * 3,
                ["compute the fused multiply-add of {X}, {Y} and {Z}", "multiply {X} by {Y} and add {Z}",
                 "compute {X} * {Y} + {Z} element-wise"],
                ["fma({X}, {Y}, {Z})", "{X} times {Y} plus {Z}"], ["{xi} times {yi} plus {zi}"],
                ["{xi} * {yi} + {zi}", "fma({xi}, {yi}, {zi})"]),
        "select": ("select({b}, {a}, {c} > 0.0)", "{O} = np.where({C} > 0, {A}, {B})", ("uniform(-1,1)",) * 3,
                   ["pick {X} where {Z} is positive and {Y} elsewhere", "select between {X} and {Y} using the sign of {Z}"],
                   ["{X} where {Z} > 0, else {Y}"], ["{xi} if {zi} > 0, otherwise {yi}"],
                   ["{zi} > 0 ? {xi} : {yi}", "select({yi}, {xi}, {zi} > 0)"]),
        "mix": ("mix({a}, {b}, {c})", "{O} = {A} * (1 - {C}) + {B} * {C}", ("uniform(-1,1)", "uniform(-1,1)", "uniform(0,1)"),
                ["interpolate between {X} and {Y} with per-element weights {Z}", "lerp from {X} to {Y} by {Z}"],
                ["mix({X}, {Y}, {Z})", "the lerp of {X} and {Y} by {Z}"], ["{xi} blended toward {yi} by {zi}"],
                ["mix({xi}, {yi}, {zi})", "{xi} + ({yi} - {xi}) * {zi}"]),
        "clamp": ("clamp({a}, {b}, {c})", "{O} = np.clip({A}, {B}, {C})", ("uniform(-2,2)", "uniform(-1,0)", "uniform(0,1)"),
                  ["clamp {X} between the lower bounds {Y} and the upper bounds {Z}", "clip {EACH} of {X} to [{Y}, {Z}]"],
                  ["{X} clamped element-wise to [{Y}, {Z}]"], ["{xi} clamped between {yi} and {zi}"], ["clamp({xi}, {yi}, {zi})"]),
    }

    def __init__(self, op: str):
        self.op = op
        self.id = f"binary/{op}3"
        self.vp = tuple(self.OPS[op][3])

    def draw(self, rng: random.Random, named: bool) -> Instance:
        expr, oracle, fills, vp, np_, el, fx = self.OPS[self.op]
        ins = list(nm.pick(rng, TRIPLES)) if named else ["a", "b", "c"]
        out = nm.pick(rng, nm.F_OUT, avoid=ins) if named else "out"
        body = [f"{out}[i] = {expr.format(a=ins[0] + '[i]', b=ins[1] + '[i]', c=ins[2] + '[i]')};"]
        code = emit([("read", n, "array<f32>") for n in ins] + [("read_write", out, "array<f32>")], [], body,
                    (rng.choice((64, 64, 128, 256)),), header=guard_1d(out))
        n = stable_choice(COUNTS_1D, code)
        specs = [storage(k, "read", "array<f32>", n, fills[k]) for k in range(3)] + [storage(3, "read_write", "array<f32>", n, "zeros")]
        gens = (["the first array", "the first input"], ["the second array", "the second input"], ["the third array", "the third input"])
        slots = {key: buffer_slot(rng, name, named, g) for key, name, g in zip("XYZ", ins, gens)}
        slots.update({"xi": Slot(f"{ins[0]}[i]", f"{ins[0]}[i]"), "yi": Slot(f"{ins[1]}[i]", f"{ins[1]}[i]"),
                      "zi": Slot(f"{ins[2]}[i]", f"{ins[2]}[i]"), "O": buffer_slot(rng, out, True, [], out=True),
                      "EACH": Slot(*(2 * [rng.choice(EACH)]))})
        forms = {"vp": list(vp), "np": list(np_), "el": list(el), "fx": list(fx)}
        return Instance(self.id, self.family, self.category, code, tuple(specs), (n,),
                        oracle.format(A=ins[0], B=ins[1], C=ins[2], O=out), 1e-4, 1e-5, slots, forms, named,
                        out_named=named)


VARIANTS = UNARY2 + BINARY2 + PARAMETRIC2 + CONSTANT2 + INPLACE2 + [Ternary(op) for op in Ternary.OPS]
