"""Colour formula candidates (`inference/colour_formula.py`): a per-channel formula in a prompt about RGBA
pixels becomes a vec4 kernel that applies it to r, g, b (alpha kept unless the prompt says otherwise) and
computes what a hand-written reference computes on wgpu (the software adapter in CI); prompts that mix
channels, read neighbours or name no single channel get none. The prompts are written for this test."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.evaluation.judge import judge_source
from tiny_agent_trainer.evaluation.runner import load_tasks
from tiny_agent_trainer.inference.colour_formula import colour_candidates

TASKS = """
[[task]]
id = "lift"
category = "chromatic"
prompt = "lift"
threads = [200]
reference = '''
struct Params { lift: f32, };
@group(0) @binding(0) var<storage, read> img: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> lifted: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&lifted)) { return; }
    let p = img[i];
    lifted[i] = vec4<f32>(p.rgb * (1.0 - params.lift) + vec3<f32>(params.lift), p.a);
}
'''
[[task.buffers]]
binding = 0
access = "read"
type = "array<vec4<f32>>"
count = 200
fill = "uniform(0,1)"
[[task.buffers]]
binding = 1
access = "read_write"
type = "array<vec4<f32>>"
count = 200
fill = "zeros"
[[task.buffers]]
binding = 2
access = "uniform"
scalars = ["f32"]
values = [0.2]

[[task]]
id = "square_all"
category = "chromatic"
prompt = "square"
threads = [200]
reference = '''
@group(0) @binding(0) var<storage, read_write> tex: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&tex)) { return; }
    tex[i] = tex[i] * tex[i];
}
'''
[[task.buffers]]
binding = 0
access = "read_write"
type = "array<vec4<f32>>"
count = 200
fill = "uniform(0,1)"

[[task]]
id = "depth_tint"
category = "chromatic"
prompt = "tint"
threads = [300]
reference = '''
@group(0) @binding(0) var<storage, read> depth01: array<f32>;
@group(0) @binding(1) var<storage, read_write> tinted: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&tinted)) { return; }
    let d = depth01[i];
    tinted[i] = vec4<f32>(1.0 - d, d * d, d, 0.5);
}
'''
[[task.buffers]]
binding = 0
access = "read"
type = "array<f32>"
count = 300
fill = "uniform(0,1)"
[[task.buffers]]
binding = 1
access = "read_write"
type = "array<vec4<f32>>"
count = 300
fill = "zeros"
"""


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    path = tmp_path_factory.mktemp("colour") / "colour.toml"
    path.write_text(TASKS)
    return {t.id: t for t in load_tasks(path)}


def test_a_per_channel_formula_with_a_uniform_keeps_alpha_and_runs_like_the_reference(tasks):
    codes = colour_candidates("Fade the RGBA pixels of `img` toward white into `lifted`: each colour channel c "
                              "becomes c * (1 - lift) + lift, where lift is a uniform. Alpha stays.")
    assert codes and "var<storage, read> img: array<vec4<f32>>" in codes[0] and "lift: f32," in codes[0]
    assert "c.a);" in codes[0]  # alpha kept
    assert judge_source(tasks["lift"], codes[0]) == "pass"


def test_all_four_channels_in_place(tasks):
    codes = colour_candidates("square every texel of the texture `tex` in place, all four channels: rgb = rgb * rgb")
    assert codes and "var<storage, read>" not in codes[0] and "tex[i] = c * c;" in codes[0]
    assert judge_source(tasks["square_all"], codes[0]) == "pass"


def test_the_vector_form_comes_first_and_the_channel_by_channel_form_stands_in_where_naga_rejects_it():
    from tiny_agent_trainer.validation import validate

    codes = colour_candidates("levels on the rgba pixels: rgb = clamp((rgb - lo) / (hi - lo), 0, 1); lo and hi are uniforms")
    assert len(codes) == 2 and "clamp((c.rgb - params.lo)" in codes[0] and "clamp((c.r - params.lo)" in codes[1]
    assert "vec3<f32>(0.0), vec3<f32>(1.0))" in codes[0]  # clamp(vec3, f32, f32) is not WGSL: the bounds are splatted
    assert validate(codes[0]).ok and validate(codes[1]).ok
    codes = colour_candidates("gamma-decode the rgba colours: each channel c becomes c^g, g is a uniform")
    assert "pow(c.rgb, vec3<f32>(params.g))" in codes[0] and validate(codes[0]).ok
    codes = colour_candidates("each colour channel c becomes 1 - c, alpha kept")
    assert "vec4<f32>(1.0 - c.rgb, c.a)" in codes[0] and validate(codes[0]).ok


@pytest.mark.parametrize("prompt", [
    "gray = 0.3 r + 0.6 g + 0.1 b for every pixel",  # mixes channels
    "blur the image: each pixel becomes the mean of its 3x3 neighbours",  # reads around
    "first gamma-decode, then each channel c becomes c * 2, for the rgba pixels",  # one step of two
    "tint the texture - i.e. channel-wise multiply rgb by the colour",  # "channel-wise" is a word
    "scale the values x by 2: y = x * 2",  # not about colours
])
def test_no_candidate_outside_the_scope(prompt):
    assert colour_candidates(prompt) == []


def test_channel_assignments_map_a_float_to_colours_or_mix_the_channels(tasks):
    from tiny_agent_trainer.validation import validate

    codes = colour_candidates("colour the depth values of `depth01` into RGBA `tinted`: red = 1 - d, green = d * d, "
                              "blue = d, alpha = 0.5")
    assert codes and "var<storage, read> depth01: array<f32>;" in codes[0]
    assert "var<storage, read_write> tinted: array<vec4<f32>>;" in codes[0]
    assert "tinted[i] = vec4<f32>(1.0 - t, t * t, t, 0.5);" in codes[0] and validate(codes[0]).ok
    assert judge_source(tasks["depth_tint"], codes[0]) == "pass"  # runs on wgpu like the hand-written reference
    codes = colour_candidates("swap the channels of the rgba pixels in `frame_in` into `frame_out`: R' = 0.5 g + "
                              "0.5 b, G' = r, B' = r")
    assert codes and "frame_out[i] = vec4<f32>(0.5 * c.g + 0.5 * c.b, c.r, c.r, c.a);" in codes[0]
    assert validate(codes[0]).ok
    # a step after the assignments is not transcribed
    assert colour_candidates("rgba pixels `a` into `b`: r = g, g = r, b = b, then clamp everything to 1") == []
    # two channels only: nothing
    assert colour_candidates("pixels `a` into `b`: r = g, g = r") == []


def test_a_scale_then_a_channel_formula_and_an_alpha_the_words_set():
    code = colour_candidates("Tonemap: scale each pixel's RGB by `gain_k`, then apply c / (1 + c) per channel; alpha "
                             "is set to 1.0. Input `hdr_in`, output `ldr_out`, both array<vec4<f32>>; "
                             "uniform Params { gain_k: f32 }.")[0]
    assert "ldr_out[i] = vec4<f32>(c.rgb * params.gain_k / (1.0 + c.rgb * params.gain_k), 1.0);" in code
    code = colour_candidates("RGBA pixels: input `px_in`, output `px_out`; uniform struct with one f32 field `gain_k`. "
                             "For each of r, g, b: c = colour * gain_k, then c / (1 + c). Alpha passes through.")[0]
    assert "px_out[i] = vec4<f32>(c.rgb * params.gain_k / (1.0 + c.rgb * params.gain_k), c.a);" in code


def test_the_input_buffer_as_the_channel_and_a_plain_scale_of_rgb():
    code = colour_candidates("Buffers: `src_c` (read, array<vec4<f32>>), `dst_c` (read_write, array<vec4<f32>>). "
                             "Uniform Params { k: f32 }. For r, g, b: dst_c = sqrt(src_c * k); alpha is copied.")[0]
    assert "dst_c[i] = vec4<f32>(sqrt(c.rgb * params.k), c.a);" in code
    code = colour_candidates("darken the RGBA buffer `fb` in place by multiplying r, g and b by `dim` (a float "
                             "uniform); alpha must not change")[0]
    assert "fb[i] = vec4<f32>(c.rgb * params.dim, c.a);" in code


def test_a_key_on_the_channels_sets_alpha_where_the_condition_holds(wgpu_runtime):
    import numpy as np

    from tiny_agent_trainer.spec import BufferSpec

    code = colour_candidates("Chroma key for `shot` (rgba vec4): if g > 0.5 and g > 1.2 * max(r, b), set alpha to 0; "
                             "otherwise copy the pixel unchanged. Output `matte`.")[0]
    assert "matte[i] = select(c, vec4<f32>(c.rgb, 0.0), (c.g > 0.5) && (c.g > 1.2 * max(c.r, c.b)));" in code
    px = np.random.default_rng(1).random((64, 4)).astype(np.float32)
    specs = (BufferSpec(0, "read", "array<vec4<f32>>", 64), BufferSpec(1, "read_write", "array<vec4<f32>>", 64))
    out = np.asarray(wgpu_runtime.run(code, specs, {0: px.ravel(), 1: np.zeros(256, np.float32)}, (64,))[1]).reshape(64, 4)
    want = px.copy()
    key = (px[:, 1] > 0.5) & (px[:, 1] > 1.2 * np.maximum(px[:, 0], px[:, 2]))
    want[key, 3] = 0.0
    np.testing.assert_allclose(out, want, rtol=1e-6)
    assert colour_candidates("if g > 0.5 make the pixel brighter, otherwise copy it (rgba `a_px` -> `b_px`)") == []


def test_a_channel_formula_then_a_power_in_words():
    code = colour_candidates("For every RGBA pixel of `lin_px`, apply c/(c + 0.5) to r, g and b, then gamma-encode with "
                             "exponent 1/2.4; alpha stays. Write to `enc_px`.")[0]
    assert "enc_px[i] = vec4<f32>(pow(c.rgb / (c.rgb + 0.5), vec3<f32>(1.0 / 2.4)), c.a);" in code
    assert colour_candidates("For every RGBA pixel of `lin_px`, apply c/(c + 0.5) to r, g and b, then blur it. "
                             "Write to `enc_px`.") == []  # a later step that is no power: left to the model
