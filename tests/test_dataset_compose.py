"""Two-step compositions (dataset/families/compose.py): the combined WGSL wraps the base expression with
the right parentheses, the oracle runs both steps, held-out test operations never become bases, every
second step gets drawn, and drawn instances run on the (software) GPU and match their oracles."""
from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset.build import pair_record  # noqa: E402
from tiny_agent_trainer.dataset.families import all_variants, compose as cp  # noqa: E402
from tiny_agent_trainer.dataset.families import bits, color, elementwise  # noqa: E402
from tiny_agent_trainer.dataset.generate import TEST_VARIANTS, Pair, _register_verbs  # noqa: E402
from tiny_agent_trainer.dataset.phrasing import FRAMES, compose, frames_for  # noqa: E402

OPS = {op.id: op for op in elementwise.VARIANTS + bits.MAPS + list(color.VARIANTS) if hasattr(op, "expr")}
POSTS = {(p.elem, p.name): p for p in cp.F_POSTS + cp.U_POSTS + cp.C_POSTS}


def test_second_step_wraps_the_base_expression():
    relu_clamp = cp.combine(OPS["unary/relu"], POSTS["f", "clamp"], "unary/then")
    assert relu_clamp.expr == "clamp(max({a}, 0.0), {K3}, {K4})"
    assert relu_clamp.oracle.splitlines() == ["{O} = np.maximum({A}, 0)", "{O} = np.clip({O}, {K3}, {K4})"]
    # an arithmetic second step parenthesises a base with a top-level operator, and only then
    assert cp.combine(OPS["binary/add"], POSTS["f", "scale"], "b").expr == "({a} + {b}) * {K3}"
    assert cp.combine(OPS["unary/sqrt"], POSTS["f", "scale"], "u").expr == "sqrt({a}) * {K3}"
    assert cp.combine(OPS["unary/negate"], POSTS["f", "offset"], "u").expr == "-{a} + {K3}"
    assert cp.combine(OPS["binary/add"], POSTS["f", "scale"], "b").fx[0] == "({xi} + {yi}) * {K3}"
    # prompt fragments: the base's verb phrase, then the clause
    vp = cp.combine(OPS["parametric/scale"], POSTS["f", "clamp_u"], "p").vp
    assert "scale {X} by {K}, then clamp the result to [{K3}, {K4}]" in vp


def test_colour_second_step_binds_the_base_result():
    op = cp.combine(OPS["chromatic/brightness"], POSTS["c", "clamp01"], "chromatic/then")
    assert op.pre[-1] == "let res = vec4<f32>(c.rgb + {K}, c.a);"
    assert op.expr.startswith("vec4<f32>(clamp(res.rgb")


def test_in_place_compositions_say_so():
    op = cp.combine(OPS["constant/sub"], POSTS["f", "floor"], "inplace/then", inplace=True)
    assert op.inplace and not op.np_
    assert all("in place" in v for v in op.vp) and all(e.endswith(", in place") for e in op.el)


def test_params_of_a_second_step_follow_the_base_mode():
    assert not cp._fits(OPS["parametric/scale"], POSTS["f", "clamp"])  # uniform base, literal range
    assert cp._fits(OPS["parametric/scale"], POSTS["f", "clamp_u"])
    assert cp._fits(OPS["unary/relu"], POSTS["f", "clamp"]) and cp._fits(OPS["unary/relu"], POSTS["f", "clamp_u"])
    assert not cp._fits(OPS["unary/exp"], POSTS["f", "threshold"])  # no hard threshold after exp (tolerance)


def test_draws_use_every_second_step_and_never_a_held_out_base():
    rng = random.Random(0)
    for v in cp.VARIANTS:
        steps = [v.draw(rng, rng.random() < 0.5).meta["steps"] for _ in range(300)]
        bases, posts = Counter(s[0] for s in steps), Counter(s[1] for s in steps)
        assert not set(bases) & TEST_VARIANTS, v.id
        usable = {p.name for p in v._posts if any(cp._fits(b, p) for b in v._usable_bases())}
        assert set(posts) == usable, (v.id, usable - set(posts))
        assert len(bases) >= min(8, len(v._usable_bases())), v.id


def test_registered_with_the_families():
    ids = {v.id for v in all_variants()}
    assert {v.id for v in cp.VARIANTS} <= ids


@pytest.mark.parametrize("v", cp.VARIANTS, ids=[v.id for v in cp.VARIANTS])
def test_drawn_compositions_match_their_oracles(v, wgpu_runtime):
    from tiny_agent_trainer.dataset.verify import check_record

    _register_verbs(all_variants())
    rng = random.Random(f"compose/{v.id}")
    problems = []
    for k in range(12):
        inst = v.draw(rng, k % 2 == 0)
        frame = rng.choice(frames_for(inst, set(FRAMES)))
        rec = pair_record(Pair(inst, compose(inst, frame, rng), frame, "train", 0), k)
        assert "{" not in rec["prompt"] and "}" not in rec["prompt"], rec["prompt"]
        problems += [f"{inst.meta['steps']}: {p}" for p in check_record(rec, wgpu_runtime, seeds=(3,))]
    assert not problems, "\n".join(problems)
