"""Element-wise f32 families: unary maths, binary maths, uniform-parametric ops, constants copied
from the prompt, and in-place updates. Each entry is a `MapOp` table row: WGSL expression, NumPy
oracle snippet, input fill suited to the op (positive for sqrt/log...), tolerances, and phrase
fragments (`vp` verb phrases, `np` noun phrases, `el` element words, `fx` formulas).
This module does NOT contain vector/colour, integer, 2D or reduction ops (sibling modules).
"""
from __future__ import annotations

import dataclasses

from .. import naming as nm
from ..core import MapOp, ParamDef

GEN_VP = ("apply {fn} to {EACH} of {X}", "compute the {fn} of {EACH} in {X}", "take the element-wise {fn} of {X}",
          "run {fn} over {X}", "evaluate {fn} on {EACH} of {X}", "map {X} through {fn}")
GEN_NP = ("the element-wise {fn} of {X}", "{fn} applied to {X}", "the {fn} of {EACH} of {X}", "{fn} of {X}")
GEN_EL = ("the {fn} of {xi}",)
TR = dict(rtol=1e-3, atol=1e-4)  # transcendental functions on software/hardware GPUs


def U(name, expr, oracle, fn, fx, fill="uniform(-4,4)", vp=(), np_=(), el=(), **kw):
    return MapOp(id=f"unary/{name}", family="unary", category="unary", nin=1, expr=expr, oracle=oracle,
                 fill=(fill,), fn=tuple(fn), fx=tuple(fx), vp=tuple(vp) + GEN_VP, np_=tuple(np_) + GEN_NP,
                 el=tuple(el) + GEN_EL, **kw)


UNARY = [
    U("relu", "max({a}, 0.0)", "{O} = np.maximum({A}, 0)", ["ReLU", "relu", "the ReLU function"][:2],
      ["max({xi}, 0)", "max(0, {xi})"], vp=["zero out the negative values of {X}", "replace negative entries of {X} with 0",
                                           "clamp {X} at zero from below"],
      np_=["{X} with negatives set to zero"], el=["{xi} if it is positive and 0 otherwise", "the larger of {xi} and zero"]),
    U("abs", "abs({a})", "{O} = np.abs({A})", ["absolute value", "abs"], ["abs({xi})", "|{xi}|"],
      vp=["drop the sign of {EACH} of {X}", "make {EACH} of {X} non-negative"], np_=["the magnitudes of {X}"]),
    U("floor", "floor({a})", "{O} = np.floor({A})", ["floor"], ["floor({xi})"], fill="uniform(-10,10)",
      vp=["round {EACH} of {X} down to an integer", "round {X} toward negative infinity"]),
    U("ceil", "ceil({a})", "{O} = np.ceil({A})", ["ceiling", "ceil"], ["ceil({xi})"], fill="uniform(-10,10)",
      vp=["round {EACH} of {X} up to an integer", "round {X} toward positive infinity"]),
    U("sqrt", "sqrt({a})", "{O} = np.sqrt({A})", ["square root", "sqrt"], ["sqrt({xi})", "√{xi}"], fill="uniform(0,100)",
      **TR),
    U("exp", "exp({a})", "{O} = np.exp({A})", ["exponential", "exp", "natural exponential"], ["exp({xi})", "e^{xi}"],
      vp=["raise e to the power of {EACH} of {X}"], **TR),
    U("log", "log({a})", "{O} = np.log({A})", ["natural logarithm", "log", "natural log", "ln"], ["log({xi})", "ln({xi})"],
      fill="uniform(0.01,100)", **TR),
    U("sin", "sin({a})", "{O} = np.sin({A})", ["sine", "sin"], ["sin({xi})"], fill="uniform(-6.3,6.3)", **TR),
    U("cos", "cos({a})", "{O} = np.cos({A})", ["cosine", "cos"], ["cos({xi})"], fill="uniform(-6.3,6.3)", **TR),
    U("tanh", "tanh({a})", "{O} = np.tanh({A})", ["tanh", "hyperbolic tangent"], ["tanh({xi})"], **TR),
    U("sigmoid", "1.0 / (1.0 + exp(-{a}))", "{O} = 1 / (1 + np.exp(-{A}))", ["sigmoid", "logistic sigmoid",
      "logistic function"], ["1 / (1 + exp(-{xi}))"], vp=["squash {X} into (0, 1) with a sigmoid"], **TR),
    U("square", "{a} * {a}", "{O} = {A} * {A}", ["square"], ["{xi} * {xi}", "{xi}^2", "{xi}²"],
      vp=["square {EACH} of {X}", "multiply {EACH} of {X} by itself"], np_=["the squares of {X}", "{X} squared"]),
    U("negate", "-{a}", "{O} = -{A}", ["negation"], ["-{xi}"], vp=["negate {EACH} of {X}", "flip the sign of {EACH} in {X}",
      "negate {X}"], np_=["the negation of {X}", "-{X}", "{X} with every sign flipped"], el=["minus {xi}"]),
    U("reciprocal", "1.0 / {a}", "{O} = 1 / {A}", ["reciprocal", "multiplicative inverse"], ["1 / {xi}", "1/{xi}"],
      fill="uniform(0.5,10)", vp=["invert {EACH} of {X} (1/x)"], np_=["one over {X}"]),
    U("sign", "sign({a})", "{O} = np.sign({A})", ["sign", "signum", "sign function"], ["sign({xi})"],
      vp=["replace {EACH} of {X} by -1, 0 or 1 according to its sign"], el=["-1, 0 or 1 depending on the sign of {xi}"]),
    U("fract", "fract({a})", "{O} = {A} - np.floor({A})", ["fractional part", "fract"], ["fract({xi})", "{xi} - floor({xi})"],
      fill="uniform(-10,10)", vp=["keep only the fractional part of {EACH} of {X}"]),
    U("round", "round({a})", "{O} = np.round({A})", ["rounding", "round"], ["round({xi})"], fill="uniform(-10,10)",
      vp=["round {EACH} of {X} to the nearest integer", "round {X} to whole numbers"]),
    U("gelu", "0.5 * {a} * (1.0 + tanh(0.7978845608 * ({a} + 0.044715 * {a} * {a} * {a})))",
      "{O} = 0.5 * {A} * (1 + np.tanh(0.7978845608 * ({A} + 0.044715 * {A} ** 3)))",
      ["GELU", "tanh-approximated GELU", "approximate GELU", "gelu"],
      ["0.5 * {xi} * (1 + tanh(0.7978845608 * ({xi} + 0.044715 * {xi}^3)))"], **TR),
    U("softplus", "log(1.0 + exp({a}))", "{O} = np.log(1 + np.exp({A}))", ["softplus", "softplus function"],
      ["log(1 + exp({xi}))", "ln(1 + e^{xi})"], **TR),
    U("cube", "{a} * {a} * {a}", "{O} = {A} ** 3", ["cube"], ["{xi}^3", "{xi} * {xi} * {xi}", "{xi}³"],
      fill="uniform(-3,3)", vp=["cube {EACH} of {X}", "raise {EACH} of {X} to the third power"], np_=["{X} cubed"]),
    U("rsqrt", "inverseSqrt({a})", "{O} = 1 / np.sqrt({A})", ["inverse square root", "reciprocal square root", "rsqrt"],
      ["1 / sqrt({xi})", "inverseSqrt({xi})"], fill="uniform(0.1,100)", **TR),
    U("exp2", "exp2({a})", "{O} = np.exp2({A})", ["base-2 exponential", "exp2"], ["exp2({xi})", "2^{xi}"],
      vp=["raise 2 to the power of {EACH} of {X}"], **TR),
    U("log2", "log2({a})", "{O} = np.log2({A})", ["base-2 logarithm", "log2", "binary logarithm"], ["log2({xi})"],
      fill="uniform(0.01,100)", **TR),
    U("trunc", "trunc({a})", "{O} = np.trunc({A})", ["truncation", "trunc"], ["trunc({xi})"], fill="uniform(-10,10)",
      vp=["truncate {EACH} of {X} toward zero", "drop the fractional part of {EACH} of {X}"]),
    U("softsign", "{a} / (1.0 + abs({a}))", "{O} = {A} / (1 + np.abs({A}))", ["softsign"], ["{xi} / (1 + |{xi}|)",
      "{xi} / (1 + abs({xi}))"]),
    U("silu", "{a} / (1.0 + exp(-{a}))", "{O} = {A} / (1 + np.exp(-{A}))", ["SiLU", "swish", "silu"],
      ["{xi} / (1 + exp(-{xi}))"], **TR),
    U("one_minus", "1.0 - {a}", "{O} = 1 - {A}", ["complement"], ["1 - {xi}"], fill="uniform(0,1)",
      vp=["subtract {EACH} of {X} from 1", "replace {EACH} of {X} by one minus it"], np_=["1 minus {X}", "1 - {X}"]),
    U("hardsigmoid", "clamp({a} / 6.0 + 0.5, 0.0, 1.0)", "{O} = np.clip({A} / 6 + 0.5, 0, 1)",
      ["hard sigmoid", "hardsigmoid"], ["clamp({xi} / 6 + 0.5, 0, 1)"], fill="uniform(-6,6)"),
    U("atan", "atan({a})", "{O} = np.arctan({A})", ["arctangent", "atan", "inverse tangent"], ["atan({xi})"], **TR),
]


def B(name, expr, oracle, vp, np_, el, fx, fill=("uniform(-1,1)", "uniform(-1,1)"), **kw):
    return MapOp(id=f"binary/{name}", family="binary", category="binary", nin=2, expr=expr, oracle=oracle,
                 fill=fill, vp=tuple(vp), np_=tuple(np_), el=tuple(el), fx=tuple(fx), **kw)


BINARY = [
    B("add", "{a} + {b}", "{O} = {A} + {B}", ["add {X} and {Y} element-wise", "add {Y} to {X}", "sum {X} and {Y} element by element"],
      ["the element-wise sum of {X} and {Y}", "{X} plus {Y}", "{X} + {Y}"], ["{xi} plus {yi}", "the sum of {xi} and {yi}"],
      ["{xi} + {yi}"]),
    B("sub", "{a} - {b}", "{O} = {A} - {B}", ["subtract {Y} from {X} element-wise", "subtract {Y} from {X}"],
      ["the difference {X} - {Y}", "{X} minus {Y}", "the element-wise difference of {X} and {Y}"],
      ["{xi} minus {yi}"], ["{xi} - {yi}"]),
    B("mul", "{a} * {b}", "{O} = {A} * {B}", ["multiply {X} and {Y} element-wise", "multiply {X} by {Y} element by element"],
      ["the element-wise product of {X} and {Y}", "the Hadamard product of {X} and {Y}", "{X} times {Y}"],
      ["{xi} times {yi}", "the product of {xi} and {yi}"], ["{xi} * {yi}"]),
    B("div", "{a} / {b}", "{O} = {A} / {B}", ["divide {X} by {Y} element-wise", "divide {EACH} of {X} by the matching element of {Y}"],
      ["the element-wise quotient {X} / {Y}", "{X} divided by {Y}"], ["{xi} divided by {yi}"], ["{xi} / {yi}"],
      fill=("uniform(-1,1)", "uniform(0.5,4)")),
    B("min", "min({a}, {b})", "{O} = np.minimum({A}, {B})", ["take the element-wise minimum of {X} and {Y}",
      "keep the smaller of {X} and {Y} at each position"], ["the element-wise minimum of {X} and {Y}", "min({X}, {Y})"],
      ["the smaller of {xi} and {yi}"], ["min({xi}, {yi})"]),
    B("max", "max({a}, {b})", "{O} = np.maximum({A}, {B})", ["take the element-wise maximum of {X} and {Y}",
      "keep the larger of {X} and {Y} at each position"], ["the element-wise maximum of {X} and {Y}", "max({X}, {Y})"],
      ["the larger of {xi} and {yi}"], ["max({xi}, {yi})"]),
    B("pow", "pow({a}, {b})", "{O} = np.power({A}, {B})", ["raise {X} to the power {Y} element-wise",
      "raise {EACH} of {X} to the power given by {Y}"], ["{X} to the power of {Y}", "{X} ** {Y} element-wise"],
      ["{xi} raised to the power {yi}"], ["pow({xi}, {yi})", "{xi}^{yi}"], fill=("uniform(0.1,4)", "uniform(-2,2)"), **TR),
    B("hypot", "sqrt({a} * {a} + {b} * {b})", "{O} = np.sqrt({A} * {A} + {B} * {B})",
      ["compute the hypotenuse of {X} and {Y} element-wise", "compute the length of the 2D vectors ({X}, {Y})"],
      ["the element-wise hypot of {X} and {Y}", "the Euclidean norm of each pair ({X}, {Y})"],
      ["the square root of {xi} squared plus {yi} squared"], ["sqrt({xi} * {xi} + {yi} * {yi})", "sqrt({xi}^2 + {yi}^2)"], **TR),
    B("sqdiff", "({a} - {b}) * ({a} - {b})", "{O} = ({A} - {B}) ** 2", ["compute the squared difference of {X} and {Y}",
      "square the element-wise difference between {X} and {Y}"], ["the squared difference between {X} and {Y}",
      "(the difference of {X} and {Y}) squared"], ["the square of {xi} minus {yi}"], ["({xi} - {yi})^2", "({xi} - {yi}) * ({xi} - {yi})"]),
    B("average", "({a} + {b}) * 0.5", "{O} = ({A} + {B}) * 0.5", ["average {X} and {Y} element-wise",
      "compute the mean of {X} and {Y} at each index"], ["the element-wise average of {X} and {Y}", "the mean of {X} and {Y}"],
      ["the average of {xi} and {yi}", "half the sum of {xi} and {yi}"], ["({xi} + {yi}) * 0.5", "({xi} + {yi}) / 2"]),
    B("absdiff", "abs({a} - {b})", "{O} = np.abs({A} - {B})", ["compute the absolute difference of {X} and {Y}"],
      ["the absolute difference between {X} and {Y}", "|{X} - {Y}|"], ["the distance between {xi} and {yi}"],
      ["abs({xi} - {yi})", "|{xi} - {yi}|"]),
    B("greater", "select(0.0, 1.0, {a} > {b})", "{O} = np.where({A} > {B}, 1, 0)", ["mark where {X} is greater than {Y} with 1 (else 0)",
      "compare {X} with {Y}, writing 1 where {X} is larger and 0 elsewhere"], ["a 0/1 mask of where {X} > {Y}"],
      ["1 if {xi} > {yi} else 0"], ["{xi} > {yi} ? 1 : 0"]),
    B("atan2", "atan2({a}, {b})", "{O} = np.arctan2({A}, {B})", ["compute the angle atan2({X}, {Y}) element-wise",
      "compute the four-quadrant arctangent of {X} over {Y}"], ["the element-wise atan2 of {X} and {Y}"],
      ["the angle atan2({xi}, {yi})"], ["atan2({xi}, {yi})"], **TR),
]

SC = ParamDef("K", nm.P_SCALE, [0.5, 2.0, 3.0, -1.5, 0.25, 10.0, 1.5])
BI = ParamDef("K", nm.P_BIAS, [1.0, -0.5, 2.5, 0.1, -3.0])
TH = ParamDef("K", nm.P_THRESH, [0.0, 0.5, -0.25, 0.1])
RG = ParamDef("K,K2", nm.P_RANGE, [(-0.5, 0.5), (0.0, 1.0), (-1.0, 0.25), (0.0, 0.6)])


def P(name, expr, oracle, params, vp, np_, el, fx, nin=1, fill=("uniform(-1,1)",), **kw):
    return MapOp(id=f"parametric/{name}", family="parametric", category="parametric", nin=nin, expr=expr, oracle=oracle,
                 params=tuple(params), mode="uniform", fill=fill, vp=tuple(vp), np_=tuple(np_), el=tuple(el),
                 fx=tuple(fx), **kw)


PARAMETRIC = [
    P("scale", "{a} * {K}", "{O} = {A} * {K}", [SC], ["scale {X} by {K}", "multiply {EACH} of {X} by {K}", "scale {EACH} of {X} by a factor {K}"],
      ["{X} scaled by {K}", "{X} times {K}", "{K} * {X}"], ["{xi} times {K}"], ["{xi} * {K}"]),
    P("bias", "{a} + {K}", "{O} = {A} + {K}", [BI], ["add {K} to {EACH} of {X}", "offset {X} by {K}", "shift {X} by {K}"],
      ["{X} plus {K}", "{X} offset by {K}"], ["{xi} plus {K}"], ["{xi} + {K}"]),
    P("affine", "{a} * {K} + {K2}", "{O} = {A} * {K} + {K2}", [SC, ParamDef("K2", nm.P_BIAS, [1.0, -0.5, 0.25])],
      ["multiply {X} by {K} and add {K2}", "scale {X} by {K} then shift it by {K2}", "apply the affine map {K} * x + {K2} to {X}"],
      ["{X} times {K} plus {K2}", "{X} scaled by {K} and offset by {K2}"], ["{xi} times {K} plus {K2}"], ["{xi} * {K} + {K2}"]),
    P("divide", "{a} / {K}", "{O} = {A} / {K}", [ParamDef("K", nm.P_SCALE, [2.0, 4.0, 0.5, 10.0, 3.0])],
      ["divide {EACH} of {X} by {K}", "divide {X} by {K}"], ["{X} divided by {K}"], ["{xi} over {K}"], ["{xi} / {K}"]),
    P("threshold", "select(0.0, 1.0, {a} > {K})", "{O} = np.where({A} > {K}, 1, 0)", [TH],
      ["set {EACH} of {X} to 1 if it is greater than {K} and to 0 otherwise", "binarize {X} at {K}", "threshold {X} at {K}"],
      ["a binary mask of {X} > {K}", "{X} thresholded at {K}"], ["1 when {xi} > {K}, else 0"], ["{xi} > {K} ? 1 : 0"]),
    P("clamp", "clamp({a}, {K}, {K2})", "{O} = np.clip({A}, {K}, {K2})", [RG],
      ["clamp {X} between {K} and {K2}", "clip {EACH} of {X} to the range [{K}, {K2}]", "limit {X} to lie between {K} and {K2}"],
      ["{X} clamped to [{K}, {K2}]", "{X} clipped between {K} and {K2}"], ["{xi} clamped between {K} and {K2}"],
      ["clamp({xi}, {K}, {K2})", "min(max({xi}, {K}), {K2})"]),
    P("lerp", "mix({a}, {b}, {K})", "{O} = {A} * (1 - {K}) + {B} * {K}", [ParamDef("K", nm.P_T, [0.25, 0.5, 0.75, 0.1])],
      ["linearly interpolate between {X} and {Y} by {K}", "blend {X} and {Y} with weight {K}", "lerp from {X} to {Y} by {K}"],
      ["the lerp of {X} and {Y} at {K}", "a mix of {X} and {Y} weighted by {K}"], ["{xi} + ({yi} - {xi}) * {K}"],
      ["mix({xi}, {yi}, {K})", "{xi} * (1 - {K}) + {yi} * {K}"], nin=2, fill=("uniform(-1,1)", "uniform(-1,1)")),
    P("saxpy", "{K} * {a} + {b}", "{O} = {K} * {A} + {B}", [ParamDef("K", ["a", "alpha", "k", "scale", "s"], [2.0, 0.5, -1.0, 3.0])],
      ["compute {K} * {X} + {Y}", "perform saxpy with scalar {K} on {X} and {Y}", "add {K} times {X} to {Y}"],
      ["{K} times {X} plus {Y}", "the saxpy {K} * {X} + {Y}"], ["{K} times {xi} plus {yi}"], ["{K} * {xi} + {yi}"],
      nin=2, fill=("uniform(-1,1)", "uniform(-1,1)")),
    P("leaky_relu", "select({K} * {a}, {a}, {a} > 0.0)", "{O} = np.where({A} > 0, {A}, {K} * {A})",
      [ParamDef("K", nm.P_ALPHA, [0.01, 0.1, 0.2, 0.05])], ["apply leaky ReLU with slope {K} to {X}",
      "apply a leaky relu to {X}, multiplying negative values by {K}"], ["the leaky ReLU of {X} with negative slope {K}"],
      ["{xi} if positive, else {K} * {xi}"], ["{xi} > 0 ? {xi} : {K} * {xi}"]),
    P("elu", "select({K} * (exp({a}) - 1.0), {a}, {a} > 0.0)", "{O} = np.where({A} > 0, {A}, {K} * (np.exp({A}) - 1))",
      [ParamDef("K", nm.P_ALPHA, [1.0, 0.5, 1.5])], ["apply ELU with alpha {K} to {X}", "apply the exponential linear unit to {X} using {K}"],
      ["the ELU of {X} with parameter {K}"], ["{xi} if positive, else {K} * (exp({xi}) - 1)"],
      ["{xi} > 0 ? {xi} : {K} * (exp({xi}) - 1)"], **TR),
    P("power", "pow({a}, {K})", "{O} = np.power({A}, {K})", [ParamDef("K", nm.P_POW, [2.0, 0.5, 1.5, 3.0, 2.2])],
      ["raise {EACH} of {X} to the power {K}", "raise {X} to the {K}-th power"], ["{X} to the power {K}"],
      ["{xi} raised to {K}"], ["pow({xi}, {K})", "{xi}^{K}"], fill=("uniform(0.1,4)",), **TR),
    P("step", "step({K}, {a})", "{O} = np.where({A} >= {K}, 1, 0)", [ParamDef("K", nm.P_EDGE, [0.0, 0.5, -0.2])],
      ["apply a step function with edge {K} to {X}", "map {EACH} of {X} to 1 if it is at least {K}, else 0"],
      ["the step of {X} at edge {K}"], ["1 if {xi} >= {K} else 0"], ["step({K}, {xi})"]),
    P("cap", "min({a}, {K})", "{O} = np.minimum({A}, {K})", [ParamDef("K", nm.P_THRESH, [0.5, 0.0, 0.25])],
      ["cap {EACH} of {X} at {K}", "limit {X} to at most {K}"], ["{X} capped at {K}", "the minimum of {X} and {K}"],
      ["the smaller of {xi} and {K}"], ["min({xi}, {K})"]),
]

CONST_ADD = ["1", "2", "3", "0.5", "10", "0.25", "100", "1.5", "7", "42", "0.1", "0.125", "2.75", "12", "1000", "0.01",
             "3.5", "64"]
CONST_ADD_SIGNED = CONST_ADD + ["-1", "-0.5", "-2.25", "-10"]
CONST_MUL = ["2", "3", "0.5", "0.25", "10", "1.5", "4", "0.1", "1e-3", "255", "0.75", "-1", "-2", "0.125", "2.75", "1.25",
             "8", "100", "-0.5", "0.001"]
CONST_DIV = ["2", "4", "3", "10", "255", "0.5", "1e3", "8", "16", "2.5", "100", "1.5", "0.25", "7"]
CONST_RANGE = [("0", "1"), ("0", "6"), ("-1", "1"), ("0", "255"), ("-0.5", "0.5"), ("2", "5"), ("-3", "3"), ("-1", "0"),
               ("0.1", "0.9"), ("-10", "10"), ("1", "100"), ("-0.25", "2.75")]


def C(name, expr, oracle, params, vp, np_, el, fx, fill=("uniform(-10,10)",), **kw):
    return MapOp(id=f"constant/{name}", family="constant", category="constant", nin=1, expr=expr, oracle=oracle,
                 params=tuple(params), mode="const", fill=fill, vp=tuple(vp), np_=tuple(np_), el=tuple(el),
                 fx=tuple(fx), **kw)


CONSTANT = [
    C("add", "{a} + {K}", "{O} = {A} + {K}", [ParamDef("K", [], CONST_ADD_SIGNED)], ["add {K} to {EACH} of {X}", "increment {X} by {K}",
      "add {K} to {X}"], ["{X} plus {K}", "{X} + {K}"], ["{xi} plus {K}"], ["{xi} + {K}"]),
    C("sub", "{a} - {K}", "{O} = {A} - {K}", [ParamDef("K", [], CONST_ADD)], ["subtract {K} from {EACH} of {X}",
      "decrease {X} by {K}"], ["{X} minus {K}", "{X} - {K}"], ["{xi} minus {K}"], ["{xi} - {K}"]),
    C("mul", "{a} * {K}", "{O} = {A} * {K}", [ParamDef("K", [], CONST_MUL)], ["multiply {EACH} of {X} by {K}", "scale {X} by {K}",
      "multiply {X} by {K}"], ["{X} times {K}", "{K} * {X}", "{X} scaled by {K}"], ["{xi} times {K}"], ["{xi} * {K}"]),
    C("div", "{a} / {K}", "{O} = {A} / {K}", [ParamDef("K", [], CONST_DIV)], ["divide {EACH} of {X} by {K}", "divide {X} by {K}"],
      ["{X} divided by {K}", "{X} / {K}"], ["{xi} divided by {K}"], ["{xi} / {K}"]),
    C("clamp", "clamp({a}, {K}, {K2})", "{O} = np.clip({A}, {K}, {K2})", [ParamDef("K,K2", [], CONST_RANGE)],
      ["clamp {X} to [{K}, {K2}]", "clip {EACH} of {X} into the range {K} to {K2}", "clamp {X} between {K} and {K2}"],
      ["{X} clamped to [{K}, {K2}]", "{X} clipped to the interval [{K}, {K2}]"], ["{xi} clamped between {K} and {K2}"],
      ["clamp({xi}, {K}, {K2})"]),
    C("max", "max({a}, {K})", "{O} = np.maximum({A}, {K})", [ParamDef("K", [], ["0", "1", "-1", "0.5", "2", "-0.5", "0.25", "-2", "3.75"])],
      ["raise every value of {X} below {K} to {K}", "floor {X} at {K}"], ["max({X}, {K})", "the maximum of {X} and {K}"],
      ["the larger of {xi} and {K}"], ["max({xi}, {K})"]),
    C("min", "min({a}, {K})", "{O} = np.minimum({A}, {K})", [ParamDef("K", [], ["0", "1", "6", "0.5", "3", "2.5", "10", "-0.25", "0.125"])],
      ["cap {X} at {K}", "limit {EACH} of {X} to at most {K}"], ["min({X}, {K})", "the minimum of {X} and {K}"],
      ["the smaller of {xi} and {K}"], ["min({xi}, {K})"]),
    C("pow", "pow({a}, {K})", "{O} = np.power({A}, {K})", [ParamDef("K", [], ["2", "3", "0.5", "1.5", "2.2", "0.25"])],
      ["raise {EACH} of {X} to the power {K}", "raise {X} to the power of {K}"], ["{X} to the power {K}", "{X}^{K}"],
      ["{xi} raised to {K}"], ["pow({xi}, {K})", "{xi}^{K}"], fill=("uniform(0.1,4)",), **TR),
    C("fma", "{a} * {K} + {K2}", "{O} = {A} * {K} + {K2}", [ParamDef("K", [], CONST_MUL), ParamDef("K2", [], CONST_ADD_SIGNED)],
      ["multiply {X} by {K} and then add {K2}", "scale {X} by {K} and add {K2}"], ["{X} times {K} plus {K2}"],
      ["{K} times {xi}, plus {K2}"], ["{xi} * {K} + {K2}"]),
    C("threshold", "select(0.0, 1.0, {a} > {K})", "{O} = np.where({A} > {K}, 1, 0)", [ParamDef("K", [], ["0", "0.5", "1", "2.5", "-1", "0.125", "3.75", "-0.5"])],
      ["set {EACH} of {X} to 1 if it exceeds {K}, otherwise 0", "threshold {X} at {K}"], ["{X} thresholded at {K}"],
      ["1 if {xi} > {K}, else 0"], ["{xi} > {K} ? 1 : 0"]),
]


def I(name, expr, oracle, vp, el, fx, params=(), mode="none", nin=1, accumulate=False, fill=("uniform(-10,10)",), **kw):
    return MapOp(id=f"inplace/{name}", family="inplace", category="inplace", nin=nin, expr=expr, oracle=oracle,
                 params=tuple(params), mode=mode, fill=fill, inplace=not accumulate, accumulate=accumulate,
                 vp=tuple(vp), el=tuple(el), fx=tuple(fx), **kw)


INPLACE = [
    I("scale_const", "{a} * {K}", "{O} = {A} * {K}", ["multiply {EACH} of {X} by {K} in place", "scale {X} by {K} in place",
      "update {X} in place, multiplying it by {K}"], ["{xi} times {K}, updated in place"],
      ["{xi} * {K}"], params=[ParamDef("K", [], ["2", "3", "0.5", "10", "0.1", "-1", "0.125", "2.75", "1.5"])], mode="const"),
    I("add_const", "{a} + {K}", "{O} = {A} + {K}", ["add {K} to {EACH} of {X} in place", "increment {X} by {K} in place"],
      ["{xi} plus {K} (in place)"], ["{xi} + {K}"], params=[ParamDef("K", [], CONST_ADD)], mode="const"),
    I("scale", "{a} * {K}", "{O} = {A} * {K}", ["scale {X} in place by {K}", "multiply {X} by {K} in place, overwriting it"],
      ["{xi} times {K}, in place"], ["{xi} * {K}"], params=[SC], mode="uniform"),
    I("relu", "max({a}, 0.0)", "{O} = np.maximum({A}, 0)", ["apply ReLU to {X} in place", "zero the negative values of {X} in place"],
      ["max({xi}, 0), written back in place"], ["max({xi}, 0)"]),
    I("negate", "-{a}", "{O} = -{A}", ["negate {X} in place", "flip the sign of {EACH} of {X} in place"], ["-{xi}, in place"], ["-{xi}"]),
    I("square", "{a} * {a}", "{O} = {A} * {A}", ["square {EACH} of {X} in place", "square {X} in place"],
      ["{xi} squared, written back"], ["{xi} * {xi}"], fill=("uniform(-3,3)",)),
    I("clamp", "clamp({a}, {K}, {K2})", "{O} = np.clip({A}, {K}, {K2})", ["clamp {X} in place between {K} and {K2}",
      "clip {X} to [{K}, {K2}] in place"], ["{xi} clamped to [{K}, {K2}], in place"], ["clamp({xi}, {K}, {K2})"],
      params=[RG], mode="uniform", fill=("uniform(-1,1)",)),
    I("clamp_const", "clamp({a}, {K}, {K2})", "{O} = np.clip({A}, {K}, {K2})", ["clamp {X} in place to [{K}, {K2}]",
      "clip {EACH} of {X} in place to between {K} and {K2}"], ["{xi} clamped to [{K}, {K2}], in place"],
      ["clamp({xi}, {K}, {K2})"], params=[ParamDef("K,K2", [], CONST_RANGE)], mode="const"),
    I("axpy", "{o} + {K} * {a}", "{O} = {O} + {K} * {A}", ["accumulate {K} * {X} into {O}", "add {K} times {X} to {O} in place",
      "update {O} += {K} * {X}"], ["{oi} plus {K} times {xi}"], ["{oi} + {K} * {xi}"],
      params=[ParamDef("K", ["a", "alpha", "k", "scale", "s"], [2.0, 0.5, -1.0, 0.1])], mode="uniform", accumulate=True,
      fill=("uniform(-1,1)",)),
    I("accumulate", "{o} + {a}", "{O} = {O} + {A}", ["accumulate {X} into {O}", "add {X} into {O} in place"],
      ["{oi} plus {xi}"], ["{oi} + {xi}"], accumulate=True, fill=("uniform(-1,1)",)),
]

VARIANTS = UNARY + BINARY + PARAMETRIC + CONSTANT + INPLACE

# More everyday wordings for the most requested operations (vp = verb phrases, np_ = noun phrases).
_MORE = {
    "binary/add": dict(vp=["sum {X} and {Y}", "add {X} and {Y} together", "add the two arrays {X} and {Y}",
                           "combine {X} and {Y} by adding them"],
                       np_=["the sum of {X} and {Y}", "{X} + {Y}, element by element", "the pointwise sum of {X} and {Y}"]),
    "binary/sub": dict(vp=["take {Y} away from {X}", "compute {X} minus {Y}", "subtract the array {Y} from {X}"],
                       np_=["the difference between {X} and {Y}", "{X} - {Y} per element"]),
    "binary/mul": dict(vp=["multiply {X} with {Y}", "multiply the arrays {X} and {Y} together"],
                       np_=["the product of {X} and {Y}", "{X} * {Y} per element"]),
    "binary/div": dict(vp=["divide the array {X} by the array {Y}"],
                       np_=["the ratio {X} / {Y}", "the quotient of {X} and {Y}", "{X} over {Y}"]),
    "binary/min": dict(vp=["keep the smaller value of {X} and {Y} at every index"],
                       np_=["the smaller of {X} and {Y} at each index", "the pointwise min of {X} and {Y}"]),
    "binary/max": dict(vp=["keep the bigger value of {X} and {Y} at every index"],
                       np_=["the larger of {X} and {Y} at each index", "the pointwise max of {X} and {Y}"]),
    "parametric/scale": dict(vp=["multiply {X} by the scalar {K}", "apply a gain of {K} to {X}", "scale every value in {X} by {K}"],
                             np_=["{X} multiplied by {K}", "{X} with a gain of {K}"]),
    "parametric/bias": dict(vp=["add the scalar {K} to {X}", "add an offset {K} to every value in {X}"],
                            np_=["{X} + {K}", "{X} shifted by {K}"]),
    "constant/mul": dict(vp=["scale every value in {X} by {K}", "multiply all values of {X} by {K}"],
                         np_=["{X} multiplied by {K}"]),
    "constant/add": dict(vp=["add {K} to all values of {X}", "offset every value in {X} by {K}"], np_=["{X} shifted by {K}"]),
    "unary/abs": dict(vp=["take the absolute value of {EACH} of {X}", "remove the sign from {EACH} of {X}"],
                      np_=["the absolute values of {X}", "|{X}|"]),
    "unary/reciprocal": dict(vp=["compute one over {EACH} of {X}", "invert {EACH} of {X}"], np_=["the reciprocals of {X}", "1 / {X}"]),
    "unary/square": dict(vp=["compute the square of {EACH} of {X}"], np_=["{X} times itself"]),
}


def _extend(ops):
    out = []
    for op in ops:
        more = _MORE.get(op.id)
        if more:
            op = dataclasses.replace(op, vp=op.vp + tuple(more.get("vp", ())), np_=op.np_ + tuple(more.get("np_", ())))
        out.append(op)
    return out


UNARY, BINARY, PARAMETRIC, CONSTANT = (_extend(t) for t in (UNARY, BINARY, PARAMETRIC, CONSTANT))
VARIANTS = UNARY + BINARY + PARAMETRIC + CONSTANT + INPLACE
