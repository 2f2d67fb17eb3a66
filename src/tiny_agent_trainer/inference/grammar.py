"""An LALR(1) grammar for the WGSL subset our compute kernels use, driven one lexer token at a time.

The grammar (Lark syntax, `GRAMMAR` below) follows the structure of the WGSL specification's
grammar for: module-scope `struct`, `const`, `var<storage, read|read_write>`, `var<uniform>`,
`var<workgroup>`, `var<private>`; attributes `@group @binding @compute @workgroup_size @builtin`
(plus `@align @size @id @must_use`); `fn` with parameters and a return type; statements `let`,
`var`, `const`, assignments (`=`, `+=` ... `>>=`, `++`, `--`, `_ =`), `if/else`, `for`, `while`,
`loop { ... continuing { ... break if ...; } }`, `return`, `break`, `continue`, function-call
statements; expressions with WGSL's precedence rules (short-circuit, bitwise operators that do not
mix without parentheses, relational, shift, additive, multiplicative, unary `- ! ~ * &`),
indexing, member access and swizzles, calls, type constructors and templates.

Terminals are classified by `classify()` from the token texts of `wgsl.lexer`, not by Lark's
lexer (the grammar only `%declare`s them):

- keywords and punctuation map to fixed terminals; `true`/`false` to `BOOL`; numbers to `INT` or
  `FLOAT`; identifiers to `IDENT`, except context words (attribute names, address spaces, access
  modes, built-in value names) which become their own terminal where the parser accepts it there;
- `<` directly after a templated name (`array vecN matCxR atomic ptr bitcast var`) is the
  template-open terminal `TLT`, any other `<` the comparison `LT`. A template list is closed by a
  plain `>` (the lexer already splits `>>` that closes lists); template arguments are additive
  expressions, so a `>` inside a template list always closes it, as in the spec's template-list
  discovery.

`Parser` drives Lark's LALR parse table directly on immutable state stacks (tuples of state ids),
with memoised `feed`/`accepts`: this is what constrained decoding calls per candidate token. Lark's
`InteractiveParser.accepts()` copies the parser once per terminal (~80-190 us per lexer token in
`benchmarks/bench_generate.py`), more than the whole lazy mask costs per token (~40 us).
`parse_texts`/`parse_code` use Lark's own interactive parser (`parse_interactive` + `feed_token`)
for whole programs and produce a parse tree; the tests check both agree.

This module does NOT check types, names or any semantics (naga does, see `validation.py`), does
NOT know about models or BPE pieces (see `constrained.py`), and does NOT cover all of WGSL (no
`switch`, `alias`, `override`, `discard`, `enable`/`requires`/`diagnostic` directives, textures).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from lark import Lark, Token
from lark.exceptions import UnexpectedInput
from lark.lexer import Lexer
from lark.parsers.lalr_analysis import Shift

from ..wgsl.lexer import significant, tokenize

GRAMMAR = r"""
start: global_decl*

global_decl: SEMI
    | attributes var_decl (EQ expression)? SEMI
    | CONST ident_typed EQ expression SEMI
    | STRUCT IDENT LBRACE struct_members RBRACE
    | attributes FN IDENT LPAR params? RPAR (ARROW attributes type)? compound

struct_members: struct_member (COMMA struct_member)* COMMA?
struct_member: attributes IDENT COLON type
params: param (COMMA param)* COMMA?
param: attributes IDENT COLON type

attributes: attribute*
attribute: AT A_COMPUTE
    | AT A_MUST_USE
    | AT A_ONEARG LPAR expression COMMA? RPAR
    | AT A_WORKGROUP_SIZE LPAR expr_list RPAR
    | AT A_BUILTIN LPAR BUILTIN_NAME COMMA? RPAR

var_decl: VAR var_template? ident_typed
var_template: TLT ADDRESS_SPACE (COMMA ACCESS_MODE)? GT
ident_typed: IDENT (COLON type)?

type: tmpl_ident
tmpl_ident: IDENT (TLT template_args GT)?
template_args: additive (COMMA additive)* COMMA?

compound: LBRACE statement* RBRACE
statement: SEMI
    | RETURN expression? SEMI
    | if_stmt
    | FOR LPAR for_init? SEMI expression? SEMI for_update? RPAR compound
    | WHILE expression compound
    | LOOP LBRACE statement* continuing? RBRACE
    | BREAK SEMI
    | CONTINUE SEMI
    | call_phrase SEMI
    | local_decl SEMI
    | update SEMI
    | compound

if_stmt: IF expression compound (ELSE IF expression compound)* (ELSE compound)?
continuing: CONTINUING LBRACE statement* break_if? RBRACE
break_if: BREAK IF expression SEMI
for_init: local_decl | update | call_phrase
for_update: update | call_phrase
local_decl: var_decl (EQ expression)?
    | LET ident_typed EQ expression
    | CONST ident_typed EQ expression
update: lhs assign_op expression
    | lhs INC
    | lhs DEC
    | UNDERSCORE EQ expression
assign_op: EQ | PLUSEQ | MINUSEQ | STAREQ | SLASHEQ | PERCENTEQ | AMPEQ | PIPEEQ | CARETEQ | SHLEQ | SHREQ
lhs: core_lhs accessor?
    | STAR lhs
    | AMP lhs
core_lhs: IDENT | LPAR lhs RPAR
accessor: LBRACK expression RBRACK accessor?
    | DOT IDENT accessor?

call_phrase: tmpl_ident LPAR expr_list? RPAR
expr_list: expression (COMMA expression)* COMMA?

expression: relational
    | sc_or OROR relational
    | sc_and ANDAND relational
    | bitwise
sc_or: relational | sc_or OROR relational
sc_and: relational | sc_and ANDAND relational
bitwise: bin_and AMP unary | bin_or PIPE unary | bin_xor CARET unary
bin_and: unary | bin_and AMP unary
bin_or: unary | bin_or PIPE unary
bin_xor: unary | bin_xor CARET unary
relational: shift_expr
    | shift_expr (LT | GT | LE | GE | EQEQ | NE) shift_expr
shift_expr: additive
    | unary (SHL | SHR) unary
additive: multiplicative | additive (PLUS | MINUS) multiplicative
multiplicative: unary | multiplicative (STAR | SLASH | PERCENT) unary
unary: singular | (MINUS | BANG | TILDE | STAR | AMP) unary
singular: primary accessor?
primary: tmpl_ident | call_phrase | INT | FLOAT | BOOL | LPAR expression RPAR
"""

PUNCT = {
    "@": "AT", "(": "LPAR", ")": "RPAR", "{": "LBRACE", "}": "RBRACE", "[": "LBRACK", "]": "RBRACK",
    ";": "SEMI", ":": "COLON", ",": "COMMA", ".": "DOT", "=": "EQ", "->": "ARROW", "_": "UNDERSCORE",
    "+": "PLUS", "-": "MINUS", "*": "STAR", "/": "SLASH", "%": "PERCENT", "&": "AMP", "|": "PIPE",
    "^": "CARET", "~": "TILDE", "!": "BANG", "&&": "ANDAND", "||": "OROR", "==": "EQEQ", "!=": "NE",
    ">": "GT", "<=": "LE", ">=": "GE", "<<": "SHL", ">>": "SHR", "++": "INC", "--": "DEC",
    "+=": "PLUSEQ", "-=": "MINUSEQ", "*=": "STAREQ", "/=": "SLASHEQ", "%=": "PERCENTEQ", "&=": "AMPEQ",
    "|=": "PIPEEQ", "^=": "CARETEQ", "<<=": "SHLEQ", ">>=": "SHREQ",
}  # "<" is TLT or LT depending on the previous token
KEYWORDS = {k: k.upper() for k in
            "fn var let const struct return if else for while loop continuing break continue".split()}
BOOLS = ("true", "false")
# identifiers with a terminal of their own where the grammar asks for one (else they are IDENT)
CONTEXT_WORDS = {
    "A_COMPUTE": ("compute",),
    "A_MUST_USE": ("must_use",),
    "A_ONEARG": ("group", "binding", "align", "size", "id"),
    "A_WORKGROUP_SIZE": ("workgroup_size",),
    "A_BUILTIN": ("builtin",),
    "ADDRESS_SPACE": ("storage", "uniform", "workgroup", "private", "function"),
    "ACCESS_MODE": ("read", "read_write", "write"),
    "BUILTIN_NAME": ("global_invocation_id", "local_invocation_id", "local_invocation_index",
                     "workgroup_id", "num_workgroups", "subgroup_invocation_id", "subgroup_size"),
}
TEMPLATED = frozenset(["array", "atomic", "ptr", "bitcast", "var", "vec2", "vec3", "vec4"]
                      + [f"mat{c}x{r}" for c in (2, 3, 4) for r in (2, 3, 4)])
REGEX_TERMINALS = ("IDENT", "INT", "FLOAT")
END = "$END"

_WORD_TERMS: dict[str, tuple[str, ...]] = {}
for _term, _words in CONTEXT_WORDS.items():
    for _w in _words:
        _WORD_TERMS[_w] = _WORD_TERMS.get(_w, ()) + (_term,)
FIXED_TEXTS: dict[str, tuple[str, ...]] = {}  # terminal -> the texts it stands for
for _text, _term in list(PUNCT.items()) + list(KEYWORDS.items()) + [("<", "TLT"), ("<", "LT")]:
    FIXED_TEXTS[_term] = FIXED_TEXTS.get(_term, ()) + (_text,)
FIXED_TEXTS["BOOL"] = BOOLS
FIXED_TEXTS.update(CONTEXT_WORDS)
ALL_TERMINALS = tuple(sorted(set(FIXED_TEXTS) | set(REGEX_TERMINALS)))


class GrammarSyntaxError(ValueError):
    """A token sequence outside the grammar; `index` is the offending token (len(texts) at the end)."""

    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.index = index


class _NoLexer(Lexer):
    """Lark wants a lexer; tokens are classified by `classify` and fed by hand instead."""

    def __init__(self, conf):  # noqa: D401 - Lark calls this with its lexer config
        pass

    def lex(self, lexer_state, parser_state):
        return iter(())


@lru_cache(maxsize=1)
def lark_parser() -> Lark:
    """The Lark LALR parser (built once; strict: any grammar conflict is an error)."""
    decl = "%declare " + " ".join(ALL_TERMINALS)
    return Lark(GRAMMAR + "\n" + decl + "\n", parser="lalr", lexer=_NoLexer, strict=True)


# -- token classification ------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def token_kind(text: str) -> str:
    """wgsl.lexer kind of a text that must be exactly one token ("" if it is not)."""
    toks = tokenize(text)
    if len(toks) != 1:
        return ""
    return toks[0].kind


@lru_cache(maxsize=65536)
def classify(text: str, after_templated: bool) -> tuple[str, ...]:
    """Candidate terminals for a complete token text, in order of preference (empty: no terminal).

    `after_templated`: the previous token is a templated name (decides `<` = TLT or LT).
    """
    if text == "<":
        return ("TLT",) if after_templated else ("LT",)
    kind = token_kind(text)
    if kind == "punct":
        return (PUNCT[text],) if text in PUNCT else ()
    if kind == "keyword":
        if text in BOOLS:
            return ("BOOL",)
        return (KEYWORDS[text],) if text in KEYWORDS else ()
    if kind == "ident":
        return _WORD_TERMS.get(text, ()) + ("IDENT",)
    if kind == "int":
        return ("INT",)
    if kind == "float":
        return ("FLOAT",)
    return ()


_PREFIX_TERMS: dict[str, set[str]] = {}
for _term, _texts in FIXED_TEXTS.items():
    for _t in _texts:
        for _i in range(len(_t) + 1):
            _PREFIX_TERMS.setdefault(_t[:_i], set()).add(_term)
_COMPLETIONS = {"IDENT": ("", "x", "_x"), "INT": ("", "0", "1"), "FLOAT": ("", "0", ".0", "0.0", "f")}
_WORDISH = re.compile(r"[A-Za-z0-9_.+\-]*\Z")


@lru_cache(maxsize=262144)
def viable_terms(partial: str, after_templated: bool) -> frozenset[str]:
    """Terminals that some token text starting with `partial` would be classified as."""
    out = set(_PREFIX_TERMS.get(partial, ()))
    if "<" in partial[:1]:
        out.discard("LT" if after_templated else "TLT")
    if _WORDISH.match(partial):
        for term, tails in _COMPLETIONS.items():
            if any(term in classify(partial + tail, False) for tail in tails):
                out.add(term)
    return frozenset(out)


# -- the fast table-driven parser ----------------------------------------------------------------
Stack = tuple  # tuple of LALR state ids


class Parser:
    """Table-driven LALR recognizer over immutable stacks, with memoised `feed` and `accepts`."""

    def __init__(self, lark: Lark | None = None):
        lark = lark or lark_parser()
        conf = lark.parse_interactive().parser_state.parse_conf
        self.states = conf.states
        self.start: Stack = (conf.start_state,)
        self.end_state = conf.end_state
        self._feed: dict[tuple[Stack, str], Stack | None] = {}
        self._accepts: dict[Stack, frozenset[str]] = {}

    def _run(self, stack: Stack, term: str) -> Stack | None:
        states, s = self.states, list(stack)
        while True:
            act = states[s[-1]].get(term)
            if act is None:
                return None
            action, arg = act
            if action is Shift:
                if term == END:
                    return None
                s.append(arg)
                return tuple(s)
            size = len(arg.expansion)
            if size:
                del s[-size:]
            goto = states[s[-1]].get(arg.origin.name)
            if goto is None:
                return None
            s.append(goto[1])
            if term == END and s[-1] == self.end_state:
                return tuple(s)

    def feed(self, stack: Stack, term: str) -> Stack | None:
        """The stack after shifting terminal `term` (after any reductions), or None if it is an error."""
        key = (stack, term)
        try:
            return self._feed[key]
        except KeyError:
            pass
        if len(self._feed) > 500_000:
            self._feed.clear()
        out = self._feed[key] = self._run(stack, term)
        return out

    def accepts(self, stack: Stack) -> frozenset[str]:
        """Every terminal (and `$END`) that can come next."""
        out = self._accepts.get(stack)
        if out is None:
            if len(self._accepts) > 200_000:
                self._accepts.clear()
            cands = [t for t in self.states[stack[-1]] if t.isupper() or t == END]
            out = self._accepts[stack] = frozenset(t for t in cands if self.feed(stack, t) is not None)
        return out

    def can_end(self, stack: Stack) -> bool:
        return END in self.accepts(stack)

    def feed_text(self, stack: Stack, text: str, prev: str) -> Stack | None:
        """Feed one complete token text (classified in context); None if no reading of it fits."""
        for term in classify(text, prev in TEMPLATED):
            out = self.feed(stack, term)
            if out is not None:
                return out
        return None

    def run(self, texts: Sequence[str]) -> Stack:
        """Feed all texts; raises GrammarSyntaxError at the first one that does not fit."""
        stack, prev = self.start, ""
        for i, t in enumerate(texts):
            new = self.feed_text(stack, t, prev)
            if new is None:
                raise GrammarSyntaxError(_expected_msg(t, i, self.accepts(stack)), i)
            stack, prev = new, t
        return stack


@lru_cache(maxsize=1)
def default_parser() -> Parser:
    return Parser()


def _expected_msg(text: str, index: int, acc: Iterable[str]) -> str:
    names = sorted(a for a in acc)
    return f"token {index} {text!r} unexpected; expected one of {', '.join(names[:12])}{' ...' if len(names) > 12 else ''}"


# -- whole programs, through Lark's own interactive parser ----------------------------------------
def code_texts(src: str) -> list[str]:
    return [t.text for t in significant(tokenize(src))]


def parse_texts(texts: Sequence[str]):
    """Parse significant token texts into a Lark tree; raises GrammarSyntaxError."""
    fast = default_parser()
    ip = lark_parser().parse_interactive()
    prev = ""
    for i, text in enumerate(texts):
        # choose the context reading the parser accepts (same rule as Parser.feed_text)
        stack = tuple(ip.parser_state.state_stack)
        term = next((c for c in classify(text, prev in TEMPLATED) if fast.feed(stack, c) is not None), None)
        if term is None:
            raise GrammarSyntaxError(_expected_msg(text, i, ip.accepts()), i)
        try:
            ip.feed_token(Token(term, text))
        except UnexpectedInput as e:  # pragma: no cover - the fast check above agrees
            raise GrammarSyntaxError(f"token {i} {text!r}: {e}", i) from None
        prev = text
    try:
        return ip.feed_eof()
    except UnexpectedInput:
        raise GrammarSyntaxError(f"unexpected end of code after {len(texts)} tokens; expected one of "
                                 f"{', '.join(sorted(ip.accepts()))}", len(texts)) from None


def parse_code(src: str):
    """Parse WGSL source text (must lex cleanly: every significant token valid)."""
    texts = code_texts(src)
    for i, t in enumerate(significant(tokenize(src))):
        if t.kind in ("error", "reserved"):
            raise GrammarSyntaxError(f"token {i} {t.text!r} is not valid WGSL", i)
    return parse_texts(texts)


def accepts_code(src: str) -> bool:
    try:
        parse_code(src)
        return True
    except GrammarSyntaxError:
        return False
