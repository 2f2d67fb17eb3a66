"""reduce3 specifics: arg-reductions break ties to the lowest index (numpy's rule) even though the
generated fills have none, and every op's reference matches its oracle over many draws."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
try:
    import tiny_agent_trainer  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from tiny_agent_trainer.dataset.families import reduce3  # noqa: E402
from tiny_agent_trainer.dataset.verify import check_record  # noqa: E402


def _record(inst, fill=None):
    bufs = []
    for b in inst.buffers:
        d = b.to_dict()
        if fill and b.access == "read":
            d["fill"] = fill
        bufs.append(d)
    return {"id": "t", "category": inst.category, "prompt": "p", "threads": list(inst.threads),
            "rtol": inst.rtol, "atol": inst.atol, "reference": inst.code, "buffers": bufs, "oracle": inst.oracle}


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("fill", ["const(1)", "randint(0,3)"])
def test_arg_reductions_take_the_lowest_index_on_ties(op, fill, wgpu_runtime):
    v = next(v for v in reduce3.VARIANTS if v.id == f"reduction/{op}")
    rng = random.Random(op)
    for k in range(4):
        inst = v.draw(rng, k % 2 == 0)
        assert check_record(_record(inst, fill), wgpu_runtime, seeds=(1, 2)) == []


def test_references_match_oracles_over_many_draws(wgpu_runtime):
    problems = []
    for v in reduce3.VARIANTS:
        rng = random.Random(f"many/{v.id}")
        for k in range(8):
            inst = v.draw(rng, k % 2 == 0)
            problems += [f"{v.id}: {p}" for p in check_record(_record(inst), wgpu_runtime, seeds=(3, 4))]
    assert not problems, "\n".join(problems)
