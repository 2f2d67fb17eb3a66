"""2D family, third table (`families/grid3.py`): every drawn mode (which size a pooling uniform holds, the
checkerboard's parity) runs against its oracle, and the phrases state the parity the code uses."""
from __future__ import annotations

import random

import pytest

from tiny_agent_trainer.dataset.build import pair_record
from tiny_agent_trainer.dataset.families import all_variants, grid3
from tiny_agent_trainer.dataset.generate import Pair, _register_verbs
from tiny_agent_trainer.dataset.phrasing import FRAMES, compose, frames_for


@pytest.fixture(scope="module")
def runtime(wgpu_runtime):
    return wgpu_runtime


def test_every_mode_matches_oracle(runtime):
    from tiny_agent_trainer.dataset.verify import check_record

    _register_verbs(all_variants())
    problems = []
    for v in grid3.VARIANTS:
        rng = random.Random(f"grid3/{v.id}")
        for k in range(6 if v.id in ("2d/maxpool2", "2d/checker") else 2):
            inst = v.draw(rng, k % 2 == 0)
            frame = rng.choice(frames_for(inst, set(FRAMES)))
            rec = pair_record(Pair(inst, compose(inst, frame, rng), frame, "train", 0), 0)
            problems += [f"{v.id}: {p}" for p in check_record(rec, runtime, seeds=(k,))]
    assert not problems, "\n".join(problems)


def test_checker_phrases_state_the_coded_parity():
    v = next(v for v in grid3.VARIANTS if v.id == "2d/checker")
    rng = random.Random(0)
    seen = set()
    for _ in range(20):
        inst = v.draw(rng, True)
        odd = "parity == 1u" in inst.code
        seen.add(odd)
        for frag in inst.forms["vp"] + inst.forms["np"]:
            cues = ("odd", "0.0 square", "== 1 ?") if odd else ("even", "1.0 square", "== 0 ?")
            assert any(c in frag for c in cues), frag
    assert seen == {True, False}
