"""Operation mutants of a shader: the same program with ONE operator or builtin swapped for a sibling.

The model's most common mistake is the right program with the wrong operation: the bindings, the
guard and the indexing are right, the arithmetic is not (`a[i] / b[i]` for "their elementwise sum",
`radians(x[i])` for "the cosine", `min` for "the peak value"). `mutants(code)` lists the one-site
rewrites that swap such an operation within its family, for the reviewer to judge against the
prompt (`api.Generator._rerank`):

- binary operators among `+ - * / %`, `& | ^`, `<< >>`, `< <= > >=`, `== !=`;
- builtin calls among the one-argument float functions (`sin`, `cos`, `tanh`, `sqrt`, `radians`...),
  the two-argument ones (`min`, `max`, `pow`, `atan2`, `step`) and the atomic read-modify-writes
  (`atomicAdd`, `atomicMax`...).

What is left alone, so that the index arithmetic and the control flow stay as the model wrote them:
everything inside `[...]`, `for (...)` headers, `if`/`while` conditions, and the initialisers of
`let`/`var` names that are later used inside `[...]` (index variables). A unary minus is never
treated as a binary operator.

This module does NOT validate (the caller keeps only mutants that naga accepts), score or rank.
"""
from __future__ import annotations

from .lexer import significant, template_lists, tokenize

_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("+", "-", "*", "/", "%"),
    ("&", "|", "^"),
    ("<<", ">>"),
    ("<", "<=", ">", ">="),
    ("==", "!="),
)
_CALLS: tuple[tuple[str, ...], ...] = (
    ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "exp2", "log", "log2", "sqrt",
     "inverseSqrt", "abs", "floor", "ceil", "round", "trunc", "fract", "sign", "saturate", "radians", "degrees"),
    ("min", "max", "pow", "atan2", "step"),
    ("atomicAdd", "atomicSub", "atomicMax", "atomicMin", "atomicAnd", "atomicOr", "atomicXor"),
)
_OPS = {op: fam for fam in _FAMILIES for op in fam}
_FNS = {fn: fam for fam in _CALLS for fn in fam}
_OPERAND_END = ("ident", "int", "float")  # a token after which `-` is binary (also `)` and `]`)


def _index_names(toks) -> set[str]:
    """Identifiers that appear inside `[...]` (index variables and the values they are built from)."""
    names, depth = set(), 0
    for t in toks:
        if t.text == "[":
            depth += 1
        elif t.text == "]":
            depth = max(0, depth - 1)
        elif depth and t.kind == "ident":
            names.add(t.text)
    return names


def _sites(toks) -> list[int]:
    """Indices (into `toks`, the significant tokens) of the operators and calls that may be swapped."""
    index_names = _index_names(toks)
    templ = {j for pair in template_lists([t.text for t in toks], [t.kind for t in toks]).items() for j in pair}
    sites: list[int] = []
    bracket = 0
    skip_paren = 0  # paren depth of a `for (...)`, `if (...)` or `while (...)` header being skipped
    paren = 0
    skip_stmt = False  # inside the initialiser of an index variable
    for k, t in enumerate(toks):
        x = t.text
        if x in ("for", "if", "while") and t.kind == "keyword":
            skip_paren = paren + 1
            continue
        if x == "(":
            paren += 1
            continue
        if x == ")":
            paren -= 1
            if skip_paren and paren < skip_paren:
                skip_paren = 0
            continue
        if x == "[":
            bracket += 1
            continue
        if x == "]":
            bracket = max(0, bracket - 1)
            continue
        if x in (";", "{", "}"):
            skip_stmt = False
            continue
        if x in ("let", "var") and k + 1 < len(toks) and toks[k + 1].text in index_names:
            skip_stmt = True
            continue
        if bracket or skip_paren or skip_stmt:
            continue
        if x in _OPS and t.kind == "punct":
            prev = toks[k - 1] if k else None
            if prev is None or not (prev.kind in _OPERAND_END or prev.text in (")", "]")):
                continue  # unary minus, or not an expression operator
            if k in templ:
                continue  # a template list's `<` or `>`, not a comparison
            sites.append(k)
        elif x in _FNS and t.kind == "ident" and k + 1 < len(toks) and toks[k + 1].text == "(":
            sites.append(k)
    return sites


def mutants(code: str) -> list[str]:
    """Every one-site swap of an operator or builtin call of `code` within its family, in source order
    (no duplicates, `code` itself excluded)."""
    all_toks = tokenize(code)
    toks = significant(all_toks)
    out: list[str] = []
    seen = {code}
    for k in _sites(toks):
        t = toks[k]
        fam = _OPS.get(t.text) if t.kind == "punct" else _FNS.get(t.text)
        for alt in fam or ():
            if alt == t.text:
                continue
            new = code[:t.start] + alt + code[t.end:]
            if new not in seen:
                seen.add(new)
                out.append(new)
    return out
