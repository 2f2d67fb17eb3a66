"""How a prompt's formulas build on each other (for `formula.py`): a name assigned again from itself takes its
earlier value ("y = x if x >= 0 else slope * x, then y = min(y, ceiling)"), names set to a number are that number
("k = 0.25"), a bare rule naming the one before it by a new letter after "then" ("phase - floor(phase), then ... with
2*f - 1"), and the statements a formula uses become its `let` steps ("h = clamp(...); d = mix(a, b, h) - h").

This module only composes parsed expressions (Python `ast`); it does not find formulas in the words, bind names to
buffers or write WGSL (`formula.py` does).
"""
from __future__ import annotations

import ast
import copy
import re

from .expr import INDEX, MODULES, free_names
from .prompt_words import CLAUSE_END, uniform_names


def module_bases(node: ast.expr) -> set[str]:
    """Names used as a module (`F` of `F.relu(x)`, `np` of `np.where`), not the name `F` of "C = (F - 32) * 5 / 9"."""
    return {n.value.id for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id in MODULES} | {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in MODULES
                                          and n.id not in ("F",)}


def reassigned(forms: list[tuple[str | None, str, ast.expr, int]]) -> list[tuple[str | None, str, ast.expr, int]]:
    """A name assigned again from itself ("y = x if x >= 0 else slope * x, then y = min(y, ceiling)") takes the earlier
    value in the later statement, which then stands for both."""
    last: dict[str, tuple[ast.expr, int]] = {}
    merged: dict[int, ast.expr] = {}  # position -> the later statement with the earlier value in it
    gone: set[int] = set()  # the earlier statements it stands for
    for target, op, node, pos in sorted(forms, key=lambda f: f[3]):
        if target is not None and op == "=" and target in last and target in free_names(node):
            node = merged[pos] = Inline({target: last[target][0]}).visit(copy.deepcopy(node))
            gone.add(last[target][1])
        if target is not None and op == "=" and target not in free_names(node):
            last[target] = (node, pos)
    return [(t, op, merged.get(pos, node), pos) for t, op, node, pos in forms if pos not in gone]  # in the order found


def constants(prompt: str) -> dict[str, ast.expr]:
    """Names the prompt sets to a number ("polynomial smin, k = 0.25"), not example values of a uniform
    ("e.g. offset=5") nor names it calls uniforms."""
    said = uniform_names(prompt)
    out: dict[str, ast.expr] = {}
    for m in re.finditer(r"(?<![\w.`])`?([^\W\d]\w*)`?\s*=\s*(-?\d+(?:\.\d+)?|-?\.\d+)"
                         r"(?=\s*(?:[,;:)]|$|\.(?:\s|$)|\s+(?:and|or|for|in|with|as|of|on|at|to|from|into)\b))", prompt):
        if m.group(1) not in said and m.group(1) != INDEX and not re.search(
                r"\b(?:e\.g\.|eg|for example|for instance|typically|say|such as|like|default)\W*$",
                prompt[max(0, m.start() - 24):m.start()], re.I):
            out[m.group(1)] = ast.Constant(float(m.group(2)))
    return out


def then_bare(prompt: str, forms: list[tuple[str | None, str, ast.expr, int]]) -> list[tuple]:
    """`forms` with, first, a bare rule that names the one before it by a new letter after "then": "take the fractional
    part phase - floor(phase), then map it ... with 2*f - 1" is `2 * (phase - floor(phase)) - 1`."""
    bare = sorted((f for f in forms if f[0] is None and f[1] == "bare"), key=lambda f: f[3])
    out = []
    for (_, _, first, p1), (_, _, later, p2) in zip(bare, bare[1:]):
        names = [n for n in free_names(later) if n not in module_bases(later)]
        gap = prompt[p1:p2]
        if len(names) != 1 or len(names[0]) != 1 or names[0] in free_names(first) or names[0] == INDEX or \
                not re.search(r"\bthen\b", gap) or CLAUSE_END.search(gap) or \
                re.search(r"(?<![\w.`])%s(?![\w`])" % re.escape(names[0]), prompt[:p2]):
            continue
        out.append((None, "bare", Inline({names[0]: first}).visit(copy.deepcopy(later)), p2))
    return out + forms


def chained(forms: list[tuple[str | None, str, ast.expr, int]], numbers: dict[str, ast.expr],
             bare_steps: bool = False) -> list[tuple]:
    """(target, op, expression, position, steps) for every formula; `steps` are the other formulas it uses
    ("h = clamp(...); d = mix(a, b, h) - h" -> [("h", clamp(...))]), in order, each one's own steps first (for a
    bare rule too with `bare_steps`, when the prompt has no branch in words: a bare "d - 0.5" may be one case).
    A formula with steps comes first (the last step of a chain is the most specific candidate); names the
    prompt sets to a number (`numbers`, from `constants`) are written in as that number."""
    known: dict[str, tuple[ast.expr, int]] = {}  # an "=" formula's target -> (expression, position)
    chains, plain = [], []
    forms = [(t, op, Inline({n: c for n, c in numbers.items() if n != t}).visit(copy.deepcopy(node)), pos)
             for t, op, node, pos in forms]
    for target, op, node, pos in sorted(forms, key=lambda f: f[3]):  # earlier or later: "... with t = clamp(x, 0, 1)"
        if target is not None and op == "=" and target not in free_names(node) and target not in known:
            known[target] = (node, pos)
    for target, op, node, pos in sorted(forms, key=lambda f: f[3]):
        steps: list[tuple[str, ast.expr]] = []

        def need(expr: ast.expr, seen: set[str]) -> None:
            for n in free_names(expr):
                if n in known and n not in seen and n != target:
                    seen.add(n)
                    need(known[n][0], seen)
                    steps.append((n, known[n][0]))

        if op == "=" or op == "bare" and bare_steps:  # "d = want - cur, then wrap it ... with d - 2*pi*floor(...)"
            need(node, set())
        (chains if steps else plain).append((target, op, node, pos, steps))
    used_later = {n for t, op, node, p, _ in chains + plain for n in free_names(node)}
    chains = [c for c in chains if c[0] not in used_later]  # only a chain's last step: "word" is not the hash
    inner = {n for c in chains for n, _ in c[4]}  # a chain's steps are not results of their own
    done = {c[3] for c in chains}
    alone = [(t, op, n, p, []) for t, op, n, p in forms if t not in inner and p not in done]  # in the order found
    return sorted(chains, key=lambda f: -f[3]) + alone


class Inline(ast.NodeTransformer):
    def __init__(self, exprs: dict[str, ast.expr]):
        self.exprs = exprs

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return copy.deepcopy(self.exprs[node.id]) if node.id in self.exprs else node
