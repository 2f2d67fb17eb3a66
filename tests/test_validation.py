"""naga validation through wgpu-py: diagnostics with line numbers, deep pipeline checks, the worker."""
from __future__ import annotations

import pytest

from tiny_agent_trainer.validation import Diagnostic, parse_naga_error, validate, validate_many

GOOD = """@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&out)) {
        return;
    }
    out[i] = a[i] * 2.0;
}
"""


@pytest.fixture(autouse=True)
def _rt(wgpu_runtime):
    return wgpu_runtime


def test_valid_shader():
    r = validate(GOOD, deep=True)
    assert r.ok and r.diagnostics == []
    assert r.entry_point == "main"
    assert r.workgroup_size == (64, 1, 1)


def test_unknown_identifier_line_and_column():
    r = validate(GOOD.replace("a[i] * 2.0", "a[i] * scale"))
    assert not r.ok
    d = r.diagnostics[0]
    assert (d.line, d.column) == (10, 21)
    assert "scale" in d.message and d.stage == "shader"
    assert d.rendered.startswith("error: ") and "10 │" in d.rendered


def test_parse_error_line():
    r = validate(GOOD.replace("let i = gid.x;", "let i = = gid.x;"))
    assert not r.ok
    assert r.diagnostics[0].line == 6
    assert "expected expression" in r.diagnostics[0].message
    assert r.entry_point == "main"  # still reported for invalid code


def test_type_error_is_a_validation_error():
    src = "fn f() -> f32 {\n    return 1u;\n}\n"
    r = validate(src)
    assert not r.ok
    d = r.diagnostics[0]
    assert d.line == 1 and "return" in d.message
    assert r.entry_point is None and r.workgroup_size is None


def test_line_numbers_after_comments():
    src = "// header\n/* block\n   comment */\n" + GOOD.replace("out[i] = a[i] * 2.0;", "out[i] = a[i] + true;")
    r = validate(src)
    assert not r.ok and r.diagnostics[0].line == 13


def test_deep_catches_missing_main():
    src = GOOD.replace("fn main", "fn kernel")
    assert validate(src).ok  # naga alone accepts it
    r = validate(src, deep=True)
    assert not r.ok and r.diagnostics[0].stage == "pipeline"
    assert "main" in r.diagnostics[0].message
    assert r.entry_point == "kernel"


def test_deep_catches_workgroup_size_over_limits():
    src = GOOD.replace("@workgroup_size(64)", "@workgroup_size(64, 64, 64)")
    assert validate(src).ok
    r = validate(src, deep=True)
    assert not r.ok
    assert "workgroup size" in r.diagnostics[0].message
    assert r.diagnostics[0].line == 4
    assert r.workgroup_size == (64, 64, 64)


def test_workgroup_size_from_const():
    src = "const WG: u32 = 128u;\n" + GOOD.replace("@workgroup_size(64)", "@workgroup_size(WG)")
    r = validate(src, deep=True)
    assert r.ok and r.workgroup_size == (128, 1, 1)


def test_garbage_and_empty():
    assert not validate("@@@ not wgsl").ok
    r = validate("")
    assert r.ok and r.entry_point is None  # an empty module is valid WGSL
    assert not validate("", deep=True).ok


def test_parse_naga_error_without_span():
    d = parse_naga_error("Validation Error\n\nCaused by:\n  In wgpuDeviceCreateComputePipeline\n    Something broke")
    assert d == Diagnostic(None, None, "Something broke", "error: Something broke", "shader")


def test_result_to_dict():
    r = validate(GOOD.replace("2.0", "x"))
    d = r.to_dict()
    assert d["ok"] is False and d["diagnostics"][0]["line"] == 10 and d["workgroup_size"] == [64, 1, 1]


def test_validate_many_matches_validate():
    srcs = [GOOD, GOOD.replace("2.0", "y"), "fn f( {", GOOD.replace("fn main", "fn other")]
    many = validate_many(srcs, deep=True)
    assert [r.ok for r in many] == [True, False, False, False]
    assert [r.to_dict() for r in many] == [validate(s, deep=True).to_dict() for s in srcs]


def test_validate_many_survives_a_crashing_worker(monkeypatch):
    monkeypatch.setenv("TINY_AGENT_VALIDATOR_CRASH_MARKER", "KILLME")
    srcs = [GOOD] * 5 + [GOOD + "// KILLME\n"] + [GOOD] * 3 + ["fn broken("]
    res = validate_many(srcs, group=4)
    assert len(res) == len(srcs)
    assert [i for i, r in enumerate(res) if not r.ok] == [5, 9]
    assert res[5].diagnostics[0].stage == "crash" and "crashed" in res[5].diagnostics[0].message
    assert res[9].diagnostics[0].stage == "shader"


def test_validate_many_in_process():
    assert [r.ok for r in validate_many([GOOD, "x"], isolate=False)] == [True, False]
