"""A lossless WGSL lexer following the token rules of the WGSL specification.

`tokenize(src)` splits ANY string into `Token(kind, text, start)` values whose texts concatenate back
to the input (`detokenize(tokenize(s)) == s`), invalid code included. Kinds:

- `whitespace`: blankspace per the spec (Unicode Pattern_White_Space: space, tab, LF, VT, FF, CR,
  U+0085, U+200E, U+200F, U+2028, U+2029);
- `comment`: `// ...` up to (not including) the line break, and `/* ... */` block comments, which nest;
- `keyword`, `reserved` (reserved words and identifiers starting with `__`), `ident` (Unicode
  XID_Start/XID_Continue identifiers; `_` alone is punctuation);
- `int` (`0`, `123u`, `0x1Fi`), `float` (`1.`, `.5`, `1e-3f`, `2h`, `0x1.8p3`);
- `punct`: the syntactic tokens (`@`, `->`, `>>=`, `<<=`, `&&`, `++`, `_`, ...). WGSL has no `::`.
- `error`: a character that starts no token, or an unterminated block comment (one token to the end).

Template lists: a `>` that closes a template list (found with the spec's template-list discovery
algorithm) is always its own token, so `array<vec4<f32>>` ends with two `>` tokens rather than `>>`;
`<`/`>` stay ordinary `punct` tokens. `template_lists(texts)` exposes the discovery for the formatter.

This module does NOT parse or validate (naga does, see `validation.py`) and does NOT format
(see `format.py`). Speed: one compiled master regex; the Unicode identifier classes are built
lazily, only for sources that are not pure ASCII.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

KEYWORDS = frozenset(
    "alias break case const const_assert continue continuing default diagnostic discard else enable "
    "false fn for if let loop override requires return struct switch true var while".split()
)

RESERVED = frozenset(
    "NULL Self abstract active alignas alignof as asm asm_fragment async attribute auto await become "
    "binding_array cast catch class co_await co_return co_yield coherent column_major common compile "
    "compile_fragment concept const_cast consteval constexpr constinit crate debugger decltype delete "
    "demote demote_to_helper do dynamic_cast enum explicit export extends extern external fallthrough "
    "filter final finally friend from fxgroup get goto groupshared highp impl implements import inline "
    "instanceof interface layout lowp macro macro_rules match mediump meta mod module move mut mutable "
    "namespace new nil noexcept noinline nointerpolation noperspective null nullptr of operator package "
    "packoffset partition pass patch pixelfragment precise precision premerge priv protected pub public "
    "readonly ref regardless register reinterpret_cast require resource restrict self set shared sizeof "
    "smooth snorm static static_assert static_cast std subroutine super target template this thread_local "
    "throw trait try type typedef typeid typename typeof union unless unorm unsafe unsized use using "
    "varying virtual volatile wgsl where with writeonly yield".split()
)

# Longest first, so that the alternation behaves like maximal munch.
PUNCTUATION = (
    ">>=", "<<=",
    "->", "&&", "||", "++", "--", "==", "!=", ">=", "<=", ">>", "<<",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "&", "@", "/", "!", "[", "]", "{", "}", ":", ",", "=", ">", "<", "%", "-", ".", "+",
    "|", "(", ")", ";", "*", "~", "^", "_",
)

BLANK = " \t\n\x0b\x0c\r\x85\u200e\u200f\u2028\u2029"
LINE_BREAK = "\n\x0b\x0c\r\x85\u2028\u2029"
TRIVIA = frozenset(("whitespace", "comment"))


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_EXP = r"[eE][+-]?[0-9]+"
_PEXP = r"[pP][+-]?[0-9]+"
_NUMBER = (
    # hex floats
    rf"(?P<float_hex>0[xX](?:[0-9a-fA-F]*\.[0-9a-fA-F]+(?:{_PEXP}[fh]?)?"
    rf"|[0-9a-fA-F]+\.[0-9a-fA-F]*(?:{_PEXP}[fh]?)?|[0-9a-fA-F]+{_PEXP}[fh]?))"
    # hex ints
    r"|(?P<int_hex>0[xX][0-9a-fA-F]+[iu]?)"
    # decimal floats
    rf"|(?P<float>[0-9]*\.[0-9]+(?:{_EXP})?[fh]?|[0-9]+\.[0-9]*(?:{_EXP})?[fh]?|[0-9]+{_EXP}[fh]?"
    r"|(?:0|[1-9][0-9]*)[fh])"
    # decimal ints (a leading zero is its own literal: `012` lexes as `0` `12`)
    r"|(?P<int>(?:0|[1-9][0-9]*)[iu]?)"
)


def _master(ident: str) -> re.Pattern:
    blank = "".join(re.escape(c) for c in BLANK)
    brk = "".join(re.escape(c) for c in LINE_BREAK)
    # Alternatives ordered by frequency; `.5` must reach the number group before the `.` punctuation.
    punct = (r">>=|<<=|->|&&|\|\||\+\+|--|>>|<<|[-+*/%&|^=!<>]=|[-&@/!\[\]{}:,=><%.+|();*~^]")
    return re.compile(
        rf"(?P<whitespace>[{blank}]+)"
        rf"|(?P<ident>{ident})"
        rf"|(?P<line_comment>//[^{brk}]*)"
        r"|(?P<block_comment>/\*)"
        rf"|(?P<punct>(?![.][0-9])(?:{punct}))"
        rf"|{_NUMBER}"
        r"|(?P<error>.)",
        re.S,
    )


_ASCII_RE = _master(r"[A-Za-z_][A-Za-z0-9_]*")
_unicode_re: re.Pattern | None = None


def _ranges(points: list[int]) -> str:
    out, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        a, b = points[i], points[j]
        out.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
        i = j + 1
    return "".join(out)


def _unicode_master() -> re.Pattern:
    """Master regex with full XID_Start/XID_Continue identifier classes (built once, ~0.3 s)."""
    global _unicode_re
    if _unicode_re is None:
        start, cont = [], []
        for cp in range(0x80, 0x110000):
            ch = chr(cp)
            if ("a" + ch).isidentifier():
                cont.append(cp)
                if ch.isidentifier():
                    start.append(cp)
        s, c = _ranges(start), _ranges(cont)
        _unicode_re = _master(rf"[A-Za-z_{s}][A-Za-z0-9_{c}]*")
    return _unicode_re


def _block_comment_end(src: str, pos: int) -> int:
    """End of the (nested) block comment starting at `pos`, or -1 if it is never closed."""
    depth, i, n = 0, pos, len(src)
    while i < n:
        j = src.find("/*", i)
        k = src.find("*/", i)
        if k < 0:
            return -1
        if 0 <= j < k:
            depth += 1
            i = j + 2
        else:
            depth -= 1
            i = k + 2
            if depth == 0:
                return i
    return -1


_WORDS = {**{w: "reserved" for w in RESERVED}, **{w: "keyword" for w in KEYWORDS}, "_": "punct"}


def _ident_kind(text: str) -> str:
    kind = _WORDS.get(text)
    if kind is None:
        return "reserved" if text[:2] == "__" else "ident"
    return kind


_new = object.__new__
_set_kind, _set_text, _set_start = Token.kind.__set__, Token.text.__set__, Token.start.__set__  # type: ignore[attr-defined]
_RENAME = {"line_comment": "comment", "float_hex": "float", "int_hex": "int"}


def _tok(kind: str, text: str, start: int) -> Token:
    """Token() without the frozen-dataclass __init__ overhead (the lexer's hot path)."""
    t = _new(Token)
    _set_kind(t, kind)
    _set_text(t, text)
    _set_start(t, start)
    return t


def tokenize(src: str) -> list[Token]:
    """Split `src` into tokens, losslessly; never raises on bad input."""
    pattern = _ASCII_RE if src.isascii() else _unicode_master()
    out: list[Token] = []
    append = out.append
    rename, words = _RENAME, _WORDS
    new, set_kind, set_text, set_start = _new, _set_kind, _set_text, _set_start
    pos = 0
    n = len(src)
    while pos < n:
        for m in pattern.finditer(src, pos):
            kind = m.lastgroup
            if kind != "block_comment":  # the hot path, inlined
                text = m.group()
                if kind == "ident":
                    kind = words.get(text) or ("reserved" if text[:2] == "__" else "ident")
                else:
                    kind = rename.get(kind, kind)
                t = new(Token)
                set_kind(t, kind)
                set_text(t, text)
                set_start(t, m.start())
                append(t)
            else:
                start = m.start()
                end = _block_comment_end(src, start)
                if end < 0:
                    append(_tok("error", src[start:], start))
                    pos = n
                else:
                    append(_tok("comment", src[start:end], start))
                    pos = end
                break  # restart the scan after the comment
        else:
            break
    if (">>" in src or ">=" in src) and any(t.kind == "punct" and t.text[:2] in (">>", ">=") for t in out):
        out = _split_template_ends(out)
    return out


def detokenize(tokens: Iterable[Token | str]) -> str:
    return "".join(t if isinstance(t, str) else t.text for t in tokens)


def significant(tokens: Iterable[Token]) -> list[Token]:
    """The tokens that matter to the grammar (no whitespace, no comments)."""
    return [t for t in tokens if t.kind not in TRIVIA]


def template_lists(texts: Sequence[str], kinds: Sequence[str] | None = None) -> dict[int, int]:
    """Template-list discovery of the WGSL spec (section "Template Lists") over significant token texts.

    Returns {index of a `<` token: index of the token holding the matching `>`}. A `>>`, `>=` or
    `>>=` token whose first `>` closes a list is reported at its own index (the lexer splits it);
    `>>` may close two lists. `kinds` (optional) avoids re-classifying the texts.
    """
    return _discover(texts, kinds)[0]


def _is_word(texts: Sequence[str], kinds: Sequence[str] | None, i: int) -> bool:
    if kinds is not None:
        return kinds[i] in ("ident", "keyword", "reserved")
    t = texts[i]
    return t[:1].isidentifier() and t != "_"


def _discover(texts: Sequence[str], kinds: Sequence[str] | None) -> tuple[dict[int, int], dict[int, list[str]]]:
    found: dict[int, int] = {}
    splits: dict[int, list[str]] = {}  # token index -> pieces, for `>>`/`>=`/`>>=` holding a template end
    pending: list[tuple[int, int]] = []  # (index of '<', nesting depth)
    depth = 0
    n = len(texts)
    i = 0
    while i < n:
        t = texts[i]
        if t == "<":
            if i and _is_word(texts, kinds, i - 1):
                pending.append((i, depth))
        elif t in (">", ">>", ">=", ">>="):
            # the spec scans characters: each '>' may close a list; a trailing lone '=' assigns
            rest, pieces, closed = t, [], False
            while rest[:1] == ">":
                if pending and pending[-1][1] == depth:
                    found[pending.pop()[0]] = i
                    pieces.append(">")
                    rest, closed = rest[1:], True
                elif rest[1:2] == "=":
                    pieces.append(">=")  # a comparison
                    rest = rest[2:]
                else:
                    pieces.append(">")
                    rest = rest[1:]
            if rest == "=":
                pieces.append("=")
                depth = 0
                pending.clear()
            if closed and len(pieces) > 1:
                splits[i] = pieces
        elif t in ("(", "["):
            depth += 1
        elif t in (")", "]"):
            while pending and pending[-1][1] >= depth:
                pending.pop()
            depth = max(0, depth - 1)
        elif t == "<=":
            if not (i and _is_word(texts, kinds, i - 1)):
                depth = 0  # char by char: '<' then an assigning '='; after a word it is `a <= b`
                pending.clear()
        elif t in (";", "{", ":") or (t[-1:] == "=" and t not in ("==", "!=")):
            depth = 0  # statement or declaration boundary, or an assignment
            pending.clear()
        elif t in ("&&", "||"):
            while pending and pending[-1][1] >= depth:
                pending.pop()
        i += 1
    return found, splits


def _split_template_ends(tokens: list[Token]) -> list[Token]:
    """Split `>>`, `>=`, `>>=` tokens where a `>` in them closes a template list."""
    sig = [t for t in tokens if t.kind != "whitespace" and t.kind != "comment"]
    splits = _discover([t.text for t in sig], [t.kind for t in sig])[1]
    if not splits:
        return tokens
    targets = {id(sig[i]): pieces for i, pieces in splits.items()}
    out: list[Token] = []
    for t in tokens:
        pieces = targets.get(id(t))
        if pieces is None:
            out.append(t)
            continue
        pos = t.start
        for piece in pieces:
            out.append(_tok("punct", piece, pos))
            pos += len(piece)
    return out
