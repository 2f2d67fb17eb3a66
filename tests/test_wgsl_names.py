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


INPLACE = """struct Params {
    k: f32,
}

@group(0) @binding(0) var<storage, read_write> heights: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&heights)) {
        return;
    }
    heights[i] = heights[i] * params.k;
}
"""


def test_separate_output_turns_an_in_place_update_into_a_map_to_the_named_buffer():
    from tiny_agent_trainer.validation import validate
    from tiny_agent_trainer.wgsl.names import interface, separate_output

    code = separate_output(INPLACE, "scaled")
    assert validate(code).ok
    assert [(b, a, n, t) for b, a, n, t in interface(code)[0]] == [
        (0, "<storage,read>", "heights", "array<f32>"), (1, "<storage,read_write>", "scaled", "array<f32>"),
        (2, "<uniform>", "params", "Params")]
    assert "scaled[i] = heights[i] * params.k;" in code and "arrayLength(&scaled)" in code
    assert not reads_an_output(code) and reads_an_output(INPLACE)


@pytest.mark.parametrize("code, out", [
    (INPLACE.replace("heights[i] = heights[i] *", "heights[i] *="), "scaled"),  # a compound update
    (INPLACE, "heights"),  # the output is the buffer itself
    (INPLACE, "params"),  # a name the shader already uses
    (INPLACE.replace("read_write> heights", "read> heights"), "scaled"),  # nothing is written
    ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
     "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\nfn main() { y[0] = x[0]; }\n", "z"),  # two buffers
])
def test_separate_output_leaves_other_shaders_alone(code, out):
    from tiny_agent_trainer.wgsl.names import separate_output

    assert separate_output(code, out) is None


@pytest.mark.parametrize("body, want", [
    ("out[i] = x[i];", False),  # one element per invocation
    ("if (i == 0u) { out[0] = x[0]; }", True),
    ("out[0u] += x[i];", True),
    ("atomicAdd(&hist[0], 1u);", True),  # an atomic on element 0 of an atomic buffer
    ("tile[0] = x[0]; out[i] = tile[0];", False),  # workgroup memory is not a result
    ("let v = out[0]; out[i] = v;", False),  # reading element 0 is not writing it
])
def test_stores_to_element_0_finds_single_results(body, want):
    from tiny_agent_trainer.wgsl.names import stores_to_element_0

    code = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n"
            "@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>>;\n"
            f"var<workgroup> tile: array<f32, 64>;\nfn main() {{ {body} }}\n")
    assert stores_to_element_0(code) is want


SUM = """var<workgroup> partial: array<f32, 256>;
@group(0) @binding(0) var<storage, read> vals: array<f32>;
@group(0) @binding(1) var<storage, read_write> total: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
    let t = lid.x;
    var acc = 0.0;
    for (var i = t; i < arrayLength(&vals); i = i + 256u) {
        acc = acc + {read}[i];
    }
    partial[t] = acc;
    workgroupBarrier();
    if (t == 0u) {
        total[0] = partial[0];
    }
}
"""


def test_read_unused_input_mends_a_read_of_the_output_where_the_unread_input_was_meant(wgpu_runtime):
    """Seventeenth session: the model's "acc + total[i]" for "total of everything in `vals` -> total[0]"."""
    from tiny_agent_trainer.wgsl.names import read_unused_input

    mended = read_unused_input(SUM.replace("{read}", "total"))
    assert mended == SUM.replace("{read}", "vals")
    assert "total[0] = partial[0];" in mended and "arrayLength(&vals)" in mended  # stores stay
    wgpu_runtime.compile(mended)
    assert read_unused_input(SUM.replace("{read}", "vals")) is None  # the input is read: nothing to mend
    acc = SUM.replace("{read}", "vals").replace("total[0] = partial[0];", "total[0] += partial[0];")
    assert read_unused_input(acc.replace("acc + vals[i]", "acc + total[i]")) is None  # a compound update: left alone
    two = SUM.replace("{read}", "total").replace(
        "var<storage, read> vals: array<f32>;", "var<storage, read> vals: array<f32>;\n"
        "@group(0) @binding(2) var<storage, read> weights: array<f32>;")
    assert read_unused_input(two) is None  # two unread inputs: which one was meant is not known
    assert read_unused_input(SUM.replace("{read}", "total").replace("read> vals: array<f32>", "read> vals: array<u32>")) \
        is None  # another element type
