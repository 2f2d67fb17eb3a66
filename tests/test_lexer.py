"""The WGSL lexer: lossless on any input, spec token rules, template-list splitting."""
from __future__ import annotations

import glob
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiny_agent_trainer.wgsl.lexer import Token, detokenize, significant, template_lists, tokenize

ROOT = Path(__file__).resolve().parents[1]


def _wgsl_strings(obj):
    if isinstance(obj, str):
        if "fn " in obj or "@group" in obj or "@compute" in obj:
            yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _wgsl_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _wgsl_strings(v)


def repo_shaders() -> list[tuple[str, str]]:
    """Every .wgsl file and every WGSL string inside the repo's TOML files (globbed at test time)."""
    out = []
    tops = [d for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".")
            and d.name not in ("node_modules", "venv", "build", "dist", "checkpoints", "data")]

    def files(pattern):
        return sorted(ROOT.glob(pattern)) + sorted(p for d in tops for p in d.rglob(pattern))

    for p in files("*.wgsl"):
        out.append((str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")))
    for p in files("*.toml"):
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        for i, s in enumerate(_wgsl_strings(data)):
            out.append((f"{p.relative_to(ROOT)}#{i}", s))
    return out


SHADERS = repo_shaders()


def texts(src: str) -> list[str]:
    return [t.text for t in significant(tokenize(src))]


def kinds(src: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in significant(tokenize(src))]


def test_repo_has_shaders():
    assert len(SHADERS) >= 10


@pytest.mark.parametrize("name,src", SHADERS, ids=[n for n, _ in SHADERS])
def test_round_trip_repo_shaders(name, src):
    toks = tokenize(src)
    assert detokenize(toks) == src
    assert not [t for t in toks if t.kind == "error"], name
    pos = 0
    for t in toks:  # starts are contiguous offsets
        assert t.start == pos
        pos = t.end


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_round_trip_any_text(s):
    toks = tokenize(s)
    assert detokenize(toks) == s
    assert all(t.text for t in toks)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>=!&|+-*/%^~@()[]{};:,._ \n/*0123456789abcdefxXuifhpPe.", max_size=80))
def test_round_trip_wgsl_like_text(s):
    assert detokenize(tokenize(s)) == s


def test_token_is_frozen():
    t = tokenize("x")[0]
    assert t == Token("ident", "x", 0)
    with pytest.raises(AttributeError):
        t.text = "y"  # type: ignore[misc]


@pytest.mark.parametrize("op", [">>=", "<<=", "->", "&&", "||", "++", "--", "==", "!=", "<=", ">=",
                                "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>"])
def test_multi_char_operators_are_one_token(op):
    assert texts(f"a {op} b") == ["a", op, "b"]


def test_no_double_colon():
    assert texts("a::b") == ["a", ":", ":", "b"]


def test_shift_assign_and_shift():
    assert kinds("x >>= 1u; y = x >> 2u;") == [
        ("ident", "x"), ("punct", ">>="), ("int", "1u"), ("punct", ";"), ("ident", "y"), ("punct", "="),
        ("ident", "x"), ("punct", ">>"), ("int", "2u"), ("punct", ";")]


def test_template_ends_are_split():
    assert texts("var<storage, read> a: array<vec4<f32>>;") == [
        "var", "<", "storage", ",", "read", ">", "a", ":", "array", "<", "vec4", "<", "f32", ">", ">", ";"]
    assert texts("let b = a<vec2<f32>>= c;")[-5:] == [">", ">", "=", "c", ";"]
    # a shift right that closes no template stays one token
    assert texts("let s = (a) >> 1u;") == ["let", "s", "=", "(", "a", ")", ">>", "1u", ";"]


def test_template_lists_indices():
    t = ["array", "<", "vec4", "<", "f32", ">", ">"]
    assert template_lists(t) == {1: 6, 3: 5}
    assert template_lists(["a", "<", "b", "||", "c", ">", "d"]) == {}  # comparison, not a template
    assert template_lists(["x", "<", "y", ";", "z", ">", "w"]) == {}


@pytest.mark.parametrize("src,kind", [
    ("0", "int"), ("123", "int"), ("1u", "int"), ("7i", "int"), ("0x1F", "int"), ("0XaBu", "int"),
    ("1.", "float"), (".5", "float"), ("1.5", "float"), ("1e3", "float"), ("1E-3f", "float"), ("2.5h", "float"),
    ("1f", "float"), ("0h", "float"), ("0x1.8p3", "float"), ("0x.8p-2f", "float"), ("0x1p4", "float"),
    ("0xA.", "float"), ("1.5e+10", "float"),
])
def test_literals(src, kind):
    assert kinds(src) == [(kind, src)]


def test_literal_boundaries():
    assert texts("012") == ["0", "12"]  # no leading zeros in decimal ints
    assert texts("1e") == ["1", "e"]
    assert texts("a.x") == ["a", ".", "x"]
    assert texts("v.5") == ["v", ".5"]  # maximal munch, as the spec's tokenizer does


def test_keywords_reserved_identifiers():
    assert kinds("fn let var const loop filter NULL _ __x x_1 true") == [
        ("keyword", "fn"), ("keyword", "let"), ("keyword", "var"), ("keyword", "const"), ("keyword", "loop"),
        ("reserved", "filter"), ("reserved", "NULL"), ("punct", "_"), ("reserved", "__x"), ("ident", "x_1"),
        ("keyword", "true")]
    # type names are predeclared identifiers, not keywords
    assert kinds("f32 vec4 array") == [("ident", "f32"), ("ident", "vec4"), ("ident", "array")]


def test_unicode_identifiers():
    assert kinds("let café = Δx + 𝑥1;") == [
        ("keyword", "let"), ("ident", "café"), ("punct", "="), ("ident", "Δx"), ("punct", "+"),
        ("ident", "𝑥1"), ("punct", ";")]
    # a combining mark continues an identifier (XID_Continue) but cannot start one
    assert kinds("e\u0301") == [("ident", "e\u0301")]
    assert tokenize("\u0301")[0].kind == "error"


def test_attributes():
    assert texts("@group(0) @binding(1)") == ["@", "group", "(", "0", ")", "@", "binding", "(", "1", ")"]


def test_comments():
    src = "a // line\nb /* one /* two */ still */ c"
    toks = tokenize(src)
    comments = [t.text for t in toks if t.kind == "comment"]
    assert comments == ["// line", "/* one /* two */ still */"]
    assert texts(src) == ["a", "b", "c"]


def test_line_comment_stops_at_any_line_break():
    for brk in ["\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]:
        toks = tokenize(f"// c{brk}x")
        assert toks[0] == Token("comment", "// c", 0)
        assert toks[-1].text == "x"


def test_unterminated_block_comment_is_one_error_token():
    src = "a /* open /* nested */ never closed"
    toks = tokenize(src)
    assert toks[-1].kind == "error" and toks[-1].text == "/* open /* nested */ never closed"
    assert detokenize(toks) == src


def test_blankspace_per_spec():
    src = "a\u200eb\u2028c\x85d\te"
    assert texts(src) == ["a", "b", "c", "d", "e"]
    assert {t.kind for t in tokenize(src)} == {"ident", "whitespace"}
    # a non-breaking space is not WGSL blankspace
    assert tokenize("a\u00a0b")[1].kind == "error"


def test_unknown_characters_are_error_tokens():
    toks = tokenize('x = "s" # $')
    errs = [t.text for t in toks if t.kind == "error"]
    assert errs == ['"', '"', "#", "$"]
    assert detokenize(toks) == 'x = "s" # $'


def test_significant_drops_trivia():
    toks = tokenize("a /* c */ b // d\n")
    assert [t.text for t in significant(toks)] == ["a", "b"]
