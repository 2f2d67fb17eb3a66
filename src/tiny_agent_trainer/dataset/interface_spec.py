"""Interface sentences for synthetic prompts: since generator 2.9 about `SPEC_P` of the prompts also
spell out the shader's interface the way people write it when they care about the bindings
("Read-only inputs in this order: a, b; output out.", "Bindings: 0 = xs (read), 1 = ys (read_write).",
"Uniform Params fields: near (f32), far (f32)."), appended to the prompt or put before it.

Everything a sentence says is read from the shader itself (`@binding` order, access mode, array type,
the `Params` fields in order), so it is true by construction: it never adds a name the shader lacks,
never reorders bindings, and the only numbers it writes are binding indices and the count of uniform fields.
Buffers come in binding order, fields in struct order; workgroup arrays are not part of the interface and are never mentioned.

Deterministic: `maybe_specify(prompt, code, seed, key)` draws from an rng seeded by (seed, key, prompt),
separate from the generator's own rng, so turning it off leaves every other prompt byte-identical.
This module does NOT choose frames or wording of the operation (see `phrasing.py`), adds no surface
noise (see `augment.py`) and never edits the code.
"""
from __future__ import annotations

import random

from ..wgsl import names

SPEC_P = 0.15

_READ = ["read", "read-only", "input", "in"]
_WRITE = ["read_write", "output", "out", "read-write", "writable"]
_INPLACE = ["read_write, updated in place", "in/out", "read-write, in place"]
_ACCESS = {"<storage,read>": "read", "<storage,read_write>": "read_write"}


def interface(code: str) -> tuple[list[tuple[int, str, str, str]], str | None, list[tuple[str, str]]]:
    """(storage buffers as (binding, access, name, type) in binding order, the uniform struct's name or
    None, its fields as (name, type) in order), from `wgsl.names`."""
    binds, _ = names.interface(code)
    bufs = sorted((b, _ACCESS[space], name, typ) for b, space, name, typ in binds if space in _ACCESS)
    u = names.struct_of_uniform(code)
    return bufs, (u[1] if u else None), (u[2] if u else [])


def _elem(typ: str) -> str:
    """`array<f32>` -> `f32`, `array<atomic<u32>>` -> `atomic<u32>`."""
    return typ[len("array<"):-1]


def _join(items: list[str], rng: random.Random) -> str:
    if len(items) == 1:
        return items[0]
    if rng.random() < 0.5:
        return ", ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _buffer_part(bufs, has_uniform: bool, inplace: bool, tick, rng: random.Random) -> str:
    ins = [tick(n) for _, acc, n, _ in bufs if acc == "read"]
    outs = [tick(n) for _, acc, n, _ in bufs if acc == "read_write"]
    types = {t for *_, t in bufs}
    one_type = types.pop() if len(types) == 1 else None
    rw = rng.choice(_INPLACE) if inplace else rng.choice(_WRITE)
    rd = rng.choice(_READ)
    access = rng.random() < 0.6
    styles = [
        lambda: "Bindings: " + ", ".join(f"{b} = {tick(n)} ({rd if acc == 'read' else rw})" for b, acc, n, _ in bufs)
        + (f", {len(bufs)} = the uniform" if has_uniform and rng.random() < 0.5 else "") + ".",
        lambda: "Buffers: " + ", ".join(f"{tick(n)} ({rd if acc == 'read' else rw})" for _, acc, n, _ in bufs) + ".",
        lambda: ("Binding order: " + ", ".join(tick(n) for *_, n, _ in bufs)
                 + (", then the uniform" if has_uniform and rng.random() < 0.5 else "") + "."),
        lambda: "Storage buffers: " + ", ".join(f"{tick(n)}: {t}" + (f" ({rd if acc == 'read' else rw})"
                                                                     if access else "")
                                                for _, acc, n, t in bufs) + ".",
        lambda: "Bind " + ", then ".join(tick(n) for *_, n, _ in bufs) + ("." if len(bufs) > 1 else " at binding 0."),
    ]
    if ins and outs and not inplace:
        styles += [
            lambda: ("Read-only inputs in this order: " if len(ins) > 1 else "Read-only input: ") + ", ".join(ins)
            + "; output " + _join(outs, rng) + ".",
            lambda: "Inputs: " + ", ".join(ins) + ". Output: " + ", ".join(outs) + ".",
            lambda: ", ".join(ins) + " -> " + ", ".join(outs) + (f" (all {one_type})" if one_type else "") + ".",
        ]
        if one_type:
            elem = _elem(one_type)
            styles.append(lambda: f"{_join(ins, rng)} {'is a' if len(ins) == 1 else 'are'} read-only {elem} "
                                  f"{'buffer' if len(ins) == 1 else 'buffers'}, {_join(outs, rng)} the {elem} output.")
    elif inplace and outs:
        styles.append(lambda: (f"Read-only: {_join(ins, rng)}; " if ins else "") + f"{_join(outs, rng)} "
                              + ("is" if len(outs) == 1 else "are") + " read and written in place"
                              + (f" (all {one_type})" if one_type else "") + ".")
    if one_type and len(bufs) > 1:
        styles.append(lambda: f"{'Both' if len(bufs) == 2 else 'All buffers'} are {one_type}; bindings in order "
                              + ", ".join(tick(n) for *_, n, _ in bufs) + ".")
    return rng.choice(styles)()


def _uniform_part(struct: str, fields: list[tuple[str, str]], tick, rng: random.Random) -> str:
    names = [tick(n) for n, _ in fields]
    types = {t for _, t in fields}
    same = types.pop() if len(types) == 1 else None
    words = {"f32": "float", "u32": "u32", "i32": "i32"}
    styles = [
        lambda: f"Uniform {struct} fields: " + ", ".join(f"{tick(n)} ({t})" for n, t in fields) + ".",
        lambda: "uniform: " + ", ".join(f"{tick(n)}: {t}" for n, t in fields),
        lambda: f"{struct}(" + ", ".join(f"{tick(n)}: {t}" for n, t in fields) + ") is the uniform.",
        lambda: "The uniform holds " + (" then ".join(names) if len(names) > 1 else names[0]) + ".",
        lambda: "Uniform struct with fields " + ", ".join(f"{tick(n)}: {t}" for n, t in fields) + ".",
        lambda: ("Uniforms in order: " if len(names) > 1 else "Uniform: ") + ", ".join(names) + ".",
    ]
    if same and same in words:
        if len(fields) == 1:
            styles.append(lambda: f"The uniform struct has one {same} field {names[0]}.")
        else:
            styles.append(lambda: f"The uniform block holds {len(fields)} {words[same]}s: " + ", then ".join(names) + ".")
    return rng.choice(styles)()


def interface_sentence(code: str, rng: random.Random, inplace: bool = False) -> str:
    """One sentence (or two) describing the interface of `code` (`inplace`: its read_write buffers are also
    inputs); "" for a shader without storage buffers."""
    bufs, struct, fields = interface(code)
    if not bufs:
        return ""
    ticked = rng.random() < 0.35
    tick = (lambda n: f"`{n}`") if ticked else (lambda n: n)
    parts = [_buffer_part(bufs, struct is not None, inplace, tick, rng)]
    if fields and rng.random() < 0.85:
        parts.append(_uniform_part(struct, fields, tick, rng))
    return " ".join(parts)


def specify(prompt: str, code: str, rng: random.Random, inplace: bool = False) -> str:
    """`prompt` with an interface sentence appended (mostly) or put before it."""
    sentence = interface_sentence(code, rng, inplace)
    if not sentence:
        return prompt
    if rng.random() < 0.2:
        return sentence + " " + prompt
    text = prompt.rstrip()
    if text and text[-1] not in ".?!":
        text += "."
    return text + " " + sentence


def maybe_specify(prompt: str, code: str, seed: int, key: str, p: float = SPEC_P, inplace: bool = False) -> str:
    """`prompt` with an interface sentence for about a fraction `p` of (seed, key, prompt) triples."""
    rng = random.Random(f"spec/{seed}/{key}/{prompt}")
    if rng.random() >= p:
        return prompt
    return specify(prompt, code, rng, inplace)
