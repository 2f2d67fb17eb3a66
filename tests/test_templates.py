"""Chromatic templates: valid, follow the kernel conventions, match their NumPy references on the GPU."""
from __future__ import annotations

import numpy as np
import pytest

from tiny_agent_trainer.spec import parse_task
from tiny_agent_trainer.templates import ChromaticTemplate, match_template
from tiny_agent_trainer.wgsl.lexer import significant, tokenize

TEMPLATES = ChromaticTemplate.all()


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: t.name)
def test_conventions(tpl):
    src = tpl.source
    assert "@compute @workgroup_size(64)\nfn main(" in src
    assert "if (i >= arrayLength(&out))" in src
    assert tpl.wgsl == src
    # bindings in order: read inputs, then read_write outputs, then the uniform
    order = [b.access for b in tpl.buffers]
    assert order == sorted(order, key=["read", "read_write", "uniform"].index)
    assert [b.binding for b in tpl.buffers] == list(range(len(tpl.buffers)))
    for b in tpl.buffers:
        if b.access != "uniform":
            assert b.type == "array<vec4<f32>>"
            assert f"@binding({b.binding}) var<storage, {b.access}>" in src
        else:
            assert f"@binding({b.binding}) var<uniform>" in src
    # no reserved words as identifiers (`filter` is reserved in WGSL)
    assert not [t.text for t in significant(tokenize(src)) if t.kind in ("reserved", "error")]


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: t.name)
def test_task_round_trips_through_spec(tpl):
    task = tpl.task()
    assert task.id == f"chromatic_{tpl.name}" and task.category == "chromatic"
    again = parse_task(task.to_dict())
    assert again.buffers == task.buffers and again.reference == tpl.source


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: t.name)
def test_runs_on_gpu_like_numpy(tpl, wgpu_runtime):
    from tiny_agent_trainer.validation import validate

    assert validate(tpl.source, deep=True).ok
    task = tpl.task()
    for seed in (0, 1, 2):
        inputs, want = tpl.expected(seed)
        got = wgpu_runtime.run(tpl.source, task.buffers, inputs, task.threads)
        assert set(got) == set(want)
        for k in want:
            np.testing.assert_allclose(got[k], want[k], rtol=1e-5, atol=1e-6)


def test_reference_semantics():
    a = np.array([0.5, 0.6, 0.1, 0.3], np.float32)
    b = np.array([0.7, 0.2, 0.3, 0.9], np.float32)
    np.testing.assert_allclose(ChromaticTemplate.mix().reference({0: a, 1: b})[2], [1.0, 0.8, 0.4, 0.9])
    np.testing.assert_allclose(ChromaticTemplate.filter().reference({0: a, 1: b})[2], [0.0, 0.4, 0.0, 0.3],
                               atol=1e-7)
    np.testing.assert_allclose(ChromaticTemplate.complement().reference({0: a})[1], [0.5, 0.4, 0.9, 0.3])
    sat = ChromaticTemplate.saturate()
    uni = sat.task().make_inputs(0)[2]
    out = sat.reference({0: np.array([0.2, 0.5, 0.8, 1.0], np.float32), 2: uni})[1]
    np.testing.assert_allclose(out, [0.05, 0.5, 0.95, 1.0], rtol=1e-6)  # factor 1.5 around mean 0.5


@pytest.mark.parametrize("prompt,name", [
    ("Blend two colour buffers additively", "mix"),
    ("mix the RGBA colors a and b", "mix"),
    ("Add the colours of two images and clamp", "mix"),
    ("filter colour a through b", "filter"),
    ("subtract the rgb of b from a", "filter"),
    ("complementary colours of an image", "complement"),
    ("rotate the hue by 180 degrees", "complement"),
    ("invert green and blue of every pixel", "complement"),
    ("saturate the colors by a factor", "saturate"),
    ("make every colour more vivid", "saturate"),
])
def test_match_template(prompt, name):
    t = match_template(prompt)
    assert t is not None and t.name == name


@pytest.mark.parametrize("prompt", ["add arrays a and b", "sort the numbers", "", "compute a histogram"])
def test_no_match(prompt):
    assert match_template(prompt) is None


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: t.name)
def test_own_prompt_matches(tpl):
    assert match_template(tpl.prompt).name == tpl.name
