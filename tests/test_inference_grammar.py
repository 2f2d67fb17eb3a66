"""WGSL-subset grammar and grammar-constrained decoding."""
from __future__ import annotations

import glob
import random
import tomllib
from pathlib import Path

import pytest
import torch
from lark import Token

from test_inference_support import SHADERS, one_thread, tiny_model, tokenizer  # noqa: F401
from tiny_agent_trainer.inference import grammar as g
from tiny_agent_trainer.inference.constrained import MARK, for_tokenizer, token_texts
from tiny_agent_trainer.inference.decoding import DecodeConfig, Decoder

ROOT = Path(__file__).resolve().parents[1]


def reference_shaders() -> list[tuple[str, str]]:
    files = sorted(glob.glob(str(ROOT / "benchmarks" / "*.toml")) + [str(ROOT / "config" / "wgsl_training_data.toml")]
                   + glob.glob("/work/shared/specs/*.toml"))
    out = []
    for f in files:
        if not Path(f).is_file():
            continue
        with open(f, "rb") as fh:
            data = tomllib.load(fh)
        out += [(f"{Path(f).name}:{t.get('id')}", t["reference"]) for t in data.get("task", []) if "reference" in t]
    return out + [(f"support:{i}", c) for i, (_, c) in enumerate(SHADERS)]


REFS = reference_shaders()


def test_grammar_is_conflict_free_lalr():
    g.lark_parser()  # strict=True: any shift/reduce or reduce/reduce conflict raises


@pytest.mark.parametrize("name,src", REFS, ids=[n for n, _ in REFS])
def test_grammar_accepts_reference_shader(name, src):
    g.parse_code(src)


INVALID = [
    "fn main() { let x = a & b | c; }",  # bitwise operators do not mix without parentheses
    "fn main() { let x = a < b < c; }",  # relational operators do not chain
    "fn main() { let e = a && b || c; }",
    "fn main() { x = 1 }",
    "@compute fn main() { let x = ; }",
    "var<storage, read> x: array<f32>>;",
    "fn main() { if x { } else }",
    "fn main() { return 1 2; }",
    "@vertex fn main() {}",
    "var<stor, read> x: f32;",
    "fn main() { switch x { default {} } }",
    "fn main( { }",
    "struct S { a: f32 b: f32 }",
    "fn main() { let x = 1 +; }",
    "fn main() { out[i] = x[i] }",
]


@pytest.mark.parametrize("src", INVALID)
def test_grammar_rejects_invalid(src):
    assert not g.accepts_code(src)


def test_grammar_accepts_the_subset_features():
    src = """
    struct P { n: u32, g: f32, }
    const N: u32 = 64u;
    var<workgroup> tile: array<f32, 64>;
    var<private> q: array<vec4<f32>, N * 2u>;
    @group(0) @binding(0) var<storage, read_write> h: array<atomic<u32>>;
    fn helper(x: f32, p: ptr<function, f32>) -> f32 { *p = x; return -x * 2.0 + (*p); }
    @compute @workgroup_size(8, 8, 1)
    fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
      var acc = 0.0;
      for (var k = 0u; k < 4u; k++) { acc += f32(k); if (k == 2u) { continue; } else if k > 3u { break; } else { acc -= 1.0; } }
      var i = 0u;
      while i < 3u { i = i + 1u; }
      loop { i--; if (i == 0u) { break; } continuing { i += 0u; break if i > 100u; } }
      let b = ((gid.x & 3u) | 1u) << 2u;
      let d = bitcast<u32>(acc) ^ 0xFFu;
      let e = (!(acc > 1.0) && acc < 2.0) || false;
      let s = vec4<f32>(1.0).xyz;
      atomicAdd(&h[gid.x % 4u], 1u);
      _ = helper(1.0, &acc);
      workgroupBarrier();
      tile[li] = select(0.0, 1.0, acc >= 0.5);
      i >>= 1u;
    }
    """
    g.parse_code(src)


def test_template_brackets_vs_comparison():
    assert g.accepts_code("fn f() { let x = a < b; let y = vec2<f32>(1.0, 2.0); let z = i >= n; }")
    assert not g.accepts_code("fn f() { let y = vec2 < f32 > (1.0); let z = foo<f32>(1.0); }")
    assert g.accepts_code("var<storage, read> a: array<vec4<f32>>;")


def test_fast_parser_agrees_with_lark_interactive():
    fast, lark = g.default_parser(), g.lark_parser()
    for _, src in REFS[:: max(1, len(REFS) // 15)]:
        ip = lark.parse_interactive()
        stack, prev = fast.start, ""
        for text in g.code_texts(src):
            assert fast.accepts(stack) == ip.accepts()
            term = next(c for c in g.classify(text, prev in g.TEMPLATED) if fast.feed(stack, c) is not None)
            ip.feed_token(Token(term, text))
            stack, prev = fast.feed(stack, term), text
            assert stack == tuple(ip.parser_state.state_stack)
        assert fast.can_end(stack)


def test_viable_terms():
    assert g.viable_terms("1e", False) == {"FLOAT"}
    assert "INT" in g.viable_terms("6", False) and "FLOAT" in g.viable_terms("6", False)
    assert g.viable_terms("__", False) == frozenset()
    assert g.viable_terms("<", True) == {"TLT", "LE", "SHL", "SHLEQ"}
    assert g.viable_terms("<", False) == {"LT", "LE", "SHL", "SHLEQ"}
    assert {"RETURN", "ACCESS_MODE", "IDENT"} <= g.viable_terms("re", False)


# -- the constraint -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cons():
    return for_tokenizer(tokenizer())


def test_constraint_allows_every_reference_token_sequence(cons):
    tok = tokenizer()
    for _, src in REFS:
        ids = tok.encode_code(src)
        st = cons.start()
        for i, t in enumerate(ids):
            new = cons.advance(st, t)
            assert new is not None, f"{tok.pieces[t]!r} at {i} rejected after {token_texts(tok, ids[:i])[-6:]}"
            st = new
        assert cons.eos_ok(st)
        assert cons.advance(cons.start(), tok.eos_id) is None  # no empty program


def test_lazy_mask_and_full_mask_agree_with_brute_force(cons):
    tok = tokenizer()
    ids = tok.encode_code(SHADERS[1][1])
    rng = random.Random(0)
    st = cons.start()
    for i, t in enumerate(ids):
        if i % 7 == 0:
            brute = torch.tensor([cons.advance(st, j) is not None for j in range(tok.vocab_size)])
            assert torch.equal(cons.allowed_mask(st), brute)
            logits = torch.randn(tok.vocab_size, generator=torch.Generator().manual_seed(rng.randrange(99)))
            for need in (1, 4):
                m = cons.mask(st, logits, need)
                top = m.topk(need).indices.tolist()
                assert all(brute[j] for j in top if torch.isfinite(m[j]))
                assert torch.isfinite(m[top]).sum() == min(need, int(brute.sum()))
        st = cons.advance(st, t)


def test_specials_and_misplaced_marks_are_rejected(cons):
    tok = tokenizer()
    st = cons.start()
    for s in (tok.pad_id, tok.bos_id, tok.unk_id, tok.eos_id):
        assert cons.advance(st, s) is None
    cont = next(i for i, p in enumerate(tok.pieces) if not p.startswith(MARK) and i > 3)
    assert cons.advance(st, cont) is None  # the first piece must start a token


@pytest.mark.parametrize("strategy", ["greedy", "beam", "sample"])
def test_constrained_decoding_on_random_model_parses(strategy, cons, one_thread):  # noqa: F811
    tok = tokenizer()
    dec = Decoder(tiny_model(tok, seed=5, peaky=False), bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    cfg = DecodeConfig(strategy, max_new_tokens=60, beams=3, num_return=3 if strategy != "greedy" else 1, seed=3)
    prompts = [tok.encode_prompt(p) for p, _ in SHADERS[:2]]
    for row in dec.generate(prompts, cfg, constraint=cons):
        for h in row:
            texts = token_texts(tok, h.tokens)
            if h.finished:
                assert cons.is_complete(h.state)
                g.parse_texts(texts)
                g.parse_code(tok.decode_code(h.tokens))
            else:  # cut at max length: still a viable prefix, reported as not finished
                assert len(h.tokens) == 60 or h.tokens == []
                g.default_parser().run(texts[:-1])


class ScriptedModel(torch.nn.Module):
    """Duck-typed Seq2Seq whose top choices at every step are decoys (UNK, `]`) and then the target token."""

    def __init__(self, target: list[int], decoys: list[int], vocab: int):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.target, self.decoys, self.V = target, decoys, vocab
        self.shape = type("Shape", (), {"max_seq_len": 400})()

    def encode(self, src, src_pad):
        return torch.zeros(src.shape[0], src.shape[1], 1)

    def new_cache(self, batch, max_len=None):
        return type("Cache", (), {"length": 0, "reorder": lambda self, idx: None})()

    def decode_step(self, tok, memory, src_pad, cache):
        pos = cache.length + tok.shape[1] - 1
        cache.length += tok.shape[1]
        logits = torch.zeros(tok.shape[0], self.V)
        logits[:, self.target[min(pos, len(self.target) - 1)]] = 5.0
        for k, d in enumerate(self.decoys):
            logits[:, d] = 10.0 - k
        return logits


@pytest.mark.parametrize("strategy", ["greedy", "beam", "sample"])
def test_constrained_decoding_skips_invalid_top_choices_and_finishes(strategy):
    tok = tokenizer()
    cons = for_tokenizer(tok)
    target = tok.encode_code(SHADERS[2][1]) + [tok.eos_id]
    model = ScriptedModel(target, [tok.unk_id, tok.tok.token_to_id(MARK + "]")], tok.vocab_size)
    dec = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    cfg = DecodeConfig(strategy, max_new_tokens=len(target) + 5, beams=2, num_return=1, temperature=0.05, seed=0)
    free = dec.generate([[5]], cfg)[0][0]
    assert set(free.tokens) == {tok.unk_id} and not free.finished  # unconstrained: the decoy every time
    out = dec.generate([[5]], cfg, constraint=cons)[0][0]
    assert out.finished and out.tokens == target[:-1]
    g.parse_code(tok.decode_code(out.tokens))
