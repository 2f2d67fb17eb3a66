"""The canonical formatter: token-preserving, idempotent, naga-valid output, expected layout."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tiny_agent_trainer.templates import ChromaticTemplate
from tiny_agent_trainer.wgsl.format import format_code, format_source
from tiny_agent_trainer.wgsl.lexer import significant, tokenize

ROOT = Path(__file__).resolve().parents[1]


def texts(src: str) -> list[str]:
    return [t.text for t in significant(tokenize(src))]


def reference_shaders() -> list[tuple[str, str]]:
    """Templates plus the reference shaders of the benchmark and curated-data TOML files."""
    out = [(f"template:{t.name}", t.source) for t in ChromaticTemplate.all()]
    files = sorted(ROOT.glob("benchmarks/*.toml")) + sorted(ROOT.glob("config/*.toml"))
    for p in files:
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        for task in data.get("task", []) if isinstance(data.get("task"), list) else []:
            if isinstance(task, dict) and isinstance(task.get("reference"), str):
                out.append((f"{p.name}:{task.get('id')}", task["reference"]))
    return out


SHADERS = reference_shaders()
IDS = [n for n, _ in SHADERS]


def test_found_shaders():
    assert len(SHADERS) >= 4


@pytest.mark.parametrize("name,src", SHADERS, ids=IDS)
def test_tokens_preserved_and_idempotent(name, src):
    t = texts(src)
    out = format_code(t)
    assert texts(out) == t
    assert format_code(texts(out)) == out
    assert out.endswith("\n") and "\n\n\n" not in out and not any(ln != ln.rstrip() for ln in out.splitlines())


@pytest.mark.parametrize("tpl", ChromaticTemplate.all(), ids=lambda t: t.name)
def test_templates_are_already_canonical(tpl):
    assert format_code(texts(tpl.source)) == tpl.source


def test_formatted_references_stay_valid(wgpu_runtime):
    from tiny_agent_trainer.validation import validate

    checked = 0
    for name, src in SHADERS:
        if not validate(src).ok:
            continue  # only claims anything about valid input
        res = validate(format_code(texts(src)))
        assert res.ok, (name, [d.message for d in res.diagnostics])
        checked += 1
    assert checked >= 4


def test_layout():
    src = ("struct Params{factor:f32,n:u32}@group(0)@binding(0)var<storage,read>a:array<vec4<f32>>;"
           "@group(0)@binding(1)var<storage,read_write>out:array<f32>;"
           "@group(0)@binding(2)var<uniform>params:Params;"
           "@compute@workgroup_size(64)fn main(@builtin(global_invocation_id)gid:vec3<u32>){"
           "let i=gid.x;if(i>=arrayLength(&out)){return;}"
           "for(var k=0u;k<4u;k++){if k==2u{continue;}else{out[i]+=-a[i].x*f32(k);}}}")
    assert format_code(texts(src)) == """struct Params {
    factor: f32,
    n: u32
}

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&out)) {
        return;
    }
    for (var k = 0u; k < 4u; k++) {
        if k == 2u {
            continue;
        } else {
            out[i] += -a[i].x * f32(k);
        }
    }
}
"""


def test_unary_and_binary_operators():
    assert format_code(texts("let x=a- -b*(-c)&d;")) == "let x = a - -b * (-c) & d;\n"
    assert format_code(texts("let p=&v;*p=!q;")) == "let p = &v;\n*p = !q;\n"
    assert format_code(texts("let s=a<<2u>>1u;let c=a<b&&c>d;")) == "let s = a << 2u >> 1u;\nlet c = a < b && c > d;\n"


def test_tokens_that_would_merge_get_a_space():
    assert texts(format_code(["let", "x", "=", "-", "-", "y", ";"])) == ["let", "x", "=", "-", "-", "y", ";"]
    assert texts(format_code(["a", "+", "+", "b"])) == ["a", "+", "+", "b"]


def test_empty_and_invalid_input_does_not_crash():
    assert format_code([]) == ""
    for t in (["}", "}", ")", "{"], ["fn", "(", "(", ";", ";"], ["@", "@", "<", ">", ">"]):
        out = format_code(t)
        assert texts(out) == t


def test_format_source_drops_comments():
    assert format_source("let x = 1; // one\n/* two */") == "let x = 1;\n"


_PIECES = st.sampled_from(["fn", "f", "(", ")", "{", "}", "let", "x", "=", "1u", "2.0", ";", "<", ">", ">>",
                           "array", "vec4", "f32", ",", ":", "-", "*", "&", "!", "@", "if", "else", "return",
                           "for", "var", "struct", ".", "[", "]", "+", "++", "->", "_", "0x1p2", "a", "."])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_relex_property_on_lexer_output(pieces):
    # any token sequence the lexer produces (from arbitrary text) formats back to the same tokens
    src = " ".join(pieces)
    t = texts(src)
    assume(all(tok.kind != "error" for tok in tokenize(src)))
    assert texts(format_code(t)) == t
