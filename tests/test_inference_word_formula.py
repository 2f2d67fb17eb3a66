"""Arithmetic in words (`inference/word_formula.py`): chains of steps become an expression in the element and a
conventions-following kernel that computes what a hand-written reference computes (on the wgpu adapter); prompts
where the steps follow another operation, or that hold a single step, get nothing. The prompts here are written
for this test, not taken from any benchmark."""
from __future__ import annotations

import ast

import pytest

from test_inference_formula import _reference, load_cases  # the formula tests' reference builder and task loader
from tiny_agent_trainer.evaluation.judge import judge_source
from tiny_agent_trainer.inference.word_formula import word_candidates, word_chain

# (prompt, reference body line, inputs, output, uniforms with values, in place)
CASES = [
    ("For each element of temps, subtract 32 and then multiply by 5/9; store into celsius.",
     "celsius[i] = (temps[i] - 32.0) * (5.0 / 9.0);", ["temps"], "celsius", [], False),
    ("Scale the samples buffer by 2.5, then subtract 1, writing the result to shifted.",
     "shifted[i] = samples[i] * 2.5 - 1.0;", ["samples"], "shifted", [], False),
    ("Release stage, done in place on env_lvl: multiply every value by 0.995 and then add 0.001.",
     "env_lvl[i] = env_lvl[i] * 0.995 + 0.001;", [], "env_lvl", [], True),
    ("Take each value of `raw`, add 1, square it and take the square root, writing to `smoothed`.",
     "smoothed[i] = sqrt((raw[i] + 1.0) * (raw[i] + 1.0));", ["raw"], "smoothed", [], False),
]


@pytest.mark.parametrize("prompt, want", [
    ("subtract 32 and then multiply by 5/9", "(v - 32.0) * (5.0 / 9.0)"),
    ("multiply every value by 0.9, add 0.05 and negate the result", "-(v * 0.9 + 0.05)"),
    ("divide x by 4; then take the absolute value", "abs(v / 4.0)"),
    ("Multiply by gain then add 1 (gain is a uniform).", "v * gain + 1.0"),  # a name the prompt calls a uniform
    ("scale it by .5 and subtract 2 into out_y", "v * 0.5 - 2.0"),
    ("scale by 2 and add 1, then clamp to [0, 1]", "v * 2.0 + 1.0"),  # the bound is steps.py's twin
])
def test_chains_read_as_expressions(prompt, want):
    node = word_chain(prompt)
    assert node is not None and ast.unparse(node) == want


@pytest.mark.parametrize("prompt", [
    "Multiply every element by 2.",  # one step: the model's own ground
    "Take the mean of x, then multiply by 2 and add 1.",  # the steps follow another operation
    "multiply a by b and add c",  # b is a buffer, not a number or a uniform
    "scale by 3, add 1, then apply the sigmoid",  # more work follows the chain
])
def test_other_prompts_get_no_chain(prompt):
    assert word_chain(prompt) is None and word_candidates(prompt) == []


def test_integer_and_colour_prompts_get_no_kernel():
    assert word_candidates("For each u32 count, multiply by 3 and add 1 into counts_out.") == []
    assert word_candidates("For every RGBA pixel, multiply by 0.5 and add 0.25 into dimmed.") == []


@pytest.mark.parametrize("k", range(len(CASES)))
def test_a_chain_becomes_a_kernel_that_matches_a_hand_written_reference(k, tmp_path_factory):
    prompt, body, inputs, output, uniforms, in_place = CASES[k]
    codes = word_candidates(prompt)
    assert codes == [_reference(inputs, output, uniforms, body, in_place)]
    task = load_cases([CASES[k]], tmp_path_factory.mktemp("words"), "w")[0]
    assert judge_source(task, codes[0]) == "pass"


def test_a_linear_remap_in_words_with_uniform_ends_or_numbers():
    code = word_candidates("Linearly map each value in `knob_raw` from [k_lo, k_hi] onto [v_lo, v_hi] and store it "
                           "in `knob_v`. Uniform fields: k_lo, k_hi, v_lo, v_hi.")[0]
    assert ("knob_v[i] = params.v_lo + (knob_raw[i] - params.k_lo) * ((params.v_hi - params.v_lo) / "
            "(params.k_hi - params.k_lo));") in code
    code = word_candidates("rescale the bytes in `b8` from [0, 255] to [-1, 1] into `bf`")[0]
    assert "bf[i] = -1.0 + (b8[i] - 0.0) * ((1.0 - -1.0) / (255.0 - 0.0));" in code
    assert word_candidates("map the values from [lo, hi] onto [0, 1]") == []  # lo and hi are no uniforms: no kernel


def test_a_wrap_into_a_half_open_range():
    code = word_candidates("bearings in `brg` (radians) -> wrap into [-π, π) and write them to `brg_w`")[0]
    assert "brg_w[i] = brg[i] - 6.283185307179586 * floor((brg[i] + 3.141592653589793) / 6.283185307179586);" in code
    code = word_candidates("fold every sample of `u` back into the range [lo, hi), into `w`; lo and hi are uniforms")[0]
    assert "w[i] = u[i] - (params.hi - params.lo) * floor((u[i] - params.lo) / (params.hi - params.lo));" in code
    assert word_candidates("wrap `u` into [a, b) and write `w`") == []  # a and b are no uniforms: no kernel


def test_a_gate_in_words_keeps_every_other_element():
    code = word_candidates("Gate the hiss on the `mic` float buffer, in place: any sample whose magnitude is below "
                           "0.05 becomes 0.0, the rest stay as they are.")[0]
    assert "mic[i] = select(mic[i], 0.0, abs(mic[i]) < 0.05);" in code or \
        "data[i] = select(data[i], 0.0, abs(data[i]) < 0.05);" in code
    code = word_candidates("every value that is above 100 becomes 100; read `lvl`, write `lvl_cap`")[0]
    assert "lvl_cap[i] = select(lvl[i], 100.0, lvl[i] > 100.0);" in code
    assert word_candidates("any sample whose mood is gloomy becomes 0 in `mic`") == []


@pytest.mark.parametrize("prompt, line", [
    ("toggle bit 5 of every u32 in `masks`, in place", "masks[i] = masks[i] ^ 32u;"),
    ("set bit 0 of each unsigned word of `w_in`, into `w_out`", "w_out[i] = w_in[i] | 1u;"),
    ("clear bit 31 in every u32 of `regs`, in place", "regs[i] = regs[i] & 2147483647u;"),
    ("round each u32 offset in `offs` up to the next multiple of 64 into `offs_al`", "offs_al[i] = (offs[i] + 63u) / 64u * 64u;"),
    ("round every unsigned length of `lens` down to a multiple of 16, results to `lens16`", "lens16[i] = lens[i] / 16u * 16u;"),
    ("round each u32 price in `p_in` to the nearest multiple of 5 into `p5`", "p5[i] = (p_in[i] + 2u) / 5u * 5u;"),
])
def test_bits_and_alignment_in_words_are_integer_kernels(prompt, line):
    codes = word_candidates(prompt)
    assert len(codes) == 1 and line in codes[0] and "array<u32>" in codes[0]


def test_two_bit_rules_are_left_to_the_model():
    assert word_candidates("flip bit 2 and set bit 4 of every u32 in `m`, in place") == []


def test_a_pick_between_two_buffers_in_words():
    code = word_candidates("With the gate array, take the value from hi wherever gate is negative and from lo "
                           "everywhere else.")[0]
    assert "out[i] = select(lo[i], hi[i], gate[i] < 0.0);" in code
    assert code.index("var<storage, read> gate") < code.index("var<storage, read> hi") < code.index("read> lo")
    assert word_candidates("take the value from hi wherever the moon is full and from lo everywhere else") == []


def test_a_rounding_whose_direction_is_not_said_is_left_to_the_model():
    assert word_candidates("round each u32 of `a` to a multiple of 8 into `b`") == []


def test_adding_a_square_onto_an_accumulator_in_place():
    code = word_candidates("Running meter: add the square of each sample of the current block `blk` onto the "
                           "accumulator `acc_e`, which is updated in place.")[0]
    assert "acc_e[i] = acc_e[i] + blk[i] * blk[i];" in code and "var<storage, read> blk" in code
    code = word_candidates("for each i add xs[i] squared onto tot[i]. tot is updated in place, xs is read-only.")[0]
    assert "tot[i] = tot[i] + xs[i] * xs[i];" in code


def test_zeroing_small_elements_and_a_chain_named_before_a_colon_with_uniform_names():
    code = word_candidates("Prune `w_buf` in place: zero every element whose magnitude is below 0.01 and leave the "
                           "others as they are.")[0]
    assert "w_buf[i] = select(w_buf[i], 0.0, abs(w_buf[i]) < 0.01);" in code
    code = word_candidates("Normalise the readings: subtract `bias_v`, divide by `gain_v`. Readings are in `raw_r`, "
                           "the result goes to `norm_r`; bias_v and gain_v come in through a uniform.")[0]
    assert "norm_r[i] = (raw_r[i] - params.bias_v) / params.gain_v;" in code


def test_a_copy_where_a_condition_holds_and_an_integer_clamp():
    code = word_candidates("copy `tone` into `keyed` wherever the matching `env_k` value is greater than 0.5, and "
                           "write 0.0 everywhere else. (inputs: tone, then env_k)")[0]
    assert "keyed[i] = select(0.0, tone[i], env_k[i] > 0.5);" in code
    code = word_candidates("ammo is an i32 array. Clamp each entry in place to [0, cap_n]; cap_n is an i32 in the "
                           "params uniform (its only field).")[0]
    assert "clamp(" in code and "array<i32>" in code and "params.cap_n" in code
