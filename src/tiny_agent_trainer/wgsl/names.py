"""Interface-level renaming of WGSL shaders: rename identifier tokens, read a shader's interface
(bindings and uniform-struct fields), and give one shader another's names when the two interfaces
match in everything but names (`adopt_names`), tell an in-place update from a map (`reads_an_output`), and
rewrite an in-place update into a map that writes a new output buffer (`separate_output`); whether a shader
uses its uniform (`uses_uniform`) and writes a single result (`stores_to_element_0`); rename a uniform struct's
fields (`rename_fields`) and mend a read of the output where an unread input was meant (`read_unused_input`).

Used by inference (a retrieved training shader takes the names of the model's candidate) and by
training (a reviewer's negative example: another training shader with this one's names).
This module does NOT validate, and renames only whole lexer tokens (never inside comments).
"""
from __future__ import annotations

import re

from .lexer import Token, significant, tokenize


def substitute_tokens(code: str, kinds: tuple[str, ...], mapping: dict[str, str]) -> str:
    """`code` with every lexer token of one of `kinds` whose text is in `mapping` replaced, all at once."""
    parts, last = [], 0
    for t in tokenize(code):
        if t.kind in kinds and t.text in mapping:
            parts.append(code[last:t.start])
            parts.append(mapping[t.text])
            last = t.end
    parts.append(code[last:])
    return "".join(parts)


def rename(code: str, old: str, new: str) -> str:
    """`code` with every identifier token `old` replaced by `new` (comments and other words untouched)."""
    return rename_many(code, {old: new})


def rename_many(code: str, mapping: dict[str, str]) -> str:
    """Every identifier token renamed by `mapping` at once (so a -> b, b -> a swaps)."""
    return substitute_tokens(code, ("ident", "reserved"), mapping)


def uniform_declaration(code: str) -> tuple[re.Match, re.Match | None] | None:
    """The matches of the shader's `var<uniform> NAME: TYPE` (groups: name, type) and of its struct's body (group 1:
    the fields' text; None when no struct of that name is declared); None for a shader without a uniform."""
    m = re.search(r"var<uniform>\s+(\w+)\s*:\s*(\w+)", code)
    if not m:
        return None
    return m, re.search(r"struct\s+%s\s*\{([^}]*)\}" % re.escape(m.group(2)), code)


def struct_of_uniform(code: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(uniform variable, struct name, fields as (name, type)) of the shader's uniform struct, if any."""
    u = uniform_declaration(code)
    if u is None or u[1] is None:
        return None
    m, body = u
    return m.group(1), m.group(2), [(n, t.strip()) for n, t in re.findall(r"(\w+)\s*:\s*([^,}]+)", body.group(1))]


_BINDING = re.compile(r"@binding\((\d+)\)\s*var(<[^>]*>)?\s+(\w+)\s*:\s*([^;]+);")


def interface(code: str) -> tuple[list[tuple[int, str, str, str]], list[tuple[str, str]]]:
    """(bindings as (binding, address space/access, name, type), uniform struct fields as (name, type))."""
    binds = [(int(m.group(1)), re.sub(r"\s", "", m.group(2) or ""), m.group(3), re.sub(r"\s", "", m.group(4)))
             for m in _BINDING.finditer(code)]
    u = struct_of_uniform(code)
    return binds, (u[2] if u is not None else [])


def indexed_uses(sig: list[Token], names: set[str]) -> list[tuple[int, int]]:
    """(index of the name, index of the token after its accessors: `=`, `+=`, `;`, `*`...; `len(sig)` at the
    end) in the significant tokens `sig`, for every `name[...]` use of one of `names`."""
    out = []
    for n, t in enumerate(sig):
        if t.kind != "ident" or t.text not in names or n + 1 >= len(sig) or sig[n + 1].text != "[" or \
                n and sig[n - 1].text == ".":  # `v.x[0]` is a member named like the buffer
            continue
        j = n + 1
        while j < len(sig) and sig[j].text in ("[", "."):  # past `[i]`, `[k]`, `.x` accessors
            if sig[j].text == ".":
                j += 2
                continue
            depth = 0
            while j < len(sig):
                depth += {"[": 1, "]": -1}.get(sig[j].text, 0)
                j += 1
                if depth == 0:
                    break
        out.append((n, j))
    return out


def storage_outputs(code: str) -> set[str]:
    """Names of the shader's `read_write` storage buffers that are not atomic."""
    return {name for _, acc, name, typ in interface(code)[0]
            if acc.rstrip(">").endswith(",read_write") and "atomic" not in typ}


def _after(sig: list[Token], j: int) -> str:
    return sig[j].text if j < len(sig) else ""


_COMPOUND = frozenset(("+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"))


def reads_an_output(code: str) -> bool:
    """Whether some `read_write` storage buffer is read in the shader, not only assigned to (`x[i] *= 2.0`,
    `x[i] = f(x[i])`): the mark of an in-place update. Atomic buffers and `arrayLength(&out)` do not count."""
    sig = significant(tokenize(code))
    return any(_after(sig, j) != "=" for _, j in indexed_uses(sig, storage_outputs(code)))


def read_unused_input(code: str) -> str | None:
    """The model's wrong-buffer slip mended: when exactly one read-only storage input is never indexed and the one
    `read_write` output of the same type is read (`acc + total[i]` where `vals` was meant), those reads of the
    output (not its stores, not `arrayLength`) read the input instead; None when the shader is not such a case
    (a compound update `out[i] += ...` reads and writes at once: left alone)."""
    binds = interface(code)[0]
    ins = [(n, t) for _, a, n, t in binds if a == "<storage,read>"]
    outs = [(n, t) for _, a, n, t in binds if a.rstrip(">").endswith(",read_write") and "atomic" not in t]
    sig = significant(tokenize(code))
    unused = [(n, t) for n, t in ins if not indexed_uses(sig, {n})]
    if len(unused) != 1 or len(outs) != 1 or unused[0][1] != outs[0][1]:
        return None
    uses = indexed_uses(sig, {outs[0][0]})
    if any(_after(sig, j) in _COMPOUND for _, j in uses):
        return None
    reads = [sig[n] for n, j in uses if _after(sig, j) != "="]
    if not reads:
        return None
    parts, last = [], 0
    for t in reads:
        parts += [code[last:t.start], unused[0][0]]
        last = t.end
    return "".join(parts) + code[last:]


def uses_uniform(code: str) -> bool:
    """Whether `code` uses a uniform: one that is declared and named again (an unused declaration is dead
    code that binds nothing the caller must pass)."""
    names = [n for _, acc, n, _ in interface(code)[0] if acc.startswith("<uniform")]
    if not names:
        return False
    idents = [t.text for t in significant(tokenize(code)) if t.kind == "ident"]
    return any(idents.count(n) > 1 for n in names)


def stores_to_element_0(code: str) -> bool:
    """Whether element 0 of some `read_write` storage buffer (atomic or not) is written: `out[0] = ...`,
    `out[0u] += ...`, `atomicAdd(&out[0], ...)` (a single result, not one element per invocation)."""
    outs = {name for _, acc, name, _ in interface(code)[0] if acc.rstrip(">").endswith(",read_write")}
    sig = significant(tokenize(code))
    return any(sig[n + 2].text in ("0", "0u", "0i") and sig[n + 3].text == "]"
               and (_after(sig, j) == "=" or _after(sig, j) in _COMPOUND or n and sig[n - 1].text == "&")
               for n, j in indexed_uses(sig, outs))


def separate_output(code: str, out: str) -> str | None:
    """An in-place shader (one `read_write` storage buffer `x`, no other storage buffer) rewritten to read `x`
    and write a new output buffer `out` of the same type, bound right after `x` (later bindings move up by
    one): every `x[...] = ...` store and `arrayLength(&x)` now name `out`. None when `code` is not such a
    shader, already uses the name `out`, or updates `x` with a compound assignment (`x[i] += ...`)."""
    binds, _ = interface(code)
    storage = [(b, acc, name, typ) for b, acc, name, typ in binds if acc.startswith("<storage")]
    if len(storage) != 1:
        return None
    b0, acc, x, typ = storage[0]
    toks = tokenize(code)
    sig = significant(toks)
    if not acc.rstrip(">").endswith(",read_write") or "atomic" in typ or x == out or \
            any(t.kind in ("ident", "reserved") and t.text == out for t in sig):
        return None
    uses = [(n, _after(sig, j)) for n, j in indexed_uses(sig, {x})]
    if not any(after == "=" for _, after in uses) or any(after in _COMPOUND for _, after in uses):
        return None
    targets = {sig[n].start for n, after in uses if after == "="}
    for n in range(len(sig) - 3):  # arrayLength(&x) -> arrayLength(&out)
        if sig[n].text == "arrayLength" and sig[n + 1].text == "(" and sig[n + 2].text == "&" and sig[n + 3].text == x:
            targets.add(sig[n + 3].start)
    parts, last = [], 0
    for t in toks:
        if t.start in targets and t.text == x:
            parts += [code[last:t.start], out]
            last = t.end
    body = "".join(parts) + code[last:]

    def shift(m: re.Match) -> str:
        k = int(m.group(1))
        return f"@binding({k + 1})" if k > b0 else m.group(0)

    body = re.sub(r"@binding\((\d+)\)", shift, body)
    decl = re.compile(r"(@binding\(%d\)\s*var<\s*storage\s*,\s*)read_write(\s*>\s*%s\s*:[^;]*;)" % (b0, re.escape(x)))
    m = decl.search(body)
    if m is None:
        return None
    line_start = body.rfind("\n", 0, m.start()) + 1
    prefix = body[line_start:m.start()]  # `@group(0) ` before the binding
    new_decl = f"{m.group(1)}read{m.group(2)}\n{prefix}@binding({b0 + 1}) var<storage, read_write> {out}: {typ};"
    return body[:m.start()] + new_decl + body[m.end():]


def _rename_interface(code: str, sig: list[Token], buffers: dict[str, str], fields: dict[str, str]) -> str:
    """`code` (whose significant tokens are `sig`) with buffer names renamed where they are names (not
    after a `.`: `gid.x` keeps its `x` when a buffer `x` is renamed) and uniform fields renamed where
    they are fields (after `<uniform variable>.`, and as declarations inside the uniform struct)."""
    u = struct_of_uniform(code)
    uvar, utype = (u[0], u[1]) if u else (None, None)
    parts, last = [], 0
    in_struct = False
    for n, t in enumerate(sig):
        prev = sig[n - 1].text if n else ""
        prev2 = sig[n - 2].text if n > 1 else ""
        nxt = sig[n + 1].text if n + 1 < len(sig) else ""
        if t.text == "{" and prev == utype and prev2 == "struct":
            in_struct = True
        elif t.text == "}":
            in_struct = False
        if t.kind not in ("ident", "reserved"):
            continue
        new = None
        if prev == ".":
            if prev2 == uvar and t.text in fields:
                new = fields[t.text]
        elif in_struct and nxt == ":" and t.text in fields:
            new = fields[t.text]
        elif t.text in buffers:
            new = buffers[t.text]
        if new is not None:
            parts += [code[last:t.start], new]
            last = t.end
    parts.append(code[last:])
    return "".join(parts)


def rename_fields(code: str, names: list[str]) -> str | None:
    """`code` with its uniform struct's fields renamed, in order, to `names` (declarations and `<uniform>.field`
    accesses); None when the struct has another number of fields or `names` repeats one."""
    u = struct_of_uniform(code)
    if u is None or len(u[2]) != len(names) or len(set(names)) != len(names):
        return None
    fields = {old: new for (old, _), new in zip(u[2], names) if old != new}
    return _rename_interface(code, significant(tokenize(code)), {}, fields) if fields else code


def adopt_names(code: str, donor: str) -> str | None:
    """`code` with its buffer and uniform-field names replaced by `donor`'s, binding by binding and
    field by field, when the two interfaces match in everything but names; None when they do not match
    or a new name would clash with a builtin `code` uses. A local declaration of `code` that holds a new name
    (a workgroup array `partial` when the buffer becomes `partial`) is renamed first (`partial_tmp`). Member
    accesses are not buffer names (`gid.x` stays when a buffer `x` becomes `src`)."""
    (b1, f1), (b2, f2) = interface(code), interface(donor)
    if not b1 or [(k, a, t) for k, a, _, t in b1] != [(k, a, t) for k, a, _, t in b2] or \
            [t for _, t in f1] != [t for _, t in f2]:
        return None
    buffers = {old: new for (_, a, old, _), (_, _, new, _) in zip(b1, b2) if old != new and "uniform" not in a}
    fields = {old: new for (old, _), (new, _) in zip(f1, f2) if old != new}
    if not buffers and not fields:
        return code
    if len(set(buffers.values())) != len(buffers) or len(set(fields.values())) != len(fields):
        return None
    sig = significant(tokenize(code))
    others = _names(sig) - set(buffers)  # names, not members: `gid.x` does not stop a buffer from being called x
    clash = set(buffers.values()) & others
    if clash:  # a buffer's new name is taken by one of the shader's own declarations: give that one a fresh name
        declared = set(re.findall(r"\b(?:var(?:<[^>]*>)?|let|const|fn|struct)\s+([A-Za-z_]\w*)", code))
        if not clash <= declared:  # a builtin or something else: no safe renaming
            return None
        taken = others | set(buffers) | set(buffers.values()) | set(fields.values())
        fresh = {}
        for name in sorted(clash):
            new, k = f"{name}_tmp", 2
            while new in taken:
                new, k = f"{name}_tmp{k}", k + 1
            fresh[name] = new
            taken.add(new)
        code = _rename_interface(code, sig, fresh, {})
        sig = significant(tokenize(code))
    return _rename_interface(code, sig, buffers, fields)


def _names(sig: list[Token]) -> set[str]:
    """Identifier tokens that are names, not member accesses (the token after a `.`)."""
    return {t.text for k, t in enumerate(sig) if t.kind in ("ident", "reserved") and not (k and sig[k - 1].text == ".")}
