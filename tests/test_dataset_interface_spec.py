"""Interface sentences (`dataset/interface_spec.py`): what they say is read from the shader, in binding
and field order, they name nothing the shader lacks, they come for about SPEC_P of the prompts, and
`generate` adds them without touching any other prompt."""
from __future__ import annotations

import random
import re

from tiny_agent_trainer.dataset.families import all_variants
from tiny_agent_trainer.dataset.generate import generate
from tiny_agent_trainer.dataset.interface_spec import SPEC_P, interface, interface_sentence, maybe_specify

_TEMPLATE_WORDS = {
    "Bindings", "Buffers", "Binding", "order", "Storage", "buffers", "buffer", "Bind", "then", "at", "binding",
    "Read", "only", "read", "inputs", "input", "Inputs", "in", "this", "output", "Output", "out", "all", "is", "a", "are",
    "the", "Both", "All", "bindings", "write", "read_write", "updated", "place", "writable", "and", "written",
    "uniform", "Uniform", "fields", "Params", "holds", "struct", "with", "Uniforms", "has", "one", "field", "The",
    "block", "two", "three", "four", "floats", "u32s", "i32s", "float", "f32", "u32", "i32", "vec4", "vec2", "array",
    "atomic", "Read-only", "In", "rw", "read-only", "read-write", "in/out",
}

CODE = """struct Params {
    near_plane: f32,
    far_plane: f32,
}

@group(0) @binding(0) var<storage, read> raw_depth: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> depth_out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
var<workgroup> tile: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&depth_out)) { return; }
    depth_out[i] = clamp(raw_depth[i] + bias[i], params.near_plane, params.far_plane);
}
"""


def _positions(text: str, names: list[str]) -> list[int]:
    return [m.start() if (m := re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text)) else -1 for n in names]


def test_interface_is_read_in_binding_and_field_order():
    bufs, struct, fields = interface(CODE)
    assert [(b, acc, n) for b, acc, n, _ in bufs] == [(0, "read", "raw_depth"), (1, "read", "bias"),
                                                    (2, "read_write", "depth_out")]
    assert struct == "Params" and fields == [("near_plane", "f32"), ("far_plane", "f32")]
    assert interface("fn main() {}") == ([], None, [])


def test_sentences_name_buffers_and_fields_in_order_and_nothing_else():
    styles = set()
    for k in range(300):
        s = interface_sentence(CODE, random.Random(k))
        styles.add(re.sub(r"`?\w+`?", "w", s)[:12])
        pos = _positions(s, ["raw_depth", "bias", "depth_out"])
        assert all(p >= 0 for p in pos) and pos == sorted(pos), s
        fpos = _positions(s, ["near_plane", "far_plane"])
        assert fpos == sorted(fpos) and (fpos[0] >= 0) == (fpos[1] >= 0), s
        assert "tile" not in s
        words = set(re.findall(r"[A-Za-z_][\w-]*", s)) - _TEMPLATE_WORDS
        assert words <= {"raw_depth", "bias", "depth_out", "near_plane", "far_plane"}, (words, s)
        assert set(re.findall(r"\d+", s)) <= {"0", "1", "2", "3", "32", "4"}, s  # binding indices and type widths
    assert len(styles) >= 8, styles


def test_every_variant_gets_a_true_sentence():
    problems = []
    for v in all_variants():
        rng = random.Random(v.id)
        inst = v.draw(rng, True)
        bufs, _, fields = interface(inst.code)
        for k in range(3):
            s = interface_sentence(inst.code, random.Random(f"{v.id}/{k}"), inst.inplace)
            pos = _positions(s, [n for _, _, n, _ in bufs])
            if not bufs or min(pos) < 0 or pos != sorted(pos):
                problems.append(f"{v.id}: {s!r}")
            extra = set(re.findall(r"[A-Za-z_][\w-]*", s)) - _TEMPLATE_WORDS - {n for *_, n, _ in bufs} - \
                {n for n, _ in fields}
            if extra:
                problems.append(f"{v.id}: names {extra} in {s!r}")
    assert not problems, "\n".join(problems[:20])


def test_maybe_specify_is_deterministic_and_keeps_the_prompt():
    prompts = [f"Clamp the depth values, take {k}." for k in range(2000)]
    a = [maybe_specify(p, CODE, 3, "parametric/clamp") for p in prompts]
    assert a == [maybe_specify(p, CODE, 3, "parametric/clamp") for p in prompts]
    changed = [(p, x) for p, x in zip(prompts, a) if x != p]
    assert abs(len(changed) / len(prompts) - SPEC_P) < 0.03
    assert all(p in x for p, x in changed)
    assert any(x.startswith(p) for p, x in changed) and any(x.endswith(p) for p, x in changed)
    assert all(maybe_specify(p, CODE, 3, "k", p=0.0) == p for p in prompts[:50])
    assert all(maybe_specify(p, CODE, 3, "k", p=1.0) != p for p in prompts[:50])
    assert maybe_specify("Do nothing.", "fn main() {}", 3, "k", p=1.0) == "Do nothing."


def test_generate_adds_sentences_and_leaves_other_prompts_alone():
    plain = generate(500, seed=7, spec_p=0.0)
    spec = generate(500, seed=7)
    assert [p.inst.code for p in plain] == [p.inst.code for p in spec]
    differ = [(a.prompt, b.prompt) for a, b in zip(plain, spec) if a.prompt != b.prompt]
    assert 0.08 < len(differ) / 500 < 0.25
    for a, b in differ:
        assert a.rstrip(".") in b, (a, b)
