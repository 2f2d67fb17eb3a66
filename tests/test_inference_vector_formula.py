"""vector_formula: xyz kernels over `array<vec4<f32>>` (normalise keeping or setting w, a written xyz update), run on
the software GPU against NumPy where it matters."""
from __future__ import annotations

import numpy as np
import pytest

from tiny_agent_trainer.inference.vector_formula import vector_candidates
from tiny_agent_trainer.validation import validate


def test_normalising_xyz_keeps_w_or_sets_it():
    code = vector_candidates("Renormalise the tangents in place: `tangents` is array<vec4<f32>>, scale xyz to unit "
                             "length and keep w (the handedness sign).")[0]
    assert "tangents[i] = vec4<f32>(normalize(c.xyz), c.w);" in code and validate(code).ok
    code = vector_candidates("dirs_in (array<vec4<f32>>) -> dirs_out: normalize xyz and set w to 0")[0]
    assert "var<storage, read> dirs_in" in code and "dirs_out[i] = vec4<f32>(normalize(c.xyz), 0.0);" in code


def test_a_written_xyz_update_reads_other_buffers_and_uniform_fields():
    code = vector_candidates("Integrate in place: pos.xyz += vel.xyz * step_s, where pos and vel are "
                             "array<vec4<f32>> and step_s is an f32 uniform; pos.w is the radius, keep it.")[0]
    assert code.index("var<storage, read> vel") < code.index("var<storage, read_write> pos")
    assert "pos[i] = vec4<f32>(p.xyz + (vel[i].xyz * params.step_s), p.w);" in code and validate(code).ok


@pytest.mark.parametrize("prompt", [
    "clamp the speed: wherever |v.xyz| exceeds vmax, rescale it (array<vec4<f32>> `v`, in place)",  # a condition
    "normalise every value of `xs` into `ys`",  # no vec4, no xyz
    "pos.xyz += vel.xyz * dt for array<vec4<f32>> pos and vel",  # dt is not called a uniform
])
def test_nothing_for_conditions_scalars_or_unnamed_fields(prompt):
    assert vector_candidates(prompt) == []


def test_the_update_runs_like_numpy(wgpu_runtime):
    from tiny_agent_trainer.spec import BufferSpec

    code = vector_candidates("Integrate in place: pos.xyz += vel.xyz * step_s; pos and vel are array<vec4<f32>>, "
                             "step_s is an f32 uniform, pos.w stays.")[0]
    rng = np.random.default_rng(0)
    pos, vel = rng.normal(size=(64, 4)).astype(np.float32), rng.normal(size=(64, 4)).astype(np.float32)
    specs = (BufferSpec(0, "read", "array<vec4<f32>>", 64), BufferSpec(1, "read_write", "array<vec4<f32>>", 64),
             BufferSpec(2, "uniform", scalars=("f32",), values=(0.5,)))
    out = wgpu_runtime.run(code, specs, {0: vel.ravel(), 1: pos.ravel(), 2: np.array([0.5], np.float32)}, (64,))
    want = pos.copy()
    want[:, :3] += vel[:, :3] * 0.5
    np.testing.assert_allclose(np.asarray(out[1]).reshape(64, 4), want, rtol=1e-6)


def test_a_formula_over_whole_rgba_elements_of_two_buffers(wgpu_runtime):
    import numpy as np

    from tiny_agent_trainer.spec import BufferSpec

    code = vector_candidates("Premultiplied RGBA layers `top_px` then `base_px`; out_px = top + base * (1 - top.a), "
                             "applied to all four channels.")[0]
    assert "out_px[i] = top_px[i] + base_px[i] * (1.0 - top_px[i].a);" in code
    rng = np.random.default_rng(5)
    a, b = rng.random((32, 4)).astype(np.float32), rng.random((32, 4)).astype(np.float32)
    specs = (BufferSpec(0, "read", "array<vec4<f32>>", 32), BufferSpec(1, "read", "array<vec4<f32>>", 32),
             BufferSpec(2, "read_write", "array<vec4<f32>>", 32))
    out = wgpu_runtime.run(code, specs, {0: a.ravel(), 1: b.ravel(), 2: np.zeros(128, np.float32)}, (32,))
    np.testing.assert_allclose(np.asarray(out[2]).reshape(32, 4), a + b * (1 - a[:, 3:4]), rtol=1e-6)
    assert vector_candidates("out_px = top + base * (1 - top.a) for RGBA layers `top_px`, `base_px`") == []  # rgb only?


def test_renormalise_the_buffer_each_vec4_is_in():
    code = vector_candidates("Renormalize in place: each vec4<f32> in tangents is (x, y, z, w). Divide x, y and z by "
                             "the length of (x, y, z) so the xyz part is unit length, and leave w untouched.")[0]
    assert "tangents[i] = vec4<f32>(normalize(c.xyz), c.w);" in code
