"""Two-step element-wise operations: a trained operation followed by a second step, asked for in one
sentence ("scale x by gain, then hard-limit the result to [-1, 1]", "|a - b|, thresholded at 0.5",
"subtract 0.05 in place, but never below 0", "popcount of m, capped at 8", "brighten the image by
amount, clamped to 0..1").

Each `Then` variant draws a base operation from the element-wise tables of its family (`elementwise`,
`bits`, `color`) and a compatible second step (`Post`) and combines them into one `MapOp`: the second
step's WGSL wraps the base expression, its NumPy statement runs after the base oracle, and the prompt
fragments join the base's verb phrase with a clause ("..., then clamp the result to [lo, hi]",
"..., but never below 0"). Operations held out for the generator's test split are never used as bases.
This module does NOT add new single operations (the family tables do) nor phrase whole prompts
(`phrasing.py`); it is a variant table like the family modules.
"""
from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from .. import naming as nm
from ..core import Instance, MapOp, ParamDef, Variant
from . import bits, color, elementwise

_CLAMP = ("{v} clamped to [{K3}, {K4}]",)


@dataclass(frozen=True)
class Post:
    """A second step applied to the base result `{v}` (WGSL) / the output `{O}` (NumPy)."""
    name: str
    expr: str
    oracle: str
    then: tuple[str, ...]  # clauses appended to a verb phrase, with their own connector
    wrap: tuple[str, ...]  # noun phrase / element words around `{v}` (the base's phrase)
    fx: tuple[str, ...]  # formula around `{f}` (the base's formula)
    params: tuple[ParamDef, ...] = ()
    mode: str = "none"  # none | const | uniform (a post with params only joins bases of the same mode or none)
    elem: str = "f"
    arith: bool = False  # the base expression needs parentheses inside `expr`
    exact: bool = False  # a hard threshold: only after bases without transcendental functions


_RANGE_C = ParamDef("K3,K4", [], [("-1", "1"), ("0", "1"), ("0", "255"), ("-0.5", "0.5"), ("0", "6"), ("-2", "2"),
                                  ("0.1", "0.9"), ("-10", "10")])
_RANGE_U = ParamDef("K3,K4", nm.P_RANGE, [(-1.0, 1.0), (0.0, 1.0), (-0.5, 0.5), (0.0, 6.0), (-2.0, 2.0)])
_LO_C = ParamDef("K3", [], ["0", "1", "-1", "0.5", "0.01", "-0.25", "2"])
_LO_U = ParamDef("K3", ["lo", "min_val", "lower", "floor_value", "min_level", "lower_bound"], [0.0, 1.0, -1.0, 0.5, 0.01])
_HI_C = ParamDef("K3", [], ["1", "0.5", "6", "255", "10", "0.25", "100"])
_HI_U = ParamDef("K3", ["hi", "max_val", "upper", "ceiling", "max_level", "upper_bound", "limit"], [1.0, 0.5, 6.0, 10.0])
_MUL_C = ParamDef("K3", [], ["2", "0.5", "10", "0.25", "3", "-1", "1.5", "100"])
_MUL_U = ParamDef("K3", nm.P_SCALE + ["out_scale", "post_gain"], [2.0, 0.5, 10.0, -1.5, 0.25])
_ADD_C = ParamDef("K3", [], ["1", "0.5", "-1", "2", "0.1", "10", "-0.25"])
_ADD_U = ParamDef("K3", nm.P_BIAS + ["out_offset", "post_bias"], [1.0, -0.5, 0.25, 2.0])
_TH_C = ParamDef("K3", [], ["0", "0.5", "1", "-0.5", "0.25", "2"])
_TH_U = ParamDef("K3", nm.P_THRESH, [0.0, 0.5, 0.25, -0.5])

_CLAMP_THEN = (", then clamp the result to [{K3}, {K4}]", " and clip the result to the range [{K3}, {K4}]",
               ", then limit the result to between {K3} and {K4}", ", saturating the result to [{K3}, {K4}]",
               " and hard-limit the result to [{K3}, {K4}]", ", keeping the result within [{K3}, {K4}]",
               ", clamped to [{K3}, {K4}]", ", then clamp it between {K3} and {K4}",
               ", making sure the result stays between {K3} and {K4}")
_LO_THEN = (", but never below {K3}", " without going below {K3}", ", then clamp the result from below at {K3}",
            ", with a floor of {K3}", ", then take the max of the result and {K3}", ", stopping at {K3} from below",
            " (the result must not drop under {K3})")
_HI_THEN = (", but never above {K3}", ", capped at {K3}", ", then cap the result at {K3}",
            " and limit the result to at most {K3}", ", with a ceiling of {K3}", " (the result must not exceed {K3})",
            ", then take the min of the result and {K3}")
_MUL_THEN = (", then multiply the result by {K3}", ", then scale the result by {K3}", " and multiply that by {K3}",
             ", and finally scale by {K3}")
_ADD_THEN = (", then add {K3}", " and add {K3} to the result", ", then offset the result by {K3}",
             ", and finally add {K3}")
_TH_THEN = (", then write 1 where the result is above {K3} and 0 elsewhere", ", then threshold the result at {K3}",
            " and binarize the result at {K3} (1 above, 0 otherwise)", ", giving 1 where that exceeds {K3}, else 0")

F_POSTS = [
    Post("clamp", "clamp({v}, {K3}, {K4})", "{O} = np.clip({O}, {K3}, {K4})", _CLAMP_THEN,
         _CLAMP + ("{v}, clipped to [{K3}, {K4}]", "{v} limited to the range {K3} to {K4}"),
         ("clamp({f}, {K3}, {K4})", "min(max({f}, {K3}), {K4})"), (_RANGE_C,), "const"),
    Post("clamp_u", "clamp({v}, {K3}, {K4})", "{O} = np.clip({O}, {K3}, {K4})", _CLAMP_THEN,
         _CLAMP + ("{v}, clipped to [{K3}, {K4}]",), ("clamp({f}, {K3}, {K4})",), (_RANGE_U,), "uniform"),
    Post("floor", "max({v}, {K3})", "{O} = np.maximum({O}, {K3})", _LO_THEN,
         ("{v}, floored at {K3}", "{v}, but at least {K3}", "{v} (never below {K3})"), ("max({f}, {K3})",),
         (_LO_C,), "const"),
    Post("floor_u", "max({v}, {K3})", "{O} = np.maximum({O}, {K3})", _LO_THEN,
         ("{v}, floored at {K3}", "{v}, but at least {K3}"), ("max({f}, {K3})",), (_LO_U,), "uniform"),
    Post("cap", "min({v}, {K3})", "{O} = np.minimum({O}, {K3})", _HI_THEN,
         ("{v}, capped at {K3}", "{v}, but at most {K3}", "{v} (never above {K3})"), ("min({f}, {K3})",),
         (_HI_C,), "const"),
    Post("cap_u", "min({v}, {K3})", "{O} = np.minimum({O}, {K3})", _HI_THEN,
         ("{v}, capped at {K3}", "{v}, but at most {K3}"), ("min({f}, {K3})",), (_HI_U,), "uniform"),
    Post("saturate", "clamp({v}, 0.0, 1.0)", "{O} = np.clip({O}, 0, 1)",
         (", then saturate the result to [0, 1]", ", then clamp the result to the unit range", " and clamp it to 0..1",
          ", clamped to [0, 1]", ", keeping the result between 0 and 1"),
         ("{v}, clamped to [0, 1]", "{v}, saturated to 0..1"), ("clamp({f}, 0, 1)", "saturate({f})")),
    Post("relu", "max({v}, 0.0)", "{O} = np.maximum({O}, 0)",
         (", then apply ReLU to the result", ", then set negative results to 0", " and zero out any negative result",
          ", keeping only the positive part", ", clamping negative results to zero"),
         ("{v}, with negative results set to zero", "the positive part of {v}", "relu of {v}"), ("max({f}, 0)",)),
    Post("abs", "abs({v})", "{O} = np.abs({O})",
         (", then take the absolute value", " and drop the sign of the result", ", then take its magnitude",
          ", keeping only the magnitude"),
         ("the absolute value of {v}", "the magnitude of {v}", "{v}, without its sign"), ("abs({f})", "|{f}|")),
    Post("negate", "-({v})", "{O} = -{O}", (", then negate the result", " and flip the sign of the result"),
         ("minus {v}", "the negation of {v}"), ("-({f})",)),
    Post("scale", "{v} * {K3}", "{O} = {O} * {K3}", _MUL_THEN, ("{v}, times {K3}", "{K3} times {v}"),
         ("{f} * {K3}",), (_MUL_C,), "const", arith=True),
    Post("scale_u", "{v} * {K3}", "{O} = {O} * {K3}", _MUL_THEN, ("{v}, times {K3}",), ("{f} * {K3}",),
         (_MUL_U,), "uniform", arith=True),
    Post("offset", "{v} + {K3}", "{O} = {O} + {K3}", _ADD_THEN, ("{v}, plus {K3}", "{v}, then plus {K3}"),
         ("{f} + {K3}",), (_ADD_C,), "const", arith=True),
    Post("offset_u", "{v} + {K3}", "{O} = {O} + {K3}", _ADD_THEN, ("{v}, plus {K3}",), ("{f} + {K3}",),
         (_ADD_U,), "uniform", arith=True),
    Post("threshold", "select(0.0, 1.0, {v} > {K3})", "{O} = np.where({O} > {K3}, 1.0, 0.0)", _TH_THEN,
         ("a 0/1 mask of where {v} exceeds {K3}", "{v}, thresholded at {K3}"), ("{f} > {K3} ? 1 : 0",),
         (_TH_C,), "const", exact=True),
    Post("threshold_u", "select(0.0, 1.0, {v} > {K3})", "{O} = np.where({O} > {K3}, 1.0, 0.0)", _TH_THEN,
         ("{v}, thresholded at {K3}",), ("{f} > {K3} ? 1 : 0",), (_TH_U,), "uniform", exact=True),
]

_U_CAP_C = ParamDef("K3", [], ["255", "100", "99", "1000", "65535", "15", "8"], "u32")
_U_CAP_U = ParamDef("K3", ["cap", "max_value", "limit", "ceiling", "max_count"], [255, 100, 1000, 15], "u32")
_U_LO_C = ParamDef("K3", [], ["1", "10", "16", "100", "3"], "u32")
_U_MASK_C = ParamDef("K3", [], ["0xFF", "255", "0xFFFF", "15", "0x0F0F0F0F", "1023"], "u32")
_U_ADD_C = ParamDef("K3", [], ["1", "7", "100", "1000", "3"], "u32")
U_POSTS = [
    Post("cap", "min({v}, {K3})", "{O} = np.minimum({O}, {K3})", _HI_THEN + (", saturating at {K3}",),
         ("{v}, capped at {K3}", "{v}, but at most {K3}"), ("min({f}, {K3})",), (_U_CAP_C,), "const", elem="u"),
    Post("cap_u", "min({v}, {K3})", "{O} = np.minimum({O}, {K3})", _HI_THEN, ("{v}, capped at {K3}",),
         ("min({f}, {K3})",), (_U_CAP_U,), "uniform", elem="u"),
    Post("floor", "max({v}, {K3})", "{O} = np.maximum({O}, {K3})", _LO_THEN, ("{v}, but at least {K3}",),
         ("max({f}, {K3})",), (_U_LO_C,), "const", elem="u"),
    Post("mask", "{v} & {K3}", "{O} = {O} & {K3}",
         (", then mask the result with {K3}", ", keeping only the bits of the result set in {K3}",
          " and AND the result with {K3}"), ("{v}, masked with {K3}", "{v} & {K3}"), ("{f} & {K3}",), (_U_MASK_C,),
         "const", elem="u", arith=True),
    Post("add", "{v} + {K3}", "{O} = {O} + {K3}", _ADD_THEN, ("{v}, plus {K3}",), ("{f} + {K3}",), (_U_ADD_C,),
         "const", elem="u", arith=True),
]

_RGB01 = "vec4<f32>(clamp(res.rgb, vec3<f32>(0.0), vec3<f32>(1.0)), res.a)"
C_POSTS = [
    Post("clamp01", _RGB01, "{O}[:, :3] = np.clip({O}[:, :3], 0, 1)",
         (", then clamp r, g and b to [0, 1]", ", making sure no channel goes past 0..1",
          " and clamp the colour channels to the 0-1 range", ", saturating rgb to [0, 1] (alpha untouched)",
          ", keeping every colour channel between 0 and 1"),
         ("{v}, with rgb clamped to [0, 1]", "{v}, clamped to 0..1"), (), elem="c"),
    Post("cap1", "vec4<f32>(min(res.rgb, vec3<f32>(1.0)), res.a)", "{O}[:, :3] = np.minimum({O}[:, :3], 1)",
         (", capping each colour channel at 1.0", ", then clamp r, g and b to at most 1",
          ", never letting a channel go above 1"), ("{v}, with rgb capped at 1",), (), elem="c"),
]


def _top_level_op(expr: str) -> bool:
    """True when `expr` has an operator outside parentheses (it needs them inside `x * k`)."""
    depth = 0
    for k, ch in enumerate(expr):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch in "+-*/&|^<>?" and k > 0:
            return True
    return False


def _paren(text: str, need: bool) -> str:
    return f"({text})" if need and _top_level_op(text) else text


def combine(base: MapOp, post: Post, vid: str, inplace: bool = False) -> MapOp:
    """The `MapOp` computing `post(base(...))`, with joined prompt fragments."""
    if base.elem == "c":  # colour ops read `c` (and `d`) in their `pre` lines: bind the base result to `res`
        expr = post.expr
        pre = base.pre + ("let res = " + base.expr.replace("{a}", "c").replace("{b}", "d") + ";",)
    else:
        expr = post.expr.replace("{v}", _paren(base.expr, post.arith))
        pre = base.pre
    vp = tuple(b + t for b in base.vp for t in post.then)
    if inplace:
        vp = tuple(v for b in base.vp for t in post.then
                   for v in (f"{b} in place{t}", f"update {{X}} in place: {b}{t}", f"in place, {b}{t}"))
    wrap = lambda frags: tuple(w.replace("{v}", f) for f in frags for w in post.wrap)  # noqa: E731
    fx = tuple(p.replace("{f}", _paren(f, post.arith)) for f in base.fx for p in post.fx)
    return dataclasses.replace(
        base, id=vid, expr=expr, pre=pre, oracle=base.oracle + "\n" + post.oracle, params=base.params + post.params,
        mode=base.mode if base.params else post.mode, vp=vp, np_=() if inplace else wrap(base.np_),
        el=tuple(e + (", in place" if inplace else "") for e in wrap(base.el)), fx=fx,
        rtol=max(base.rtol, 1e-4), atol=max(base.atol, 1e-5), inplace=inplace or base.inplace, weight=1.0)


def _fits(base: MapOp, post: Post) -> bool:
    if base.params and post.params and base.mode != post.mode:
        return False
    return not (post.exact and base.rtol > 1e-4)


class Then(Variant):
    """`post(base(x))` for a base drawn from `bases` and a second step drawn from `posts`."""

    def __init__(self, vid: str, family: str, bases: list[MapOp], posts: list[Post], weight: float,
                 inplace: bool = False):
        self.id, self.family, self.category, self.weight = vid, family, family, weight
        self._bases, self._posts, self._inplace = bases, posts, inplace

    def _usable_bases(self) -> list[MapOp]:
        from ..generate import TEST_VARIANTS  # late: generate imports the family registry
        return [b for b in self._bases if b.id not in TEST_VARIANTS and not b.accumulate and b.vp]

    def draw(self, rng: random.Random, named: bool) -> Instance:
        bases = self._usable_bases()
        base = rng.choice(bases)
        post = rng.choice([p for p in self._posts if _fits(base, p)])
        inst = combine(base, post, self.id, self._inplace).draw(rng, named)
        inst.meta = {**inst.meta, "steps": [base.id, post.name]}
        return inst


_F1 = [op for op in elementwise.UNARY + elementwise.PARAMETRIC + elementwise.CONSTANT if op.nin == 1]
_C1 = [op for op in color.VARIANTS if isinstance(op, MapOp) and op.nin == 1 and op.pre and op.np_]
_U = [op for op in bits.MAPS if op.id != "integer/add_wrap"]

VARIANTS: list[Variant] = [
    Then("unary/then", "unary", list(elementwise.UNARY), F_POSTS, 5.0),
    Then("binary/then", "binary", list(elementwise.BINARY), F_POSTS, 5.0),
    Then("parametric/then", "parametric", list(elementwise.PARAMETRIC), F_POSTS, 4.0),
    Then("constant/then", "constant", list(elementwise.CONSTANT), F_POSTS, 4.0),
    Then("inplace/then", "inplace", _F1, [p for p in F_POSTS if p.name != "threshold"], 4.0, inplace=True),
    Then("integer/then", "integer", _U, U_POSTS, 3.0),
    Then("chromatic/then", "chromatic", _C1, C_POSTS, 3.0),
]
