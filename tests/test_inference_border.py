"""border: a 2D member's twin with the border cells apart, run on the software GPU."""
from __future__ import annotations

import numpy as np
import pytest

from tiny_agent_trainer.inference.border import border_value, with_border
from tiny_agent_trainer.validation import validate

CLAMPED = """struct Params {
    w: u32,
    h: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let x = gid.x;
    let y = gid.y;
    if (x >= params.w || y >= params.h) { return; }
    let xr = min(x + 1u, params.w - 1u);
    dst[y * params.w + x] = src[y * params.w + xr] - src[y * params.w + x];
}
"""


@pytest.mark.parametrize("prompt, want", [
    ("forward difference; pixels on the one-pixel border get 0", "0"),
    ("heat step; boundary cells are copied unchanged", "copy"),
    ("blur, clamping coordinates at the border", None),
    ("difference along x", None),
])
def test_what_the_border_gets(prompt, want):
    assert border_value(prompt) == want


def test_the_twin_writes_the_border_apart_and_runs(wgpu_runtime):
    from tiny_agent_trainer.spec import BufferSpec

    zero, copy = with_border(CLAMPED, "0"), with_border(CLAMPED, "copy")
    assert validate(zero).ok and validate(copy).ok
    assert with_border(zero, "0") is None  # a border test already
    w, h = 8, 6
    img = np.arange(w * h, dtype=np.float32) ** 1.5
    specs = (BufferSpec(0, "read", "array<f32>", w * h), BufferSpec(1, "read_write", "array<f32>", w * h),
             BufferSpec(2, "uniform", scalars=("u32", "u32"), values=(w, h)))
    grid = img.reshape(h, w)
    inner = np.zeros((h, w), np.float32)
    inner[:, :-1] = grid[:, 1:] - grid[:, :-1]
    for code, border in ((zero, np.zeros((h, w), np.float32)), (copy, grid)):
        out = wgpu_runtime.run(code, specs, {0: img, 1: np.zeros(w * h, np.float32), 2: np.array([w, h], np.uint32)},
                               (w, h))
        want = border.copy()
        want[1:-1, 1:-1] = inner[1:-1, 1:-1]
        np.testing.assert_allclose(np.asarray(out[1]).reshape(h, w), want, rtol=1e-6)
