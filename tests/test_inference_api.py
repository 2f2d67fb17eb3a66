"""Generator API, validity-aware selection/repair (with fake validators), loading errors and the CLI."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

from test_inference_support import SHADERS, one_thread, tiny_model, tokenizer, write_checkpoint  # noqa: F401
from tiny_agent_trainer.commands import generate as gen_cmd
from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.inference import api, loading
from tiny_agent_trainer.inference.api import Generation, Generator

ROOT = Path(__file__).resolve().parents[1]
HAS_CLI = (ROOT / "src" / "tiny_agent_trainer" / "cli.py").is_file()


@dataclass
class Result:
    ok: bool
    diagnostics: list = field(default_factory=list)
    workgroup_size: tuple | None = None


class FakeValidator:
    """Declares a code valid iff `accept(code, call_index)`; records every call."""

    def __init__(self, accept):
        self.accept, self.calls = accept, []

    def __call__(self, code: str):
        self.calls.append(code)
        if self.accept(code, len(self.calls) - 1):
            return Result(True, [], (64, 1, 1))
        return Result(False, [{"line": 2, "column": 1, "message": "fake error", "rendered": "error: fake error"}])


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory, one_thread):  # noqa: F811
    tok = tokenizer()
    return write_checkpoint(tmp_path_factory.mktemp("ckpt") / "step-0000001", tok,
                            tiny_model(tok, seed=7, peaky=False, max_seq_len=40), fp16=True)


def make(ckpt, accept, **opts) -> tuple[Generator, FakeValidator]:
    v = FakeValidator(accept)
    return Generator(model=str(ckpt), validator=v, **opts), v


def test_loads_fp16_checkpoint_as_fp32(ckpt):
    g, _ = make(ckpt, lambda c, i: True)
    params = list(g.loaded.model.parameters())
    assert all(p.dtype == torch.float32 for p in params)
    assert g.id == "tiny-test" and not g.loaded.model.training


def test_never_ok_when_every_candidate_is_invalid(ckpt):
    g, v = make(ckpt, lambda c, i: False, beams=3, retries=2)
    out = g.generate(SHADERS[0][0])
    assert out.ok is False and "no valid shader" in out.message
    assert out.diagnostics and out.n_candidates == len(v.calls) + sum(not c["finished"] for c in out.candidates)
    assert set(out.timings) >= {"encode", "decode", "validate", "total"}
    d = out.to_dict()
    assert d["ok"] is False and json.dumps(d)


def scripted_decoder(g, rounds):
    """Replace the decoder with one that returns the given hypothesis lists, one per call; records calls."""
    from tiny_agent_trainer.inference.decoding import Hypothesis

    tok, calls = g.tokenizer, []

    def fake(prompts, cfg, constraint=None, prefix=(), ban_first=()):
        calls.append({"strategy": cfg.strategy, "prefix": list(prefix), "ban": list(ban_first)})
        spec = rounds[min(len(calls) - 1, len(rounds) - 1)]
        return [[Hypothesis(tok.encode_code(code), score, score, fin) for code, score, fin in spec]]

    g.decoder.generate = fake
    g.decoder.timings = {"encode": 0.0, "decode": 0.0}
    return calls


A = "fn a() { }"
B = "fn b() { }"
C = "fn c() { }"
D = "fn d() { }"


def test_best_scoring_valid_candidate_wins(ckpt):
    g, v = make(ckpt, lambda c, i: "fn b" in c or "fn c" in c, retries=0)
    scripted_decoder(g, [[(C, -3.0, True), (A, -1.0, True), (D, -0.5, False), (B, -2.0, True)]])
    out = g.generate("anything")
    assert out.ok and "fn b" in out.code and out.score == -2.0 and not out.repaired
    assert [("fn a" in c, "fn b" in c) for c in v.calls] == [(True, False), (False, True)]  # D unfinished: skipped
    assert out.n_candidates == 2 and [c["ok"] for c in out.candidates] == [False, True]  # stops at the first valid


def test_repair_bans_the_token_at_the_error_line_then_samples(ckpt):
    g, v = make(ckpt, lambda c, i: "fn d" in c, retries=2)
    code_a = SHADERS[0][1]
    calls = scripted_decoder(g, [[(code_a, -1.0, True)], [(A, -2.0, True)], [(D, -5.0, True)]])
    out = g.generate("anything")
    assert out.ok and out.repaired and "fn d" in out.code
    ids = g.tokenizer.encode_code(code_a)
    # the fake validator reports line 2; the first token of line 2 of the formatted code is `@`
    j = calls[1]["prefix"]
    assert calls[1]["strategy"] == "beam" and ids[: len(j)] == j and calls[1]["ban"] == [ids[len(j)]]
    assert g.tokenizer.decode_code(ids).splitlines()[1].startswith(g.tokenizer.decode_texts([ids[len(j)]])[0])
    assert calls[2]["strategy"] == "sample"


def test_repair_budget_is_bounded(ckpt):
    g, v = make(ckpt, lambda c, i: False, retries=2)
    calls = scripted_decoder(g, [[(A, -1.0, True)], [(B, -1.0, True)], [(C, -1.0, True)], [(D, -1.0, True)]])
    out = g.generate("anything")
    assert not out.ok and out.code.startswith("fn a") and "fn a" in out.code
    assert len(calls) <= 1 + 2 * 2 and out.n_candidates == 4


def test_ok_code_is_exactly_what_the_validator_approved(ckpt):
    approved = []

    def accept(code, i):
        good = "(" in code and i % 2 == 1
        if good:
            approved.append(code)
        return good

    for sample in (False, True):
        g, v = make(ckpt, accept, beams=3, sample=sample, seed=1, retries=2, max_new_tokens=30)
        for p, _ in SHADERS:
            out = g.generate(p)
            assert out.ok == (out.code in approved)
            if not out.ok:
                assert out.message


def test_error_token_maps_naga_line_to_piece(ckpt):
    g, _ = make(ckpt, lambda c, i: True)
    tok = g.tokenizer
    ids = tok.encode_code(SHADERS[0][1])
    from tiny_agent_trainer.inference.decoding import Hypothesis

    h = Hypothesis(ids, 0.0, 0.0, True)
    code = tok.decode_code(ids)
    lines = code.splitlines()
    n = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("let"))
    j = g._error_token(h, code, [{"line": n}])
    assert tok.pieces[ids[j]] == "\u2581let"


def test_generate_many_is_deterministic_and_sized(ckpt):
    g, _ = make(ckpt, lambda c, i: True, max_new_tokens=20)
    a = g.generate_many(SHADERS[0][0], 3, seed=5)
    b = g.generate_many(SHADERS[0][0], 3, seed=5)
    assert a == b and len(a) == 3 and all(isinstance(x, str) for x in a)
    assert g.generate_many(SHADERS[0][0], 0, seed=5) == []


def test_generate_batch_matches_single(ckpt):
    g, _ = make(ckpt, lambda c, i: "(" in c, beams=1, retries=0, max_new_tokens=20)
    prompts = [p for p, _ in SHADERS[:3]]
    batch = g.generate_batch(prompts)
    for p, b in zip(prompts, batch):
        s = g.generate(p)
        assert (s.code, s.ok, s.tokens) == (b.code, b.ok, b.tokens)


def test_constrained_generation_is_reported_honestly(ckpt):
    g, v = make(ckpt, lambda c, i: True, beams=2, constrained=True, max_new_tokens=30, retries=0)
    out = g.generate(SHADERS[0][0])
    from tiny_agent_trainer.inference.grammar import accepts_code

    for c in v.calls:  # only finished (hence grammatical) candidates reach the validator
        assert accepts_code(c)
    if not v.calls:
        assert not out.ok and "without finishing" in out.diagnostics[0]["message"]


def test_prompt_limits(ckpt):
    g, _ = make(ckpt, lambda c, i: True, max_new_tokens=5, retries=0)
    with pytest.raises(UserError, match="empty"):
        g.generate("   ")
    with pytest.raises(UserError, match="characters"):
        g.generate("x" * 20_001)
    long = " ".join(["alpha"] * 200)
    out = g.generate(long)
    assert any("truncated" in w for w in out.warnings)


def test_unknown_model_lists_names():
    with pytest.raises(UserError) as e:
        Generator(model="no-such-model")
    assert "template" in str(e.value) and "default" in str(e.value)


def test_missing_default_model_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setattr(loading, "BUNDLED_ROOT", tmp_path / "bundled")
    with pytest.raises(UserError) as e:
        Generator()
    assert "--model template" in str(e.value) and "train" in str(e.value)


def test_checkpoint_without_tokenizer(ckpt, tmp_path):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(ckpt, bad)
    (bad / "tokenizer.json").unlink()
    with pytest.raises(UserError, match="tokenizer"):
        Generator(model=str(bad))


def test_run_dir_resolves_latest(ckpt):
    (ckpt.parent / "latest").write_text(ckpt.name + "\n")
    assert loading.resolve_model(str(ckpt.parent)) == ckpt


def test_template_model_delegates(monkeypatch):
    import types

    fake = types.ModuleType("tiny_agent_trainer.templates")
    fake.match_template = lambda prompt: ("@compute @workgroup_size(1) fn main() {}" if "mix" in prompt else None)
    monkeypatch.setitem(sys.modules, "tiny_agent_trainer.templates", fake)
    g = Generator(model="template", validator=FakeValidator(lambda c, i: True))
    ok = g.generate("mix two colour tensors")
    assert ok.ok and ok.model == "template" and "fn main" in ok.code
    miss = g.generate("sort the array")
    assert not miss.ok and "no built-in template" in miss.message
    assert g.generate_many("mix them", 2, 0) == [ok.code] * 2


def test_module_level_generate_caches(monkeypatch, ckpt):
    monkeypatch.setattr(api, "_default_validator", FakeValidator(lambda c, i: True))
    api._CACHE.clear()
    a = api.generate(SHADERS[0][0], model=str(ckpt), beams=1, max_new_tokens=5)
    b = api.generate(SHADERS[0][0], model=str(ckpt), beams=1, max_new_tokens=5)
    assert isinstance(a, Generation) and a.code == b.code and len(api._CACHE) == 1
    api._CACHE.clear()


# -- CLI ----------------------------------------------------------------------------------------------
def parse(argv):
    p = argparse.ArgumentParser()
    gen_cmd.register(p.add_subparsers())
    return p.parse_args(["generate", *argv])


def test_cli_in_process(ckpt, monkeypatch, capsys):
    monkeypatch.setattr(api, "_default_validator", FakeValidator(lambda c, i: True))
    args = parse(["--prompt", SHADERS[0][0], "--model", str(ckpt), "--beams", "2", "--max-new-tokens", "12", "--json"])
    assert args.func is gen_cmd.run
    rc = gen_cmd.run(args)
    out = json.loads(capsys.readouterr().out)
    assert rc == (0 if out["ok"] else 1)
    assert set(out) >= {"code", "ok", "diagnostics", "score", "tokens", "timings", "model", "candidates"}

    monkeypatch.setattr(api, "_default_validator", FakeValidator(lambda c, i: False))
    rc = gen_cmd.run(parse(["--prompt", SHADERS[0][0], "--model", str(ckpt), "--max-new-tokens", "8",
                            "--retries", "0"]))
    cap = capsys.readouterr()
    assert rc == 1 and cap.out == "" and "invalid" in cap.err


def test_cli_user_errors_in_process(ckpt):
    for argv, msg in ((["--prompt", "  "], "empty"), (["--prompt", "x" * 20_001], "characters"),
                      (["--prompt", "add", "--model", "nope"], "known names"),
                      (["--prompt", "add", "--beams", "0"], "beams"),
                      (["--prompt", "add", "--sample", "--top-p", "2"], "top-p")):
        with pytest.raises(UserError, match=msg):
            gen_cmd.run(parse(argv))


@pytest.mark.skipif(not HAS_CLI, reason="cli.py not written yet")
@pytest.mark.parametrize("argv,needle", [(["--prompt", ""], "empty"), (["--prompt", "add", "--model", "nope"], "template")])
def test_cli_user_errors_exit_2(argv, needle):
    proc = subprocess.run([sys.executable, "-m", "tiny_agent_trainer", "generate", *argv], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_checkpoint_without_copy_head_loads(tmp_path):
    """Checkpoints trained before the copy head existed load with copy_attention off (inferred from the weights)."""
    tok = tokenizer()
    model = tiny_model(tok, seed=2, peaky=False, copy_attention=False)
    p = write_checkpoint(tmp_path / "old", tok, model)
    g = Generator(model=str(p), validator=FakeValidator(lambda c, i: True), max_new_tokens=5, beams=1)
    assert g.loaded.model.shape.copy_attention is False and g.decoder.fast is not None
    assert isinstance(g.generate(SHADERS[0][0]).code, str)


def test_retrieval_fallback_only_when_the_model_fails_and_the_bundle_has_a_corpus(ckpt, tmp_path):
    import shutil

    from tiny_agent_trainer.inference.baselines import FALLBACK_CORPUS, Example, write_corpus

    bundle = tmp_path / "bundle"
    shutil.copytree(ckpt, bundle)
    write_corpus([Example("negate every element of the array", "fn from_corpus() { }", "x")], bundle / FALLBACK_CORPUS)
    v = FakeValidator(lambda c, i: "from_corpus" in c)  # only the corpus shader is "valid"
    g = Generator(model=str(bundle), validator=v, retries=0)
    out = g.generate("negate every element")
    assert out.ok and out.source == "retrieval" and out.code == "fn from_corpus() { }"
    assert any("retrieval fallback" in w for w in out.warnings)
    off = g.generate("negate every element", fallback=False)
    assert not off.ok and off.source == "model"
    g2 = Generator(model=str(ckpt), validator=v, retries=0)  # no corpus in this checkpoint: no fallback
    assert not g2.generate("negate every element").ok
