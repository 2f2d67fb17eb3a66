"""Interface reading of WGSL shaders (`wgsl/names.py`); renaming is covered with its users in
test_inference_fixes.py."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.wgsl.names import reads_an_output



@pytest.mark.parametrize("body, want", [
    ("out[i] = x[i] * 0.5;", False),  # writes its output, reads only the input
    ("if (i >= arrayLength(&out)) { return; } out[i] = 1.0;", False),  # arrayLength is not a read
    ("out[i] *= 2.0;", True),  # a compound assignment reads
    ("out[i] = out[i] + x[i];", True),
    ("let c = out[i]; out[i].x = c.y;", True),
    ("out[i].x = 1.0; out[idx[i]] = 2.0;", False),  # an index expression is not a read of `out`
    ("h[i] = 1.0; out[i] = h[i];", False),  # `h` is not a buffer
])
def test_reads_an_output_tells_in_place_updates_apart(body, want):
    code = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read> idx: array<u32>;\n"
            "@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;\n"
            "@group(0) @binding(3) var<storage, read_write> hist: array<atomic<u32>>;\n"
            f"fn main() {{ atomicAdd(&hist[0], 1u); {body} }}\n")
    assert reads_an_output(code) is want
