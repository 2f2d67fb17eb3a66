"""The interface a prompt declares outright: its uniform's fields in order with their scalar types, and buffer access.

Users who know WGSL often spell the parameters out: "uniform fields: step (u32), ring_size (u32)",
"params struct (uniform): decay: f32, sample_rate: f32", "Uniform params: offset (u32) then stride (u32)",
"the u32 uniforms `width` and `height` (in that order)", "key_margin is an f32 uniform", "an `exposure` uniform
(f32)". `declared_uniform(prompt)` reads only such explicit forms (a list after a uniform word and a colon, names in
backticks next to a uniform word, "NAME is a(n) [type] uniform") and returns None for anything looser, so a caller may
trust what it returns: `struct_text` writes the declared struct the way the training shaders do, for decoding the
model's answer after it (`pool.py`), `matches` tells whether a shader's uniform struct has the declared fields, and
`with_declared_names` renames a fitting struct's fields to them (`with_declared_order` puts a struct with exactly the
declared fields in the declared order). `declared_buffers` reads, as strictly, the access (and
element type) written right next to a buffer's name ("gain_db (f32, read)", "`src` is read-only"), and `has_buffers`
tells whether a shader declares them so (the pool's interface filter, `interface.py`).
A field's type is the one written next to it (a note after a run of fields covers the run: "rows, cols (u32)"), else
the type word before the uniform word ("the u32 uniforms"), else None: unknown.
This module does NOT read formulas, buffer roles from looser words ("into", "->") or any other part of the prompt
(`prompt_words.py`, `formula.py`), and does NOT decode or validate.
"""
from __future__ import annotations

import re

from .prompt_words import STOP, uniform_names


_TYPE = r"(?:f32|u32|i32)"
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n+")
_UNIFORM = re.compile(r"(?:\b(?P<ty>" + _TYPE + r")\s+)?\b(?:uniforms?|Params)\b", re.I)
# words between a uniform word and its list: "uniform fields:", "params struct (uniform):", "uniform Params {",
# "uniform with a single f32 field", "Uniform params in this order:", "uniform struct has"
_INTRO = re.compile(r"(?:\s*(?P<w>struct|params|parameters?|fields?|block|buffer|has|holds?|contains?|with|carries|"
                    r"in\s+(?:this\s+|that\s+)?order|order|the|single|only|one|two|three|four|(?P<t>" + _TYPE + r")|"
                    r"(?P<f>floats?)|(?:both|all)\s+(?P<t3>" + _TYPE + r")|"
                    r"an?(?=\s+(?:single|only|one|struct|fields?|" + _TYPE + r")\b)|[:{,])\b|\s*[:{,]|"
                    r"\s*\(\s*uniform\s*(?:,\s*(?:both|all)\s+(?P<t4>" + _TYPE + r"))?\s*(?:,\s*in\s+(?:this|that)\s+"
                    r"order)?\s*\)|\s*\)(?=\s*:))*", re.I)  # "Parameters (uniform, in this order): a, b"
_LISTY = re.compile(r"[:{]|\b(?:fields?|has|holds?|contains?|with|carries|order)\b", re.I)
_ITEM = re.compile(r"^\s*`?(?P<name>[A-Za-z_]\w*)`?\s*(?:(?:first|second|third|fourth|last)\b\s*)?"
                   r"(?:\(\s*(?:(?:both|all)\s+)?(?P<t1>" + _TYPE + r")\b[^)]*\)|:\s*(?P<t2>" + _TYPE +
                   r")\b|\s+as\s+(?P<t3>" + _TYPE + r")\b)?\s*(?:\([^)]*\))?\s*(?:in\s+(?:this|that)\s+order\s*)?"
                   r"(?:\}.*|[;:,]\s*|:\s.*|\s+[-–—]\s.*)?$")  # "out_max - currently 0.1, ...": a note after the last field
_SPLIT = re.compile(r",\s*(?:and\s+then|and|then)\s+|,|\s+(?:and\s+then|and|then|followed\s+by)\s+")


_TICKED_AFTER = re.compile(r"\b(?:(?P<ty>" + _TYPE + r")\s+)?uniforms?\s+(?:(?P<ty2>" + _TYPE + r"|float)\s+)?(?P<list>"
                           r"`[A-Za-z_]\w*`(?:(?:\s*,\s*|\s+and\s+|,\s+and\s+)`[A-Za-z_]\w*`)*)", re.I)
_TICKED_BEFORE = re.compile(r"`(?P<name>[A-Za-z_]\w*)`\s+uniform\b(?:\s*\(\s*(?P<ty>" + _TYPE + r")\b[^)]*\))?", re.I)
_NAMES = r"(?P<list>(?:`?[A-Za-z_]\w*`?(?:\s*,\s*|\s+and\s+|,\s+and\s+))*`?[A-Za-z_]\w*`?)"
# "depth and rate are f32 uniforms", "w, h: u32 uniforms", "key_margin is an f32 uniform", "t a uniform f32"
_ARE = re.compile(r"(?<![\w.`-])" + _NAMES + r"\s*(?::|\bare\b|\bis\s+an?\b)\s*(?:(?P<ty>" + _TYPE +
                  r")\s+)?uniforms?\b(?!\s+(?:float\s+|[uif]32\s+)?`)(?:\s*\(\s*(?P<ty2>" + _TYPE + r")\b[^)]*\)|"
                  r"\s+(?P<ty3>" + _TYPE + r"|float)\b)?", re.I)
# "M, N and K are u32 in the uniform", "origin and step live in a uniform"
_ARE_IN = re.compile(r"(?<![\w.`-])" + _NAMES + r"\s+(?:are|live|sit|come|arrive)\s+(?:(?P<ty>" + _TYPE + r")s?\s+)?"
                     r"(?:in\s+(?=through|via))?(?:in|inside|from|through|via)\s+(?:the\s+|an?\s+)?(?:\w+\s+)?"
                     r"(?:uniform|params)\b", re.I)  # "offset and span come in through a uniform"
# "cross-fade ... by `fade` from a uniform" (not the last of a list: "`width` x `height` from the uniform")
_TICKED_FROM = re.compile(r"(?<!\bx\s)(?<!×\s)(?<!,\s)(?<!\band\s)`(?P<name>[A-Za-z_]\w*)`\s+(?:from|in|via|through)\s+"
                          r"(?:the\s+|an?\s+)?uniform\b", re.I)
# "`alpha` is an f32 in the uniform params struct", "dt (f32) lives in the uniform", "`sat` is the only uniform field"
_LIVES = re.compile(r"(?<![\w.`])`?(?P<name>[A-Za-z_]\w*)`?\s*(?:\(\s*(?P<ty>" + _TYPE + r")\b[^)]*\)\s*)?"
                    r"(?:is|lives|sits|comes)\s+(?:in\s+)?(?:an?\s+|the\s+)?(?:(?:only|single|one)\s+)?"
                    r"(?:(?P<ty2>" + _TYPE + r")\s+)?(?:(?:in|through|from|inside)\s+(?:the\s+|an?\s+)?(?:\w+\s+)?"
                    r"(?:uniform|params)\b|uniform\s+field\b(?:\s*\(\s*(?P<ty3>" + _TYPE + r")\b[^)]*\))?|"
                    r"(?:field|member)\s+(?:of|in)\s+(?:the\s+|an?\s+)?(?:uniform|params)\b(?:\s+\w+)?(?:\s*\(\s*(?P<ty4>" +
                    _TYPE + r")\b[^)]*\))?)", re.I)  # "`lam` is the only field of the uniform block (f32)"
_NOT_FIELDS = {"uniform", "uniforms", "params", "parameters", "parameter", "struct", "field", "fields", "in", "this",
               "that", "order", "the", "both", "all", "f32", "u32", "i32", "float", "int", "with", "buffer",
               "and", "then", "is", "are", "it", "they", "one", "two", "each", "every", "first", "second", "value",
               "values", "number", "numbers", "scalar", "scalars", "constant", "constants", "block", "per"}


_SIZE_WORDS = {"size", "sizes", "dimensions", "dims", "shape", "resolution", "extent", "extents"}
# words a backwards list may start with that are prose, not names ("... in place, lo and hi are uniforms")
_PROSE = {"place", "only", "read", "write", "written", "here", "also", "too", "then", "so", "now", "both", "input",
          "output", "inputs", "outputs", "order", "size"}


def _split(text: str) -> list[str]:
    """`text` split at commas, "and", "then" outside parentheses ("cols (u32, in that order)" stays whole)."""
    out, depth, start = [], 0, 0
    for m in re.finditer(r"[()]|" + _SPLIT.pattern, text):
        if m.group(0) == "(":
            depth += 1
        elif m.group(0) == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(text[start:m.start()])
            start = m.end()
    return out + [text[start:]]


def _name_ok(name: str) -> bool:
    """A struct field may take a builtin function's name (`step`, `exp`), not a keyword or a list word."""
    from ..wgsl.lexer import KEYWORDS, RESERVED

    return name.lower() not in _NOT_FIELDS and name not in KEYWORDS and name not in RESERVED and \
        not name.startswith("__") and re.fullmatch(r"[A-Za-z_]\w*", name) is not None


def _items(text: str, ty: str | None) -> list[tuple[str, str | None]]:
    """The fields of a list ("offset (u32) then stride (u32)", "rows, cols (u32)", "w, h, both u32"), up to the
    first piece that is not a field; a type note after the last field of a run of untyped ones applies to the whole
    run; `ty` is a type written before the list (the uniform word's)."""
    out: list[tuple[str, str | None]] = []
    untyped = 0  # untyped fields at the end of `out`
    for s in _split(text.strip()):
        both = re.fullmatch(r"\s*\(?\s*(?:(?:both|all)\s+)?(?:as\s+)?(" + _TYPE + r")\b.*", s)
        if both and out:
            out = [(n, t or both.group(1)) for n, t in out]
            break
        m = _ITEM.match(s)
        if m is None or not _name_ok(m.group("name")):
            break
        t = m.group("t1") or m.group("t2") or m.group("t3")
        if t is not None and untyped:
            out = out[:len(out) - untyped] + [(n, t) for n, _ in out[len(out) - untyped:]]
        untyped = 0 if t is not None else untyped + 1
        out.append((m.group("name"), t))
        if re.search(r"\}", s) or re.search(r":\s", s) and t is None:  # "... then pivot: result = ...": the list
            break  # ends with its sentence's rule
    return [(n, t or ty) for n, t in out]


def _forward(sent: str) -> list[list[tuple[str, str | None]]]:
    """Lists after a uniform word: "uniform fields: a (u32), b (u32)", "uniforms width and height (u32)"."""
    found = []
    for u in _UNIFORM.finditer(sent):
        intro = _INTRO.match(sent, u.end())
        rest = sent[intro.end():]
        rest = re.split(r"(?<=\S)\.(?=\s|$)", rest)[0]  # the sentence's end, not "0.5"
        ty = u.group("ty") or intro.group("t") or intro.group("t3") or intro.group("t4") or \
            ("f32" if intro.group("f") else None)
        got = _items(rest, ty)
        if not got or len(got) < 2 and re.match(r"\s*`?\w+`?\s+(?:first|second|third|fourth|last)\b", rest):
            continue  # "from the uniform, width first, u32": one field of a list said elsewhere
        ticked = rest.lstrip().startswith("`")
        if _LISTY.search(intro.group(0)) or ticked or any(t is not None for _, t in got) and ty is None or \
                len(got) > 1:
            found.append(got)
    return found


def declared_uniform(prompt: str) -> list[tuple[str, str | None]] | None:
    """[(field, type or None)] of the uniform the prompt declares outright, in its order (the type where the prompt
    writes one); None when it declares none (or gives one field two types)."""
    found: list[list[tuple[str, str | None]]] = []
    prompt = re.sub(r"\b([ei])\.([eg])\.", r"\1\2", prompt)  # "(f32, e.g. 0.05)" does not end a sentence
    prompt = re.sub(r"\s*\((?![^()]*\b(?:f32|u32|i32|float|read|write|written|in\s+(?:this|that)\s+order)\b)[^()]*\)", "",
                    prompt)  # "t (the step count) is a u32 uniform": a note without a type
    for sent in _SENTENCE.split(prompt):
        if not re.search(r"\buniforms?\b|\bParams\b", sent, re.I):
            continue
        found += _forward(sent)
        for m in _TICKED_AFTER.finditer(sent):
            ty = m.group("ty") or (m.group("ty2") if (m.group("ty2") or "").lower() != "float" else "f32")
            found.append([(n, ty) for n in re.findall(r"`([A-Za-z_]\w*)`", m.group("list"))])
        for m in _TICKED_BEFORE.finditer(sent):
            found.append([(m.group("name"), m.group("ty"))])
        for m in _TICKED_FROM.finditer(sent):
            found.append([(m.group("name"), None)])
        for m in _ARE.finditer(sent):
            names = [n for n in re.findall(r"[A-Za-z_]\w*", m.group("list")) if n.lower() not in ("and",)]
            while names and names[0].lower() in _PROSE:  # "... in place, lo and hi are uniforms"
                names = names[1:]
            if all(_name_ok(n) and n.lower() not in STOP for n in names):
                found.append([(n, m.group("ty") or m.group("ty2") or m.group("ty3")) for n in names])
        for m in _ARE_IN.finditer(sent):
            names = [n for n in re.findall(r"[A-Za-z_]\w*", m.group("list")) if n.lower() != "and"]
            if len(names) > 1 and all(_name_ok(n) and n.lower() not in STOP | _PROSE for n in names):
                found.append([(n, m.group("ty")) for n in names])
        for m in _LIVES.finditer(sent):
            listed = re.match(r"\s*\(([^()]*)\)", sent[m.end():])  # "size is in the uniform (width, height as u32)"
            if listed and len(_items(listed.group(1), None)) > 1:
                found.append(_items(listed.group(1), None))
            elif _name_ok(m.group("name")) and m.group("name").lower() not in _SIZE_WORDS:  # "Image size comes from
                found.append([(m.group("name"), m.group("ty") or m.group("ty2") or m.group("ty3") or m.group("ty4"))])
                # the uniform, width then height": a description of the fields that follow, not one
    fields: list[tuple[str, str | None]] = []
    for group in sorted(found, key=len, reverse=True):  # the longest list gives the order
        for name, ty in group:
            known = dict(fields)
            if name in known:
                if ty is not None and known[name] is not None and known[name].lower() != ty.lower():
                    return None
                if ty is not None:
                    fields = [(n, ty if n == name else t) for n, t in fields]
                continue
            fields.append((name, ty))
    return [(n, {"float": "f32"}.get(t.lower(), t.lower()) if t else None) for n, t in fields] or None


def said_uniforms(prompt: str) -> set[str]:
    """The names the prompt calls uniforms in words (`prompt_words.uniform_names`) or declares outright
    (`declared_uniform`): the one set the transcribers bind to `params.<name>`."""
    return uniform_names(prompt) | {n for n, _ in declared_uniform(prompt) or []}


def struct_text(fields: list[tuple[str, str | None]]) -> str | None:
    """The uniform struct as the training shaders write it (`struct Params` first, four-space fields); None unless
    every field's type is written in the prompt."""
    if any(t is None for _, t in fields):
        return None
    return "struct Params {\n" + "".join(f"    {n}: {t},\n" for n, t in fields) + "}\n"


def matches(code: str, fields: list[tuple[str, str | None]]) -> bool:
    """Whether the shader's uniform struct has every declared field, with its type where the prompt wrote one
    (the prompt may declare only some of them: "clamp to [lo, hi]; hi is an f32 uniform")."""
    from ..wgsl.names import struct_of_uniform

    u = struct_of_uniform(code)
    if u is None:
        return False
    have = {n: t.replace(" ", "") for n, t in u[2]}
    return all(n in have and (t is None or have[n] == t) for n, t in fields)


def fits_but_for_names(code: str, fields: list[tuple[str, str | None]]) -> bool:
    """Whether the shader's uniform struct has as many fields as declared, of the declared types, but not the
    declared names (`with_declared_names` renames it)."""
    from ..wgsl.names import struct_of_uniform

    u = struct_of_uniform(code)
    return u is not None and len(u[2]) == len(fields) and not matches(code, fields) and \
        all(t is None or have.replace(" ", "") == t for (_, have), (_, t) in zip(u[2], fields))


def with_declared_names(code: str, fields: list[tuple[str, str | None]]) -> str | None:
    """`code` with its uniform fields renamed to the declared ones, in order, when it `fits_but_for_names`
    (`params.coeffs_shrink` -> `params.shrink`); None when it does not fit or already matches."""
    from ..wgsl.names import rename_fields

    return rename_fields(code, [n for n, _ in fields]) if fits_but_for_names(code, fields) else None


def with_declared_order(code: str, fields: list[tuple[str, str | None]]) -> str | None:
    """`code` with its uniform struct's fields in the declared order, when it declares exactly the declared fields
    in another order ("M, N and K are u32 in the uniform, in that order" and a struct `M, K, N`): the shader reads
    fields by name, so only the layout the host writes changes; None when it does not apply."""
    from ..wgsl.names import uniform_declaration

    u = uniform_declaration(code)
    if u is None or u[1] is None:
        return None
    body = u[1]
    lines = re.findall(r"[^,\n]*\w+\s*:\s*[^,}\n]+,?[ \t]*(?://[^\n]*)?", body.group(1))
    named = {re.match(r"\s*(?:@\w+(?:\([^)]*\))?\s*)*(\w+)", line).group(1): line for line in lines}
    order = [n for n, _ in fields]
    if len(named) != len(lines) or sorted(named) != sorted(order) or list(named) == order:
        return None
    indent = re.match(r"\s*", lines[0]).group(0) if lines else "    "
    text = "".join(f"{indent}{named[n].strip().rstrip(',')},\n" for n in order)
    return code[:body.start(1)] + "\n" + text + code[body.end(1):]


_ACCESS = {"read": "read", "read-only": "read", "readonly": "read", "input": "read", "write": "read_write",
           "written": "read_write", "read_write": "read_write", "read-write": "read_write", "output": "read_write"}
_ACC = r"(read-only|readonly|read_write|read-write|read|written|write|input|output)"
_ELEM = r"(vec4<f32>|f32|u32|i32)"
# "gain_db (f32, read)", "`rng_state` (u32, read)", "`velocities` (read-only)"
_PAREN = re.compile(r"(?<![\w.])(?:`(?P<tick>[A-Za-z_]\w*)`\s*|(?P<name>[A-Za-z_]\w*)\s+)\(\s*(?:(?P<ty>" + _ELEM +
                    r")\s*,\s*)?(?P<acc>" + _ACC + r")\s*(?:,[^()]*|\s+" + _ELEM + r")?\)", re.I)  # "x (read-only f32)"
# "`encoded`: array<f32>, read-only", "`velocities` is a read-only array<vec4<f32>>", "`positions` is an
# array<vec4<f32>> updated in place", "`src` is read-only"
_IS = re.compile(r"`(?P<name>[A-Za-z_]\w*)`\s+is\s+(?:an?\s+|the\s+)?(?:(?P<acc1>read-only|readonly|read_write)\s+)?"
                 r"(?:array<(?P<ty>" + _ELEM + r")>\s*)?(?P<acc2>read-only|readonly|written|read_write|"
                 r"updated\s+in\s+place|the\s+output|an\s+output|output|input)?", re.I)
_COLON = re.compile(r"`(?P<name>[A-Za-z_]\w*)`\s*:\s*(?:array<(?P<ty>" + _ELEM + r")>\s*,?\s*)?"
                    r"(?P<acc>read-only|readonly|written|read_write|read-write)?", re.I)


_NOT_BUFFERS = {"array", "arrays", "buffer", "buffers", "input", "inputs", "output", "outputs", "data", "values",
                "elements", "kernel", "shader", "storage"}


def declared_buffers(prompt: str) -> dict[str, tuple[str, str | None]]:
    """{buffer: (access, element type or None)} for the buffers whose access the prompt writes right next to the name
    ("gain_db (f32, read)", "`src` is read-only", "`pos` is an array<vec4<f32>> updated in place"); access is "read"
    or "read_write" (an output, or a buffer updated in place). A name given two accesses is left out."""
    out: dict[str, tuple[str, str | None]] = {}
    bad: set[str] = set()

    def put(name: str, acc: str | None, ty: str | None) -> None:
        if acc is None or not _name_ok(name) or name.lower() in _NOT_BUFFERS:
            return
        a = "read_write" if re.match(r"updated|the\s+output|an\s+output", acc, re.I) else _ACCESS[acc.lower()]
        if name in out and out[name][0] != a:
            bad.add(name)
        out[name] = (a, ty.lower() if ty else (out.get(name, (None, None))[1]))

    for m in _PAREN.finditer(prompt):  # "exp(input)" is a call, not a note
        put(m.group("tick") or m.group("name"), m.group("acc"), m.group("ty"))
    for m in _IS.finditer(prompt):
        put(m.group("name"), m.group("acc1") or m.group("acc2"), m.group("ty"))
    for m in _COLON.finditer(prompt):
        put(m.group("name"), m.group("acc"), m.group("ty"))
    return {k: v for k, v in out.items() if k not in bad}


def has_buffers(code: str, buffers: dict[str, tuple[str, str | None]]) -> bool:
    """Whether the shader declares every buffer of `buffers` with its access (and element type, where given)."""
    from ..wgsl.names import interface

    binds = {n: (a, t) for _, a, n, t in interface(code)[0]}
    for name, (acc, ty) in buffers.items():
        if name not in binds:
            return False
        a, t = binds[name]
        if (acc == "read") != (a == "<storage,read>") or ty is not None and t != f"array<{ty}>":
            return False
    return True
