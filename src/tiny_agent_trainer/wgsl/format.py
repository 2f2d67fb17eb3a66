"""Canonical WGSL layout from a list of significant token texts.

`format_code(texts)` is the inverse of "lex and drop whitespace/comments": the model emits token
texts, and this turns them into conventional WGSL:

- 4-space indentation by braces; a newline after `;`, `{` and `}` (not inside the parentheses of a
  `for (...)` header; `} else {` and `};` stay together); struct members one per line;
- spaces around binary operators, `->` and assignments; none after unary `-`, `!`, `~`, `&`, `*`;
  none inside template lists (`array<vec4<f32>>`, `var<storage, read>`), before the `(` of a call,
  constructor or attribute, or before `[`, `.`, `,`, `;`, `:`; a space after `,` and `:`;
  `if (`, `for (`, `while (`, `switch (`, `return (` keep their space;
- `@group(0) @binding(0) var<storage, read> x: array<f32>;` on one line, function attributes on the
  line before `fn`;
- top level: consecutive one-line declarations (`const`, `var`, `alias`, ...) are grouped; a blank
  line separates blocks (`fn`, `struct`) from anything else and directives from declarations.

Guarantee: re-lexing the output gives back exactly the input texts (a space is inserted wherever
two texts would otherwise lex as one token), so valid WGSL stays valid. It does NOT parse, does
NOT keep comments and does NOT wrap long lines.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from .lexer import significant, template_lists, tokenize

INDENT = "    "
_DIRECTIVES = frozenset(("enable", "requires", "diagnostic"))
_UNARY_ONLY = frozenset(("!", "~"))
_MAYBE_UNARY = frozenset(("-", "&", "*"))
_NO_SPACE_BEFORE = frozenset((",", ";", ":", ".", ")", "]", "++", "--"))
_NO_SPACE_AFTER = frozenset(("(", "[", ".", "@", "!", "~"))


@lru_cache(maxsize=4096)
def _kind(text: str) -> str:
    toks = tokenize(text)
    return toks[0].kind if len(toks) == 1 else "error"


@lru_cache(maxsize=8192)
def _merges(a: str, b: str) -> bool:
    """Would `a` directly followed by `b` lex differently from the two tokens?"""
    return [t.text for t in significant(tokenize(a + b))] != [a, b]


def _category(texts: Sequence[str], i: int) -> str:
    """Kind of the top-level declaration starting at `i`: directive, block or line."""
    if texts[i] in _DIRECTIVES:
        return "directive"
    paren = 0
    for t in texts[i:]:
        if t in ("(", "["):
            paren += 1
        elif t in (")", "]"):
            paren = max(0, paren - 1)
        elif t == "{":
            return "block"
        elif t == ";" and paren == 0:
            return "line"
    return "line"


def format_code(texts: Sequence[str]) -> str:
    """Canonical WGSL text for the significant token `texts` (ends with a newline if non-empty)."""
    texts = [t for t in texts if t]
    if not texts:
        return ""
    kinds = [_kind(t) for t in texts]
    tmpl = template_lists(texts, kinds)
    t_open, t_close = set(tmpl), set(tmpl.values())

    def operand_end(j: int) -> bool:
        return (kinds[j] in ("ident", "int", "float", "reserved") or texts[j] in ("true", "false", ")", "]", "_")
                or j in t_close)

    unary = [False] * len(texts)
    for j, t in enumerate(texts):
        if t in _UNARY_ONLY or (t in _MAYBE_UNARY and (j == 0 or not operand_end(j - 1))):
            unary[j] = True

    out: list[str] = []
    braces: list[str] = []  # "struct" | "block"
    paren = 0
    decl_start, decl_cat = 0, _category(texts, 0)
    line_start = True

    def newline(blank: bool = False) -> None:
        nonlocal line_start
        out.append("\n\n" if blank else "\n")
        line_start = True

    for i, c in enumerate(texts):
        if i:
            p = texts[i - 1]
            top_end = not braces and paren == 0 and (p == ";" or (p == "}" and c not in (";", "else")))
            if top_end:
                cat = _category(texts, i)
                newline(blank=cat != decl_cat or cat == "block" or decl_cat == "block")
                decl_start, decl_cat = i, cat
            elif c == "}" and not line_start:
                newline()
            elif p == ";" and paren == 0:
                newline()
            elif p == "{":
                newline()
            elif p == "}" and c not in (";", "else", ",", ")"):
                newline()
            elif p == "," and braces and braces[-1] == "struct" and paren == 0:
                newline()
            elif c == "fn" and not braces and i > decl_start:
                newline()
        if c == "}" and braces:
            braces.pop()
        if line_start:
            if out:
                out.append(INDENT * len(braces))
        elif _space_before(texts, kinds, i, t_open, t_close, unary):
            out.append(" ")
        elif _merges(texts[i - 1], c) and not (i - 1 in t_close and i in t_close):
            out.append(" ")
        out.append(c)
        line_start = False
        if c == "{":
            is_struct = i >= 2 and texts[i - 2] == "struct"
            braces.append("struct" if is_struct else "block")
            paren = 0
        elif c in ("(", "["):
            paren += 1
        elif c in (")", "]"):
            paren = max(0, paren - 1)
    out.append("\n")
    return "".join(out)


def _space_before(texts: Sequence[str], kinds: Sequence[str], i: int, t_open: set, t_close: set,
                  unary: list[bool]) -> bool:
    c, p = texts[i], texts[i - 1]
    if c in _NO_SPACE_BEFORE or i in t_open or i in t_close:
        return False
    if p in _NO_SPACE_AFTER or (i - 1) in t_open or unary[i - 1]:
        return False
    word = kinds[i - 1] in ("ident", "reserved")  # a call or constructor; keywords (`if (`) keep the space
    if c == "(":
        return not (word or (i - 1) in t_close)
    if c == "[":
        return not (word or p in (")", "]") or (i - 1) in t_close)
    return True


def format_source(src: str) -> str:
    """Re-layout WGSL source canonically (comments are dropped)."""
    return format_code([t.text for t in significant(tokenize(src))])
