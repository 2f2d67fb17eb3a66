"""Static checks beyond naga (`wgsl/lint.py`)."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.wgsl.lint import racy_store

HEAD = """var<workgroup> partial: array<f32, 256>;
@group(0) @binding(0) var<storage, read> samples: array<f32>;
@group(0) @binding(1) var<storage, read_write> avg: array<f32>;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
    let t = lid.x;
    partial[t] = samples[t];
    workgroupBarrier();
"""


@pytest.mark.parametrize("tail, racy", [
    ("    if (t < 256u) {\n        avg[0] = partial[t] / 256.0;\n    }\n}\n", True),  # every thread writes avg[0]
    ("    avg[0] = partial[0];\n}\n", True),
    ("    avg[0].x = partial[0];\n}\n", True),  # a member of the fixed element
    ("    if (t == 0u) {\n        avg[0] = partial[0] / 256.0;\n    }\n}\n", False),
    ("    if (lid.x == 0u) {\n        if (partial[0] > 0.0) {\n            avg[0] = partial[0];\n        }\n    }\n}\n", False),
    ("    if (t != 0u) {\n        return;\n    }\n    avg[0] = partial[0];\n}\n", False),  # early return: thread 0 only
    ("    if (t > 0u) { return; }\n    avg[0] = partial[0];\n}\n", False),
    ("    if (t >= arrayLength(&avg)) { return; }\n    avg[0] = partial[0];\n}\n", True),  # a bounds guard is not enough
    ("    avg[t] = partial[t];\n}\n", False),  # one element per thread
    ("    atomicAdd(&hist[0], 1u);\n}\n", False),  # atomics are not stores
])
def test_racy_store_flags_a_fixed_element_written_by_every_invocation(tail, racy):
    assert racy_store((HEAD + tail).replace("WG", "256")) is racy


def test_one_invocation_per_workgroup_is_never_flagged():
    assert not racy_store((HEAD + "    avg[0] = partial[0];\n}\n").replace("WG", "1"))
