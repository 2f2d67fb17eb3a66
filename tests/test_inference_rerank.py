"""Reranking with a reviewer: the teacher-forced likelihood, reviewer loading, and the Generator's pool."""
from __future__ import annotations

import shutil

import pytest
import torch

from test_inference_api import A, B, C, FakeValidator, scripted_decoder
from test_inference_support import SHADERS, one_thread, tiny_model, tokenizer, write_checkpoint  # noqa: F401
from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.inference import rerank
from tiny_agent_trainer.inference.api import Generator
from tiny_agent_trainer.inference.baselines import FALLBACK_CORPUS, Example, write_corpus
from tiny_agent_trainer.inference.loading import load_model


def as_reviewer(path):
    """Mark a checkpoint directory as a wgsl2nl reviewer ([task] direction)."""
    cfg = path / "config.toml"
    cfg.write_text('[task]\ndirection = "wgsl2nl"\n\n' + cfg.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, one_thread):  # noqa: F811
    tok = tokenizer()
    root = tmp_path_factory.mktemp("rr")
    gen = write_checkpoint(root / "gen", tok, tiny_model(tok, seed=3, peaky=False, max_seq_len=40))
    as_reviewer(write_checkpoint(gen / rerank.REVIEWER_DIR, tok, tiny_model(tok, seed=5, peaky=False, max_prompt_len=96)))
    return gen


@torch.no_grad()
def _manual_mean(loaded, src, tgt):
    """Sum of per-step log-probabilities, one decoder call per prefix (no batching, no padding)."""
    tok, m = loaded.tokenizer, loaded.model
    seq = [tok.bos_id] + tgt + [tok.eos_id]
    s = torch.tensor([src])
    total = 0.0
    for j in range(1, len(seq)):
        out = m(s, torch.zeros_like(s, dtype=torch.bool), torch.tensor([seq[:j]])).float()[0, -1]
        lp = out if m.shape.copy_attention else out.log_softmax(-1)
        total += float(lp[seq[j]])
    return total / (len(seq) - 1)


def test_teacher_forced_means_match_step_by_step_and_ignore_padding(bundle):
    g = load_model(bundle)
    tok = g.tokenizer
    srcs = [tok.encode_prompt(p) for p, _ in SHADERS[:3]]
    tgts = [tok.encode_code(c)[:20] for _, c in SHADERS[:3]]
    tgts[1] = tgts[1][:5]  # uneven lengths: padding in both source and target
    batched = rerank.teacher_forced_means(g, srcs, tgts)
    one_by_one = [rerank.teacher_forced_means(g, [s], [t])[0] for s, t in zip(srcs, tgts)]
    manual = [_manual_mean(g, s, t) for s, t in zip(srcs, tgts)]
    assert batched == pytest.approx(one_by_one, abs=1e-4)
    assert batched == pytest.approx(manual, abs=1e-4)
    assert all(v < 0 for v in batched) and len(set(round(v, 4) for v in batched)) == 3


def test_reranker_scores_are_generator_plus_reviewer(bundle):
    r = rerank.Reranker(load_model(bundle), bundle / rerank.REVIEWER_DIR)
    prompt, codes = SHADERS[0][0], [SHADERS[0][1], SHADERS[1][1]]
    g, v = r.generator, r.reviewer
    fwd = rerank.teacher_forced_means(g, [g.tokenizer.encode_prompt(prompt)] * 2, g.tokenizer.encode_codes(codes))
    rev = rerank.teacher_forced_means(v, v.tokenizer.encode_codes(codes), [v.tokenizer.encode_prompt(prompt)] * 2)
    assert r.scores(prompt, codes) == pytest.approx([a + b for a, b in zip(fwd, rev)])
    assert r.scores(prompt, []) == []


def test_a_generator_is_not_a_reviewer_and_vice_versa(bundle):
    with pytest.raises(UserError, match="not a reviewer"):
        rerank.Reranker(load_model(bundle), bundle)
    with pytest.raises(UserError, match="is a reviewer"):
        Generator(model=str(bundle / rerank.REVIEWER_DIR))


class FixedScores:
    """Stands in for Reranker: a fixed score per marker found in the code; records the pools."""

    def __init__(self, by_marker):
        self.by_marker, self.pools = by_marker, []

    def scores(self, prompt, codes):
        self.pools.append(list(codes))
        return [next(s for m, s in self.by_marker.items() if m in c) for c in codes]


def test_rerank_picks_the_best_valid_candidate_of_beams_and_retrieval(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([Example("negate every element of the array", "fn from_corpus() { }", "x")], b / FALLBACK_CORPUS)
    v = FakeValidator(lambda c, i: "fn a" not in c)  # A invalid; B, C and the corpus shader valid
    g = Generator(model=str(b), validator=v, retries=0, rerank_beams=2, retrieval_bonus=0.0)
    scripted_decoder(g, [[(A, -0.1, True), (B, -0.5, True), (C, -2.0, True)]])
    g._reranker = FixedScores({"fn b": -3.0, "fn c": -1.0, "from_corpus": -2.0})
    out = g.generate("negate every element")
    assert out.ok and "fn c" in out.code and out.source == "model" and out.score == -2.0
    assert sorted("fn b" in c or "fn c" in c or "from_corpus" in c for c in g._reranker.pools[0]) == [True] * 3
    assert [c.get("rerank") for c in out.candidates if c["ok"]] == [-3.0, -1.0, -2.0]
    g._reranker = FixedScores({"fn b": -3.0, "fn c": -4.0, "from_corpus": -2.0})
    out = g.generate("negate every element")
    assert out.ok and out.code == "fn from_corpus() { }" and out.source == "retrieval" and out.reranked
    from tiny_agent_trainer.commands.generate import status_line

    assert "reviewer preferred" in status_line(out)
    off = g.generate("negate every element", rerank=False)  # the first valid beam, as without a reviewer
    assert "fn b" in off.code and off.source == "model" and not off.reranked
    g._reranker = FixedScores({"fn b": -3.0, "fn c": -1.0, "from_corpus": -2.0})
    one = g.generate("negate every element", rerank_beams=1)  # only the first valid beam competes
    pool = g._reranker.pools[-1]
    assert len(pool) == 2 and "fn b" in pool[0] and pool[1] == "fn from_corpus() { }"
    assert one.code == "fn from_corpus() { }"


def test_no_rerank_with_a_single_valid_candidate_or_without_a_reviewer(bundle, tmp_path):
    v = FakeValidator(lambda c, i: "fn b" in c)
    g = Generator(model=str(bundle), validator=v, retries=0, rerank_retrieval=0)
    scripted_decoder(g, [[(A, -0.1, True), (B, -0.5, True)]])
    g._reranker = FixedScores({})
    out = g.generate("x")
    assert "fn b" in out.code and g._reranker.pools == []  # nothing to compare: no reviewer call
    plain = tmp_path / "plain"
    shutil.copytree(bundle, plain)
    shutil.rmtree(plain / rerank.REVIEWER_DIR)
    g2 = Generator(model=str(plain), validator=FakeValidator(lambda c, i: True), retries=0)
    scripted_decoder(g2, [[(A, -0.1, True), (B, -0.5, True)]])
    assert g2.reranker() is None and "fn a" in g2.generate("x").code


def test_retrieved_shader_takes_the_models_names_when_interfaces_match(bundle, tmp_path):
    head = ("@group(0) @binding(0) var<storage, read> {i}: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> {o}: array<f32>;\n")
    body = "fn main() {{ {o}[0] = {e}; }}\n"
    model_code = head.format(i="heights", o="scaled") + body.format(o="scaled", e="heights[0] * 2.0")
    corpus_code = head.format(i="x", o="out") + body.format(o="out", e="x[0] * 3.0")
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([Example("triple every element of x", corpus_code, "x")], b / FALLBACK_CORPUS)
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: True), retries=0)
    scripted_decoder(g, [[(model_code, -0.1, True)]])
    g.tokenizer.decode_code = lambda ids: model_code  # the scripted tokens render as this shader
    g._reranker = FixedScores({"2.0": -2.0, "3.0": -1.0})
    out = g.generate("triple every element of heights into scaled")
    assert out.source == "retrieval" and out.code == head.format(i="heights", o="scaled") + body.format(
        o="scaled", e="heights[0] * 3.0")
    assert [c.get("renamed") for c in out.candidates if c.get("source") == "retrieval"] == [True]


def test_a_variant_with_the_prompts_numbers_replaces_the_drifted_shader(bundle):
    code = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n"
            "fn main() { y[0] = x[0] * 3.75; }\n")
    g = Generator(model=str(bundle), validator=FakeValidator(lambda c, i: True), retries=0, rerank_retrieval=0)
    scripted_decoder(g, [[(code, -0.1, True)]])
    g.tokenizer.decode_code = lambda ids: code
    g._reranker = FixedScores({"3.75": -1.0, "3.7;": -2.0})
    out = g.generate("scale x by 3.7 into y")  # the variant replaces the drifted original, whatever the reviewer says
    assert out.code == code.replace("3.75", "3.7") and out.source == "model" and g._reranker.pools == []
    assert [c.get("numbers_from_prompt", False) for c in out.candidates] == [False, True]
    out = g.generate("scale x by 3.7 into y", prompt_numbers=False)  # both compete: the reviewer keeps the original
    assert g._reranker.pools[-1] == [code, code.replace("3.75", "3.7")] and "3.75" in out.code


def test_operation_mutants_of_the_beam_compete(bundle):
    code = ("@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n"
            "fn main() { y[0] = a[0] / 2.0; }\n")
    valid = FakeValidator(lambda c, i: "%" not in c)  # naga would reject some mutants: they never compete
    g = Generator(model=str(bundle), validator=valid, retries=0, rerank_retrieval=0, rerank_mutants=True)
    scripted_decoder(g, [[(code, -0.1, True)]])
    g.tokenizer.decode_code = lambda ids: code
    g._reranker = FixedScores({"/": -2.0, "+": -1.0, "-": -3.0, "*": -3.0})
    out = g.generate("add 2 to every element of a")
    assert g._reranker.pools[-1] == [code] + [code.replace("/", op) for op in "+-*"]
    assert out.code == code.replace("/", "+") and out.source == "model" and out.mutated
    assert [c.get("mutant", False) for c in out.candidates if c.get("rerank") is not None] == [False, True, True, True]
    from tiny_agent_trainer.commands.generate import status_line

    assert "operation" in status_line(out)
    g._reranker = FixedScores({"/": -2.0, "+": -1.0, "-": -3.0, "*": -3.0})
    off = g.generate("add 2 to every element of a", rerank_mutants=False)
    assert off.code == code and g._reranker.pools == []  # a single candidate: nothing to rerank


def test_a_repaired_answer_still_competes_with_the_retrieved_shaders(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([Example("negate every element of the array", "fn from_corpus() { }", "x")], b / FALLBACK_CORPUS)
    v = FakeValidator(lambda c, i: "fn a" not in c)  # the first round's beams (A) are all invalid
    g = Generator(model=str(b), validator=v, retries=1)
    calls = scripted_decoder(g, [[(A, -0.1, True), (A.replace("a()", "a ()"), -0.2, True)], [(B, -0.5, True)]])
    g._reranker = FixedScores({"fn b": -3.0, "from_corpus": -1.0})
    out = g.generate("negate every element")
    assert len(calls) > 1  # the repair round (re-decoding around the error) made B
    pool = g._reranker.pools[-1]
    assert len(pool) == 2 and "fn b" in pool[0] and pool[1] == "fn from_corpus() { }"
    assert out.code == "fn from_corpus() { }" and out.source == "retrieval" and out.reranked and not out.repaired
    scripted_decoder(g, [[(A, -0.1, True), (A.replace("a()", "a ()"), -0.2, True)], [(B, -0.5, True)]])
    g._reranker = FixedScores({"fn b": -1.0, "from_corpus": -3.0})
    kept = g.generate("negate every element")
    assert "fn b" in kept.code and kept.repaired and kept.reranked and kept.source == "model"


def test_retrieved_shaders_get_the_retrieval_bonus(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([Example("negate every element of the array", "fn from_corpus() { }", "x")], b / FALLBACK_CORPUS)
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: True), retries=0)
    assert g.options.retrieval_bonus == 0.1  # the default, re-chosen on the judged pools of thirteen sets
    for bonus, winner, scores in [(0.0, "fn b", [-1.5, -2.0]), (1.0, "from_corpus", [-1.5, -1.0]),
                                  (0.4, "fn b", [-1.5, -1.6])]:
        scripted_decoder(g, [[(B, -0.1, True)]])
        g._reranker = FixedScores({"fn b": -1.5, "from_corpus": -2.0})
        out = g.generate("negate every element", retrieval_bonus=bonus)
        assert winner in out.code, bonus
        assert [c.get("rerank") for c in out.candidates if c.get("rerank") is not None] == scores


def test_a_kernel_transcribed_from_the_prompts_formula_gets_the_formula_bonus(bundle):
    g = Generator(model=str(bundle), validator=FakeValidator(lambda c, i: True), retries=0)
    assert g.options.formula_bonus == 2.0  # the default, chosen on the judged pools of six sets
    prompt = "y = x * 3 + 1 for the array x"
    for bonus, winner, scores in [(0.0, "fn b", [-1.0, -1.9]), (2.0, "y[i] = x[i] * 3.0 + 1.0;", [-1.0, 0.1])]:
        scripted_decoder(g, [[(B, -0.1, True)]])
        g._reranker = FixedScores({"fn b": -1.0, "y[i]": -2.0})
        out = g.generate(prompt, formula_bonus=bonus)  # -2.0 + 0.1 (retrieval bonus) + the formula bonus
        assert winner in out.code and (out.source == "formula") == (bonus > 0), bonus
        assert [c.get("rerank") for c in out.candidates if c.get("rerank") is not None] == scores


def test_the_bonus_follows_a_retrieved_shader_the_model_also_wrote(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)  # the corpus holds the model's own answer B and another shader
    write_corpus([Example("negate every element", B, "x"), Example("negate all elements", "fn other() { }", "x")],
                 b / FALLBACK_CORPUS)
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: True), retries=0)
    scripted_decoder(g, [[(B, -0.1, True)]])
    g.tokenizer.decode_code = lambda ids: B
    g._reranker = FixedScores({"fn b": -1.2, "fn other": -1.5})
    out = g.generate("negate every element", retrieval_bonus=1.0)
    assert g._reranker.pools[-1] == [B, "fn other() { }"]
    assert out.code == B and out.source == "model"  # -1.2 + 1.0 beats -1.5 + 1.0: both were retrieved
    assert [c.get("rerank") for c in out.candidates if c.get("rerank") is not None] == [-0.2, -0.5]


def test_when_the_model_fails_the_reviewer_picks_among_the_retrieved_shaders(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([Example("negate every element of the array", "fn nearest() { }", "x"),
                  Example("negate each element", "fn second() { }", "y")], b / FALLBACK_CORPUS)
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: "fn a" not in c), retries=0)
    scripted_decoder(g, [[(A, -0.1, True)]])  # the model's only candidate is invalid
    g._reranker = FixedScores({"nearest": -3.0, "second": -1.0})
    out = g.generate("negate every element of the array")
    assert out.ok and out.code == "fn second() { }" and out.source == "retrieval" and out.reranked
    assert "reviewer preferred" in out.warnings[0] and "retrieval fallback" in out.warnings[0]
    assert sorted(g._reranker.pools[-1]) == ["fn nearest() { }", "fn second() { }"]
    assert {c.get("source") for c in out.candidates} >= {"retrieval"} and not out.repaired
    scripted_decoder(g, [[(A, -0.1, True)]])
    plain = g.generate("negate every element of the array", rerank=False)  # no reviewer: the nearest answers
    assert plain.code == "fn nearest() { }" and not plain.reranked


def test_the_prompts_formula_competes_and_can_answer_when_the_model_fails(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([Example("scale every element", "fn corpus() { }", "x")], b / FALLBACK_CORPUS)
    prompt = "Write y = 2 * x + 1 for the input buffer x."
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: "fn a" not in c), retries=0)
    scripted_decoder(g, [[(A, -0.1, True)]])
    g._reranker = FixedScores({"corpus": -3.0, "2.0 * x[i] + 1.0": -1.0})
    out = g.generate(prompt)
    assert out.ok and out.source == "formula" and "y[i] = 2.0 * x[i] + 1.0;" in out.code
    assert "formula in your prompt" in out.warnings[0]
    from tiny_agent_trainer.commands.generate import status_line

    assert "transcribed from the formula" in status_line(out)
    scripted_decoder(g, [[(B, -0.1, True)]])  # a valid model answer: all three compete
    g._reranker = FixedScores({"corpus": -3.0, "2.0 * x[i] + 1.0": -1.0, "fn b": -2.5})
    both = g.generate(prompt)
    assert both.source == "formula" and len(g._reranker.pools[-1]) == 3
    by_source = {c.get("source", "model"): c["rerank"] for c in both.candidates if c.get("rerank") is not None}
    # the 0.1 bonus for whatever the model did not write, and the formula's 2.0 on top
    assert by_source == {"model": -2.5, "retrieval": -2.9, "formula": 1.1}
    scripted_decoder(g, [[(B, -0.1, True)]])
    g._reranker = FixedScores({"corpus": -2.45, "2.0 * x[i] + 1.0": -1.0, "fn b": -2.5})
    off = g.generate(prompt, rerank_formula=False)
    assert off.source == "retrieval" and len(g._reranker.pools[-1]) == 2  # B and the corpus shader (+0.1 bonus)


def test_members_whose_buffers_contradict_the_prompt_leave_the_pool(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    inplace = "@group(0) @binding(0) var<storage, read_write> v: array<f32>;\nfn inplace() { }\n"
    write_corpus([Example("tanh in place", inplace, "x")], b / FALLBACK_CORPUS)
    model = ("@group(0) @binding(0) var<storage, read> in_vals: array<f32>;\n"
             "@group(0) @binding(1) var<storage, read_write> out_vals: array<f32>;\nfn b() { }\n")
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: True), retries=0)
    scripted_decoder(g, [[(model, -0.1, True)]])
    g.tokenizer.decode_code = lambda ids: model
    g._reranker = FixedScores({"fn b": -3.0, "fn inplace": -1.0})
    # one input, one output: the in-place shader cannot be it (the prompt's own formula kept out of this test)
    out = g.generate("tanh `in_vals` -> `out_vals`", rerank_formula=False)
    assert out.code == model and g._reranker.pools == []
    scripted_decoder(g, [[(model, -0.1, True)]])
    off = g.generate("tanh `in_vals` -> `out_vals`", interface_check=False, rerank_formula=False)
    assert "fn inplace" in off.code and len(g._reranker.pools[-1]) == 2


def _pool_generator(bundle, tmp_path, corpus: Example, scores: dict) -> Generator:
    """A Generator over a copy of `bundle` with `corpus` as its one retrieval example and a FixedScores reranker."""
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    write_corpus([corpus], b / FALLBACK_CORPUS)
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: True), retries=0)
    g._reranker = FixedScores(scores)
    return g


def _answer(g: Generator, model: str, prompt: str, **overrides):
    """`g.generate(prompt, **overrides)` with the model scripted to write `model`."""
    scripted_decoder(g, [[(model, -0.1, True)]])
    g.tokenizer.decode_code = lambda ids: model
    return g.generate(prompt, **overrides)


def test_a_prompt_that_says_in_place_keeps_only_shaders_that_read_what_they_write(bundle, tmp_path):
    copy = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> out: array<f32>;\nfn copy() { out[i] = x[i] * 0.5; }\n")
    model = "@group(0) @binding(0) var<storage, read_write> v: array<f32>;\nfn inplace() { v[i] = v[i] * 0.5; }\n"
    g = _pool_generator(bundle, tmp_path, Example("halve x into out", copy, "x"), {"fn inplace": -3.0, "fn copy": -1.0})
    for prompt, want in [("halve the values in place", "fn inplace"), ("halve the values", "fn copy")]:
        assert want in _answer(g, model, prompt).code, prompt
    assert "fn copy" in _answer(g, model, "halve the values in place", interface_check=False).code


def test_an_in_place_answer_to_a_prompt_naming_an_output_competes_as_a_map_into_that_output(bundle, tmp_path):
    model = ("@group(0) @binding(0) var<storage, read_write> err: array<f32>;\n"
             "fn main() { if (i >= arrayLength(&err)) { return; } err[i] = abs(err[i]); }\n")
    g = _pool_generator(bundle, tmp_path, Example("unrelated", "fn corpus() { }", "x"),
                        {"abs_err[i] = abs(err[i])": -1.0, "fn main": -2.0, "fn corpus": -5.0})
    out = _answer(g, model, "take the absolute value of each entry of err into abs_err")
    assert "var<storage, read> err" in out.code and "read_write> abs_err" in out.code and out.source == "model"
    assert any(c.get("output_from_prompt") for c in out.candidates)
    for prompt in ("take the absolute value of each entry of err in place", "take the absolute value of err"):
        assert "abs_err" not in _answer(g, model, prompt).code, prompt  # in place, or no output named: not that name
    g._reranker = FixedScores({"out[i] = abs(err[i])": -1.0, "fn main": -2.0, "fn corpus": -5.0})
    out = _answer(g, model, "take the absolute value of err")  # no output named and no word of an update: `out`
    assert "var<storage, read> err" in out.code and "read_write> out" in out.code
    assert any(c.get("separate_output") and not c.get("output_from_prompt") for c in out.candidates)
    assert "read_write> out" not in _answer(g, model, "take the absolute value of err in place").code


def test_a_racy_member_leaves_the_pool_unless_it_is_the_only_one(bundle, tmp_path):
    good = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> total: array<f32>;\n"
            "@compute @workgroup_size(64)\nfn good() { if (t == 0u) { total[0] = x[0]; } }\n")
    racy = good.replace("fn good() { if (t == 0u) { total[0] = x[0]; } }", "fn racy() { total[0] = x[t]; }")
    g = _pool_generator(bundle, tmp_path, Example("sum x into total[0]", good, "x"), {"fn racy": -1.0, "fn good": -3.0})
    assert "fn good" in _answer(g, racy, "sum x into total[0]").code
    assert "fn racy" in _answer(g, racy, "sum x into total[0]", race_check=False).code


def test_a_prompt_that_names_no_parameter_prefers_a_shader_without_a_uniform(bundle, tmp_path):
    plain = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
             "@group(0) @binding(1) var<storage, read_write> out: array<f32>;\nfn plain() { out[i] = x[i] * 0.5; }\n")
    model = plain.replace("fn plain() { out[i] = x[i] * 0.5; }",
                          "struct P { k: f32, }\n@group(0) @binding(2) var<uniform> p: P;\nfn param() { out[i] = x[i] * p.k; }")
    g = _pool_generator(bundle, tmp_path, Example("halve x into out", plain, "x"), {"fn param": -1.0, "fn plain": -3.0})
    for prompt, want in [("halve the values", "fn plain"), ("multiply the values by the factor k", "fn param"),
                         ("multiply the values by a uniform", "fn param")]:
        assert want in _answer(g, model, prompt).code, prompt
    assert "fn param" in _answer(g, model, "halve the values", interface_check=False).code


def test_an_integer_answer_to_a_prompt_without_integer_words_competes_as_its_f32_twin(bundle, tmp_path):
    model = ("@group(0) @binding(0) var<storage, read> a: array<u32>;\n"
             "@group(0) @binding(1) var<storage, read_write> out: array<u32>;\nfn m() { out[i] = max(a[i], 2u); }\n")
    g = _pool_generator(bundle, tmp_path, Example("unrelated", "fn corpus() { }", "x"), {"fn m": -1.0, "fn corpus": -5.0})
    out = _answer(g, model, "keep the larger of a[i] and 2 for every index")
    assert "array<f32>" in out.code and "array<u32>" not in out.code and "max(a[i], 2.0)" in out.code
    assert any(c.get("as_float") for c in out.candidates)
    for prompt in ("keep the larger of the u32 a[i] and 2", "keep the larger of a[i] and 2 for every index"):
        kept = _answer(g, model, prompt, interface_check=prompt.startswith("keep the larger of the u32"))
        assert kept.code == model, prompt  # integers said, or no interface check: the answer as written


def test_on_pool_sees_every_member_before_the_filters_and_retrieval_scan_skips_duplicates(bundle, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(bundle, b)
    corpus = [Example(f"negate every element, take {k}", code, "x")
              for k, code in enumerate(["fn dup() { }", "fn dup() { }", "fn dup() { }", "fn other() { }"])]
    write_corpus(corpus, b / FALLBACK_CORPUS, per_code=3)
    g = Generator(model=str(b), validator=FakeValidator(lambda c, i: True), retries=0, rerank_retrieval=2)
    seen = []
    g.on_pool = lambda prompt, members: seen.append((prompt, members))
    for scan, want in [(1, {"fn b", "fn dup"}), (2, {"fn b", "fn dup", "fn other"})]:
        seen.clear()
        scripted_decoder(g, [[(B, -0.1, True)]])
        g._reranker = FixedScores({"fn b": -1.5, "fn dup": -2.0, "fn other": -2.0})
        g.generate("negate every element", retrieval_scan=scan)
        (prompt, members), = seen
        assert prompt == "negate every element"
        assert {m["code"].split("(")[0] for m in members} == want, scan  # the duplicates take no place
        assert [(m["source"], m["winner"], m["outside"]) for m in members][0] == ("model", True, False)
        assert all(m["source"] == "retrieval" and m["outside"] and not m["transcribed"] for m in members[1:])


def test_a_bound_in_words_adds_the_main_operation_asked_alone_and_bounded_twins(bundle):
    head = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n"
            "fn main() {\n    let i = 0u;\n")
    wrong = head + "    y[i] = clamp(x[i], 2.0, 1.0);\n}\n"  # the model garbles the two steps
    alone = head + "    y[i] = x[i] * 2.0;\n}\n"  # ... but answers the first step asked alone
    g = Generator(model=str(bundle), validator=FakeValidator(lambda c, i: True), retries=0, rerank_retrieval=0)
    calls = scripted_decoder(g, [[(wrong, -0.1, True)], [(alone, -0.2, True)]])
    table = {tuple(g.tokenizer.encode_code(c)): c for c in (wrong, alone)}
    g.tokenizer.decode_code = lambda ids: table[tuple(ids)]
    g._reranker = FixedScores({"clamp(x[i] * 2.0": -1.0, "clamp(clamp": -3.0, "clamp(x[i], 2.0": -2.0, "* 2.0;": -2.5})
    out = g.generate("double every x, then clip the result to [-1, 1]")
    assert len(calls) == 2  # the prompt, then "double every x" alone
    # "clip" in the words: the members that bound nothing (`alone` itself) leave the pool, their bounded twins stay
    assert g._reranker.pools[-1] == [wrong, wrong.replace("clamp(x[i], 2.0, 1.0)", "clamp(clamp(x[i], 2.0, 1.0), -1.0, 1.0)"),
                                     alone.replace("x[i] * 2.0", "clamp(x[i] * 2.0, -1.0, 1.0)")]
    assert "y[i] = clamp(x[i] * 2.0, -1.0, 1.0);" in out.code and out.reranked
    assert [c.get("bounded", False) for c in out.candidates if c.get("rerank") is not None] == [False, True, True]
    calls.clear()
    g._reranker = FixedScores({"clamp": -1.0, "*": -2.0})
    g.generate("double every x, then clip the result to [-1, 1]", rerank_steps=False)
    assert len(calls) == 1 and g._reranker.pools == []  # one decode, one member: nothing to rerank
    calls.clear()
    g.generate("double every x")  # no bound in the words: one decode
    assert len(calls) == 1


def test_no_second_step_when_the_models_answer_already_bounds_its_result(bundle):
    head = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n"
            "fn main() {\n    let i = 0u;\n")
    both = head + "    y[i] = clamp(x[i] * 2.0, -1.0, 1.0);\n}\n"
    g = Generator(model=str(bundle), validator=FakeValidator(lambda c, i: True), retries=0, rerank_retrieval=0)
    calls = scripted_decoder(g, [[(both, -0.1, True)], [(head + "    y[i] = x[i];\n}\n", -0.2, True)]])
    g.tokenizer.decode_code = lambda ids: both
    g._reranker = FixedScores({"clamp": -1.0})
    out = g.generate("double every x, then clip the result to [-1, 1]")
    assert len(calls) == 1 and out.code == both and g._reranker.pools == []


def test_a_declared_uniform_forces_a_decoding_after_its_struct_and_renames_fitting_members(bundle):
    """Seventeenth session: "uniform fields: lo (f32), hi (f32)" and no member with that struct: the model decodes
    once more after the struct (its tokens forced, the struct left open), and that answer joins the pool; members
    whose struct differs only in names are renamed; members without the declared fields leave the pool."""
    body = ("@group(0) @binding(0) var<storage, read> x: array<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> y: array<f32>;\n"
            "@group(0) @binding(2) var<uniform> params: Params;\nfn main() {\n    let i = 0u;\n")
    model = "struct Params {\n    k: f32,\n}\n\n" + body + "    y[i] = x[i] * params.k;\n}\n"
    forced = "struct Params {\n    lo: f32,\n    hi: f32,\n}\n\n" + body + "    y[i] = clamp(x[i], params.lo, params.hi);\n}\n"
    g = Generator(model=str(bundle), validator=FakeValidator(lambda c, i: True), retries=0, rerank_retrieval=0)
    calls = scripted_decoder(g, [[(model, -0.1, True)], [(forced, -0.3, True)]])
    table = {tuple(g.tokenizer.encode_code(c)): c for c in (model, forced)}
    g.tokenizer.decode_code = lambda ids: table[tuple(ids)]
    g._reranker = FixedScores({"params.k": -1.0, "clamp(x[i], params.lo": -2.0})
    prompt = "clamp x into y. uniform fields: lo (f32), hi (f32)."
    out = g.generate(prompt)
    assert len(calls) == 2 and calls[0]["prefix"] == []
    assert calls[1]["prefix"] == g.tokenizer.encode_codes(["struct Params {\n    lo: f32,\n    hi: f32,\n"])[0]
    # the model's `k` struct has one field: not renamed; without the declared fields it leaves the pool, and the
    # forced answer, alone, needs no scores
    assert out.code == forced and g._reranker.pools == []
    assert [c.get("source") for c in out.candidates if c.get("source") == "declared"] == ["declared"]
    calls.clear()
    g.generate(prompt, rerank_declared=False)
    assert len(calls) == 1  # off: one decoding
    calls.clear()
    one = "clamp x into y from below. uniform fields: floor_v (f32)."
    got = g.generate(one)  # the model's one-field struct fits but for its name: renamed in its place, no decoding
    assert len(calls) == 1
    assert "floor_v: f32," in got.code and "params.floor_v" in got.code and "params.k" not in got.code
