"""ONNX export: files and meta, onnxruntime vs PyTorch (dynamic shapes, copy head on/off), ONNX greedy
equals the PyTorch `Decoder` greedy, and the command's user errors."""
from __future__ import annotations

import json

import pytest
import torch

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from tiny_agent_trainer import cli, export  # noqa: E402
from tiny_agent_trainer.errors import UserError  # noqa: E402
from tiny_agent_trainer.inference.decoding import DecodeConfig, Decoder  # noqa: E402
from tiny_agent_trainer.model import ModelShape, Seq2Seq  # noqa: E402
from tiny_agent_trainer.tokenizer import WgslTokenizer  # noqa: E402
from test_inference_support import one_thread  # noqa: E402, F401

PROMPTS = ["Add the arrays a and b element by element.", "Scale x by 2.5 into out.",
           "Count values below 16 in x.", "Sum 64 values with one workgroup."]
CODES = ["@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) "
         "{ out[gid.x] = a[gid.x] + b[gid.x]; }",
         "@group(0) @binding(0) var<storage, read> x: array<f32>; let i = gid.x; out[i] = x[i] * 2.5;",
         "atomicAdd(&hist[x[i] & 15u], 1u); workgroupBarrier(); if (i >= arrayLength(&x)) { return; }"]


pytestmark = pytest.mark.usefixtures("one_thread")  # the shared fixture of test_inference_support


@pytest.fixture(scope="module")
def tok():
    return WgslTokenizer.train(PROMPTS, CODES, vocab_size=200, min_frequency=1)


def tiny(tok, copy_attention=True, seed=0, **kw) -> Seq2Seq:
    torch.manual_seed(seed)
    shape = dict(d_model=32, nhead=4, num_layers=2, num_encoder_layers=2, dim_feedforward=64, dropout=0.0,
                 max_seq_len=40, max_prompt_len=24)
    shape.update(kw)
    return Seq2Seq(ModelShape(vocab_size=tok.vocab_size, pad_id=tok.pad_id, copy_attention=copy_attention,
                              **shape)).eval()


@pytest.fixture(scope="module")
def exported(tok, tmp_path_factory):
    model = tiny(tok)
    out = tmp_path_factory.mktemp("onnx")
    res = export.export_model(model, tok, out, model_id="tiny")
    return model, out, res


def test_export_writes_graphs_tokenizer_and_meta(tok, exported):
    model, out, res = exported
    for name in ("encoder.onnx", "decoder_step.onnx", "tokenizer.json", "meta.json"):
        assert (out / name).is_file(), name
    meta = json.loads((out / "meta.json").read_text())
    assert (meta["pad_id"], meta["bos_id"], meta["eos_id"]) == (tok.pad_id, tok.bos_id, tok.eos_id)
    assert meta["max_prompt_len"] == 24 and meta["max_seq_len"] == 40 and meta["opset"] == 17
    assert meta["model_id"] == "tiny" and meta["decoder"]["kv_cache"] is False
    assert WgslTokenizer.load(out / "tokenizer.json").vocab_size == tok.vocab_size
    print(f"ONNX vs torch max abs diff: {res.max_abs_diff:.3g}")
    assert 0 <= res.max_abs_diff <= 1e-3 and meta["verified_max_abs_diff"] == res.max_abs_diff


@pytest.mark.parametrize("copy_attention", [True, False])
def test_onnx_matches_torch_on_new_shapes(tok, tmp_path, copy_attention):
    model = tiny(tok, copy_attention=copy_attention, seed=3)
    res = export.export_model(model, tok, tmp_path, verify=False)
    assert res.max_abs_diff != res.max_abs_diff  # NaN: not verified
    diff = export.verify_export(model, tmp_path, trials=4)  # batch 1..3, lengths unlike the export's example
    assert diff <= 1e-3
    import onnxruntime as ort

    dec = ort.InferenceSession(str(tmp_path / "decoder_step.onnx"), providers=["CPUExecutionProvider"])
    src = torch.tensor([tok.encode_prompt(PROMPTS[0])])
    pad = torch.zeros_like(src, dtype=torch.bool)
    tgt = torch.tensor([[tok.bos_id] + tok.encode_code(CODES[0])[:20]])
    with torch.no_grad():
        mem = model.encode(src, pad)
        want = model(src, pad, tgt)[:, -1]
    got = dec.run(None, {"tgt": tgt.numpy(), "memory": mem.numpy(), "src_pad": pad.numpy()})[0]
    assert got.shape == (1, tok.vocab_size)
    assert float((torch.from_numpy(got) - want).abs().max()) <= 1e-3


def test_verify_fails_when_the_graphs_disagree(tok, tmp_path):
    model = tiny(tok)
    export.export_model(model, tok, tmp_path, verify=False)
    with torch.no_grad():
        model.dec_norm.bias.add_(0.5)  # PyTorch changes after export
    with pytest.raises(export.ExportError, match="disagree"):
        export.verify_export(model, tmp_path)


@pytest.mark.parametrize("copy_attention", [True, False])
def test_onnx_greedy_equals_torch_greedy(tok, tmp_path, copy_attention):
    model = tiny(tok, copy_attention=copy_attention, seed=1)
    with torch.no_grad():  # make EOS likely after a few tokens, so some outputs finish early
        model.embed.weight[tok.eos_id] *= 3.0
    export.export_model(model, tok, tmp_path)
    dec = Decoder(model, bos_id=tok.bos_id, eos_id=tok.eos_id, pad_id=tok.pad_id)
    lengths = set()
    for prompt in PROMPTS + [""]:
        ids = tok.encode_prompt(prompt) if prompt else []
        for max_new in (5, 60):  # 60 > max_seq_len: both cap at 40
            want = dec.generate([ids], DecodeConfig(strategy="greedy", max_new_tokens=max_new))[0][0].tokens
            got = export.onnx_greedy(tmp_path, ids, max_new)
            assert got == want, (prompt, max_new)
            assert len(got) <= min(max_new, 40)
            lengths.add(len(got))
    assert len(lengths) > 1


def test_opset_and_model_errors(tok, tmp_path, monkeypatch):
    with pytest.raises(UserError, match="opset"):
        export.export_model(tiny(tok), tok, tmp_path, opset=13)
    with pytest.raises(UserError, match="not a neural checkpoint"):
        export.export_checkpoint("template", tmp_path)
    with pytest.raises(UserError, match="not an exported model"):
        export.onnx_greedy(tmp_path / "nowhere", [1, 2], 3)


def test_cli_export_of_a_checkpoint(tok, tmp_path, capsys):
    from test_inference_support import write_checkpoint

    ckpt = write_checkpoint(tmp_path / "ckpt", tok, tiny(tok, copy_attention=True))
    rc = cli.main(["export", "--model", str(ckpt), "--out", str(tmp_path / "out"), "--opset", "17"])
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    assert "max abs diff" in cap.err and "decoder_step.onnx" in cap.out
    assert json.loads((tmp_path / "out" / "meta.json").read_text())["model_id"] == "tiny-test"


def test_cli_export_without_a_bundled_default(tmp_path, monkeypatch, capsys):
    from tiny_agent_trainer.inference import loading

    monkeypatch.setattr(loading, "BUNDLED_ROOT", tmp_path / "no-bundle")
    rc = cli.main(["export", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and "bundled default model is not installed" in err
