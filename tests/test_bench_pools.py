"""benchmarks/bench_pools.py: the offline replay rescoring recorded pools with another reviewer (`--reviewer`)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REVIEWER = ROOT / "src" / "tiny_agent_trainer" / "bundled" / "default" / "reviewer"


def _module():
    spec = importlib.util.spec_from_file_location("bench_pools", ROOT / "benchmarks" / "bench_pools.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _shader(op: str) -> str:
    return ("@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read> b: array<f32>;\n"
            "@group(0) @binding(2) var<storage, read_write> out: array<f32>;\n\n"
            "@compute @workgroup_size(64)\n"
            "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
            "    let i = gid.x;\n"
            "    if (i >= arrayLength(&out)) { return; }\n"
            f"    out[i] = a[i] {op} b[i];\n"
            "}\n")


@pytest.mark.skipif(not (REVIEWER / "model.safetensors").is_file(), reason="no bundled reviewer")
def test_rescore_uses_the_reviewer_and_averages_several():
    from tiny_agent_trainer.inference.loading import load_model
    from tiny_agent_trainer.inference.rerank import teacher_forced_means

    bp = _module()
    prompt = "Add the arrays a and b element by element into out."
    codes = [_shader("+"), _shader("*")]

    def lines():
        return [{"prompt": prompt, "members": [{"code": c, "rev": 0.0} for c in codes]},
                {"prompt": "empty pool", "members": []}]

    r = load_model(REVIEWER, "cpu")
    want = teacher_forced_means(r, r.tokenizer.encode_codes(codes), [r.tokenizer.encode_prompt(prompt)] * 2)
    one = lines()
    bp.rescore(one, str(REVIEWER))
    assert [m["rev"] for m in one[0]["members"]] == pytest.approx(want)
    assert want[0] != want[1] and all(v < 0 for v in want)
    two = lines()
    bp.rescore(two, f"{REVIEWER},{REVIEWER}")  # the mean of two equal reviewers is either one
    assert [m["rev"] for m in two[0]["members"]] == pytest.approx(want)
    assert two[1]["members"] == []
