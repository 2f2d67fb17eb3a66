"""Operation mutants: one operator or builtin swapped within its family, indexing and control flow untouched."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.wgsl.mutate import mutants

HEAD = ("@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
        "@group(0) @binding(1) var<storage, read> b: array<f32>;\n"
        "@group(0) @binding(2) var<storage, read_write> out: array<f32>;\n\n"
        "@compute @workgroup_size(64)\n"
        "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
        "    let i = gid.x;\n"
        "    if (i >= arrayLength(&out)) {\n"
        "        return;\n"
        "    }\n")


def body(expr: str) -> str:
    return HEAD + f"    out[i] = {expr};\n}}\n"


def changed_lines(code: str, variant: str) -> list[str]:
    return [v for c, v in zip(code.splitlines(), variant.splitlines()) if c != v]


def test_a_binary_operator_is_swapped_within_its_family():
    code = body("a[i] / b[i]")
    got = mutants(code)
    assert got == [body(f"a[i] {op} b[i]") for op in ("+", "-", "*", "%")]


def test_a_builtin_is_swapped_for_its_siblings_only():
    code = body("radians(a[i])")
    got = mutants(code)
    assert body("cos(a[i])") in got and body("tanh(a[i])") in got
    assert body("max(a[i])") not in got  # another arity: never a sibling
    assert len(got) == 24 and code not in got
    two = mutants(body("min(a[i], b[i])"))
    assert two == [body(f"{fn}(a[i], b[i])") for fn in ("max", "pow", "atan2", "step")]


def test_indexing_guards_loops_and_index_variables_are_left_alone():
    code = ("@group(0) @binding(0) var<storage, read> src: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> dst: array<f32>;\n"
            "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
            "    let w = 8u;\n"
            "    let idx = gid.y * w + gid.x;\n"
            "    if (idx >= arrayLength(&dst)) { return; }\n"
            "    var acc = 0.0;\n"
            "    for (var k = 0u; k < 3u; k = k + 1u) { acc = acc + src[idx + k]; }\n"
            "    dst[idx - 1u] = acc * 0.5;\n"
            "}\n")
    got = mutants(code)
    lines = {tuple(changed_lines(code, v)) for v in got}
    assert all(len(ls) == 1 for ls in lines)  # one site per mutant
    changed = sorted({ls[0].strip() for ls in lines})
    assert changed == sorted(["for (var k = 0u; k < 3u; k = k + 1u) { acc = acc - src[idx + k]; }",
                              "for (var k = 0u; k < 3u; k = k + 1u) { acc = acc * src[idx + k]; }",
                              "for (var k = 0u; k < 3u; k = k + 1u) { acc = acc / src[idx + k]; }",
                              "for (var k = 0u; k < 3u; k = k + 1u) { acc = acc % src[idx + k]; }",
                              "dst[idx - 1u] = acc + 0.5;", "dst[idx - 1u] = acc - 0.5;",
                              "dst[idx - 1u] = acc / 0.5;", "dst[idx - 1u] = acc % 0.5;"])


def test_unary_minus_template_lists_and_comparisons():
    code = body("select(-a[i], vec4<f32>(b[i]).x, a[i] > b[i])")
    got = mutants(code)
    exprs = sorted(changed_lines(code, v)[0].strip() for v in got)
    assert exprs == sorted(f"out[i] = select(-a[i], vec4<f32>(b[i]).x, a[i] {op} b[i]);" for op in ("<", "<=", ">="))


@pytest.mark.parametrize("fn", ["atomicAdd", "atomicMax"])
def test_atomic_read_modify_writes_swap(fn):
    code = ("@group(0) @binding(0) var<storage, read> v: array<u32>;\n"
            "@group(0) @binding(1) var<storage, read_write> r: array<atomic<u32>>;\n"
            f"fn main() {{ {fn}(&r[0], v[0]); atomicStore(&r[1], 0u); }}\n")
    got = mutants(code)
    assert len(got) == 6 and all("atomicStore(&r[1], 0u)" in g for g in got)
    assert any("atomicMax(&r[0]" in g for g in got) != (fn == "atomicMax")


def test_shifts_bits_and_no_sites():
    code = body("f32(u32(a[i]) << 2u)")
    assert [changed_lines(code, v)[0].strip() for v in mutants(code)] == ["out[i] = f32(u32(a[i]) >> 2u);"]
    assert mutants(body("a[i]")) == []
