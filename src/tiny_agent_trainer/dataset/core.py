"""Core of the synthetic generator: the canonical WGSL emitter, drawn task instances, and the
table-driven element-wise operation (`MapOp`) that most families are made of.

A *variant* (e.g. `unary/relu`) is one operation; `Variant.draw(rng, named)` returns an `Instance`:
concrete WGSL code written in the ONE canonical style of the kernel conventions, its buffer spec,
dispatch grid, tolerances, a NumPy oracle snippet (same format as the curated files, run by
`dataset.oracle.run_oracle`), and phrase fragments with placeholders for the prompt grammar
(`phrasing.py` turns them into sentences). Code varies only in names, constants and workgroup size.
This module does NOT choose phrasings, verify on the GPU, or split data.
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from ..spec import BufferSpec
from . import naming as nm

COUNTS_1D = (256, 500, 777, 1000, 1024, 2048)


@dataclass
class Slot:
    """How a placeholder is written in a prompt: first mention, later mentions."""
    first: str
    later: str
    uniform: bool = False  # a uniform parameter (the prompt must say so somewhere)
    says_uniform: bool = False  # the first mention already says it is a parameter/uniform


@dataclass
class Instance:
    variant: str
    family: str
    category: str
    code: str
    buffers: tuple[BufferSpec, ...]
    threads: tuple[int, ...]
    oracle: str
    rtol: float
    atol: float
    slots: dict[str, Slot]
    forms: dict[str, list[str]]  # vp (imperative verb phrase), np (noun phrase), el (element words), fx (formula)
    named: bool
    out_named: bool  # the output must be named in the prompt
    inplace: bool = False
    meta: dict = field(default_factory=dict)


class Variant:
    id: str
    family: str
    category: str
    weight: float = 1.0

    def draw(self, rng: random.Random, named: bool) -> Instance:  # pragma: no cover - interface
        raise NotImplementedError


# ------------------------------------------------------------------ canonical WGSL
def emit(bufs: list[tuple[str, str, str]], params: list[tuple[str, str]], body: list[str],
         wg: tuple[int, ...] = (64,), shared: list[str] = (), header: list[str] | None = None) -> str:
    """One kernel in the canonical style. `bufs` = (access, name, type) in binding order."""
    lines: list[str] = []
    if params:
        lines.append("struct Params {")
        lines += [f"    {n}: {t}," for n, t in params]
        lines += ["}", ""]
    for k, (acc, name, typ) in enumerate(bufs):
        space = "storage, read" if acc == "read" else "storage, read_write"
        lines.append(f"@group(0) @binding({k}) var<{space}> {name}: {typ};")
    if params:
        lines.append(f"@group(0) @binding({len(bufs)}) var<uniform> params: Params;")
    lines.append("")
    if shared:
        lines += list(shared) + [""]
    lines.append(f"@compute @workgroup_size({', '.join(str(w) for w in wg)})")
    lines.append("fn main(@builtin(global_invocation_id) gid: vec3<u32>) {")
    lines += ["    " + ln if ln else "" for ln in (header or [])]
    lines += ["    " + ln if ln else "" for ln in body]
    lines.append("}")
    return "\n".join(lines) + "\n"


def guard_1d(name: str) -> list[str]:
    return ["let i = gid.x;", f"if (i >= arrayLength(&{name})) {{ return; }}"]


def guard_2d(w: str, h: str) -> list[str]:
    return ["let col = gid.x;", "let row = gid.y;",
            f"if (col >= params.{w} || row >= params.{h}) {{ return; }}"]


def storage(binding: int, access: str, typ: str, count: int, fill: str) -> BufferSpec:
    return BufferSpec(binding, access, typ, count, fill)


def uniform_spec(binding: int, scalars: list[str], values: list[float]) -> BufferSpec:
    vals = tuple(int(v) if s != "f32" else float(v) for s, v in zip(scalars, values))
    return BufferSpec(binding, "uniform", scalars=tuple(scalars), values=vals)


def stable_choice(seq, *keys: str):
    """A choice that depends only on `keys` (so equal code gets equal sizes: verification cache hits)."""
    h = zlib.crc32("\x00".join(keys).encode())
    return seq[h % len(seq)]


# ------------------------------------------------------------------ mentions
_NAMED_FORMS = ["{n}", "{n}", "{n}", "`{n}`", "the array {n}", "the buffer {n}", "array {n}", "the input {n}"]
_NAMED_OUT = ["{n}", "{n}", "`{n}`", "the array {n}", "the output {n}", "the buffer {n}", "output {n}"]
_UNIFORM_PREFIX = [("the parameter ", True), ("a uniform ", True), ("the uniform ", True), ("the given ", True),
                   ("a configurable ", True), ("the scalar parameter ", True), ("a parameter ", True), ("", False),
                   ("", False)]


def buffer_slot(rng: random.Random, name: str, named: bool, generic: list[str], out: bool = False,
                forms: list[str] | None = None) -> Slot:
    if named:
        form = rng.choice(forms or (_NAMED_OUT if out else _NAMED_FORMS))
        if ("input" in form and ("in" in name or out)) or ("output" in form and "out" in name):
            form = "{n}"
        return Slot(form.format(n=name), name)
    g = rng.choice(generic)
    return Slot(g, g)


def param_slot(rng: random.Random, name: str, uniform: bool, text: str = "") -> Slot:
    """A parameter: a uniform field (`name`), or a constant written as `text` in the prompt."""
    if not uniform:
        return Slot(text, text)
    prefix, says = rng.choice(_UNIFORM_PREFIX)
    return Slot(prefix + name, name, uniform=True, says_uniform=says)


EACH = ["each element", "every element", "each value", "every value", "each entry", "all elements",
        "every number", "each item"]


@dataclass
class ParamDef:
    """A scalar of an operation: a uniform field (pool of names, values) or a prompt constant."""
    key: str  # placeholder: K, K2, ...
    names: list  # name pool
    values: list  # uniform values / constant texts
    scalar: str = "f32"
    # a tuple (lo/hi, x/y/z): `key` is "K,K2" (or "K,K2,K3"), names and values are tuples of that length


@dataclass
class MapOp(Variant):
    """An element-wise operation `out[i] = f(in0[i], in1[i], params)` (or in place)."""
    id: str
    family: str
    category: str
    nin: int
    expr: str  # WGSL with {a} {b} (element refs like x[i]) and {K} {K2}
    oracle: str  # NumPy with {A} {B} {O} (buffer names) and {K} {K2}
    fill: tuple[str, ...] = ("uniform(-1,1)",)
    params: tuple[ParamDef, ...] = ()
    mode: str = "none"  # none | uniform | const
    elem: str = "f"  # f (f32) | c (vec4<f32> colour) | u (u32)
    inplace: bool = False
    fn: tuple[str, ...] = ()  # names of the function, substituted for {fn} in phrases
    vp: tuple[str, ...] = ()
    np_: tuple[str, ...] = ()
    el: tuple[str, ...] = ()
    fx: tuple[str, ...] = ()
    rtol: float = 1e-4
    atol: float = 1e-5
    pre: tuple[str, ...] = ()  # WGSL statements before the store (colour ops), same placeholders
    accumulate: bool = False  # the output is also read: {o} in expr, fill of the output is random
    weight: float = 1.0

    def _types(self):
        return {"f": ("array<f32>", "f32"), "c": ("array<vec4<f32>>", "f32"), "u": ("array<u32>", "u32")}[self.elem]

    def _pools(self):
        if self.elem == "c":
            return nm.C_IN, nm.C_PAIRS, nm.C_OUT, ("src",), ("a", "b")
        if self.elem == "u":
            return nm.U_IN, nm.U_PAIRS, nm.U_OUT, ("x",), ("a", "b")
        return nm.F_IN, nm.F_PAIRS, nm.F_OUT, ("x",), ("a", "b")

    def _acc_pool(self):
        """Names of the output of an accumulating op (it is also read); the first is the unnamed default."""
        return ["y", "acc", "total", "dst", "out"]

    def _out_type(self):
        """Type of the output buffer (the inputs' type unless a subclass converts)."""
        return self._types()[0]

    def draw(self, rng: random.Random, named: bool) -> Instance:
        ins_pool, pair_pool, out_pool, d1, d2 = self._pools()
        if named:
            ins = [nm.pick(rng, ins_pool)] if self.nin == 1 else list(nm.pick(rng, pair_pool))
            out = nm.pick(rng, out_pool, avoid=ins) if not self.inplace else ins[0]
            if self.accumulate:
                out = nm.pick(rng, self._acc_pool(), avoid=ins)
        else:
            ins = list(d1) if self.nin == 1 else list(d2)
            out = ins[0] if self.inplace else (self._acc_pool()[0] if self.accumulate else "out")
        typ, _ = self._types()
        used = set(ins) | {out}
        slots: dict[str, Slot] = {}
        fields: list[tuple[str, str]] = []
        values: list[float] = []
        wsub: dict[str, str] = {}
        osub: dict[str, str] = {}
        for p in self.params:
            keys = p.key.split(",")
            if self.mode == "uniform":
                if len(keys) > 1:
                    pnames = list(nm.pick(rng, p.names, avoid=used | nm.RESERVED))
                    vals = list(rng.choice(p.values))
                else:
                    pnames = [nm.pick(rng, p.names, avoid=used | nm.RESERVED)]
                    vals = [nm.uniform_value(rng, p.values)]
                for key, pname, val in zip(keys, pnames, vals):
                    used.add(pname)
                    fields.append((pname, p.scalar))
                    values.append(val)
                    wsub[key] = f"params.{pname}"
                    osub[key] = pname
                    slots[key] = param_slot(rng, pname, True)
            else:
                if len(keys) > 1:
                    texts = [str(t) for t in rng.choice(p.values)]
                else:
                    texts = [nm.num_text(rng, p.values)[0]]
                for key, text in zip(keys, texts):
                    lit = nm.u32_lit(text) if p.scalar == "u32" else nm.f32_lit(text)
                    wsub[key] = lit
                    osub[key] = f"np.uint32({text})" if p.scalar == "u32" else f"np.float32({text})"
                    slots[key] = param_slot(rng, "", False, text)
        # element references
        refs = {"a": f"{ins[0]}[i]", "b": f"{ins[1]}[i]" if self.nin > 1 else "", "o": f"{out}[i]"}
        if self.elem == "c" and self.pre:
            refs = {"a": "c", "b": "d"}
        expr = self.expr.format(**refs, **wsub)
        body = [ln.format(A=ins[0], B=ins[1] if self.nin > 1 else "", **wsub) for ln in self.pre]
        body.append(f"{out}[i] = {expr};")
        wg = (rng.choice((64, 64, 128, 256)),)
        bufs = [("read", n, typ) for n in (ins if not self.inplace else [])] + [("read_write", out, self._out_type())]
        code = emit(bufs, fields, body, wg, header=guard_1d(out))
        count = stable_choice(COUNTS_1D, code)
        specs = []
        fills = list(self.fill) * 2
        for k, (acc, n, t) in enumerate(bufs):
            f = fills[k] if acc == "read" or self.inplace or self.accumulate else "zeros"
            specs.append(storage(k, acc, t, count, f))
        if fields:
            specs.append(uniform_spec(len(bufs), [t for _, t in fields], values))
        oracle = self.oracle.format(A=ins[0], B=ins[1] if self.nin > 1 else "", O=out, **osub)
        # prompt slots
        gen1 = {"f": ["the input", "the input array", "the array", "the input buffer", "the data"],
                "c": ["the image", "the input colors", "the pixels", "the input image", "the colors"],
                "u": ["the input", "the input array", "the u32 values", "the integers"]}[self.elem]
        if self.nin == 1:
            slots["X"] = buffer_slot(rng, ins[0], named, gen1)
        else:
            slots["X"] = buffer_slot(rng, ins[0], named, ["the first array", "the first input"]
                                     if self.elem != "c" else ["the first image", "the first color buffer"])
            slots["Y"] = buffer_slot(rng, ins[1], named, ["the second array", "the second input"]
                                     if self.elem != "c" else ["the second image", "the second color buffer"])
            slots["yi"] = Slot(f"{ins[1]}[i]", f"{ins[1]}[i]")
        slots["xi"] = Slot(f"{ins[0]}[i]", f"{ins[0]}[i]")
        slots["O"] = buffer_slot(rng, out, True, [], out=True)
        slots["EACH"] = Slot(*(2 * [rng.choice(EACH if self.elem != "c" else ["each pixel", "every pixel",
                                                                              "each color", "every texel"])]))
        fn = rng.choice(self.fn) if self.fn else ""
        forms = {k: [s.replace("{fn}", fn) for s in v] for k, v in
                 (("vp", self.vp), ("np", self.np_), ("el", self.el), ("fx", self.fx)) if v}
        return Instance(self.id, self.family, self.category, code, tuple(specs), (count,), oracle,
                        self.rtol, self.atol, slots, forms, named, out_named=named and not self.inplace,
                        inplace=self.inplace)
