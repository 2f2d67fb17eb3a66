"""Bundling a run for shipping (fp16 weights, tokenizer, config, meta; best vs final checkpoint) and
the reviewer direction of the training data (shader -> description)."""
from __future__ import annotations

import json

import pytest
from safetensors.torch import load_file

from test_inference_support import tiny_model, tokenizer, write_checkpoint
from tiny_agent_trainer.errors import UserError
from tiny_agent_trainer.training.bundle import main, make_bundle


@pytest.fixture()
def run(tmp_path):
    tok = tokenizer()
    d = tmp_path / "run"
    write_checkpoint(d / "step-0000010", tok, tiny_model(tok, seed=1))
    write_checkpoint(d / "step-0000020", tok, tiny_model(tok, seed=2))
    (d / "best").write_text("step-0000010\n")
    (d / "latest").write_text("step-0000020\n")
    return d


def test_best_by_default_latest_on_request(run, tmp_path):
    best = make_bundle(run, tmp_path / "b1")
    last = make_bundle(run, tmp_path / "b2", which="latest")
    assert json.loads((best / "meta.json").read_text())["source_checkpoint"] == "step-0000010"
    assert json.loads((last / "meta.json").read_text())["source_checkpoint"] == "step-0000020"
    w_best, w_last = load_file(str(best / "model.safetensors")), load_file(str(last / "model.safetensors"))
    src = load_file(str(run / "step-0000020" / "model.safetensors"))
    assert all(v.dtype.is_floating_point and v.itemsize == 2 for v in w_last.values())
    assert all((w_last[k].float() - src[k].float()).abs().max() < 1e-2 for k in src)
    assert any((w_best[k] != w_last[k]).any() for k in src)
    assert {p.name for p in last.iterdir()} == {"model.safetensors", "tokenizer.json", "config.toml", "meta.json"}


def test_cli_and_missing_checkpoint(run, tmp_path, capsys):
    assert main([str(run), str(tmp_path / "b"), "--which", "latest"]) == 0
    assert "bundle written" in capsys.readouterr().out
    with pytest.raises(UserError, match="no checkpoint"):
        make_bundle(tmp_path / "nothing-here", tmp_path / "b3")


def test_reviewer_direction_swaps_source_and_target():
    from tiny_agent_trainer.training.data import encode_examples

    tok = tokenizer()
    recs = [{"prompt": "negate every element of x", "reference": "fn main() { out[0] = -x[0]; }"}]
    (fwd,), _ = encode_examples(recs, tok, 48, 96)
    (rev,), _ = encode_examples(recs, tok, 48, 96, reverse=True)
    p, c = tok.encode_prompt(recs[0]["prompt"]), tok.encode_code(recs[0]["reference"])
    assert fwd.src.tolist() == p and fwd.tgt.tolist() == [tok.bos_id] + c + [tok.eos_id]
    assert rev.src.tolist() == c and rev.tgt.tolist() == [tok.bos_id] + p + [tok.eos_id]
    _, dropped = encode_examples(recs, tok, 48, len(p) - 1, reverse=True)  # description too long: dropped
    assert dropped == 1
