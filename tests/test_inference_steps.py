"""The bound a prompt puts on its result (inference/steps.py): reading it from the words, leaving it out of the
prompt, and applying it to the one element store of a shader, for f32, integer and colour outputs."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.inference.steps import Step, applies, last_step, with_step, without_step

HEAD = "@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n    let i = gid.x;\n"


def shader(typ: str, store: str, out: str = "y") -> str:
    return (f"@group(0) @binding(0) var<storage, read> x: array<{typ}>;\n"
            f"@group(0) @binding(1) var<storage, read_write> {out}: array<{typ}>;\n\n" + HEAD
            + f"    if (i >= arrayLength(&{out})) {{ return; }}\n    {store}\n}}\n")


@pytest.mark.parametrize("prompt, lo, hi", [
    ("multiply x by the uniform gain, then hard-limit the result to [-1, 1]", -1.0, 1.0),
    ("scale by 2 and clip into (-0.5, 0.5) -> y", -0.5, 0.5),
    ("lift each channel by amount and make sure nothing goes past 0..1", 0.0, 1.0),
    ("add 1 to x and keep the values between 10 and 20", 10.0, 20.0),
    ("the charge drops by 0.05 every tick but never goes below 0", 0.0, None),
    ("add refill to every counter, capping the result at 99", None, 99.0),
    ("bump every age by one, saturating at 255 so it never exceeds 255", None, 255.0),
    ("hp - dmg for two u32 arrays, saturating at 0 instead of wrapping around", 0.0, None),
    ("add bias, but at most 6", None, 6.0),
])
def test_bounds_read_from_the_words(prompt, lo, hi):
    step = last_step(prompt)
    assert step is not None and (step.lo, step.hi) == (lo, hi)


@pytest.mark.parametrize("prompt", [
    "relu: max(x, 0) -> y",  # a formula, not a bound in words
    "clamp each value of x between lo and hi (uniforms)",  # bounds held in uniforms
    "count how many values are at least 50",
    "keep the first 10 elements and 20 more",
    "never below 3 and never below 4",  # two different floors: no reading
    "clip x to [1, 0]",  # an empty range
    "keep the values inside -1..1",  # the request opens with the bound: a clamp, not a second step
    "saturate the buffer to [0, 1] without a second buffer",
    "never below 0: take x minus 1",
])
def test_no_bound_without_literal_numbers_or_when_the_words_disagree(prompt):
    assert last_step(prompt) is None


@pytest.mark.parametrize("prompt, alone", [
    ("multiply every sample in pcm by the uniform volume and then clip to the range -1..1, output to out_pcm",
     "multiply every sample in pcm by the uniform volume, output to out_pcm"),
    ("lift each channel by amount and make sure nothing goes past 0..1", "lift each channel by amount"),
    ("each charge in cells drops by 0.05 in place but never goes below 0", "each charge in cells drops by 0.05 in place"),
    ("Bump every age by one, in place, but saturate at 255 so it never goes above 255.", "Bump every age by one, in place."),
    ("scale by 2 and clip into (-0.5, 0.5) -> y", "scale by 2 -> y"),
])
def test_the_main_operation_asked_alone(prompt, alone):
    assert without_step(prompt, last_step(prompt)) == alone


def test_f32_bounds_wrap_the_stored_value():
    code = shader("f32", "y[i] = x[i] * 2.0;")
    assert "y[i] = clamp(x[i] * 2.0, -1.0, 1.0);" in with_step(code, Step(-1.0, 1.0))
    assert "y[i] = max(x[i] * 2.0, 0.0);" in with_step(code, Step(0.0, None))
    assert "y[i] = min(x[i] * 2.0, 0.5);" in with_step(code, Step(None, 0.5))


def test_integer_bounds_and_the_unsigned_floor_tested_before_subtracting():
    u = shader("u32", "y[i] = x[i] + 5u;")
    assert "y[i] = min(x[i] + 5u, 255u);" in with_step(u, Step(None, 255.0))
    assert "y[i] = max(x[i] + 5u, 1u);" in with_step(u, Step(1.0, None))  # no subtraction: nothing wrapped around
    d = shader("u32", "y[i] = x[i] - 7u;")  # a subtraction is tested before it can wrap around
    assert "y[i] = select(x[i] - 7u, 0u, x[i] < 7u);" in with_step(d, Step(0.0, None))
    assert "y[i] = select(x[i] - 7u, 1u, x[i] < 7u + 1u);" in with_step(d, Step(1.0, None))
    assert "y[i] = min(select(x[i] - 7u, 1u, x[i] < 7u + 1u), 99u);" in with_step(d, Step(1.0, 99.0))
    assert "select(x[i] - (x[i] >> 1u), 1u, x[i] < (x[i] >> 1u) + 1u)" in with_step(
        shader("u32", "y[i] = x[i] - (x[i] >> 1u);"), Step(1.0, None))
    assert "max(x[i] * 2u - 7u + 1u, 1u)" in with_step(shader("u32", "y[i] = x[i] * 2u - 7u + 1u;"), Step(1.0, None))
    assert with_step(u, Step(None, 2.5)) is None  # a fraction is no u32 bound
    s = shader("i32", "y[i] = x[i] - 7i;")
    assert "y[i] = clamp(x[i] - 7i, -100i, 100i);" in with_step(s, Step(-100.0, 100.0))


def test_colour_bounds_apply_to_rgb_and_keep_alpha():
    code = shader("vec4<f32>", "y[i] = vec4<f32>(x[i].rgb * 1.5, x[i].a);")
    got = with_step(code, Step(0.0, 1.0), "brighten the image, clamped to 0..1")
    assert "    let res = vec4<f32>(x[i].rgb * 1.5, x[i].a);\n" in got
    assert "y[i] = vec4<f32>(clamp(res.rgb, vec3<f32>(0.0), vec3<f32>(1.0)), res.a);" in got
    assert with_step(code, Step(0.0, 1.0), "clamp the vectors to 0..1") is None  # not said to be colours


def test_shaders_it_does_not_rewrite():
    assert with_step(shader("f32", "y[i] = clamp(x[i] * 2.0, -1.0, 1.0);"), Step(-1.0, 1.0)) is None  # already bound
    two = shader("f32", "y[i] = x[i];\n    y[i + 1u] = x[i];")
    assert with_step(two, Step(0.0, 1.0)) is None  # two stores
    loop = shader("f32", "for (var k = 0u; k < 4u; k++) { y[i] = x[k]; }")
    assert with_step(loop, Step(0.0, 1.0)) is None


def test_rewrites_are_valid_wgsl(wgpu_runtime):
    for typ, store, step, prompt in [("f32", "y[i] = x[i] * 2.0;", Step(-1.0, 1.0), ""),
                                     ("u32", "y[i] = x[i] - 7u;", Step(1.0, None), ""),
                                     ("u32", "y[i] = x[i] + 5u;", Step(None, 99.0), ""),
                                     ("i32", "y[i] = x[i] - 7i;", Step(0.0, None), ""),
                                     ("vec4<f32>", "y[i] = x[i] * 2.0;", Step(None, 1.0), "colours")]:
        wgpu_runtime.compile(with_step(shader(typ, store), step, prompt))


def test_a_shader_that_already_bounds_its_result():
    assert applies(shader("f32", "y[i] = clamp(x[i] * 2.0, -1.0, 1.0);"), Step(-1.0, 1.0))
    assert applies(shader("u32", "y[i] = min(x[i] + 5u, 255u);"), Step(None, 255.0))
    assert not applies(shader("f32", "y[i] = clamp(x[i], 0.0, 1.0);"), Step(-1.0, 1.0))
    assert not applies(shader("f32", "y[i] = x[i] * 2.0;"), Step(-1.0, 1.0))


def test_bounds_named_as_uniforms():
    step = last_step("Scale each sample of pcm by the uniform gain, then hard-limit the result to [-ceiling, ceiling] "
                     "(ceiling is a second uniform float). Write to out.")
    assert (step.lo, step.hi) == ("-ceiling", "ceiling")
    assert last_step("add bias to x but never above cap (a uniform f32)").hi == "cap"
    assert last_step("add bias to x but never above cap; cap is a uniform").hi == "cap"
    assert last_step("scale x by 2, then clip it to [lo, hi]") is None  # names the prompt never calls uniforms
    assert last_step("double x and keep it between zero and one") is None


def test_a_named_bound_reads_a_uniform_field_added_when_missing():
    code = shader("f32", "y[i] = x[i] * params.gain;")
    code = "struct Params {\n    gain: f32,\n}\n\n" + code.replace(
        "array<f32>;\n\n", "array<f32>;\n@group(0) @binding(2) var<uniform> params: Params;\n\n", 1)
    code = code.replace("var<storage, read_write> y: array<f32>;\n\n", "var<storage, read_write> y: array<f32>;\n", 1)
    got = with_step(code, Step("-ceiling", "ceiling"))
    assert "y[i] = clamp(x[i] * params.gain, -params.ceiling, params.ceiling);" in got
    assert "struct Params {\n    gain: f32,\n    ceiling: f32,\n}" in got
    assert with_step(got, Step("-ceiling", "ceiling")) is None  # already bound
    bare = with_step(shader("u32", "y[i] = x[i] + 1u;"), Step(None, "cap"))
    assert bare.startswith("struct Params {\n    cap: u32,\n}\n\n")
    assert "@group(0) @binding(2) var<uniform> params: Params;" in bare and "min(x[i] + 1u, params.cap)" in bare
    assert with_step(shader("u32", "y[i] = x[i] + 1u;"), Step("-cap", None)) is None


def test_the_field_goes_to_the_uniforms_own_struct(wgpu_runtime):
    code = shader("f32", "y[i] = x[i] * params.gain;")
    code = "struct Pair {\n    a: f32,\n    b: f32,\n}\n\nstruct Params {\n    gain: f32,\n}\n\n" + code.replace(
        "var<storage, read_write> y: array<f32>;\n", "var<storage, read_write> y: array<f32>;\n"
        "@group(0) @binding(2) var<uniform> params: Params;\n", 1)
    got = with_step(code, Step(None, "ceiling"))
    assert "struct Pair {\n    a: f32,\n    b: f32,\n}" in got  # a struct before it is left alone
    assert "struct Params {\n    gain: f32,\n    ceiling: f32,\n}" in got
    wgpu_runtime.compile(got)
    # a shader with a struct of its own and no uniform gets a new one
    helper = "struct Pair {\n    a: f32,\n    b: f32,\n}\n\n" + shader("f32", "y[i] = x[i] * 2.0;")
    got = with_step(helper, Step(None, "ceiling"))
    assert "struct Params {\n    ceiling: f32,\n}" in got and "var<uniform> params: Params;" in got
    wgpu_runtime.compile(got)


def test_named_rewrites_are_valid_wgsl(wgpu_runtime):
    for typ, store, step in [("f32", "y[i] = x[i] * 2.0;", Step("-ceiling", "ceiling")),
                             ("u32", "y[i] = x[i] + 5u;", Step(None, "cap")),
                             ("vec4<f32>", "y[i] = x[i] * 2.0;", Step("lo", "hi"))]:
        wgpu_runtime.compile(with_step(shader(typ, store), step, "colours"))


def test_pool_keeps_the_bound_for_other_members_when_the_model_already_bounds_its_answer():
    """Fifteenth session: a model answer that applies the bound itself skips only the second decoding; the bound is
    still returned, so retrieved members get their bounded twins (a retrieved unbounded shader won before)."""
    from tiny_agent_trainer.inference.pool import Pooling

    class NoDecoder:
        def generate(self, *a, **k):
            raise AssertionError("no second decoding when the model's answer is already bounded")

    fake = type("Fake", (), {"decoder": NoDecoder()})()
    prompt = "Multiply every sample in x by 2, then clip the result to [-1, 1]; write it to y."
    bounded = shader("f32", "y[i] = clamp(x[i] * 2.0, -1.0, 1.0);")
    step = Pooling._pool_step_base(fake, None, prompt, bounded, None, {}, {})
    assert step == last_step(prompt) and step is not None
    assert with_step(shader("f32", "y[i] = x[i] * 2.0;"), step) is not None  # what the other members get
    assert with_step(bounded, step) is None  # and the bounded answer keeps no twin of itself
    assert Pooling._pool_step_base(fake, None, "Multiply every sample in x by 2.", bounded, None, {}, {}) is None
