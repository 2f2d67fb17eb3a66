"""Hand-written "chromatic" WGSL templates: colour operations on RGBA buffers, with NumPy references.

Colours are `array<vec4<f32>>` in (r, g, b, a) order (kernel conventions, rule 3). Semantics:

- `mix`        additive coherence: `out.rgb = clamp(a.rgb + b.rgb, 0, 1)`, `out.a = max(a.a, b.a)`;
- `filter`     subtractive distinction: `out.rgb = max(a.rgb - b.rgb, 0)`, `out.a = a.a`;
- `complement` 180 degree hue rotation, approximated by inverting green and blue: `(r, 1-g, 1-b, a)`;
- `saturate`   scale each colour's distance from its channel mean by the uniform `factor`:
               `m = (r+g+b)/3; out.rgb = m + (rgb - m) * factor` (no clamping), `out.a = a`.

Each `Template` has its WGSL source (bindings: inputs `read`, then outputs `read_write`, then the
uniform; entry `main`; `@workgroup_size(64)`; index guard), its buffers as a `spec.Task` (so it
can be executed and judged like any benchmark task) and a NumPy reference. `match_template(prompt)`
picks one by keywords. This module does NOT generate code for other prompts (that is the model).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .spec import BufferSpec, Task

COUNT = 1000  # pixels per test dispatch: not a multiple of 64, so the index guard matters
_RGBA = "array<vec4<f32>>"

_HEADER = "@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
_GUARD = "    let i = gid.x;\n    if (i >= arrayLength(&out)) {\n        return;\n    }\n"


def _binding(n: int, access: str, name: str) -> str:
    return f"@group(0) @binding({n}) var<storage, {access}> {name}: {_RGBA};\n"


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    prompt: str  # an English description this template answers
    source: str
    buffers: tuple[BufferSpec, ...]
    reference: Callable[[dict[int, np.ndarray]], dict[int, np.ndarray]]
    keywords: tuple[str, ...] = ()
    threads: tuple[int, ...] = (COUNT,)

    @property
    def wgsl(self) -> str:
        """The WGSL source (alias of `source`)."""
        return self.source

    def task(self) -> Task:
        """The template as an executable benchmark task (its own source is the reference shader)."""
        return Task(id=f"chromatic_{self.name}", category="chromatic", prompt=self.prompt,
                    threads=self.threads, reference=self.source, buffers=self.buffers,
                    extra={"family": "chromatic"})

    def expected(self, seed: int = 0) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
        """(inputs, expected read_write buffers) for one trial."""
        inputs = self.task().make_inputs(seed)
        return inputs, self.reference(inputs)


def _rgba(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, np.float32).reshape(-1, 4)


def _mix_ref(inp: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    a, b = _rgba(inp[0]), _rgba(inp[1])
    out = np.empty_like(a)
    out[:, :3] = np.clip(a[:, :3] + b[:, :3], 0.0, 1.0)
    out[:, 3] = np.maximum(a[:, 3], b[:, 3])
    return {2: out.reshape(-1)}


def _filter_ref(inp: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    a, b = _rgba(inp[0]), _rgba(inp[1])
    out = a.copy()
    out[:, :3] = np.maximum(a[:, :3] - b[:, :3], 0.0)
    return {2: out.reshape(-1)}


def _complement_ref(inp: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    c = _rgba(inp[0])
    out = c.copy()
    out[:, 1:3] = np.float32(1.0) - c[:, 1:3]
    return {1: out.reshape(-1)}


def _saturate_ref(inp: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    c = _rgba(inp[0])
    factor = np.frombuffer(np.asarray(inp[2], np.uint8).tobytes()[:4], np.float32)[0]
    mean = (c[:, 0] + c[:, 1] + c[:, 2]) / np.float32(3.0)
    out = c.copy()
    out[:, :3] = mean[:, None] + (c[:, :3] - mean[:, None]) * factor
    return {1: out.reshape(-1)}


def _buf(binding: int, access: str) -> BufferSpec:
    return BufferSpec(binding, access, _RGBA, COUNT, "uniform(0,1)" if access == "read" else "zeros")


class ChromaticTemplate:
    """Factory of the four chromatic templates."""

    @classmethod
    def mix(cls) -> Template:
        src = (_binding(0, "read", "a") + _binding(1, "read", "b") + _binding(2, "read_write", "out") + "\n"
               + _HEADER + _GUARD
               + "    let rgb = clamp(a[i].rgb + b[i].rgb, vec3<f32>(0.0), vec3<f32>(1.0));\n"
               + "    out[i] = vec4<f32>(rgb, max(a[i].a, b[i].a));\n}\n")
        return Template(
            "mix", "additive coherence: out.rgb = clamp(a.rgb + b.rgb, 0, 1), out.a = max(a.a, b.a)",
            "Mix the RGBA colours a and b additively: add the colour channels and clamp them to [0, 1], "
            "keep the larger alpha.",
            src, (_buf(0, "read"), _buf(1, "read"), _buf(2, "read_write")), _mix_ref,
            ("mix", "blend", "additive", "coheren", "combine", "add", "sum"))

    @classmethod
    def filter(cls) -> Template:
        src = (_binding(0, "read", "a") + _binding(1, "read", "b") + _binding(2, "read_write", "out") + "\n"
               + _HEADER + _GUARD
               + "    out[i] = vec4<f32>(max(a[i].rgb - b[i].rgb, vec3<f32>(0.0)), a[i].a);\n}\n")
        return Template(
            "filter", "subtractive distinction: out.rgb = max(a.rgb - b.rgb, 0), out.a = a.a",
            "Filter the RGBA colours a through b subtractively: subtract b's colour channels from a's, "
            "clamp at zero, keep a's alpha.",
            src, (_buf(0, "read"), _buf(1, "read"), _buf(2, "read_write")), _filter_ref,
            ("filter", "subtractive", "distinction", "subtract", "remove", "difference"))

    @classmethod
    def complement(cls) -> Template:
        src = (_binding(0, "read", "color") + _binding(1, "read_write", "out") + "\n"
               + _HEADER + _GUARD
               + "    let c = color[i];\n"
               + "    out[i] = vec4<f32>(c.r, 1.0 - c.g, 1.0 - c.b, c.a);\n}\n")
        return Template(
            "complement", "180 degree hue rotation, approximated by inverting green and blue: (r, 1-g, 1-b, a)",
            "Complement each RGBA colour (rotate its hue by 180 degrees) by inverting the green and blue "
            "channels; red and alpha are kept.",
            src, (_buf(0, "read"), _buf(1, "read_write")), _complement_ref,
            ("complement", "complementary", "opposite", "hue", "180", "rotate", "invert"))

    @classmethod
    def saturate(cls) -> Template:
        src = ("struct Params {\n    factor: f32,\n}\n\n"
               + _binding(0, "read", "color") + _binding(1, "read_write", "out")
               + "@group(0) @binding(2) var<uniform> params: Params;\n\n"
               + _HEADER + _GUARD
               + "    let c = color[i];\n"
               + "    let mean = (c.r + c.g + c.b) / 3.0;\n"
               + "    out[i] = vec4<f32>(vec3<f32>(mean) + (c.rgb - vec3<f32>(mean)) * params.factor, c.a);\n}\n")
        uni = BufferSpec(2, "uniform", scalars=("f32",), values=(1.5,))
        return Template(
            "saturate", "scale each colour's distance from its channel mean by `factor`, alpha kept",
            "Saturate each RGBA colour by the uniform factor: move r, g and b away from their mean by "
            "that factor, keeping alpha.",
            src, (_buf(0, "read"), _buf(1, "read_write"), uni), _saturate_ref,
            ("saturat", "vivid", "intensif", "desaturat", "vibran", "grey", "gray"))

    @classmethod
    def all(cls) -> list[Template]:
        return [cls.mix(), cls.filter(), cls.complement(), cls.saturate()]


_CONTEXT = re.compile(r"\b(colou?rs?|rgba?|pixels?|chromatic|hue|image|channels?|palette|paint|light)\b", re.I)
_STRONG = {"mix", "blend", "additive", "coheren", "filter", "subtractive", "distinction", "complement",
           "complementary", "saturat", "desaturat", "vivid", "vibran"}


def match_template(prompt: str) -> Template | None:
    """The chromatic template whose keywords best match `prompt`, or None.

    Distinctive words (mix, blend, filter, complement, saturate, ...) count on their own; generic ones
    (add, subtract, invert, ...) only when the prompt is about colours (colour, RGB, pixel, hue, ...).
    """
    words = re.findall(r"[a-z0-9]+", prompt.lower())
    context = bool(_CONTEXT.search(prompt))
    best, best_score = None, 0
    for tpl in ChromaticTemplate.all():
        score = 0
        for kw in tpl.keywords:
            if any(w.startswith(kw) for w in words):
                score += 2 if kw in _STRONG else (1 if context else 0)
        if score > best_score:
            best, best_score = tpl, score
    return best
