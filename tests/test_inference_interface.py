"""The interface check's rules: in-place words, the separate-output rewrite, and the pool filters."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.inference.interface import (fitting, integer_storage, may_update_in_place, output_rewrite,
                                                    speaks_of_integers)
from tiny_agent_trainer.validation import validate

IN_PLACE = ("@group(0) @binding(0) var<storage, read_write> v: array<f32>;\n\n"
            "@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
            "    let i = gid.x;\n    if (i >= arrayLength(&v)) { return; }\n    v[i] = v[i] * 0.5;\n}\n")
MAP = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
       "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n\n"
       "@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
       "    let i = gid.x;\n    if (i >= arrayLength(&y)) { return; }\n    y[i] = x[i] * 0.5;\n}\n")
WITH_UNIFORM = MAP.replace("@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n",
                           "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n"
                           "struct Params { k: f32, }\n@group(0) @binding(2) var<uniform> params: Params;\n"
                           ).replace("x[i] * 0.5", "x[i] * params.k")


@pytest.mark.parametrize("prompt, want", [
    ("halve the values", False),
    ("halve the values into a separate buffer", False),  # a separate buffer is not an update
    ("halve the values in place", True),
    ("overwrite the samples with their halves", True),
    ("halve the buffer without a second buffer", True),
    ("acc += x for every element", True),
    ("update the particle ages", True),
    # twelfth session: wordings of the training data that the rule read as "separate output"
    ("x[i] = -x[i]", True),  # the formula reads what it writes
    ("arr = arr * 2.75 elementwise", True),
    ("y + src -> y", True),
    ("Fill y so that y[i] is y[i] plus x[i].", True),
    ("produce the quotients v / total, written over v", True),
    ("divide every value by tone and store it back", True),
    ("square every float of xs, reusing xs for results", True),
    ("np.clip(arr, -1.0, 1.0, out=arr)", True),
    ("clamp each element between 1 and 100 without allocating an output buffer", True),
    ("use the array votes as both input and output", True),
    ("out[i] = x[i] * x[i]", False),  # the target is not read
    ("a, b -> out", False),
    ("out = a + b for every element", False),
    ("the result is x squared", False),
])
def test_may_update_in_place(prompt, want):
    assert may_update_in_place(prompt) is want


def test_an_in_place_answer_is_rewritten_to_a_new_output_when_the_prompt_names_none():
    var, named = output_rewrite("halve the values", IN_PLACE)
    assert not named and "var<storage, read> v" in var and "read_write> out" in var and "out[i] = v[i] * 0.5" in var
    assert validate(var, deep=True).ok
    var, named = output_rewrite("halve `v` into `halves`", IN_PLACE)  # the prompt's own output name
    assert named and "read_write> halves" in var
    for prompt in ("halve the values in place", "overwrite the values with their halves", "halve `a` into `b` and `c` into `d`"):
        assert output_rewrite(prompt, IN_PLACE) == (None, False), prompt
    assert output_rewrite("halve the values", MAP) == (None, False)  # not in place: nothing to rewrite


def test_fitting_keeps_what_the_prompts_words_allow():
    codes = [IN_PLACE, MAP, WITH_UNIFORM]
    assert fitting("halve the values", codes) == [1]  # a separate output and no uniform
    assert fitting("halve the values in place", codes) == [0]
    assert fitting("multiply the values by the factor k", codes) == [1, 2]  # a parameter: a uniform may be there
    assert fitting("multiply the values by the uniform k", codes) == [2]  # called a uniform: there must be one
    assert fitting("overwrite the values with their halves", codes) == [0]  # overwriting is updating in place
    assert fitting("update the values with their halves", codes) == [0, 1]  # an update: in place or not
    assert fitting("halve the values", [IN_PLACE]) == [0]  # a rule that would empty the pool is skipped
    assert fitting("halve `x` into `y`", codes) == [1]  # one input, one output named


def test_an_unused_uniform_does_not_count():
    from tiny_agent_trainer.wgsl.names import uses_uniform

    unused = WITH_UNIFORM.replace("x[i] * params.k", "x[i] * 0.5")
    assert uses_uniform(WITH_UNIFORM) and not uses_uniform(unused) and not uses_uniform(MAP)
    assert fitting("halve the values", [unused, IN_PLACE]) == [0]  # no parameter named, and none used


def test_a_uniform_struct_with_fewer_fields_than_the_prompts_uniforms_leaves_the_pool():
    two = WITH_UNIFORM.replace("struct Params { k: f32, }", "struct Params { lo: f32, hi: f32, }").replace(
        "x[i] * params.k", "clamp(x[i], params.lo, params.hi)")
    one = WITH_UNIFORM.replace("struct Params { k: f32, }", "struct Params { lo: f32, }").replace(
        "x[i] * params.k", "clamp(x[i], params.lo, params.lo)")
    assert fitting("clamp x to [lo, hi] into y; lo and hi are uniforms", [one, two]) == [1]
    assert fitting("clamp x to [lo, hi] into y", [one, two]) == [0, 1]  # not called uniforms: no count to check


def test_a_member_that_reads_fewer_buffers_than_the_prompt_names_inputs_leaves_the_pool():
    two = MAP.replace("@group(0) @binding(1) var<storage, read_write> y",
                      "@group(0) @binding(1) var<storage, read> c: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y"
                      ).replace("x[i] * 0.5", "select(0.0, 1.0, x[i] > c[i])")
    assert validate(two, deep=True).ok
    assert fitting("y[i] = step(c[i], x[i])", [MAP, two]) == [1]
    assert fitting("y[i] = step(0.5, x[i])", [MAP, two]) == [0, 1]  # one input named: both may do


def test_a_one_element_result_needs_a_store_to_element_0():
    from tiny_agent_trainer.inference.interface import one_element_results

    assert one_element_results("max-reduce 256 values -> best[0], one workgroup") == {"best"}
    assert one_element_results("exclusive scan: offsets[0] = 0 and offsets[i] = sum of counts[j < i]") == set()
    assert one_element_results("subtract the first sample: y[i] = x[i] - x[0]") == set()  # an input, not a result
    every = MAP.replace("y[i] = x[i] * 0.5", "y[i] = x[i]")  # writes every element
    first = MAP.replace("y[i] = x[i] * 0.5", "if (i == 0u) { y[0] = x[0]; }")
    assert validate(first, deep=True).ok
    assert fitting("copy the first value of x into y[0]", [every, first]) == [1]
    assert fitting("copy x into y", [every, first]) == [0, 1]


@pytest.mark.parametrize("prompt, want", [
    ("keep the larger of a[i] and b[i] for every index", False),  # "every index" is the loop, not an index buffer
    ("scale the samples by 0.5", False),
    ("add the two u32 arrays", True),
    ("count the values above 3", True),
    ("reverse the bits of each word", True),
    ("a ^ b for every element", True),
    ("gather x through the index buffer", True),
    ("1 where the value is odd, else 0", True),
    ("a AND b, elementwise", True),
    ("np.minimum(a, b) on int32 arrays", True),
    ("the clz of every element of nums", True),
    ("res[i] = countTrailingZeros(ids[i])", True),
    ("Apply ReLU to x", False),
])
def test_speaks_of_integers(prompt, want):
    assert speaks_of_integers(prompt) is want


def test_integer_members_leave_the_pool_when_the_prompt_speaks_only_of_floats():
    ints = MAP.replace("array<f32>", "array<u32>").replace("x[i] * 0.5", "x[i] * 2u")
    atomic = MAP.replace("read_write> y: array<f32>", "read_write> y: array<atomic<u32>>")
    assert integer_storage(ints) and integer_storage(atomic) and not integer_storage(MAP) and not integer_storage(WITH_UNIFORM)
    assert fitting("double the values of x into y", [ints, MAP]) == [1]
    assert fitting("double the u32 values of x into y", [ints, MAP]) == [0, 1]  # integers said: both may do
    assert fitting("double the values of x into y", [ints]) == [0]  # never empties the pool


def test_a_prompt_that_calls_something_a_parameter_keeps_members_with_a_uniform():
    codes = [MAP, WITH_UNIFORM]
    assert fitting("shift the values of x by the offset parameter into y", codes) == [1]
    assert fitting("shift the values of x by the offset into y", codes) == [0, 1]  # maybe a constant: both may do


def test_a_prompt_that_asks_for_atomics_keeps_members_with_an_atomic_buffer():
    from tiny_agent_trainer.inference.interface import says_atomic

    atomic = MAP.replace("read_write> y: array<f32>", "read_write> y: array<atomic<u32>>")
    assert says_atomic("max of the values with an atomic max into best[0]") and says_atomic("use atomicAdd")
    assert not says_atomic("count them without atomics") and not says_atomic("count the values")
    assert fitting("count the values of x into y with atomics", [MAP, atomic]) == [1]
    assert fitting("count the values of x into y without atomics", [MAP, atomic]) == [0, 1]


@pytest.mark.parametrize("prompt, want", [
    ("for each body compute energy = 0.5 * m * v^2, one energy per body", True),
    ("brightness per pixel into out", True),
    ("elementwise product of a and b", False),  # "product" may be a reduction's word
    ("sum every element of x into total[0]", False),
    ("for each value of x, the running maximum so far", False),
    ("add x and y", False),  # no word of "each"
])
def test_says_elementwise(prompt, want):
    from tiny_agent_trainer.inference.interface import says_elementwise

    assert says_elementwise(prompt) is want


def test_a_prompt_with_one_result_per_element_drops_members_that_store_to_element_0():
    first = MAP.replace("y[i] = x[i] * 0.5", "if (i == 0u) { y[0] = x[0]; }")
    assert fitting("for each value of x write half of it into y", [MAP, first]) == [0]
    assert fitting("write half of x into y", [MAP, first]) == [0, 1]  # no word of "each": both may do


def test_a_prompt_about_colours_keeps_members_with_a_vec4_colour_array():
    from tiny_agent_trainer.inference.interface import says_colour

    colour = MAP.replace("array<f32>", "array<vec4<f32>>")
    assert says_colour("each of r, g, b becomes c / (1 + c)") and says_colour("invert the RGBA colours")
    assert not says_colour("pull the green byte out of the packed u32 colours")  # integers: packed bytes
    assert not says_colour("ELU with alpha = 1")  # alpha alone is a parameter's name as often as a channel
    assert fitting("halve the rgb of x into y", [MAP, colour]) == [1]
    assert fitting("halve x into y", [MAP, colour]) == [0, 1]


def _body(expr: str) -> str:
    return MAP.replace("x[i] * 0.5", expr)


def test_words_naming_one_operator_keep_the_members_that_use_it():
    xor = _body("u32(x[i]) ^ 3u").replace("array<f32>", "array<u32>").replace("u32(x[i])", "x[i]")
    both = [xor, xor.replace("^", "&")]
    assert fitting("bitwise AND of each word with 3", both) == [1]
    assert fitting("XOR each word with 3", both) == [0]
    shl, shr = (xor.replace("x[i] ^ 3u", f"x[i] {op} 3u") for op in ("<<", ">>"))
    assert fitting("shift every word left by 3 bits", [shr, shl]) == [1]


def test_a_border_kept_apart_wrapping_and_piecewise_words():
    clamped = _body("x[min(i + 1u, arrayLength(&x) - 1u)]")
    bordered = _body("select(x[i + 1u], x[i], i == 0u || i == arrayLength(&x) - 1u)")
    assert fitting("blend with the right neighbour; border cells are copied unchanged", [clamped, bordered]) == [1]
    assert fitting("blend with the right neighbour, border cells kept, wrapping", [clamped, bordered]) == [0, 1]
    assert fitting("blend with the right neighbour, clamping at the border", [clamped, bordered]) == [0]  # min()
    wrapped = _body("x[(i + 1u) % arrayLength(&x)]")
    assert fitting("take the right neighbour on a toroidal grid", [clamped, wrapped]) == [1]
    plain, branch = _body("x[i] * x[i]"), _body("select(x[i], x[i] * x[i], x[i] < 1.0)")
    assert fitting("x squared when x < 1, otherwise x", [plain, branch]) == [1]
    assert fitting("x squared, then saturate to [0, 1]", [plain, _body("clamp(x[i] * x[i], 0.0, 1.0)")]) == [1]
    assert fitting("x squared (no clamping needed)", [plain, _body("clamp(x[i] * x[i], 0.0, 1.0)")]) == [0, 1]


def test_counted_inputs_need_as_many_buffers():
    two = MAP.replace("@group(0) @binding(1) var<storage, read_write> y",
                      "@group(0) @binding(1) var<storage, read> c: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y"
                      ).replace("x[i] * 0.5", "x[i] * c[i]")
    assert fitting("multiply two arrays element by element", [MAP, two]) == [1]
    assert fitting("halve every element", [MAP, two]) == [0, 1]


def test_a_flip_in_words_keeps_members_reflecting_that_axis():
    head = MAP.replace("y[i] = x[i] * 0.5;", "let c = i % 8u;\n    let r = i / 8u;\n    y[i] = x[INDEX];")
    flip_x, flip_y = head.replace("INDEX", "r * 8u + (8u - 1u - c)"), head.replace("INDEX", "(8u - 1u - r) * 8u + c")
    assert fitting("mirror the 8-wide image left to right", [flip_y, flip_x]) == [1]
    assert fitting("flip the 8-wide image upside down", [flip_x, flip_y]) == [1]
    assert fitting("flip the image both ways", [flip_x, flip_y]) == [0, 1]  # no single axis in the words


def test_argmin_and_argmax_compare_the_way_the_words_say_and_a_largest_value_is_no_magnitude():
    head = MAP.replace("y[i] = x[i] * 0.5;", "var best = 0u;\n    for (var j = 1u; j < 8u; j++) {\n"
                       "        if (x[j] CMP x[best]) { best = j; }\n    }\n    y[0] = f32(best);")
    lower, higher = head.replace("CMP", "<"), head.replace("CMP", ">")
    assert fitting("the index of the smallest value -> y[0]", [higher, lower]) == [1]
    assert fitting("the index of the largest value -> y[0]", [lower, higher]) == [1]
    plain = MAP.replace("y[i] = x[i] * 0.5;", "y[0] = max(x[0], x[1]);")
    absolute = MAP.replace("y[i] = x[i] * 0.5;", "y[0] = max(abs(x[0]), abs(x[1]));")
    assert fitting("reduce: the largest value -> y[0]", [absolute, plain]) == [1]
    assert fitting("reduce: the peak magnitude -> y[0]", [absolute, plain]) == [0, 1]


def test_a_one_element_result_is_stored_to_element_0_only():
    every = MAP.replace("y[i] = x[i] * 0.5;", "y[i] = x[i];\n    y[0] = max(y[0], x[i]);")
    only = MAP.replace("y[i] = x[i] * 0.5;", "y[0] = max(y[0], x[i]);")
    assert fitting("the largest of x, reduced into y[0]", [every, only]) == [1]


def test_a_reduced_sum_of_squares_must_square_something():
    plain = MAP.replace("y[i] = x[i] * 0.5;", "y[0] = y[0] + x[i];")
    squares = MAP.replace("y[i] = x[i] * 0.5;", "let v = x[i];\n    y[0] = y[0] + v * v;")
    powered = MAP.replace("y[i] = x[i] * 0.5;", "y[0] = y[0] + pow(x[i], 2.0);")
    assert fitting("the sum of their squares into y[0], one workgroup", [plain, squares, powered]) == [1, 2]
    assert fitting("the sum of x into y[0], one workgroup", [plain, squares]) == [0, 1]  # no squares said


def test_an_and_of_two_buffers_is_no_address_of():
    both = MAP.replace("y[i] = x[i] * 0.5;", "y[i] = x[i] & x[i];")
    xor = MAP.replace("y[i] = x[i] * 0.5;", "y[i] = x[i] ^ x[i];")
    assert fitting("Bitwise AND of x with itself into y", [xor, both]) == [1]  # `x[i] & x[i]` is an AND


def test_a_byte_swap_moves_a_byte_by_24_bits():
    masked = MAP.replace("y[i] = x[i] * 0.5;", "y[i] = x[i] & 0xFFu;")
    swapped = MAP.replace("y[i] = x[i] * 0.5;", "let v = x[i];\n    y[i] = (v << 24u) | ((v & 0xFF00u) << 8u) | "
                                                 "((v >> 8u) & 0xFF00u) | (v >> 24u);")
    assert fitting("byte-swap each u32 of x into y", [masked, swapped]) == [1]
    assert fitting("mask each u32 of x with 0xFF into y", [masked, swapped]) == [0, 1]


def test_uniform_words_that_name_no_field_and_a_clamp_declined():
    plain = MAP.replace("y[i] = x[i] * 0.5;", "y[i] = (x[i] + 255.0) * 0.5;")
    with_field = "struct Params { k: f32, };\n" + MAP.replace(
        "var<storage, read_write> y: array<f32>;",
        "var<storage, read_write> y: array<f32>;\n@group(0) @binding(2) var<uniform> params: Params;")
    # "uniform-buffer offset alignment" names the purpose, not a uniform of this kernel: one without stays
    assert fitting("round each x up to a multiple of 256 (uniform-buffer offset alignment) into y",
                   [with_field, plain]) == [0, 1]
    assert fitting("round each x up to a multiple of k into y; k is a uniform", [with_field, plain]) == [0]
    clamped = MAP.replace("y[i] = x[i] * 0.5;", "y[i] = clamp(x[i] * 0.5, 0.0, 1.0);")
    assert fitting("halve x into y and don't clamp", [plain, clamped]) == [0, 1]  # no clamp asked for
    assert fitting("halve x into y, then clamp", [plain, clamped]) == [1]
    # the listed fields count, not "the coefficients" that introduces them
    two = "struct Params { c1: f32, c0: f32, };\n" + MAP.replace(
        "var<storage, read_write> y: array<f32>;",
        "var<storage, read_write> y: array<f32>;\n@group(0) @binding(2) var<uniform> params: Params;")
    assert fitting("y = c1*x + c0 for each x. The coefficients live in the uniform in this order: c1, c0.",
                   [two]) == [0]
